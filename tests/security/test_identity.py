"""Issue 15, identity: the registry alone signs tokens (Ed25519); every other process verifies and
can mint nothing; the web app is given its own tokens by the registry for a secret the two
share, and keys its session cookie with a secret of its own."""
from __future__ import annotations

import ast
from dataclasses import replace
from pathlib import Path

import pytest

from govmb.auth import read_token
from govmb.config import SERVICES
from tests.keys import ENV, VERIFYING
from tests.system import migrated_app, settings_for

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def registry(tmp_path):
    return migrated_app("registry", settings_for("registry", f"sqlite:///{tmp_path / 'registry.db'}")).test_client()


@pytest.mark.parametrize("secret", [None, "", "wrong" * 10, ENV["WEB_COOKIE_SECRET"]])
def test_the_web_apps_tokens_are_refused_without_its_secret(registry, secret):
    headers = {} if secret is None else {"X-Web-Client-Secret": secret}
    r = registry.post("/api/auth/web-tokens", headers=headers)
    assert r.status_code == 401 and "token" not in r.get_data(as_text=True)


def test_the_registry_gives_the_web_app_a_relay_token_and_the_halls_intake_token(registry):
    r = registry.post("/api/auth/web-tokens", headers={"X-Web-Client-Secret": ENV["WEB_CLIENT_SECRET"]})
    assert r.status_code == 200 and r.json["expires_in"] == 300
    web, hall = read_token(r.json["web"], VERIFYING), read_token(r.json["hall"], VERIFYING)
    assert (web.client, web.roles, web.person_id) == ("web", frozenset(), 0)  # opens nothing
    assert (hall.client, hall.roles, hall.unit_path) == ("hall", frozenset({"intake"}), "/")


def test_a_bearer_token_of_the_web_app_is_not_a_way_to_its_tokens(registry):
    r = registry.post("/api/auth/web-tokens", headers={"X-Web-Client-Secret": ENV["WEB_CLIENT_SECRET"]})
    again = registry.post("/api/auth/web-tokens", headers={"Authorization": f"Bearer {r.json['web']}"})
    assert again.status_code == 401


def test_no_process_but_the_registry_holds_a_signing_key():
    for service in (*SERVICES, "web"):
        held = settings_for(service, "sqlite:///unused").keys.signing
        assert (held is not None) == (service == "registry"), service


def _calls_issue_token(path: Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return any(isinstance(n, ast.Name) and n.id == "issue_token" or isinstance(n, ast.Attribute) and n.attr == "issue_token"
               for n in ast.walk(tree))


def test_only_the_registrys_sessions_and_client_systems_sign():
    signing = {p.relative_to(ROOT).as_posix() for folder in ("govmb", "services", "web", "ops")
               for p in (ROOT / folder).rglob("*.py") if _calls_issue_token(p)}
    assert signing == {"services/registry/sessions.py", "services/registry/clients.py"}


def test_the_web_apps_session_cookie_has_a_secret_of_its_own():
    from web.app import create_app
    settings = replace(settings_for("web", "sqlite:///unused"),
                       service_urls={name: f"http://127.0.0.1:9/{name}" for name in SERVICES})
    app = create_app(settings)
    assert app.secret_key == settings.cookie_secret == ENV["WEB_COOKIE_SECRET"]
    assert app.secret_key not in (settings.web_client_secret, ENV["WEB_CLIENT_SECRET"])
