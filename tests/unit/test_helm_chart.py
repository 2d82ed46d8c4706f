"""deploy/helm/govmb, the platform on Kubernetes, rendered and checked without a cluster.

The chart is rendered by Helm's own template engine (helm-python-sdk bundles Helm's Go SDK, the
code `helm template` runs) with `ci/test-values.yaml`, which sets every required value to a
placeholder. Every rendered object must pass Kubernetes 1.30's JSON schemas, strict (an unknown or
misspelt field fails), from kubernetes-validate. Then what the schemas cannot know:

- a Deployment per process of docker-compose.yml, with its command, its environment and the key
  files compose mounts in it, no more; the migration job is compose's db-setup, a hook before
  install and upgrade, the only pod with the superuser's and the owners' URLs;
- every Deployment has probes, resources and the locked-down securityContext, and is selected by a
  PodDisruptionBudget, its NetworkPolicy and (APIs, workers, web) a HorizontalPodAutoscaler;
- the network policies: default deny, workers reachable by nobody (Prometheus, once they have a
  metrics port), the APIs by the web app, the ingress controller where they have public routes;
- a required value left out fails the render with a message naming it; every Secret value
  rendered is one the operator gave, none a default; every variable set is documented.
No cluster runs here: what a cluster would add (admission, the hooks' order) is in
docs/operations.md, "On Kubernetes: the Helm chart"."""
from __future__ import annotations

import base64
import copy
import json
import shlex
from functools import cache
from pathlib import Path

import helm_python as helm
import kubernetes_validate
import pytest
import yaml

from tests.unit.test_operations_doc import variables

REPO = Path(__file__).resolve().parents[2]
CHART = REPO / "deploy" / "helm" / "govmb"
TEST_VALUES = CHART / "ci" / "test-values.yaml"
KUBERNETES = "1.30"
RELEASE = "govmb"
APIS = ("registry", "publishing", "inquiry", "assessment")
WORKERS = tuple(f"{s}-worker" for s in APIS)
PROCESSES = (*APIS, *WORKERS, "web")
KEY_FILE = {"token_public": "token-public.pem", "token_signing": "token-signing.pem",  # compose's secret → the chart's file
            "personal_data": "personal-data.keys", "audit_chain": "audit-chain.keys"}
ADDED = {"PROMETHEUS_MULTIPROC_DIR", "TRUSTED_PROXIES", "WORKER_METRICS_PORT"}  # the image's own setting made explicit; the ingress is one proxy; the metrics port the probes use
MIGRATION_ONLY = {"POSTGRES_SUPERUSER_URL", *(f"{s.upper()}_MIGRATION_DATABASE_URL" for s in APIS)}


# ------------------------------------------------------------------------------ rendering
def test_values() -> dict:
    return yaml.safe_load(TEST_VALUES.read_text(encoding="utf-8"))


test_values.__test__ = False  # a helper, not a test


def render(values: dict) -> list[dict]:
    """Every object the chart makes with these values, hooks included (as `helm template`)."""
    with helm.Chart.load(str(CHART)) as chart:
        manifests = chart.render(values, name=RELEASE, namespace="govmb", is_install=True)
    return [doc for path, text in sorted(manifests.items()) if path.endswith(".yaml")
            for doc in yaml.load_all(text, Loader=yaml.CSafeLoader) if doc]  # libyaml: 10 times faster


def with_values(**changes) -> dict:
    """The test values with some changed: `with_values(**{"ingress.api.enabled": False})`."""
    values = copy.deepcopy(test_values())
    for dotted, value in changes.items():
        *path, last = dotted.split(".")
        node = values
        for key in path:
            node = node.setdefault(key, {})
        node[last] = value
    return values


def without(values: dict, dotted: str) -> dict:
    values = copy.deepcopy(values)
    *path, last = dotted.split(".")
    node = values
    for key in path:
        node = node[key]
    del node[last]
    return values


