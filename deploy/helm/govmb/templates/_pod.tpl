{{/* What every pod of the chart shares. Each takes {root, traits, settings}. */}}

{{/* The environment beyond the ConfigMap: the key files' paths, the secrets, the component's own settings. */}}
{{- define "govmb.env" -}}
{{- $root := .root -}}
{{- $files := include "govmb.keyFiles" $root | fromYaml -}}
{{- range $name, $_ := include "govmb.keysOf" .traits | fromYaml }}
- name: {{ (index $files $name).variable }}
  value: /run/secrets/govmb/{{ (index $files $name).file }}
{{- end }}
{{- $secretKeys := list "AMQP_URL" "REGISTRY_DATABASE_URL" "PUBLISHING_DATABASE_URL" "INQUIRY_DATABASE_URL" "ASSESSMENT_DATABASE_URL" "RATELIMIT_STORAGE_URI" "REVOCATION_STORE_URI" "METRICS_TOKEN" -}}
{{- if .traits.client }}{{ $secretKeys = append $secretKeys "WEB_CLIENT_SECRET" }}{{ end -}}
{{- if .traits.cookie }}{{ $secretKeys = append $secretKeys "WEB_COOKIE_SECRET" }}{{ end -}}
{{- range $secretKeys }}
- name: {{ . }}
  valueFrom:
    secretKeyRef: {name: {{ include "govmb.envSecret" $root }}, key: {{ . }}}
{{- end }}
{{- if eq .traits.kind "job" }}
{{- range $name, $_ := include "govmb.migrationSecretKeys" $root | fromYaml }}
- name: {{ $name }}
  valueFrom:
    secretKeyRef: {name: {{ include "govmb.migrationSecret" $root }}, key: {{ $name }}}
{{- end }}
{{- end }}
{{- if eq .traits.kind "worker" }}
- name: WORKER_METRICS_PORT
  value: {{ ternary $root.Values.workerMetrics.port 0 $root.Values.workerMetrics.enabled | quote }}
{{- end }}
{{- $secretNames := include "govmb.envSecretKeys" $root | fromYaml -}}
{{- range $name, $value := .settings.env }}
{{- if hasKey $secretNames $name }}{{ fail (printf "components' env.%s is a secret: give it in secrets.values or secrets.existingSecret" $name) }}{{ end }}
- name: {{ $name }}
  value: {{ $value | toString | quote }}
{{- end }}
{{- end -}}

{{/* The volumes: the key files this process may hold (one projected volume), /tmp and the metrics directory. */}}
{{- define "govmb.volumes" -}}
{{- $root := .root -}}
{{- $files := include "govmb.keyFiles" $root | fromYaml -}}
- name: keys
  projected:
    defaultMode: 0440
    sources:
      {{- range $name, $_ := include "govmb.keysOf" .traits | fromYaml }}
      - secret:
          name: {{ include "govmb.keySecret" (dict "root" $root "name" $name) }}
          items:
            - key: {{ (index $root.Values.keys $name).key }}
              path: {{ (index $files $name).file }}
      {{- end }}
- name: tmp
  emptyDir: {sizeLimit: 256Mi}
- name: metrics
  emptyDir: {medium: Memory, sizeLimit: 64Mi}
{{- with .settings.extraVolumes }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "govmb.volumeMounts" -}}
- {name: keys, mountPath: /run/secrets/govmb, readOnly: true}
- {name: tmp, mountPath: /tmp}
- {name: metrics, mountPath: /tmp/metrics}
{{- with .settings.extraVolumeMounts }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* The pod's fields besides its containers. */}}
{{- define "govmb.podCommon" -}}
{{- $root := .root -}}
automountServiceAccountToken: false  # no process of ours talks to the Kubernetes API
enableServiceLinks: false  # no FOO_SERVICE_HOST variables beside our own configuration
securityContext:
  {{- toYaml $root.Values.podSecurityContext | nindent 2 }}
terminationGracePeriodSeconds: {{ $root.Values.terminationGracePeriodSeconds }}
{{- with $root.Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .settings.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .settings.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .settings.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .settings.topologySpreadConstraints }}
topologySpreadConstraints:
  {{- toYaml . | nindent 2 }}
{{- end }}
volumes:
  {{- include "govmb.volumes" . | nindent 2 }}
{{- end -}}

{{/* The container's fields besides its name, command, ports and probes. */}}
{{- define "govmb.containerCommon" -}}
{{- $root := .root -}}
image: {{ include "govmb.image" $root }}
imagePullPolicy: {{ $root.Values.image.pullPolicy }}
envFrom:
  - configMapRef: {name: {{ include "govmb.fullname" $root }}-config}
env:
  {{- include "govmb.env" . | nindent 2 }}
volumeMounts:
  {{- include "govmb.volumeMounts" . | nindent 2 }}
securityContext:
  {{- toYaml $root.Values.securityContext | nindent 2 }}
resources:
  {{- toYaml .settings.resources | nindent 2 }}
{{- end -}}
