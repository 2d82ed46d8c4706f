"""docker-compose.yml, validated by Debian's docker-compose (`make tools` installs it) and read
back as docker-compose resolves it: every process of the Procfile is a compose service running
the same thing, each gets the environment its Settings need in production mode, and each can be
scaled. No credential has a default: each must be given, the services connect as their
databases' application roles, and only the one-shot db-setup holds the owners' and the
superuser's passwords."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from unittest import mock
from urllib.parse import urlsplit

import pytest
import yaml

from govmb.config import SERVICES, ConfigError, Settings, database_url
from ops.cli import main as cli

ROOT = Path(__file__).resolve().parents[2]
SECRETS = {"WEB_COOKIE_SECRET": "c" * 64, "WEB_CLIENT_SECRET": "w" * 64, "METRICS_TOKEN": "m" * 64,
           "WEB_PUBLIC_URL": "https://wb.example.gov.cn",  # not a secret, but nothing runs without it either
           "POSTGRES_PASSWORD": "p" * 64, "RABBITMQ_PASSWORD": "r" * 64, "RABBITMQ_USER": "govmb",
           "TLS_CERT_DIR": "/etc/govmb/tls",  # not secrets either: the broker's user, the certificate's folder
           **{f"{s.upper()}_DB_{kind}_PASSWORD": f"{s[0]}{kind[0]}" * 32 for s in SERVICES for kind in ("OWNER", "APP")}}
KEYS = Path(tempfile.mkdtemp(prefix="govmb-compose-keys-"))
INFRASTRUCTURE = {"rabbitmq", "postgres", "redis", "pgbouncer", "proxy"}
ONE_SHOT = {"db-setup"}  # the roles and the migrations, before every other process of ours
COMPOSE = shutil.which("docker-compose")
pytestmark = pytest.mark.skipif(COMPOSE is None, reason="Debian's docker-compose is not installed: run `make tools`")


def compose(*args: str, without: str | None = None, **values: str) -> subprocess.CompletedProcess:
    if not (KEYS / "token-signing.pem").exists():
        assert cli(["keys", str(KEYS)]) == 0
        assert cli(["data-key", str(KEYS / "personal-data.keys")]) == 0
        assert cli(["data-key", str(KEYS / "audit-chain.keys")]) == 0
    env = {k: v for k, v in os.environ.items() if k not in (*SECRETS, "GOVMB_KEYS", "TOKEN_SIGNING_KEY_FILE",
                                                            "TOKEN_PUBLIC_KEYS_FILE", "PERSONAL_DATA_KEY_FILE",
                                                            "AUDIT_CHAIN_KEY_FILE")}
    env.update({**SECRETS, "GOVMB_KEYS": str(KEYS)})
    env.pop(without, None)
    env.update(values)
    return subprocess.run([COMPOSE, "-f", str(ROOT / "docker-compose.yml"), *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)


@pytest.fixture(scope="module")
def resolved() -> dict:
    """The file as docker-compose resolves it (anchors merged, variables filled), read by the
    Python that runs docker-compose: Debian's package brings PyYAML with it."""
    resolved = compose("config")
    assert resolved.returncode == 0, resolved.stderr
    interpreter = Path(COMPOSE).read_text().splitlines()[0].removeprefix("#!").strip()
    as_json = subprocess.run([interpreter, "-c", "import json, sys, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)"],
                             input=resolved.stdout, capture_output=True, text=True, timeout=30, check=True)
    return json.loads(as_json.stdout)


@pytest.fixture(scope="module")
def config(resolved) -> dict:
    return resolved["services"]


def procfile() -> dict[str, str]:
    lines = [ln for ln in (ROOT / "Procfile").read_text().splitlines() if ln and not ln.startswith("#")]
    return dict(ln.split(": ", 1) for ln in lines)


def runs(command: str) -> str:
    """What a command starts: the app factory gunicorn serves, or the worker module."""
    found = re.findall(r"(?:services\.\w+|web)\.app:create_app\(\)|services\.\w+\.worker", command)
    assert len(found) == 1, command
    return found[0]