@cache
def rendered() -> tuple[dict, ...]:
    return tuple(render(test_values()))


def of_kind(kind: str, objects=None) -> dict[str, dict]:
    return {o["metadata"]["name"]: o for o in (objects or rendered()) if o["kind"] == kind}


def deployment(process: str, objects=None) -> dict:
    return of_kind("Deployment", objects)[f"{RELEASE}-{process}"]


def pod_of(workload: dict) -> dict:
    return workload["spec"]["template"]["spec"]


def container_of(workload: dict) -> dict:
    (container,) = pod_of(workload)["containers"]
    return container


def config_map() -> dict:
    return of_kind("ConfigMap")[f"{RELEASE}-config"]["data"]


def env_names(workload: dict) -> set[str]:
    """What the process finds in its environment: the ConfigMap's keys and its own entries."""
    container = container_of(workload)
    assert container["envFrom"] == [{"configMapRef": {"name": f"{RELEASE}-config"}}]
    return set(config_map()) | {e["name"] for e in container["env"]}


def secret_refs(workload: dict) -> dict[str, str]:
    """Variable → the Secret it is read from."""
    return {e["name"]: e["valueFrom"]["secretKeyRef"]["name"] for e in container_of(workload)["env"] if "valueFrom" in e}


def key_files(workload: dict) -> set[str]:
    (keys,) = [v for v in pod_of(workload)["volumes"] if v["name"] == "keys"]
    return {item["path"] for source in keys["projected"]["sources"] for item in source["secret"]["items"]}


def selects(selector: dict, labels: dict) -> bool:
    """A Kubernetes label selector (matchLabels, matchExpressions In/NotIn/Exists) against labels."""
    if any(labels.get(k) != v for k, v in (selector.get("matchLabels") or {}).items()):
        return False
    for e in selector.get("matchExpressions") or []:
        present, value = e["key"] in labels, labels.get(e["key"])
        if (e["operator"] == "In" and value not in e["values"]) or (e["operator"] == "NotIn" and value in e["values"]) \
                or (e["operator"] == "Exists" and not present) or (e["operator"] == "DoesNotExist" and present):
            return False
    return True


@cache
def compose() -> dict:
    return yaml.safe_load((REPO / "docker-compose.yml").read_text(encoding="utf-8"))["services"]


# ------------------------------------------------------------------------------ the schemas
def test_every_object_passes_the_kubernetes_schemas():
    objects = rendered()
    kinds = {o["kind"] for o in objects}
    assert {"Deployment", "Service", "Ingress", "HorizontalPodAutoscaler", "PodDisruptionBudget", "NetworkPolicy",
            "ConfigMap", "Secret", "Job"} <= kinds, kinds
    failures = []
    for o in objects:
        try:
            kubernetes_validate.validate(o, KUBERNETES, strict=True)
        except kubernetes_validate.ValidationError as exc:
            failures.append(f"{o['kind']} {o['metadata']['name']}: {exc.message} at {'/'.join(map(str, exc.path))}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("change", [
    {"api.autoscaling.enabled": False, "worker.autoscaling.enabled": False},
    {"ingress.enabled": False, "webPublicUrl": "https://weibo.example.gov.cn"},
    {"networkPolicy.enabled": False},
    {"workerMetrics.enabled": False},
    {"components.publishing-worker.networkPolicy.extraEgress": [{"ports": [{"port": 443, "protocol": "TCP"}]}],
     "components.registry-worker.extraVolumes": [{"name": "smtp", "secret": {"secretName": "smtp"}}],
     "components.registry-worker.extraVolumeMounts": [{"name": "smtp", "mountPath": "/run/secrets/smtp"}]},
], ids=["fixed replicas", "no ingress", "no network policies", "worker metrics", "extras"])
def test_the_variants_pass_the_schemas_too(change):
    """What the values switch renders other objects, or other fields: those pass the schemas as well."""
    seen = {json.dumps(o, sort_keys=True) for o in rendered()}
    objects = render(with_values(**change))
    changed = [o for o in objects if json.dumps(o, sort_keys=True) not in seen]
    assert changed or len(objects) < len(rendered())  # switched off: fewer objects
    for o in changed:
        kubernetes_validate.validate(o, KUBERNETES, strict=True)


