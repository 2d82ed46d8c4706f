{{/* The release's name for every object: <release>, or <release>-govmb when the release's name lacks it. */}}
{{- define "govmb.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "govmb.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: govmb
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* The pods of one component: {root, name}. */}}
{{- define "govmb.selector" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .name }}
{{- end -}}

{{/* Every pod of the release. */}}
{{- define "govmb.releaseSelector" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/*
The processes, as docker-compose.yml runs them (the same image, command and environment), and
which secrets each holds; kept here rather than in values so that no values file can hand the
signing key or the cookie secret to a process that must not have it.
  signs: TOKEN_SIGNING_KEY_FILE    personal: PERSONAL_DATA_KEY_FILE    audit: AUDIT_CHAIN_KEY_FILE
  client: WEB_CLIENT_SECRET        cookie: WEB_COOKIE_SECRET
*/}}
{{- define "govmb.components" -}}
registry: {kind: api, app: "services.registry.app:create_app()", signs: true, personal: true, audit: true, client: true}
registry-worker: {kind: worker, module: services.registry.worker, signs: true, personal: true, audit: true, client: true}
publishing: {kind: api, app: "services.publishing.app:create_app()", personal: true, audit: true}
publishing-worker: {kind: worker, module: services.publishing.worker, personal: true, audit: true}
inquiry: {kind: api, app: "services.inquiry.app:create_app()", personal: true, audit: true}
inquiry-worker: {kind: worker, module: services.inquiry.worker, personal: true, audit: true}
assessment: {kind: api, app: "services.assessment.app:create_app()", audit: true}
assessment-worker: {kind: worker, module: services.assessment.worker, audit: true}
web: {kind: api, app: "web.app:create_app()", client: true, cookie: true}
{{- end -}}

{{/* A component's settings: `api` or `worker`, then components.<name> over them. {root, name, kind} */}}
{{- define "govmb.settings" -}}
{{- $base := deepCopy (index .root.Values .kind) -}}
{{- $own := deepCopy (index .root.Values.components .name | default dict) -}}
{{- mergeOverwrite $base $own | toYaml -}}
{{- end -}}

{{- define "govmb.image" -}}
{{- $repo := required "image.repository is required: where the image built from the repository's Dockerfile is pushed" .Values.image.repository -}}
{{- $tag := required "image.tag is required: the release's image tag (not latest)" .Values.image.tag -}}
{{- if eq $tag "latest" }}{{ fail "image.tag must name a release, not latest: every pod must run the same code" }}{{ end -}}
{{- printf "%s:%s" $repo $tag -}}
{{- end -}}

{{/* The Secret names: the operator's own, or the chart's. */}}
{{- define "govmb.envSecret" -}}
{{- .Values.secrets.existingSecret | default (printf "%s-env" (include "govmb.fullname" .)) -}}
{{- end -}}
{{- define "govmb.migrationSecret" -}}
{{- .Values.migration.existingSecret | default (printf "%s-migration" (include "govmb.fullname" .)) -}}
{{- end -}}
{{/* {root, name: tokenPublic…} */}}
{{- define "govmb.keySecret" -}}
{{- $key := index .root.Values.keys .name -}}
{{- $key.existingSecret | default (printf "%s-%s" (include "govmb.fullname" .root) (.name | kebabcase)) -}}
{{- end -}}

{{/* The environment variables each kind of Secret holds, and what each must be. */}}
{{- define "govmb.envSecretKeys" -}}
AMQP_URL: "RabbitMQ's URL, amqp://user:password@host:5672/%2F"
REGISTRY_DATABASE_URL: "the registry's application role, postgresql://registry_app:password@host:5432/govmb_registry"
PUBLISHING_DATABASE_URL: "publishing's application role, postgresql://publishing_app:password@host:5432/govmb_publishing"
INQUIRY_DATABASE_URL: "inquiry's application role, postgresql://inquiry_app:password@host:5432/govmb_inquiry"
ASSESSMENT_DATABASE_URL: "assessment's application role, postgresql://assessment_app:password@host:5432/govmb_assessment"
RATELIMIT_STORAGE_URI: "the Redis of the sign-in limits, redis://host:6379/0"
REVOCATION_STORE_URI: "the Redis of ended sessions, redis://host:6379/1"
METRICS_TOKEN: "Prometheus's bearer token, at least 32 random characters"
WEB_CLIENT_SECRET: "what the web app shows the registry, at least 32 random characters"
WEB_COOKIE_SECRET: "the web app's session cookie key, at least 32 random characters"
{{- end -}}
{{- define "govmb.migrationSecretKeys" -}}
POSTGRES_SUPERUSER_URL: "PostgreSQL's superuser, postgresql://postgres:password@host:5432/postgres"
REGISTRY_MIGRATION_DATABASE_URL: "the registry database's owner, postgresql://registry_owner:password@host:5432/govmb_registry"
PUBLISHING_MIGRATION_DATABASE_URL: "publishing's owner, postgresql://publishing_owner:password@host:5432/govmb_publishing"
INQUIRY_MIGRATION_DATABASE_URL: "inquiry's owner, postgresql://inquiry_owner:password@host:5432/govmb_inquiry"
ASSESSMENT_MIGRATION_DATABASE_URL: "assessment's owner, postgresql://assessment_owner:password@host:5432/govmb_assessment"
{{- end -}}

{{/* The key files: the file each one becomes under /run/secrets/govmb, and its variable. */}}
{{- define "govmb.keyFiles" -}}
tokenPublic: {variable: TOKEN_PUBLIC_KEYS_FILE, file: token-public.pem}
tokenSigning: {variable: TOKEN_SIGNING_KEY_FILE, file: token-signing.pem}
personalData: {variable: PERSONAL_DATA_KEY_FILE, file: personal-data.keys}
auditChain: {variable: AUDIT_CHAIN_KEY_FILE, file: audit-chain.keys}
{{- end -}}

{{/* The key files a process holds, in order: {tokenPublic: true, …} from its traits. */}}
{{- define "govmb.keysOf" -}}
tokenPublic: true
{{- if .signs }}
tokenSigning: true
{{- end }}
{{- if .personal }}
personalData: true
{{- end }}
{{- if .audit }}
auditChain: true
{{- end }}
{{- end -}}

{{/* Hook annotations for what the migration job reads, made before it on install and upgrade. */}}
{{- define "govmb.hookFirst" -}}
helm.sh/hook: pre-install,pre-upgrade
helm.sh/hook-weight: "-10"
{{- end -}}

{{/* The settings (ConfigMap, chart-made Secrets): before the job, and put back by a rollback (which runs no migration). */}}
{{- define "govmb.hookSettings" -}}
helm.sh/hook: pre-install,pre-upgrade,pre-rollback
helm.sh/hook-weight: "-10"
{{- end -}}
