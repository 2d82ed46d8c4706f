"""The TLS reverse proxy of docker-compose.yml, for real: Debian's nginx (`make tools`) runs
deploy/nginx/govmb.conf itself, only its upstreams' addresses, its ports and its certificate's
files replaced, with a throw-away self-signed certificate, in front of the web app in production
mode and a registry, both under gunicorn. Signing in over HTTPS sets a Secure cookie; plain HTTP
is redirected; HSTS is sent; and the web app counts sign-in attempts per client address only
when TRUSTED_PROXIES names the proxy, else the whole city shares one count, the proxy's."""
import datetime as dt
import ipaddress
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import uuid
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from requests.adapters import HTTPAdapter

from govmb.headers import HSTS
from govmb.tables import MAX_BYTES
from tests import infra
from tests.conftest import wait_for
from tests.keys import ENV

pytestmark = [pytest.mark.integration, pytest.mark.slow]  # two whole systems behind nginx: two minutes
ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "deploy" / "nginx" / "govmb.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
APIS = ("registry", "publishing", "inquiry", "assessment")
LIMIT = 3  # sign-in attempts a minute from one address, for the test (SIGNIN_LIMIT_PER_ADDRESS)
PREPARE = """
import sys
from services.registry import demo
from services.registry.models import db
from tests.system import migrated_app, settings_for
migrated_app("registry", settings_for("registry", sys.argv[1]))
with db.connection_context():
    demo.load_demo()
"""


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and localhost, valid a day, and its key, in `folder`."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), True)  # its own trust anchor
            .sign(key, hashes.SHA256()))
    certificate, private = folder / "fullchain.pem", folder / "privkey.pem"
    certificate.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    private.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    private.chmod(0o600)
    return certificate, private


def _replace(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"{old!r} is not once in {SHIPPED.name}: the test's rendering needs updating"
    return text.replace(old, new)


def rendered(folder: Path, upstreams: dict[str, int], http: int, https: int) -> Path:
    """The shipped file with only what differs here replaced, inside a main configuration of the
    test's own (the image brings its own nginx.conf, which includes the file the same way)."""
    certificate, private = self_signed(folder)
    text = SHIPPED.read_text()
    for name, port in upstreams.items():
        text = _replace(text, f"server {name}:8000;", f"server 127.0.0.1:{port};")
    text = _replace(text, "listen 80;", f"listen 127.0.0.1:{http};")
    text = _replace(text, "listen 443 ssl;", f"listen 127.0.0.1:{https} ssl;")
    text = _replace(text, "/etc/nginx/certs/fullchain.pem", str(certificate))
    text = _replace(text, "/etc/nginx/certs/privkey.pem", str(private))
    (folder / "govmb.conf").write_text(text)
    main = folder / "nginx.conf"
    main.write_text(
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"daemon off;\nworker_processes 1;\npid {folder / 'nginx.pid'};\nerror_log {folder / 'error.log'} warn;\n"
        f"events {{ worker_connections 256; }}\n"
        f"http {{\n  access_log off;\n  client_body_temp_path {folder / 'body'};\n  proxy_temp_path {folder / 'proxy'};\n"
        f"  include {folder / 'govmb.conf'};\n}}\n")
    return main


@contextmanager
def process(command: list[str], env: dict, ready, what: str):
    proc = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_for(lambda: proc.poll() is not None or ready(), timeout=60, interval=0.2, message=f"{what} up")
        assert proc.poll() is None, f"{what} stopped: {proc.stderr.read().decode()[-2000:]}"
        yield proc
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def _answers(url: str) -> bool:
    try:
        requests.get(url, timeout=2, verify=False)
        return True
    except requests.RequestException:
        return False


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


def _gunicorn(app: str, port: int, env: dict) -> list[str]:
    return [str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}",
            "--workers", "1", app]