def test_the_schemas_refuse_a_wrong_field():
    """The check above is not vacuous: a misspelt field and a wrong type are refused."""
    broken = copy.deepcopy(deployment("inquiry"))
    container_of(broken)["readinessProbe"]["httpGet"]["paht"] = "/readyz"
    with pytest.raises(kubernetes_validate.ValidationError, match="paht"):
        kubernetes_validate.validate(broken, KUBERNETES, strict=True)
    broken = copy.deepcopy(of_kind("HorizontalPodAutoscaler")[f"{RELEASE}-inquiry"])
    broken["spec"]["maxReplicas"] = "six"
    with pytest.raises(kubernetes_validate.ValidationError, match="six"):
        kubernetes_validate.validate(broken, KUBERNETES, strict=True)


def test_helm_lint_finds_nothing():
    report = helm.lint(str(CHART), test_values(), strict=True, kube_version=f"v{KUBERNETES}.0")
    serious = [m for m in report["messages"] if m["severity"] >= 2]  # 1 is information ("icon is recommended")
    assert not report["errors"] and not serious, report


# ------------------------------------------------------------------------------ the processes
def test_a_deployment_per_process_of_compose_with_its_command():
    ours = {name for name, svc in compose().items() if svc.get("image") == "govmb:latest"} - {"db-setup"}
    assert set(PROCESSES) == ours
    assert set(of_kind("Deployment")) == {f"{RELEASE}-{p}" for p in PROCESSES}
    for process in PROCESSES:
        container = container_of(deployment(process))
        assert container["command"] == shlex.split(compose()[process]["command"]), process
        assert container["image"] == "registry.example.gov.cn/govmb/govmb:2026.12.1"


def test_each_process_has_composes_environment_and_its_key_files_only():
    for process in PROCESSES:
        workload, service = deployment(process), compose()[process]
        names = env_names(workload)
        assert set(service["environment"]) <= names, (process, set(service["environment"]) - names)
        assert names - set(service["environment"]) <= ADDED, (process, names - set(service["environment"]))
        assert key_files(workload) == {KEY_FILE[s] for s in service["secrets"]}, process
        mounted = {m["mountPath"]: m for m in container_of(workload)["volumeMounts"]}
        assert mounted["/run/secrets/govmb"]["readOnly"] is True
        paths = {e["name"]: e.get("value") for e in container_of(workload)["env"]}
        for name in (n for n in names if n.endswith("_KEY_FILE") or n.endswith("_KEYS_FILE")):
            assert paths[name].removeprefix("/run/secrets/govmb/") in key_files(workload), (process, name)
    assert "token-signing.pem" in key_files(deployment("registry"))
    assert "token-signing.pem" not in key_files(deployment("inquiry"))


def test_secrets_come_from_secrets_and_settings_from_the_config_map():
    """Every value compose asks the operator for as a password, secret or token is read from a Secret
    (secretKeyRef), never written in the ConfigMap; the migration URLs reach no Deployment."""
    secret = {"AMQP_URL", "METRICS_TOKEN", "WEB_CLIENT_SECRET", "WEB_COOKIE_SECRET", "RATELIMIT_STORAGE_URI",
              "REVOCATION_STORE_URI", *(f"{s.upper()}_DATABASE_URL" for s in APIS)}
    assert not secret & set(config_map()), secret & set(config_map())
    for process in PROCESSES:
        refs = secret_refs(deployment(process))
        wanted = {n for n in compose()[process]["environment"] if n in secret}
        assert set(refs) == wanted, (process, set(refs) ^ wanted)
        assert set(refs.values()) == {f"{RELEASE}-env"}
        assert not MIGRATION_ONLY & env_names(deployment(process)), process
    assert config_map()["GOVMB_MODE"] == "production"
    assert config_map()["REGISTRY_URL"] == f"http://{RELEASE}-registry:8000"
    assert config_map()["WEB_PUBLIC_URL"] == "https://weibo.example.gov.cn"


