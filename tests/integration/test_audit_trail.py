"""The audit trail on the real servers: PostgreSQL refuses to change, delete or truncate it in
every service; and in the embedded site, the office reads the demo city's approvals and its
own changes through the API and on the 审计日志 page, while a unit's staff is refused."""
import importlib
import re
from dataclasses import replace

import pytest
import requests

from govmb.auth import Identity
from govmb.config import Settings
from services.registry.people import DEMO_PASSWORD
from tests.browser import conftest as browser
from tests.system import SERVICES, migrated_app, settings_for, signed_in_session
from tests.unit.test_audit import assert_append_only

OFFICE = Identity(30, "赵磊", 2, "/1/2/", frozenset({"joint_office"}))


@pytest.mark.parametrize("service", SERVICES)
def test_postgresql_refuses_to_change_delete_or_truncate_the_trail(service, pg_url):
    migrated_app(service, settings_for(service, pg_url))
    trail = importlib.import_module(f"services.{service}.models").audit
    action = next(a for a in importlib.import_module("govmb.audit").actions_of(service))
    with trail.db.connection_context():
        with trail.db.atomic():
            trail.record(OFFICE, action, "unit", 4, "/1/3/4/", "初次记录")
        assert_append_only(trail, "TRUNCATE audit_entry")
        assert [(r.detail, r.actor_name, r.action) for r in trail.Entry.select()] == [("初次记录", "赵磊", action)]


site = browser.site  # the embedded system with its demo city, for this module


def sign_in(base: str, username: str) -> dict:
    r = requests.post(f"{base}/registry/api/auth/sign-in", json={"username": username, "password": DEMO_PASSWORD},
                      timeout=10)
    assert r.status_code == 200, r.text
    return r.json()


def web_client(base: str, username: str):
    """A test client of the web app, talking to the embedded services, signed in as `username`."""
    from web.app import create_app
    settings = replace(Settings.from_env("web"), service_urls={n: f"{base}/{n}" for n in SERVICES})
    client = create_app(settings).test_client()
    body = sign_in(base, username)
    p = body["person"]
    with client.session_transaction() as session:
        signed_in_session(session, body["token"], {k: p[k] for k in ("id", "name", "unit_id", "unit_name", "roles",
                                                                     "username")}, body["refresh"], body["expires_in"])
    return client


def test_the_office_reads_the_demo_approvals_and_its_own_change(site):
    office = sign_in(site, "lianxi")
    headers = {"Authorization": f"Bearer {office['token']}"}
    approvals = requests.get(f"{site}/registry/api/audit", params={"action": "account.approve", "per_page": 200},
                             headers=headers, timeout=10).json()
    assert {(r["actor_name"], r["actor_unit_name"], r["subject_name"]) for r in approvals["items"]} == {
        ("黄涛", "南昌市人民政府新闻办公室", "南昌发布"), ("刘洋", "南昌市教育局", "南昌教育"), ("陈静", "东湖区", "东湖发布"),
        ("宋佳", "东湖区教育体育局", "东湖教育体育"), ("宋佳", "东湖区教育体育局", "东湖体育"), ("陈静", "东湖区", "东湖文明"),
        ("陈静", "东湖区", "东湖青年"), ("陈静", "东湖区", "东湖旅游"), ("陈静", "东湖区", "东湖城管")}
    assert all(r["actor_roles"] == ["principal_leader"] for r in approvals["items"])

    r = requests.post(f"{site}/registry/api/units", json={"name": "湾里管理局", "kind": "zone", "parent_id": 1},
                      headers=headers, timeout=10)
    assert r.status_code == 201
    mine = requests.get(f"{site}/registry/api/audit", params={"subject_type": "unit", "subject_id": r.json()["id"]},
                        headers=headers, timeout=10).json()["items"]
    assert [(m["action"], m["actor_id"], m["actor_name"], m["actor_unit_name"]) for m in mine] == [
        ("unit.create", office["person"]["id"], "赵磊", "南昌市人民政府新闻办公室")]

    page = web_client(site, "lianxi").get("/audit?service=registry&action=unit.create")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "审计日志" in text and "湾里管理局" in text and "新建单位" in text and "联席会议办公室" in text
    when = re.search(r"<td>(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)</td>", text).group(1)
    assert when[:16] in {m["at"][:16].replace("T", " ") for m in mine}  # shown in Beijing time, as the API gives it
    demo = web_client(site, "ducha").get("/audit?service=registry&action=account.approve").get_data(as_text=True)
    assert "账号：主要领导批准" in demo and "主要领导" in demo


def test_the_page_names_a_bad_filter_and_other_services_trails_open(site):
    auditor = web_client(site, "shenji")  # the audit administrator (三员分立: the system administrator reads no trail)
    bad = auditor.get("/audit?service=registry&from=2026-10-02&to=2026-10-01")
    assert bad.status_code == 422 and "结束日期不能早于开始日期" in bad.get_data(as_text=True)
    for service in ("publishing", "inquiry", "assessment"):
        assert auditor.get(f"/audit?service={service}").status_code == 200


@pytest.mark.parametrize("username", ["jy_caozuo", "jy_zhuyao", "dh_zhuyao"])
def test_a_unit_s_staff_is_refused_the_page_and_the_api(site, username):
    page = web_client(site, username).get("/audit")
    assert page.status_code == 403 and "您的角色无权打开此页面" in page.get_data(as_text=True)
    token = sign_in(site, username)["token"]
    for service in SERVICES:
        r = requests.get(f"{site}/{service}/api/audit", headers={"Authorization": f"Bearer {token}"}, timeout=10)
        assert r.status_code == 403, service


def test_the_audit_administrator_exports_the_filtered_rows_from_the_page(site):
    auditor = web_client(site, "shenji")
    page = auditor.get("/audit?service=registry&security=true").get_data(as_text=True)
    assert "只看安全事件" in page and "/audit/export?service=registry&amp;security=true&amp;format=xlsx" in page
    r = auditor.get("/audit/export?service=registry&security=true&format=xlsx")
    assert r.status_code == 200 and r.data.startswith(b"PK") and ".xlsx" in r.headers["Content-Disposition"]
    assert r.headers["Cache-Control"] == "no-store"
    bad = auditor.get("/audit/export?service=registry&from=2026-10-02&to=2026-10-01")
    assert bad.status_code == 422 and "结束日期不能早于开始日期" in bad.get_data(as_text=True)
    office = web_client(site, "lianxi")
    assert "只看安全事件" not in office.get("/audit?service=registry").get_data(as_text=True)