def settings_in(environment: dict, service: str, secrets: dict | None = None) -> Settings:
    """The settings a container would read: its /run/secrets/ files are those the compose file
    mounts there (`secrets`: name → file on this machine)."""
    mounted = {f"/run/secrets/{name}": path for name, path in (secrets or {}).items()}
    env = {k: mounted.get(str(v), str(v)) for k, v in environment.items()}
    with mock.patch.dict(os.environ, env, clear=True):
        return Settings.from_env(service)


@pytest.mark.parametrize("variable", ["GOVMB_KEYS", *SECRETS])
def test_docker_compose_validates_the_file_and_refuses_to_run_without_keys_or_secrets(variable):
    done = compose("config", "-q")
    assert done.returncode == 0, done.stderr
    refused = compose("config", "-q", without=variable)
    assert refused.returncode != 0 and variable in refused.stderr


def test_only_the_registry_holds_the_signing_key_and_only_the_web_app_its_cookie_secret(resolved):
    files = {name: s["file"] for name, s in resolved["secrets"].items()}
    assert files == {"token_public": str(KEYS / "token-public.pem"), "token_signing": str(KEYS / "token-signing.pem"),
                     "personal_data": str(KEYS / "personal-data.keys"), "audit_chain": str(KEYS / "audit-chain.keys")}
    for name, service in resolved["services"].items():
        if name in INFRASTRUCTURE | ONE_SHOT:  # db-setup migrates the registry too, so it reads the registry's settings
            continue
        mounted = {s["source"] if isinstance(s, dict) else s for s in service.get("secrets", [])}
        env, owner = service["environment"], name.removesuffix("-worker")
        assert ("token_signing" in mounted) == (owner == "registry") == ("TOKEN_SIGNING_KEY_FILE" in env), name
        assert ("WEB_COOKIE_SECRET" in env) == (name == "web"), name
        assert ("WEB_CLIENT_SECRET" in env) == (owner in ("registry", "web")), name
        sealing = owner in ("inquiry", "publishing", "registry")  # handles and contacts; platform credentials; second-factor secrets
        assert ("personal_data" in mounted) == sealing == ("PERSONAL_DATA_KEY_FILE" in env), name
        settings = settings_in(env, owner, {s: files[s] for s in mounted})
        assert (settings.keys.signing is not None) == (owner == "registry"), name
        assert (settings.personal_keys is not None) == sealing, name
        assert ("audit_chain" in mounted) == (owner != "web") == (settings.audit_keys is not None), name


def test_every_process_of_the_procfile_is_a_compose_service_running_the_same_thing(config):
    processes = procfile()
    assert set(config) - INFRASTRUCTURE - ONE_SHOT == set(processes)
    for name, command in processes.items():
        assert runs(config[name]["command"]) == runs(command), name
        # Every database is set up and migrated before any process of ours starts, by db-setup,
        # the one container with the owners' URLs: the processes' roles could not migrate.
        assert config[name]["depends_on"]["db-setup"] == {"condition": "service_completed_successfully"}, name
        assert "ops.cli migrate" not in config[name]["command"], name
    assert config["db-setup"]["command"] == "sh -c \"python -m ops.cli db-roles all && python -m ops.cli migrate all\""
    assert config["db-setup"]["restart"] == "no" and set(config["db-setup"]["depends_on"]) == {"postgres"}