def test_the_migration_job_is_composes_db_setup_as_a_hook_before_install_and_upgrade():
    (job,) = of_kind("Job").values()
    hooks = job["metadata"]["annotations"]
    assert set(hooks["helm.sh/hook"].split(",")) == {"pre-install", "pre-upgrade"}
    db_setup = compose()["db-setup"]
    assert container_of(job)["command"] == shlex.split(db_setup["command"])
    assert env_names(job) >= set(db_setup["environment"])
    refs = secret_refs(job)
    assert {n: refs[n] for n in MIGRATION_ONLY} == dict.fromkeys(MIGRATION_ONLY, f"{RELEASE}-migration")
    assert key_files(job) == {KEY_FILE[s] for s in db_setup["secrets"]}
    assert pod_of(job)["restartPolicy"] == "Never"
    # What the job reads exists before it (a lower weight); the superuser's Secret only while the hooks run.
    weight = int(hooks["helm.sh/hook-weight"])
    for o in (*of_kind("Secret").values(), *of_kind("ConfigMap").values()):
        annotations = o["metadata"]["annotations"]
        assert {"pre-install", "pre-upgrade"} <= set(annotations["helm.sh/hook"].split(",")), o["metadata"]["name"]
        assert int(annotations["helm.sh/hook-weight"]) < weight
    assert "pre-rollback" in of_kind("ConfigMap")[f"{RELEASE}-config"]["metadata"]["annotations"]["helm.sh/hook"]
    assert "pre-rollback" not in hooks["helm.sh/hook"]  # a rollback runs no migration
    policy = of_kind("Secret")[f"{RELEASE}-migration"]["metadata"]["annotations"]["helm.sh/hook-delete-policy"]
    assert "hook-succeeded" in policy.split(",")


# ------------------------------------------------------------------------------ each Deployment
def test_every_deployment_has_probes_resources_and_a_locked_down_security_context():
    for name, workload in of_kind("Deployment").items():
        pod, container = pod_of(workload), container_of(workload)
        assert container.get("livenessProbe") and container.get("readinessProbe"), name
        for need in ("requests", "limits"):
            assert {"cpu", "memory"} <= set(container["resources"].get(need, {})), (name, need)
        security = container["securityContext"]
        assert security["runAsNonRoot"] and pod["securityContext"]["runAsNonRoot"], name
        assert isinstance(pod["securityContext"]["runAsUser"], int) and pod["securityContext"]["runAsUser"] > 0
        assert security["readOnlyRootFilesystem"] is True and security["allowPrivilegeEscalation"] is False, name
        assert security["capabilities"] == {"drop": ["ALL"]}, name
        assert security["seccompProfile"] == {"type": "RuntimeDefault"} == pod["securityContext"]["seccompProfile"]
        assert pod["automountServiceAccountToken"] is False, name
        writable = {m["mountPath"] for m in container["volumeMounts"] if not m.get("readOnly")}
        assert {"/tmp", config_map()["PROMETHEUS_MULTIPROC_DIR"]} <= writable, name
        empty = {v["name"] for v in pod["volumes"] if "emptyDir" in v}
        assert {m["name"] for m in container["volumeMounts"] if m["mountPath"] in writable} <= empty, name