@contextmanager
def system(trusted_proxies: str | None):
    """nginx with the shipped file in front of a web app (production) and a registry (its demo
    people); yields the proxy's HTTPS and HTTP addresses and the certificate."""
    if not os.path.exists(NGINX):
        pytest.skip("needs Debian's nginx: run `make tools`")
    if not shutil.which("redis-server"):
        pytest.skip("needs Debian's redis-server: the web app's revocation store in production mode")
    folder = Path(tempfile.mkdtemp(prefix="govmb-tls-"))
    ports = {name: infra.free_port() for name in ("web", *APIS, "http", "https", "redis")}
    env = {k: v for k, v in os.environ.items() if not k.endswith(("_DATABASE_URL", "_URL")) and k != "GOVMB_MODE"}
    env.update(ENV, PYTHONPATH=str(ROOT), GOVMB_DATA_DIR=str(folder), WEB_CONCURRENCY="1",
               SIGNIN_LIMIT_PER_ADDRESS=f"{LIMIT}/minute", SIGNIN_LIMIT_PER_USER="50/minute",
               REGISTRY_DATABASE_URL=f"sqlite:///{folder / 'registry.db'}")
    env.update({f"{name.upper()}_URL": f"http://127.0.0.1:{ports[name]}" for name in APIS})
    web_env = {**env, "GOVMB_MODE": "production", "METRICS_TOKEN": "m" * 40, "WEB_PUBLIC_URL": "https://localhost",
               "REVOCATION_STORE_URI": f"redis://127.0.0.1:{ports['redis']}/0"}
    if trusted_proxies is not None:
        web_env["TRUSTED_PROXIES"] = trusted_proxies
    subprocess.run([sys.executable, "-c", PREPARE, env["REGISTRY_DATABASE_URL"]], cwd=ROOT, env=env, check=True,
                   capture_output=True, timeout=300)
    config = rendered(folder, {name: ports[name] for name in ("web", *APIS)}, ports["http"], ports["https"])
    https, certificate = f"https://127.0.0.1:{ports['https']}", folder / "fullchain.pem"
    try:
        with ExitStack() as stack:
            stack.enter_context(process(["redis-server", "--port", str(ports["redis"]), "--bind", "127.0.0.1",
                                         "--save", "", "--appendonly", "no", "--dir", str(folder)], env,
                                        lambda: _listening(ports["redis"]), "redis"))
            stack.enter_context(process(_gunicorn("services.registry.app:create_app()", ports["registry"], env), env,
                                        lambda: _answers(f"http://127.0.0.1:{ports['registry']}/healthz"), "registry"))
            stack.enter_context(process(_gunicorn("web.app:create_app()", ports["web"], web_env), web_env,
                                        lambda: _answers(f"http://127.0.0.1:{ports['web']}/healthz"), "web"))
            stack.enter_context(process([NGINX, "-p", str(folder), "-c", str(config)], env,
                                        lambda: _answers(https + "/healthz"), "nginx"))
            yield {"https": https, "http": f"http://127.0.0.1:{ports['http']}", "ca": str(certificate),
                   "folder": folder}
    finally:
        shutil.rmtree(folder, ignore_errors=True)


class FromAddress(HTTPAdapter):
    """Connections from one loopback address of the machine's (127.0.0.0/8 is all local)."""

    def __init__(self, address: str):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def browser(address: str, ca: str) -> requests.Session:
    s = requests.Session()
    s.trust_env = False  # neither the environment's proxies nor its CA bundle
    s.mount("https://", FromAddress(address))
    s.mount("http://", FromAddress(address))
    s.verify = ca
    return s


def sign_in(s: requests.Session, base: str, username: str, password: str) -> requests.Response:
    page = s.get(base + "/sign-in", timeout=10)
    assert page.status_code == 200, page.text[:500]
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text).group(1)
    return s.post(base + "/sign-in", data={"csrf_token": token, "username": username, "password": password},
                  headers={"Referer": base + "/sign-in"}, allow_redirects=False, timeout=10)


def failures_until_refused(s: requests.Session, base: str, tries: int) -> list[int]:
    return [sign_in(s, base, f"nobody{uuid.uuid4().hex[:8]}", "not-the-password").status_code for _ in range(tries)]