def test_each_process_has_the_environment_its_settings_need_in_production(config, resolved):
    files = {name: s["file"] for name, s in resolved["secrets"].items()}
    rabbit, postgres = config["rabbitmq"]["environment"], config["postgres"]["environment"]
    owners = {s: urlsplit(config["db-setup"]["environment"][f"{s.upper()}_MIGRATION_DATABASE_URL"]) for s in SERVICES}
    for name, service in config.items():
        if name in INFRASTRUCTURE | ONE_SHOT:
            continue
        env = service["environment"]
        assert env["GOVMB_MODE"] == "production", name
        owner = name.removesuffix("-worker")
        mounted = {s["source"] if isinstance(s, dict) else s for s in service.get("secrets", [])}
        try:
            settings = settings_in(env, owner, {s: files[s] for s in mounted})  # production refuses what it cannot run with
        except ConfigError as exc:
            pytest.fail(f"{name}: {exc}")
        bind_port = env["BIND"].rsplit(":", 1)[1]
        for other, url in settings.service_urls.items():  # where the web app finds each API
            assert url == f"http://{other}:{bind_port}", (name, other)
        if owner == "web":
            continue
        db, amqp = urlsplit(settings.database_url), urlsplit(settings.amqp_url)
        # its database's application role, never the superuser, through PgBouncer; the database db-setup makes
        assert (db.hostname, db.port, db.username, db.password) == ("pgbouncer", 6432, f"{owner}_app",
                                                                    SECRETS[f"{owner.upper()}_DB_APP_PASSWORD"]), name
        assert db.username != postgres["POSTGRES_USER"] and db.password != postgres["POSTGRES_PASSWORD"], name
        assert (owners[owner].hostname, db.path) == ("postgres", owners[owner].path), name
        assert (amqp.hostname, amqp.username, amqp.password) == ("rabbitmq", rabbit["RABBITMQ_DEFAULT_USER"],
                                                                 rabbit["RABBITMQ_DEFAULT_PASS"]), name
        assert {"pgbouncer", "rabbitmq", "db-setup"} <= set(service["depends_on"]), name
    for name in ("registry", "web"):  # sign-in limits, counted across every process of the service
        assert config[name]["environment"]["RATELIMIT_STORAGE_URI"].startswith("redis://redis:"), name
        assert "redis" in config[name]["depends_on"], name
    # Each container holds every service's database URL: `backup all` runs from any of them.
    with mock.patch.dict(os.environ, {k: str(v) for k, v in config["registry"]["environment"].items()}, clear=True):
        databases = {database_url(s) for s in SERVICES}  # what ops.backup reads
    assert len(databases) == len(SERVICES) and not any(url.startswith("sqlite") for url in databases)


def test_every_service_and_worker_can_be_scaled(config):
    for name in procfile():  # nginx (proxy) publishes the pages and the APIs: no process of ours has a port
        assert "container_name" not in config[name] and "ports" not in config[name], f"{name} cannot be scaled"
    for name in SERVICES:  # scaled APIs are each checked on their own port, inside their container
        port = config[name]["environment"]["BIND"].rsplit(":", 1)[1]
        assert f"127.0.0.1:{port}/readyz" in " ".join(config[name]["healthcheck"]["test"]), name


def test_the_image_has_what_the_code_needs_beside_python(config):
    dockerfile = (ROOT / "Dockerfile").read_text()
    from services.assessment.documents import CANDIDATES, UYGHUR_CANDIDATES
    assert CANDIDATES[0][0].endswith("/wqy-zenhei.ttc") and "fonts-wqy-zenhei" in dockerfile  # archives' PDFs
    assert UYGHUR_CANDIDATES[0].endswith("/noto/NotoNaskhArabic-Regular.ttf") and "fonts-noto-core" in dockerfile
    assert "fonts-noto-core" in (ROOT / "Makefile").read_text()  # make setup installs it too
    server = config["postgres"]["image"].split(":")[1].split(".")[0]
    assert f"postgresql-client-{server} " in dockerfile, "backups need the client of the server's major version"