def test_the_apis_probe_healthz_and_readyz_and_the_workers_their_metrics_port():
    for process in (*APIS, "web"):
        container = container_of(deployment(process))
        assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
        assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
        assert container["ports"] == [{"name": "http", "containerPort": 8000, "protocol": "TCP"}]
        assert config_map()["BIND"] == "0.0.0.0:8000"
    objects = render(with_values())
    for process in WORKERS:
        workload = deployment(process, objects)
        container = container_of(workload)
        assert {"name": "WORKER_METRICS_PORT", "value": "9100"} in container["env"]
        assert container["ports"] == [{"name": "metrics", "containerPort": 9100, "protocol": "TCP"}]
        assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "metrics"}
        policy = of_kind("NetworkPolicy", objects)[f"{RELEASE}-{process}"]["spec"]
        (rule,) = policy["ingress"]
        assert rule["ports"] == [{"port": "metrics", "protocol": "TCP"}]
        assert rule["from"] == [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}},
                                 "podSelector": {}}]


def test_without_the_metrics_port_the_workers_open_none_and_their_process_is_probed():
    objects = render(with_values(**{"workerMetrics.enabled": False}))
    for process in WORKERS:
        container = container_of(deployment(process, objects))
        assert {"name": "WORKER_METRICS_PORT", "value": "0"} in container["env"] and "ports" not in container
        assert container["livenessProbe"]["exec"]["command"] == ["grep", "-q", "python", "/proc/1/cmdline"]


def test_the_web_app_and_the_apis_trust_the_ingress_for_the_clients_address():
    assert config_map()["TRUSTED_PROXIES"] == "1"  # as compose's nginx: the sign-in, hall and intake limits


def test_every_deployment_is_selected_by_a_pdb_a_network_policy_and_an_hpa():
    budgets, policies = of_kind("PodDisruptionBudget").values(), of_kind("NetworkPolicy")
    scalers = {h["spec"]["scaleTargetRef"]["name"]: h for h in of_kind("HorizontalPodAutoscaler").values()}
    for name, workload in of_kind("Deployment").items():
        labels = workload["spec"]["template"]["metadata"]["labels"]
        assert selects(workload["spec"]["selector"], labels), name
        assert [b for b in budgets if selects(b["spec"]["selector"], labels)], f"no PodDisruptionBudget selects {name}"
        assert policies[name]["spec"]["podSelector"] == workload["spec"]["selector"], name
        assert selects(policies[f"{RELEASE}-default-deny"]["spec"]["podSelector"], labels)
        scaler = scalers[name]["spec"]
        assert scaler["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": name}
        assert 1 <= scaler["minReplicas"] <= scaler["maxReplicas"]
        assert scaler["metrics"][0]["resource"]["name"] == "cpu"
        assert "replicas" not in workload["spec"], f"{name}: replicas beside an HPA would fight it on every upgrade"
    for budget in budgets:  # none can block a node's drain
        assert budget["spec"].get("maxUnavailable", 0) >= 1, budget["metadata"]["name"]
    assert set(scalers) == {f"{RELEASE}-{p}" for p in PROCESSES}


# ------------------------------------------------------------------------------ the network
def test_the_services_and_the_ingress():
    services = of_kind("Service")
    assert set(services) == {f"{RELEASE}-{p}" for p in (*APIS, "web")}
    for name, service in services.items():
        assert selects(service["spec"]["selector"], deployment(name.removeprefix(f"{RELEASE}-"))["spec"]["template"]
                       ["metadata"]["labels"])
        assert service["spec"]["ports"] == [{"name": "http", "port": 8000, "targetPort": "http", "protocol": "TCP"}]
    (ingress,) = of_kind("Ingress").values()
    spec = ingress["spec"]
    assert spec["ingressClassName"] == "nginx"
    assert spec["tls"] == [{"secretName": "govmb-tls", "hosts": ["weibo.example.gov.cn", "api.weibo.example.gov.cn"]}]
    routes = {(rule["host"], p["path"]): p["backend"]["service"]["name"] for rule in spec["rules"]
              for p in rule["http"]["paths"]}
    assert routes == {("weibo.example.gov.cn", "/"): f"{RELEASE}-web",
                      ("api.weibo.example.gov.cn", "/api/auth/token"): f"{RELEASE}-registry",
                      ("api.weibo.example.gov.cn", "/api/hall"): f"{RELEASE}-registry",
                      ("api.weibo.example.gov.cn", "/api/intake"): f"{RELEASE}-inquiry",
                      ("api.weibo.example.gov.cn", "/api/public"): f"{RELEASE}-inquiry",
                      ("api.weibo.example.gov.cn", "/api/feeds"): f"{RELEASE}-publishing"}
    alone = render(with_values(**{"ingress.api.enabled": False}))
    (ingress,) = of_kind("Ingress", alone).values()
    assert [r["host"] for r in ingress["spec"]["rules"]] == ["weibo.example.gov.cn"]


