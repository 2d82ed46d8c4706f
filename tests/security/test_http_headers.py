"""Issue 15, HTTP: every answer carries the security headers (a CSP with no inline script or style,
no framing, no sniffing, no referrer to other sites, no browser feature; HSTS in production);
no page of the web app needs what the CSP forbids; hostile bodies answer 4xx, never 5xx."""
from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from govmb.config import SERVICES
from tests.conftest import auth
from tests.security.test_hardening import signed_in, web_app
from tests.system import migrated_app, settings_for

ROOT = Path(__file__).resolve().parents[2]
ADMIN = auth(1, "/1/", "admin", person=99)


def assert_secure(headers, page: bool) -> None:
    csp = headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    if page:
        assert "script-src 'self'" in csp and "style-src 'self'" in csp and "object-src 'none'" in csp
    else:
        assert csp.startswith("default-src 'none'")
    assert headers["X-Frame-Options"] == "DENY" and headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin" and "camera=()" in headers["Permissions-Policy"]


@pytest.mark.parametrize("path", ["/sign-in", "/hall", "/inbox", "/me/password", "/no-such-page"])
def test_every_page_carries_the_headers_and_hsts_only_in_production(path):
    answer = signed_in(web_app()).get(path)
    assert_secure(answer.headers, page=True)
    assert "Strict-Transport-Security" not in answer.headers  # plain HTTP on 127.0.0.1
    production = signed_in(web_app(mode="production")).get(path)
    assert production.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


@pytest.mark.parametrize("service", SERVICES)
def test_every_api_answer_carries_the_headers(service, tmp_path):
    client = migrated_app(service, settings_for(service, f"sqlite:///{tmp_path / 'x.db'}")).test_client()
    for answer in (client.get("/openapi.json"), client.get("/api/units"), client.get("/readyz")):
        assert_secure(answer.headers, page=False)


INLINE = [(re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "an inline <script>"),
          (re.compile(r"<style\b", re.I), "a <style> element"),
          (re.compile(r"\sstyle=", re.I), "a style attribute"),
          (re.compile(r"\son[a-z]+=", re.I), "an event handler attribute"),
          (re.compile(r"\shx-on", re.I), "hx-on (evaluated as script)"),
          (re.compile(r"javascript:", re.I), "a javascript: URL")]


def test_no_template_holds_what_the_policy_forbids():
    found = [f"{path.relative_to(ROOT)}: {what}" for path in sorted((ROOT / "web" / "templates").rglob("*.html"))
             for pattern, what in INLINE if pattern.search(path.read_text(encoding="utf-8"))]
    assert not found, "\n".join(found)
    base = (ROOT / "web" / "templates" / "base.html").read_text(encoding="utf-8")
    assert '"includeIndicatorStyles": false' in base  # htmx would add a <style> of its own


@pytest.fixture
def registry(tmp_path):
    return migrated_app("registry", settings_for("registry", f"sqlite:///{tmp_path / 'r.db'}")).test_client()


def test_a_deeply_nested_body_answers_400_not_500(registry):
    r = registry.post("/api/auth/sign-in", data="[" * 100_000, content_type="application/json")
    assert r.status_code == 400 and "嵌套过深" in r.json["detail"]


@pytest.mark.parametrize("value", [1.5, True, "2.5", "1e3"])
def test_a_whole_number_field_refuses_fractions_and_booleans(registry, value):
    registry.post("/api/units", json={"name": "南昌市", "kind": "region"}, headers=ADMIN)
    r = registry.post("/api/units", json={"name": "东湖区", "kind": "district", "parent_id": value}, headers=ADMIN)
    assert r.status_code == 422 and list(r.json["errors"]) == ["parent_id"]


def test_a_whole_number_written_as_2_0_is_taken(registry):
    registry.post("/api/units", json={"name": "南昌市", "kind": "region"}, headers=ADMIN)
    assert registry.post("/api/units", json={"name": "东湖区", "kind": "district", "parent_id": 1.0},
                         headers=ADMIN).status_code == 201


def test_an_empty_patch_changes_nothing_and_says_so(registry):
    unit = registry.post("/api/units", json={"name": "南昌市", "kind": "region"}, headers=ADMIN).json
    r = registry.patch(f"/api/units/{unit['id']}", json={}, headers=ADMIN)
    assert r.status_code == 422 and "请至少给出要修改的一项" in r.json["errors"]["name"][0]
    assert registry.get(f"/api/units/{unit['id']}", headers=ADMIN).json["revision"] == unit["revision"]


def test_hsts_is_sent_by_the_apis_in_production(tmp_path):
    settings = replace(settings_for("inquiry", f"sqlite:///{tmp_path / 'i.db'}"), mode="production")
    answer = migrated_app("inquiry", settings).test_client().get("/readyz")
    assert answer.headers["Strict-Transport-Security"].startswith("max-age=31536000")