@pytest.fixture(scope="module")
def trusted():
    with system(trusted_proxies="1") as s:
        yield s


def test_nginx_accepts_the_shipped_file(tmp_path):
    if not os.path.exists(NGINX):
        pytest.skip("needs Debian's nginx: run `make tools`")
    ports = {name: infra.free_port() for name in ("web", *APIS)}
    config = rendered(tmp_path, ports, infra.free_port(), infra.free_port())
    checked = subprocess.run([NGINX, "-t", "-p", str(tmp_path), "-c", str(config)], capture_output=True, text=True,
                             timeout=30)
    assert checked.returncode == 0, checked.stderr
    assert "test is successful" in checked.stderr


def test_the_body_limit_is_the_apps_and_the_tls_is_modern():
    text = SHIPPED.read_text()
    assert f"client_max_body_size {MAX_BYTES // (1024 * 1024)}m;" in text
    assert re.search(r"ssl_protocols TLSv1\.2 TLSv1\.3;", text)
    assert "BEGIN" not in text and not list(SHIPPED.parent.glob("*.pem")), "no key nor certificate in the repository"


def test_sign_in_over_https_sets_a_secure_cookie_and_hsts(trusted):
    s = browser("127.0.0.1", trusted["ca"])
    r = sign_in(s, trusted["https"], "admin", "demo2026")
    assert r.status_code == 303, r.text[:500]
    cookie = r.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie, cookie
    assert r.headers["Strict-Transport-Security"] == HSTS
    units = s.get(trusted["https"] + "/units", timeout=10)  # a page of the registry's alone, signed in
    assert units.status_code == 200 and "系统管理员" in units.text, units.text[:300]
    assert s.get(trusted["https"] + "/nowhere", timeout=10).headers.get(
        "Strict-Transport-Security") == HSTS  # once, on every answer


def test_plain_http_is_redirected_to_https(trusted):
    r = browser("127.0.0.1", trusted["ca"]).get(trusted["http"] + "/sign-in?next=/inbox", allow_redirects=False,
                                                timeout=10)
    assert r.status_code == 301
    assert r.headers["Location"] == "https://127.0.0.1/sign-in?next=/inbox"


def test_an_api_is_served_under_its_prefix_and_names_it(trusted):
    s = browser("127.0.0.1", trusted["ca"])
    r = s.get(trusted["https"] + "/registry/openapi.json", timeout=10)
    assert r.status_code == 200, r.text[:300]
    assert any(server["url"].startswith("/registry") or "/registry" in server["url"]
               for server in r.json().get("servers", [])), r.json().get("servers")
    too_big = s.post(trusted["https"] + "/registry/api/auth/sign-in", data=b"x" * (MAX_BYTES + 1), timeout=10)
    assert too_big.status_code == 413


def test_with_trusted_proxies_each_client_address_has_its_own_sign_in_limit(trusted):
    first, second = browser("127.0.0.2", trusted["ca"]), browser("127.0.0.3", trusted["ca"])
    assert failures_until_refused(first, trusted["https"], LIMIT + 1) == [401] * LIMIT + [429]
    # another citizen: a count of their own, though the same proxy brings both
    assert failures_until_refused(second, trusted["https"], 1) == [401]
    # what a browser claims in X-Forwarded-For is not believed: nginx appends the address it saw
    first.headers["X-Forwarded-For"] = "127.0.0.9"
    assert failures_until_refused(first, trusted["https"], 1) == [429]


def test_without_trusted_proxies_every_client_counts_as_the_proxy():
    with system(trusted_proxies=None) as untrusted:
        first, second = browser("127.0.0.4", untrusted["ca"]), browser("127.0.0.5", untrusted["ca"])
        assert failures_until_refused(first, untrusted["https"], LIMIT) == [401] * LIMIT
        assert failures_until_refused(second, untrusted["https"], 1) == [429]