def _from_web(rule: dict) -> bool:
    return any(peer.get("podSelector", {}).get("matchLabels", {}).get("app.kubernetes.io/component") == "web"
               and "namespaceSelector" not in peer for peer in rule["from"])


def test_the_network_policies_deny_by_default_and_open_what_each_needs():
    policies = {n.removeprefix(f"{RELEASE}-"): p["spec"] for n, p in of_kind("NetworkPolicy").items()}
    deny = policies.pop("default-deny")
    assert set(deny["policyTypes"]) == {"Ingress", "Egress"} and "ingress" not in deny and "egress" not in deny
    servers = policies.pop("servers")
    assert servers["policyTypes"] == ["Egress"]
    assert {p["port"] for rule in servers["egress"] for p in rule["ports"]} == {53, 5432, 5672, 6379}
    controller = {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "ingress-nginx"}},
                  "podSelector": {}}
    monitoring = {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}}, "podSelector": {}}
    for process in WORKERS:  # Prometheus alone, on the metrics port
        assert policies[process]["ingress"] == [{"from": [monitoring], "ports": [{"port": "metrics", "protocol": "TCP"}]}]
        assert policies[process]["egress"] == [], process
    for process in APIS:
        rules = policies[process]["ingress"]
        assert all(r["ports"] == [{"port": "http", "protocol": "TCP"}] for r in rules), process
        assert [r for r in rules if _from_web(r)], f"the web app cannot reach {process}"
        public = process != "assessment"  # the others have routes on the API host
        assert any(r["from"] == [controller] for r in rules) == public, process
    assert policies["web"]["ingress"][0]["from"] == [controller]
    reached = {peer["podSelector"]["matchLabels"]["app.kubernetes.io/component"]
               for rule in policies["web"]["egress"] for peer in rule["to"]}
    assert reached == set(APIS)


# ------------------------------------------------------------------------------ values and secrets
REQUIRED = ["image.repository", "image.tag", "ingress.web.host", "ingress.tls.secretName", "ingress.api.host",
            *(f"secrets.values.{k}" for k in ("AMQP_URL", "REGISTRY_DATABASE_URL", "PUBLISHING_DATABASE_URL",
                                              "INQUIRY_DATABASE_URL", "ASSESSMENT_DATABASE_URL", "RATELIMIT_STORAGE_URI",
                                              "REVOCATION_STORE_URI", "METRICS_TOKEN", "WEB_CLIENT_SECRET",
                                              "WEB_COOKIE_SECRET")),
            *(f"migration.values.{k}" for k in sorted(MIGRATION_ONLY)),
            *(f"keys.{k}.content" for k in ("tokenPublic", "tokenSigning", "personalData", "auditChain"))]


@pytest.mark.parametrize("value", REQUIRED)
def test_a_missing_required_value_fails_the_render_naming_it(value):
    with pytest.raises(helm.HelmRenderError, match=rf"{value.replace('.', '[.]')} is required"):
        render(without(test_values(), value))