def test_the_procfile_is_valid_for_honcho():
    """The distributed mode on one host runs the Procfile with honcho (in requirements/dev.lock)."""
    r = subprocess.run([str(Path(sys.executable).parent / "honcho"), "check"], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Valid procfile detected" in r.stdout + r.stderr and "inquiry-worker" in r.stdout + r.stderr


def test_db_setup_alone_holds_the_owners_and_the_superuser_and_makes_what_the_services_use(config):
    """db-setup's environment passes every service's production settings with the owner's
    URL (`ops.cli db-roles` and `migrate` read it); no other container holds an owner's or the
    superuser's password."""
    setup = config["db-setup"]["environment"]
    superuser = urlsplit(setup["POSTGRES_SUPERUSER_URL"])
    postgres = config["postgres"]["environment"]
    assert (superuser.hostname, superuser.username, superuser.password) == (
        "postgres", postgres["POSTGRES_USER"], postgres["POSTGRES_PASSWORD"])
    mounted = {**{s: str(KEYS / f"{s.replace('_', '-')}.pem") for s in ("token_public", "token_signing")},
               "personal_data": str(KEYS / "personal-data.keys"), "audit_chain": str(KEYS / "audit-chain.keys")}
    for service in SERVICES:
        settings = settings_in(setup, service, mounted)
        owner, app = urlsplit(settings.migration_database_url), urlsplit(settings.database_url)
        assert (owner.username, owner.password) == (f"{service}_owner", SECRETS[f"{service.upper()}_DB_OWNER_PASSWORD"])
        assert owner.path == app.path and owner.username != app.username, service
    owner_passwords = {v for k, v in SECRETS.items() if k.endswith("_OWNER_PASSWORD") or k == "POSTGRES_PASSWORD"}
    for name, service in config.items():
        if name in ONE_SHOT or name == "postgres":
            continue
        held = " ".join(str(v) for v in (service.get("environment") or {}).values())
        assert not any(p in held for p in owner_passwords), f"{name} holds an owner's or the superuser's password"
        assert not {"POSTGRES_SUPERUSER_URL", *(f"{s.upper()}_MIGRATION_DATABASE_URL" for s in SERVICES)} & set(
            service.get("environment") or {}), name


def test_no_credential_is_written_in_the_file():
    """Every password in docker-compose.yml is a variable compose refuses to run without."""
    text = (ROOT / "docker-compose.yml").read_text()
    in_urls = re.findall(r"://([^@\n]*)@", text)
    # AMQP_URL, the superuser's, an owner's and an app's each, the app's twice (through PgBouncer; db-setup's straight)
    assert len(in_urls) == 2 + 3 * len(SERVICES), in_urls
    assert all(re.fullmatch(r"(\w+|\$\{\w+:\?[^}]+\}):\$\{\w+:\?[^}]+\}", userinfo) for userinfo in in_urls), in_urls
    for key in ("POSTGRES_PASSWORD", "RABBITMQ_DEFAULT_PASS"):
        assert re.search(rf"{key}: \$\{{\w+:\?", text), key
    assert "govmb:govmb" not in text and "guest" not in text


@pytest.mark.parametrize("variable,value", [("RABBITMQ_PASSWORD", "guest"), ("INQUIRY_DB_APP_PASSWORD", "govmb"),
                                            ("REGISTRY_DB_APP_PASSWORD", "registry_app")])
def test_production_refuses_to_start_with_a_default_credential_given_to_compose(variable, value):
    resolved = compose("config", **{variable: value})
    assert resolved.returncode == 0, resolved.stderr  # compose only checks that it is set
    service = "registry" if variable.startswith("REGISTRY") else "inquiry"
    env = yaml.safe_load(resolved.stdout)["services"][f"{service}-worker"]["environment"]
    mounted = {**{s: str(KEYS / f"{s.replace('_', '-')}.pem") for s in ("token_public", "token_signing")},
               "personal_data": str(KEYS / "personal-data.keys"), "audit_chain": str(KEYS / "audit-chain.keys")}
    with pytest.raises(ConfigError, match="AMQP_URL" if variable.startswith("RABBIT") else f"{service.upper()}_DATABASE_URL"):
        settings_in(env, service, mounted)


def published(service: dict) -> set[tuple[str, str]]:
    """(host address, host port) of each port a service publishes ("" for every address)."""
    out = set()
    for port in service.get("ports", []):
        if isinstance(port, dict):
            out.add((port.get("host_ip", ""), str(port["published"])))
        else:
            parts = str(port).split(":")
            out.add(("" if len(parts) == 2 else parts[0], parts[-2]))
    return out


def test_nginx_ends_tls_in_front_of_the_web_app_and_the_apis_with_the_shipped_file(config):
    proxy = config["proxy"]
    assert proxy["image"].startswith("nginx:1.")
    assert published(proxy) == {("", "80"), ("", "443")}
    mounts = {v["target"]: v["source"] for v in proxy["volumes"]} if isinstance(proxy["volumes"][0], dict) else {
        v.split(":")[1]: v.split(":")[0] for v in proxy["volumes"]}
    assert mounts["/etc/nginx/conf.d/default.conf"] == str(ROOT / "deploy" / "nginx" / "govmb.conf")
    assert mounts["/etc/nginx/certs"] == SECRETS["TLS_CERT_DIR"]  # from the env file, none in the repository
    shipped = (ROOT / "deploy" / "nginx" / "govmb.conf").read_text()
    for name in ("web", *SERVICES):  # every upstream of the file is a service of compose, on its port
        port = config[name]["environment"]["BIND"].rsplit(":", 1)[1]
        assert f"server {name}:{port};" in shipped, name
        assert config["proxy"]["depends_on"][name] == {"condition": "service_healthy"}, name
    for name in SERVICES:
        assert re.search(rf"location /{name}/ +\{{ proxy_pass http://govmb_{name}/; \}}", shipped), name


def test_every_app_believes_one_proxy_and_the_web_app_is_reached_through_it_alone(config):
    for name in ("web", *SERVICES):
        assert config[name]["environment"]["TRUSTED_PROXIES"] == "1", name
        assert "ports" not in config[name], name


def test_rabbitmq_is_4_with_its_management_ui_on_the_host_only(config):
    rabbit = config["rabbitmq"]
    image, tag = rabbit["image"].split(":")
    assert image == "rabbitmq" and tag.split(".")[0].split("-")[0] == "4" and tag.endswith("-management"), tag
    assert int(tag.split("-")[0].split(".")[1]) >= 3  # from 4.3 a nack's return does not count towards the limit
    assert published(rabbit) == {("127.0.0.1", "15672")}
    assert rabbit["hostname"] == "rabbitmq"  # the node's name, and its data's folder, stay the same


def test_pgbouncer_stands_between_every_process_and_postgresql_and_db_setup_goes_straight(config):
    bouncer = config["pgbouncer"]
    assert bouncer["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    ini = (ROOT / "deploy" / "pgbouncer" / "pgbouncer.ini").read_text()
    assert re.search(r"^pool_mode = transaction$", ini, re.M) and re.search(r"^listen_port = 6432$", ini, re.M)
    assert re.search(r"^\* = host=postgres port=5432$", ini, re.M)
    setup = config["db-setup"]["environment"]
    for service in SERVICES:  # db-setup: DDL, indexes built CONCURRENTLY, its own session
        for variable in (f"{service.upper()}_DATABASE_URL", f"{service.upper()}_MIGRATION_DATABASE_URL"):
            assert urlsplit(setup[variable]).netloc.endswith("@postgres:5432"), variable
        password = SECRETS[f"{service.upper()}_DB_APP_PASSWORD"]
        assert bouncer["environment"][f"{service.upper()}_DB_APP_PASSWORD"] == password  # its users' passwords
    assert not any(p in " ".join(map(str, bouncer["environment"].values()))
                   for k, p in SECRETS.items() if k.endswith("_OWNER_PASSWORD") or k == "POSTGRES_PASSWORD")
    assert "pgbouncer" not in config["db-setup"].get("depends_on", {})


def test_the_env_file_example_lists_every_variable_compose_requires():
    example = (ROOT / "deploy" / "compose.env.example").read_text()
    listed = set(re.findall(r"^(\w+)=", example, re.M))
    required = set(re.findall(r"\$\{(\w+):\?", (ROOT / "docker-compose.yml").read_text()))
    assert required == listed, (required - listed, listed - required)
    assert ":-" not in (ROOT / "docker-compose.yml").read_text()  # nothing defaulted
