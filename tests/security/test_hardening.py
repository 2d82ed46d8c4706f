"""Issue 7, the web app's hardening (docs/security.md, "The web app: sessions, CSRF, sign-in,
secrets"): every form refuses a request without its CSRF token; the session cookie's flags;
sign-in attempts limited per name and per address on the web form and on the registry's API;
no password or secret in a log line, a stored row or an event; production mode refuses what
only the embedded mode may use."""
from __future__ import annotations

import io
import json
import logging
import re
import threading
import uuid
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import pytest
from flask import Flask, url_for
from werkzeug.serving import make_server

from govmb.auth import PERSON_ROLES
from govmb.config import SERVICES, ConfigError, Settings, load
from govmb.observability import configure_logging
from services.registry.models import Person, db
from services.registry.people import DEMO_PASSWORD, hash_password
from tests.conftest import auth, token
from tests.infra import free_port
from tests.registry.conftest import PASSWORD, app, application, city, client  # noqa: F401 (fixtures)
from tests.system import migrated_app, settings_for, signed_in_session
from web.app import create_app as create_web

ROOT = Path(__file__).resolve().parents[2]
SECRET = "a-production-secret-of-forty-characters!"
CSRF_REFUSED = "CSRF 校验失败"
TOKEN_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
HX_HEADERS = re.compile(r"hx-headers='([^']+)'")
ADMIN = auth(1, "/1/", "admin", person=900)