@pytest.mark.parametrize("change, message", [
    ({"secrets.values.WEB_COOKIE_SECRET": "short"}, "WEB_COOKIE_SECRET must be at least 32 characters"),
    ({"secrets.values.METRICS_TOKEN": "short"}, "METRICS_TOKEN must be at least 32 characters"),
    ({"image.tag": "latest"}, "image.tag must name a release, not latest"),
    ({"env.METRICS_TOKEN": "x" * 40}, "env.METRICS_TOKEN is a secret"),
    ({"ingress.api.paths.billing": ["/api/x"]}, "ingress.api.paths.billing: not a service"),
])
def test_a_wrong_value_fails_the_render_saying_why(change, message):
    with pytest.raises(helm.HelmRenderError, match=message):
        render(with_values(**change))


def _leaves(node) -> list:
    if isinstance(node, dict):
        return [leaf for value in node.values() for leaf in _leaves(value)]
    if isinstance(node, list):
        return [leaf for value in node for leaf in _leaves(value)]
    return [node]


def test_no_secret_value_comes_from_a_default():
    defaults = yaml.safe_load((CHART / "values.yaml").read_text(encoding="utf-8"))
    assert defaults["secrets"]["values"] == {} == defaults["migration"]["values"]
    assert all(not key["content"] and not key["existingSecret"] for key in defaults["keys"].values())
    given = {str(leaf) for leaf in _leaves(test_values())}
    secrets = of_kind("Secret")
    assert set(secrets) == {f"{RELEASE}-{n}" for n in ("env", "migration", "token-public", "token-signing",
                                                        "personal-data", "audit-chain")}
    for name, secret in secrets.items():
        values = [*secret.get("stringData", {}).values(),
                  *(base64.b64decode(v).decode() for v in secret.get("data", {}).values())]
        assert values, name
        assert all(v in given for v in values), f"{name} holds a value the test values did not give"


def test_the_operators_own_secrets_replace_the_charts():
    values = with_values(**{"secrets.existingSecret": "city-env", "migration.existingSecret": "city-migration",
                            **{f"keys.{k}.existingSecret": f"city-{k}" for k in
                               ("tokenPublic", "tokenSigning", "personalData", "auditChain")}})
    for part in ("secrets", "migration"):
        values[part]["values"] = {}
    for key in values["keys"].values():
        key["content"] = ""
    objects = render(values)
    assert not of_kind("Secret", objects)
    registry = deployment("registry", objects)
    assert set(secret_refs(registry).values()) == {"city-env"}
    (keys,) = [v for v in pod_of(registry)["volumes"] if v["name"] == "keys"]
    assert {s["secret"]["name"] for s in keys["projected"]["sources"]} == {
        "city-tokenPublic", "city-tokenSigning", "city-personalData", "city-auditChain"}
    (job,) = of_kind("Job", objects).values()
    assert set(secret_refs(job).values()) == {"city-env", "city-migration"}


def test_every_variable_the_chart_sets_is_documented():
    documented = variables()
    objects = render(with_values(**{"env.LOG_LEVEL": "WARNING"}))
    names = set(of_kind("ConfigMap", objects)[f"{RELEASE}-config"]["data"])
    for workload in (*of_kind("Deployment", objects).values(), *of_kind("Job", objects).values()):
        names |= {e["name"] for e in container_of(workload)["env"]}
    assert "LOG_LEVEL" in names
    assert not names - set(documented), f"set by the chart, not in docs/operations.md: {names - set(documented)}"


def test_a_changed_setting_rolls_the_pods():
    def checksum(objects):
        return deployment("inquiry", objects)["spec"]["template"]["metadata"]["annotations"]["checksum/settings"]
    assert checksum(rendered()) != checksum(render(with_values(**{"env.LOG_LEVEL": "WARNING"})))
    assert checksum(rendered()) != checksum(render(with_values(**{"secrets.values.METRICS_TOKEN": "y" * 40})))
    assert checksum(rendered()) == checksum(render(test_values()))
