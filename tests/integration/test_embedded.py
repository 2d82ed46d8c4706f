"""The embedded default: one process, SQLite files, the in-process bus, the demo city."""
import json
import time

import pytest
import requests

from ops.embedded import EmbeddedSystem
from tests.conftest import auth, wait_for

ADMIN = auth(1, "/1/", "admin")


@pytest.fixture
def system(tmp_path, monkeypatch):
    monkeypatch.setenv("GOVMB_DATA_DIR", str(tmp_path))
    for var in ("AMQP_URL", "DATABASE_URL", "GOVMB_MODE"):
        monkeypatch.delenv(var, raising=False)
    s = EmbeddedSystem(port=0).start()
    yield f"http://127.0.0.1:{s.port}"
    s.stop()


def units(base, service, headers=ADMIN):
    """Every unit a service holds (one page of the largest size, which the count shows is all).
    The count and the page are two statements: while an event adds a unit between them they
    differ by it, so such an answer is read again."""
    for _ in range(50):
        r = requests.get(f"{base}/{service}/api/units", params={"page_size": 500}, headers=headers, timeout=5)
        assert r.status_code == 200, r.text
        if json.loads(r.headers["X-Pagination"])["total"] == len(r.json()):
            return r.json()
        time.sleep(0.1)
    raise AssertionError(f"{service}: the count never matched the page: {r.headers['X-Pagination']}")


def test_the_demo_city_is_in_every_service_and_new_units_follow(system):
    demo = units(system, "registry")
    assert len(demo) == 57 and demo[0]["name"] == "南昌市"
    for service in ("publishing", "inquiry", "assessment"):
        wait_for(lambda: len(units(system, service)) == 57, message=f"{service}'s copy of the demo city")

    r = requests.post(f"{system}/registry/api/units", json={"name": "湾里管理局", "kind": "zone", "parent_id": 1},
                      headers=ADMIN, timeout=5)
    assert r.status_code == 201, r.text
    for service in ("publishing", "inquiry", "assessment"):
        wait_for(lambda: any(u["name"] == "湾里管理局" for u in units(system, service)), message=service)


def test_the_web_app_shows_every_service_ready(system):
    page = requests.get(system + "/", timeout=5)
    assert page.status_code == 200 and "政务微博管理平台" in page.text
    status = requests.get(system + "/status/panel", timeout=10).text
    assert status.count("<td>正常</td>") == 4 and "不可用" not in status  # each service ready (its checks say 正常 too)
    assert requests.get(system + "/static/vendor/htmx.min.js", timeout=5).status_code == 200


@pytest.mark.parametrize("service", ["registry", "publishing", "inquiry", "assessment"])
def test_every_service_answers_health_readiness_openapi_and_metrics(system, service):
    base = f"{system}/{service}"
    assert requests.get(base + "/healthz", timeout=5).json()["status"] == "ok"
    ready = requests.get(base + "/readyz", timeout=5).json()
    assert ready["checks"]["database"] == "ok" and ready["checks"]["broker"] == "进程内传输"
    spec = requests.get(base + "/openapi.json", timeout=5).json()
    assert "/api/units" in spec["paths"]
    metrics = requests.get(base + "/metrics", timeout=5).text
    assert f'govmb_outbox_backlog{{service="{service}"}}' in metrics
    assert "govmb_http_requests_total" in metrics


def test_a_correlation_id_comes_back_and_a_bad_one_is_replaced(system):
    r = requests.get(system + "/registry/healthz", headers={"X-Correlation-ID": "abc-123"}, timeout=5)
    assert r.headers["X-Correlation-ID"] == "abc-123"
    r = requests.get(system + "/registry/healthz", headers={"X-Correlation-ID": "<script>"}, timeout=5)
    assert r.headers["X-Correlation-ID"] != "<script>" and len(r.headers["X-Correlation-ID"]) == 32


def test_the_demo_sign_ins_work_and_accounts_stand_in_every_state(system):
    from govmb.contracts.registry import STATUS_NAMES
    from services.registry.people import DEMO_PASSWORD
    r = requests.post(f"{system}/registry/api/auth/sign-in", json={"username": "lianxi", "password": DEMO_PASSWORD},
                      timeout=5)
    assert r.status_code == 200
    office = {"Authorization": f"Bearer {r.json()['token']}"}
    statuses = {a["status"] for a in requests.get(f"{system}/registry/api/accounts", headers=office, timeout=5).json()}
    assert statuses == set(STATUS_NAMES) - {"withdrawn", "closing_approved", "superior_informed"}
    for service in ("publishing", "inquiry"):  # the copies hold every account, fed by the bus
        wait_for(lambda: len(requests.get(f"{system}/{service}/api/accounts", headers=office, timeout=5).json()) == 12,
                 message=f"{service}'s copy of the demo accounts")


def test_a_released_post_reaches_assessment_through_the_bus(system):
    from services.assessment.models import PostFact
    from services.assessment.models import db as assessment_db
    from services.registry.people import DEMO_PASSWORD

    def sign_in(username):
        r = requests.post(f"{system}/registry/api/auth/sign-in", json={"username": username, "password": DEMO_PASSWORD},
                          timeout=5)
        return {"Authorization": f"Bearer {r.json()['token']}"}

    operator, office, leader = sign_in("jy_caozuo"), sign_in("jy_hegao"), sign_in("jy_fenguan")
    pub = f"{system}/publishing/api"
    wait_for(lambda: any(a["name"] == "南昌教育" for a in requests.get(f"{pub}/accounts", headers=operator, timeout=5).json()))
    account = next(a for a in requests.get(f"{pub}/accounts", headers=operator, timeout=5).json() if a["name"] == "南昌教育")
    d = requests.post(f"{pub}/drafts", headers=operator, timeout=5, json={
        "account_id": account["id"], "text": "南昌市2026年秋季学期开学安排发布。", "info_type": "disclosure"}).json()
    for action, who in (("submit", operator), ("check", office), ("approve", leader)):
        r = requests.post(f"{pub}/drafts/{d['id']}/actions/{action}", headers=who, json={}, timeout=5)
        assert r.status_code == 200, (action, r.text)
    for platform in d["platforms"]:
        r = requests.post(f"{pub}/drafts/{d['id']}/actions/record_publication", headers=operator, timeout=5,
                          json={"platform": platform, "url": f"https://{platform}.example.cn/{d['id']}"})
    assert r.json()["status"] == "released"

    def fact():
        with assessment_db.connection_context():
            return PostFact.get_or_none(PostFact.draft_id == d["id"])

    got = wait_for(fact, message="the released post in assessment's facts")
    assert got.account_id == account["id"] and got.original and not got.fast_track