# ----------------------------------------------------------------------------- helpers
@contextmanager
def serving(wsgi_app):
    """`wsgi_app` on a port of its own, as the web app reaches a service: over HTTP."""
    server = make_server("127.0.0.1", 0, wsgi_app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()


@pytest.fixture
def registry(app):  # noqa: F811 (the registry's app fixture)
    """The registry (tests/registry's city on SQLite) served over HTTP: its base URL."""
    with serving(app) as url:
        yield url


def web_app(services: dict[str, str] | None = None, **settings) -> Flask:
    """The web app; every service but those given ({"registry": URL}) at a port where nothing answers."""
    nowhere = f"http://127.0.0.1:{free_port()}"
    urls = {**{name: f"{nowhere}/{name}" for name in SERVICES}, **(services or {})}
    return create_web(replace(settings_for("web", "sqlite:///unused"), service_urls=urls, **settings))


def csrf_token(browser) -> str:
    """The token a page gives this browser (its session) in its forms."""
    return TOKEN_FIELD.search(browser.get("/sign-in").get_data(as_text=True)).group(1)


def sign_in_form(browser, username: str, password: str, address: str, **headers):
    return browser.post("/sign-in", data={"csrf_token": csrf_token(browser), "username": username, "password": password},
                        environ_base={"REMOTE_ADDR": address}, headers=headers)


def form_routes(web: Flask) -> list[tuple[str, str]]:
    """(method, URL) of every route of the web app that changes something: every form."""
    routes = []
    for rule in web.url_map.iter_rules():
        for method in sorted(rule.methods - {"GET", "HEAD", "OPTIONS"}):
            with web.test_request_context():
                routes.append((method, url_for(rule.endpoint, **{arg: "1" for arg in rule.arguments})))
    return routes


def signed_in(web: Flask, unit_id: int = 1, unit_path: str = "/1/"):
    """A browser signed in with every role, so that no view stops a request before it runs."""
    browser = web.test_client()
    with browser.session_transaction() as session:
        signed_in_session(session, token(unit_id, unit_path, *PERSON_ROLES), {
            "id": 1, "name": "测试", "unit_id": unit_id, "unit_name": "测试单位", "roles": list(PERSON_ROLES),
            "username": "tester"})
    return browser


def address() -> str:
    """An address of this test's own (IPv6's documentation prefix), so that no other test's
    attempts count: the limits live as long as the process (TEST-NET-2's 250 addresses met again
    within a minute often enough to make a test fail now and then)."""
    suffix = uuid.uuid4().hex
    return f"2001:db8:{suffix[:4]}:{suffix[4:8]}:{suffix[8:12]}::1"


# --------------------------------------------------------------------------------- CSRF
def test_every_form_refuses_a_missing_or_wrong_csrf_token_and_takes_the_pages_own():
    web = web_app()
    routes = form_routes(web)
    assert len(routes) >= 30 and {("POST", "/sign-in"), ("POST", "/hall/message"), ("POST", "/inbox/import"),
                                  ("POST", "/sign-out")} <= set(routes)
    foreign = csrf_token(signed_in(web))  # a real token, of another browser's session

    def page():
        """A browser with a page open (a session of its own: signing out ends one); the page's
        token as its forms hold it, and as htmx sends it with each request (hx-headers)."""
        browser = signed_in(web)
        html = browser.get("/sign-in").get_data(as_text=True)
        return browser, {"csrf_token": TOKEN_FIELD.search(html).group(1)}, json.loads(HX_HEADERS.search(html).group(1))

    for method, url in routes:
        browser, _, _ = page()
        for data, headers in [({}, {}), ({"csrf_token": "forged"}, {}), ({}, {"X-CSRFToken": "forged"}),
                              ({"csrf_token": foreign}, {}), ({}, {"X-CSRFToken": foreign})]:
            r = browser.open(url, method=method, data=data, headers=headers)
            assert r.status_code == 400 and CSRF_REFUSED in r.get_data(as_text=True), (method, url, data, headers)
        # The page's own token, as a plain form and as htmx send it: the view runs (the services
        # are away, so it answers what it answers then, but not the CSRF refusal).
        browser, field, header = page()
        assert set(header) == {"X-CSRFToken"}
        r = browser.open(url, method=method, data=field)
        assert CSRF_REFUSED not in r.get_data(as_text=True), (method, url, r.status_code)
        browser, _, header = page()
        r = browser.open(url, method=method, headers={**header, "HX-Request": "true"})
        assert CSRF_REFUSED not in r.get_data(as_text=True), (method, url, r.status_code)


def test_every_form_that_posts_carries_the_token_and_htmx_sends_it_from_every_page():
    templates = ROOT / "web/templates"
    forms = 0
    for path in templates.rglob("*.html"):
        for form in re.finditer(r"<form\b([^>]*)>(.*?)</form>", path.read_text(), re.S | re.I):
            if re.search(r'method="post"|hx-post', form.group(1), re.I):
                forms += 1
                assert "csrf_token()" in form.group(2), (path.name, form.group(1)[:120])
    assert forms >= 20
    assert re.search(r"""<body hx-headers='\{"X-CSRFToken": "\{\{ csrf_token\(\) \}\}"\}'[^>]*>""",
                     (templates / "base.html").read_text())


# ------------------------------------------------------------------------------ cookies
def session_cookie(response) -> str:
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert cookies, response.headers
    return cookies[-1]


def test_the_session_cookie_is_httponly_and_samesite_and_secure_in_production(registry, city):  # noqa: F811
    browser = web_app({"registry": registry}).test_client()
    r = sign_in_form(browser, "dept_operator", PASSWORD, address())
    assert r.status_code == 303, r.get_data(as_text=True)[:300]
    cookie = session_cookie(r)
    assert "; HttpOnly" in cookie and "; SameSite=Lax" in cookie
    assert "; Secure" not in cookie  # the embedded mode is plain HTTP on this machine

    production = web_app({"registry": registry}, mode="production").test_client()
    r = sign_in_form(production, "dept_operator", PASSWORD, address())
    assert r.status_code == 303, r.get_data(as_text=True)[:300]
    cookie = session_cookie(r)
    assert "; HttpOnly" in cookie and "; SameSite=Lax" in cookie and "; Secure" in cookie


def test_behind_trusted_proxies_the_web_app_sees_the_clients_address_and_scheme():
    seen = {}
    web = web_app(trusted_proxies=1)

    @web.get("/_probe")
    def _probe():
        from flask import request
        seen.update(address=request.remote_addr, scheme=request.scheme)
        return ""

    web.test_client().get("/_probe", headers={"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"})
    assert seen == {"address": "203.0.113.9", "scheme": "https"}
    direct = web_app()  # no proxy configured: a client cannot claim another address
    direct.add_url_rule("/_probe", view_func=_probe)
    direct.test_client().get("/_probe", headers={"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"})
    assert seen == {"address": "127.0.0.1", "scheme": "http"}


# ------------------------------------------------------------------------ rate limiting
def test_the_registry_limits_sign_in_attempts_per_name_and_per_address(client, city, monkeypatch):  # noqa: F811
    monkeypatch.setenv("SIGNIN_LIMIT_PER_ADDRESS", "8/minute")
    load()  # read again: the apps read the environment when they started
    here, there = address(), address()

    def attempt(username, password="wrong-password", at=here, **headers):
        return client.post("/api/auth/sign-in", json={"username": username, "password": password},
                           environ_base={"REMOTE_ADDR": at}, headers=headers).status_code

    # Per name from one address (SIGNIN_LIMIT_PER_USER, 5 a minute); elsewhere the name takes a captcha, never a 429.
    stranger = address()
    assert [attempt("east_leader", at=stranger) for _ in range(5)] == [401, 401, 401, 422, 422]
    assert attempt("east_leader", PASSWORD, at=stranger) == 429
    assert attempt("east_leader", PASSWORD, at=address()) == 422  # the captcha, not a lockout
    assert attempt("east_operator", PASSWORD, at=address()) == 200
    # Per address: different names from one address.
    assert [attempt(f"nobody{i}") for i in range(8)] == [401] * 8
    assert attempt("dept_operator", PASSWORD) == 429
    assert attempt("dept_operator", PASSWORD, at=there) == 200
    # Claiming another address counts only beside the web app's own token: not bare, not with a person's.
    assert attempt("dept_leader", PASSWORD, **{"X-Client-Address": address()}) == 429
    assert attempt("dept_leader", PASSWORD, **{"X-Client-Address": address(), **city.headers("office")}) == 429


def test_the_registry_limits_a_client_systems_secret_exchange_per_client_and_per_address(client, city, monkeypatch):  # noqa: F811
    monkeypatch.setenv("SIGNIN_LIMIT_PER_ADDRESS", "8/minute")
    load()  # read again: the apps read the environment when they started
    made = client.post("/api/clients", json={"name": "12345热线", "unit_id": city.units["east"].id}, headers=ADMIN).json

    def exchange(client_id=made["client_id"], secret="wrong-secret", at=None):
        return client.post("/api/auth/token", json={"client_id": client_id, "client_secret": secret},
                           environ_base={"REMOTE_ADDR": at or address()}).status_code

    guesser = address()
    assert [exchange(at=guesser) for _ in range(5)] == [401] * 5
    assert exchange(secret=made["client_secret"], at=guesser) == 429  # that client from that address
    assert exchange(secret=made["client_secret"]) == 200  # the system itself, elsewhere, is not locked out
    here = address()
    assert [exchange(f"cs-guess{i}", at=here) for i in range(8)] == [401] * 8
    assert exchange("cs-guess-9", at=here) == 429


def test_the_web_sign_in_form_is_limited_per_name_and_per_address_of_the_person_at_it(registry, city, monkeypatch):  # noqa: F811
    monkeypatch.setenv("SIGNIN_LIMIT_PER_ADDRESS", "4/minute")
    load()  # read again: the apps read the environment when they started
    browser = web_app({"registry": registry}).test_client()
    # Per name from one address: the sixth try from there waits (the third failure already asks a captcha).
    stranger = address()
    tries = [sign_in_form(browser, "west_leader", "wrong-password", stranger).status_code for _ in range(6)]
    assert tries[:3] == [401] * 3 and tries[-1] == 429
    # The official elsewhere is not locked out: the form shows a captcha instead (issue 15's finding).
    r = sign_in_form(browser, "west_leader", PASSWORD, address())
    page = r.get_data(as_text=True)
    assert r.status_code == 422 and "请输入图中的验证码" in page and 'src="data:image/png;base64,' in page
    # Per address: the person's own, not the web app's (every sign-in reaches the registry from it).
    here = address()
    assert [sign_in_form(browser, f"nobody{i}", "wrong-password", here).status_code for i in range(4)] == [401] * 4
    assert sign_in_form(browser, "dept_operator", PASSWORD, here).status_code == 429
    assert sign_in_form(browser, "dept_operator", PASSWORD, address()).status_code == 303
    # A browser cannot pick its address without a proxy the web app trusts; behind one, the proxy tells it.
    spoofing = [sign_in_form(browser, f"nobody{i}", "x", here, **{"X-Forwarded-For": address()}).status_code
                for i in range(2)]
    assert spoofing == [429, 429]
    proxied = web_app({"registry": registry}, trusted_proxies=1).test_client()
    assert sign_in_form(proxied, "dept_leader", PASSWORD, here, **{"X-Forwarded-For": address()}).status_code == 303


# -------------------------------------------------------------------------- no secrets
@contextmanager
def captured_logs():
    """Every log line written meanwhile, at DEBUG and above, formatted as the services write them."""
    configure_logging("test")
    root = logging.getLogger()
    ours = next(h for h in root.handlers if getattr(h, "_govmb", False))
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(ours.formatter)
    for f in ours.filters:
        handler.addFilter(f)
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield out
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def stored_text(registry_app) -> dict[str, str]:
    """Every row of every table of the registry's database, as text, by table."""
    with registry_app.app_context(), db.connection_context():
        return {table: repr(db.execute_sql(f'SELECT * FROM "{table}"').fetchall()) for table in db.get_tables()}


def test_no_password_or_secret_reaches_a_log_line_a_stored_row_an_event_or_an_answer(app, client, registry, city):  # noqa: F811
    secrets = {name: f"{name}-{uuid.uuid4().hex}" for name in
               ("new_person", "wrong", "refused_person", "platform", "web_right", "web_wrong", "client_wrong")}
    answers = []
    web = web_app({"registry": registry}).test_client()
    with captured_logs() as logs:
        unit = city.units["dept"].id
        answers.append(client.post("/api/people", headers=ADMIN, json={  # the system administrator: no roles
            "unit_id": unit, "name": "新同事", "username": "xin_tongshi", "password": secrets["new_person"],
            "rank": "staff", "title": ""}))
        assert answers[-1].status_code == 201, answers[-1].json
        answers.append(client.post("/api/people", headers=ADMIN, json={  # refused: the name is taken
            "unit_id": unit, "name": "重名", "username": "xin_tongshi", "password": secrets["refused_person"],
            "rank": "staff", "title": ""}))
        assert answers[-1].status_code == 422
        answers.append(client.post("/api/auth/sign-in", json={"username": "xin_tongshi", "password": secrets["new_person"]}))
        assert answers[-1].status_code == 200
        answers.append(client.post("/api/auth/sign-in", json={"username": "xin_tongshi", "password": secrets["wrong"]}))
        assert answers[-1].status_code == 401
        answers.append(client.post("/api/auth/sign-in", json={"password": secrets["wrong"]}))  # no name: 422
        assert answers[-1].status_code == 422
        # A platform password change is recorded by its date; a password sent with it is refused.
        account = client.post("/api/accounts", json=application(city), headers=city.headers("dept_operator")).json["id"]
        security = {"credential_holder_id": city.people["dept_operator"].id, "password_changed_at": "2026-01-05T09:00:00+08:00"}
        answers.append(client.put(f"/api/accounts/{account}/security", headers=city.headers("dept_operator"),
                                  json={**security, "password": secrets["platform"]}))
        assert answers[-1].status_code == 422
        answers.append(client.put(f"/api/accounts/{account}/security", headers=city.headers("dept_operator"), json=security))
        assert answers[-1].status_code == 200
        # A client system: its secret shown once, then exchanged; a wrong one refused.
        made = client.post("/api/clients", json={"name": "12345热线", "unit_id": unit}, headers=ADMIN)
        secrets["client"] = made.json["client_secret"]
        answers.append(client.post("/api/auth/token", json={"client_id": made.json["client_id"],
                                                            "client_secret": secrets["client"]}))
        assert answers[-1].status_code == 200
        answers.append(client.post("/api/auth/token", json={"client_id": made.json["client_id"],
                                                            "client_secret": secrets["client_wrong"]}))
        assert answers[-1].status_code == 401
        # The web form, which passes the password on to the registry over HTTP.
        with client.application.app_context():
            Person.update(password_hash=hash_password(secrets["web_right"])).where(Person.username == "east_leader").execute()
        assert sign_in_form(web, "east_leader", secrets["web_right"], address()).status_code == 303
        wrong = sign_in_form(web, "east_leader", secrets["web_wrong"], address())
        assert wrong.status_code == 401
        answers.append(wrong)
    written = logs.getvalue()
    # The capture saw the work: the registry's HTTP server logged the web app's calls to it.
    assert "/api/auth/sign-in" in written and all(json.loads(line) for line in written.splitlines())
    tables = stored_text(app)
    assert "outbox" in " ".join(tables) and "registry.account" in next(t for n, t in tables.items() if "outbox" in n)
    for name, secret in secrets.items():
        assert secret not in written, f"{name} in the logs"
        for table, text in tables.items():
            assert secret not in text, f"{name} stored in {table}"
        for answer in answers:
            assert secret not in answer.get_data(as_text=True), f"{name} in an answer"


# ------------------------------------------------------------------------ production
# URLs production accepts: roles and passwords of their own (no default credential, govmb.credentials)
PRODUCTION_DB = "postgresql://registry_app:" + "p" * 32 + "@db.example/govmb"
PRODUCTION_MQ = "amqp://govmb_mq:" + "q" * 32 + "@mq.example"
NEEDS = {"TOKEN_PUBLIC_KEYS_FILE": [*SERVICES, "web"], "TOKEN_SIGNING_KEY_FILE": ["registry"],
         "WEB_CLIENT_SECRET": ["registry", "web"], "WEB_COOKIE_SECRET": ["web"]}


@pytest.mark.parametrize("service", [*SERVICES, "web"])
@pytest.mark.parametrize("variable", list(NEEDS))
def test_production_refuses_to_start_without_its_keys_and_secrets(service, variable, monkeypatch):
    for var in ("DATABASE_URL", "AMQP_URL"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("GOVMB_MODE", "production")
    monkeypatch.setenv("REVOCATION_STORE_URI", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("METRICS_TOKEN", "m" * 40)
    monkeypatch.setenv("DATABASE_URL", PRODUCTION_DB)
    monkeypatch.setenv("AMQP_URL", PRODUCTION_MQ)
    assert Settings.from_env(service).production
    monkeypatch.delenv(variable)
    if service not in NEEDS[variable]:
        assert Settings.from_env(service).production  # not its to hold
        return
    with pytest.raises(ConfigError, match=variable):
        create_web() if service == "web" else Settings.from_env(service)
    if variable.endswith("SECRET"):
        monkeypatch.setenv(variable, "short-secret")
        with pytest.raises(ConfigError, match=variable):
            Settings.from_env(service)


@pytest.mark.parametrize("service", SERVICES)
def test_production_refuses_sqlite_and_the_in_process_bus_for_every_service(service, monkeypatch, tmp_path):
    monkeypatch.setenv("GOVMB_MODE", "production")
    monkeypatch.setenv("REVOCATION_STORE_URI", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("METRICS_TOKEN", "m" * 40)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    monkeypatch.setenv("AMQP_URL", PRODUCTION_MQ)
    with pytest.raises(ConfigError, match="PostgreSQL"):
        Settings.from_env(service)
    monkeypatch.setenv("DATABASE_URL", PRODUCTION_DB)
    monkeypatch.delenv("AMQP_URL")
    with pytest.raises(ConfigError, match="AMQP_URL"):
        Settings.from_env(service)


def test_the_demo_city_loads_only_in_the_embedded_system_which_refuses_production(monkeypatch):
    from ops.embedded import EmbeddedSystem
    monkeypatch.setenv("GOVMB_MODE", "production")
    monkeypatch.setenv("REVOCATION_STORE_URI", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("METRICS_TOKEN", "m" * 40)
    monkeypatch.setenv("DATABASE_URL", PRODUCTION_DB)
    monkeypatch.setenv("AMQP_URL", PRODUCTION_MQ)
    with pytest.raises(ConfigError, match="not for production"):
        EmbeddedSystem(port=0)
    callers = {p.relative_to(ROOT).as_posix() for folder in ("govmb", "ops", "services", "web") for p in (ROOT / folder).rglob("*.py")
               if re.search(r"\bload_demo\(\)", p.read_text()) and not p.name == "demo.py"}
    assert callers == {"ops/embedded.py"}


def test_in_production_the_demo_password_neither_signs_in_nor_is_given_to_anyone(tmp_path):
    settings = replace(settings_for("registry", f"sqlite:///{tmp_path / 'registry.db'}"), mode="production")
    registry = migrated_app("registry", settings)
    api = registry.test_client()
    admin = {"Authorization": f"Bearer {token(1, '/1/', 'admin')}"}
    unit = api.post("/api/units", json={"name": "南昌市", "kind": "region"}, headers=admin).json["id"]
    person = {"unit_id": unit, "name": "操作员", "rank": "staff", "title": ""}  # roles: the security administrator's
    r = api.post("/api/people", json={**person, "username": "demo_like", "password": DEMO_PASSWORD}, headers=admin)
    assert r.status_code == 422 and list(r.json["errors"]) == ["password"]
    assert api.post("/api/people", json={**person, "username": "real", "password": "Kept-Pass-7391q"},
                       headers=admin).status_code == 201
    with registry.app_context():  # one who holds it anyway (a copied demo database) cannot sign in
        Person.update(password_hash=hash_password(DEMO_PASSWORD)).where(Person.username == "real").execute()
    assert api.post("/api/auth/sign-in", json={"username": "real", "password": DEMO_PASSWORD}).status_code == 401
    with registry.app_context():
        Person.update(password_hash=hash_password("Kept-Pass-7391q")).where(Person.username == "real").execute()
    assert api.post("/api/auth/sign-in", json={"username": "real", "password": "Kept-Pass-7391q"}).status_code == 200


def test_the_access_log_holds_no_query_string(tmp_path):
    """A query may hold a citizen's contact looked up (GET /api/messages?citizen_contact=…) or a
    name searched for: gunicorn's access log writes the path without it (the review's finding)."""
    import datetime as dt
    import runpy

    from gunicorn.config import Config
    from gunicorn.glogging import Logger
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    cfg = Config()
    cfg.set("access_log_format", conf["access_log_format"])
    query = "citizen_contact=13812345678&q=%E7%8E%8B%E6%98%8E"
    environ = {"REQUEST_METHOD": "GET", "RAW_URI": f"/api/messages?{query}", "PATH_INFO": "/api/messages",
               "QUERY_STRING": query, "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "203.0.113.9"}

    class Response:
        status, response_length, sent, headers = "200 OK", 10, 10, []

    Request = type("Request", (), {"method": "GET", "path": "/api/messages", "query": query,
                                   "uri": f"/api/messages?{query}", "version": (1, 1), "headers": []})

    line = conf["access_log_format"] % Logger(cfg).atoms(Response(), Request(), environ, dt.timedelta(seconds=0.01))
    assert "/api/messages" in line and "13812345678" not in line and "citizen_contact" not in line, line
