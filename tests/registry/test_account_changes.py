"""Issue 18: change filings of active accounts (变更备案), the managing unit (X6) and the account
security record's 90-day password reminder (X24), through the API."""
import datetime as dt
import json

import pytest

from govmb.timefmt import utcnow
from services.registry import account_security, service, todo
from services.registry.models import (
    Account,
    AccountChange,
    AccountPlatform,
    Notification,
    Person,
    SecurityRecord,
    TeamMember,
    bus,
)
from tests.conftest import auth
from tests.registry.conftest import _HASH, application, events, team


def act(client, city, who, account_id, action, **body):
    return client.post(f"/api/accounts/{account_id}/actions/{action}", json=body, headers=city.headers(who))


def activate(client, city, body):
    r = client.post("/api/accounts", json=body, headers=city.headers("dept_operator"))
    assert r.status_code == 201, r.json
    aid = r.json["id"]
    act(client, city, "dept_principal_leader", aid, "approve")
    act(client, city, "east_leader", aid, "acknowledge_filing")
    for code in body["platforms"]:
        act(client, city, "dept_operator", aid, "register_platform", platform=code, handle="东湖教育",
            url=f"https://{code}.example/dhjy")
    r = act(client, city, "dept_operator", aid, "activate")
    assert r.json["status"] == "active", r.json
    return aid


@pytest.fixture
def active(client, city):
    return activate(client, city, application(city))


def change(client, city, aid, who="dept_operator", **body):
    return client.post(f"/api/accounts/{aid}/changes", json=body, headers=city.headers(who))


def step(client, city, who, aid, cid, action, **body):
    return client.post(f"/api/accounts/{aid}/changes/{cid}/actions/{action}", json=body, headers=city.headers(who))


def detail(client, city, aid, who="dept_operator"):
    return client.get(f"/api/accounts/{aid}", headers=city.headers(who)).json


# ------------------------------------------------------------------------- change filing
def test_a_change_is_applied_approved_and_filed_and_only_then_applies(client, city, active):
    revision = detail(client, city, active)["revision"]
    r = change(client, city, active, name="东湖教育发布", positioning="发布教育政策", reason="单位更名",
               platforms=[{"platform": "sina", "handle": "东湖教育发布", "url": "https://weibo.com/dhjyfb"}])
    assert r.status_code == 201, r.json
    cid = r.json["id"]
    assert r.json["status"] == "applied" and {d["field"] for d in r.json["diff"]} == {"name", "positioning", "platforms"}
    assert r.json["diff"][0] == {"field": "name", "label": "账号名称", "before": "东湖教育", "after": "东湖教育发布"}
    # pending: the account keeps running on its current values, the change shown beside them
    d = detail(client, city, active)
    assert d["status"] == "active" and d["name"] == "东湖教育" and d["pending_change"]["id"] == cid
    assert d["may_change"] is False and len(d["platforms"]) == 2
    sent = len(events())
    assert step(client, city, "dept_principal_leader", active, cid, "approve").json["status"] == "filing"
    assert detail(client, city, active)["name"] == "东湖教育" and len(events()) == sent  # no event yet
    r = step(client, city, "east_leader", active, cid, "file")
    assert r.status_code == 200 and r.json["status"] == "filed" and r.json["version"] == 1
    assert r.json["approved_by"] == "dept_principal_leader" and r.json["filed_by"] == "东湖区 east_leader"
    d = detail(client, city, active)
    assert d["name"] == "东湖教育发布" and d["positioning"] == "发布教育政策" and d["pending_change"] is None
    assert d["revision"] == revision + 1 and events()[-1] == "registry.account.changed"
    live = {p["platform"]: p for p in d["platforms"] if not p["deregistered_at"]}
    assert set(live) == {"sina"} and live["sina"]["handle"] == "东湖教育发布"
    assert AccountPlatform.get(AccountPlatform.account == active, AccountPlatform.platform == "tencent").deregistered_at
    actions = [s["action"] for s in d["steps"]][-3:]
    assert actions == ["change_apply", "change_approve", "change_file"]
    history = client.get(f"/api/accounts/{active}/changes", headers=city.headers("east_leader"))
    assert history.status_code == 200 and history.json[0]["version"] == 1 and history.headers["X-Pagination"]


def test_a_team_owner_and_managing_unit_change_applies_to_the_copies(client, city, active):
    newcomer = Person.create(unit=city.units["dept"], name="新操作员", username="dept_new", password_hash=_HASH,
                             roles="operator")
    members = team(city)[:2] + [{"person_id": newcomer.id, "role": "operator"}]
    cid = change(client, city, active, team=members, managing_unit_id=city.units["east"].id,
                 reason="人员调整").json["id"]
    step(client, city, "dept_principal_leader", active, cid, "approve")
    assert step(client, city, "office", active, cid, "file").status_code == 200  # the joint-meeting office may file
    assert [m.person_id for m in TeamMember.select().where(TeamMember.account == active)][-1] == newcomer.id
    assert Account.get_by_id(active).managing_unit_id == city.units["east"].id
    last = bus.Outbox.select().order_by(bus.Outbox.id.desc()).get()
    body = json.loads(last.body)
    body = body.get("payload", body)
    assert last.event_type == "registry.account.changed"
    assert body["managing_unit_id"] == city.units["east"].id and body["managing_unit_path"] == city.units["east"].path
    assert newcomer.id in [m["person_id"] for m in body["team"]]


@pytest.mark.parametrize("body,field,problem", [
    ({"name": "东湖教育", "reason": "x"}, "name", "至少改变一项"),  # the same as now
    ({"name": "教育", "reason": "x"}, "name", "关联"),
    ({"positioning": "  ", "reason": "x"}, "positioning", "不能为空"),
    ({"name": "东湖教育发布"}, "reason", "理由"),
    ({"platforms": [], "reason": "x"}, "platforms", "已批准的平台"),
    ({"platforms": [{"platform": "sina", "handle": "", "url": "ftp://x"}], "reason": "x"}, "platforms", "网址"),
    ({"team": [], "reason": "x"}, "team", "3 至 5 人"),
    ({"managing_unit_id": 999, "reason": "x"}, "managing_unit_id", "不存在"),
    ({"owner_id": 999, "reason": "x"}, "owner_id", "不存在"),
])
def test_bad_change_is_refused_by_field_and_changes_nothing(client, city, active, body, field, problem):
    before_steps = len(detail(client, city, active)["steps"])
    r = change(client, city, active, **body)
    assert r.status_code == 422, r.json
    assert problem in r.json["errors"][field][0]
    assert AccountChange.select().count() == 0 and len(detail(client, city, active)["steps"]) == before_steps


def test_who_may_take_each_change_step(client, city, active):
    assert change(client, city, active, who="east_leader", name="东湖教育发布", reason="x").status_code == 403
    assert change(client, city, active, who="west_operator", name="东湖教育发布", reason="x").status_code == 404
    cid = change(client, city, active, name="东湖教育发布", reason="更名").json["id"]
    assert change(client, city, active, name="东湖教育之声", reason="又一次").status_code == 409  # one at a time
    assert step(client, city, "dept_operator", active, cid, "approve").status_code == 403
    assert step(client, city, "east_leader", active, cid, "file").status_code == 409  # not approved yet
    r = step(client, city, "dept_principal_leader", active, cid, "return")
    assert r.status_code == 422 and "理由" in r.json["errors"]["comment"][0]
    r = step(client, city, "dept_principal_leader", active, cid, "return", comment="名称不规范")
    assert r.json["status"] == "returned" and r.json["return_reason"] == "名称不规范"
    assert detail(client, city, active)["name"] == "东湖教育"
    # a new one may follow; the superior returns it with a reason; a third is withdrawn
    cid = change(client, city, active, name="东湖教育发布", reason="更名").json["id"]
    step(client, city, "dept_principal_leader", active, cid, "approve")
    assert step(client, city, "west_leader", active, cid, "file").status_code == 404
    assert step(client, city, "east_leader", active, cid, "return_filing", comment="请附更名文件").json["status"] == \
        "filing_returned"
    cid = change(client, city, active, name="东湖教育发布", reason="更名").json["id"]
    assert step(client, city, "dept_operator", active, cid, "withdraw").json["status"] == "withdrawn"
    assert step(client, city, "dept_operator", active, 99999, "withdraw").status_code == 404


def test_a_change_waits_in_the_principals_and_the_superiors_todo(client, city, active, app):
    cid = change(client, city, active, name="东湖教育发布", reason="更名").json["id"]

    def counts(who):
        p = city.people[who]
        from govmb.identity import Identity
        identity = Identity(p.id, p.name, p.unit_id, p.unit.path, frozenset(p.role_set))
        return {g["kind"]: g["count"] for g in todo.waiting(identity)}
    assert counts("dept_principal_leader")["changes"] == 1 and counts("east_leader")["change_filings"] == 0
    step(client, city, "dept_principal_leader", active, cid, "approve")
    assert counts("dept_principal_leader")["changes"] == 0 and counts("east_leader")["change_filings"] == 1
    assert counts("office")["change_filings"] == 1 and counts("west_leader")["change_filings"] == 0
    listed = client.get("/api/accounts?change=filing", headers=city.headers("east_leader")).json
    assert [a["id"] for a in listed] == [active]


def test_a_change_is_only_for_a_running_account(client, city):
    r = client.post("/api/accounts", json=application(city), headers=city.headers("dept_operator"))
    assert change(client, city, r.json["id"], name="东湖教育发布", reason="x").status_code == 409


# ------------------------------------------------------------------------- managing unit (X6)
@pytest.fixture
def managed(client, city, app):
    """The department's account run by the district's news centre (a unit of its own)."""
    with app.app_context():
        centre = service.create_unit("东湖区融媒体中心", "office", city.units["east"].id)
        centre_operator = Person.create(unit=centre, name="centre_operator", username="centre_operator",
                                        password_hash=_HASH, roles="operator")
    aid = activate(client, city, application(city, managing_unit_id=centre.id))
    return aid, centre, centre_operator


def _as(person):
    return auth(person.unit_id, person.unit.path, *sorted(person.role_set), person=person.id)


def test_the_managing_units_staff_see_and_run_the_account(client, city, managed):
    aid, centre, operator = managed
    d = client.get(f"/api/accounts/{aid}", headers=_as(operator)).json
    assert d["managing_unit_name"] == "东湖区融媒体中心" and d["may_work"] is True and d["may_change"] is True
    listed = client.get("/api/accounts", headers=_as(operator)).json
    assert [a["id"] for a in listed] == [aid]
    r = client.put(f"/api/accounts/{aid}/security", headers=_as(operator),
                   json={"credential_holder_id": operator.id, "devices": [{"name": "办公手机", "kind": "phone"}]})
    assert r.status_code == 200 and r.json["security"]["credential_holder"] == "centre_operator"
    members = team(city)[:2] + [{"person_id": operator.id, "role": "operator"}]  # its own people in the team
    assert client.put(f"/api/accounts/{aid}/team", headers=_as(operator), json={"members": members}).status_code == 200
    r = client.post(f"/api/accounts/{aid}/changes", headers=_as(operator), json={"name": "东湖教育发布", "reason": "x"})
    assert r.status_code == 201
    # but not the certified unit's approvals: the principal leader of the department approves
    assert step(client, city, "dept_principal_leader", aid, r.json["id"], "approve").status_code == 200
    hall = client.get("/api/hall?q=东湖教育").json
    assert hall[0]["managing_unit"] == "东湖区融媒体中心"


def test_the_managing_unit_rights_stop_at_its_own_and_other_units_see_nothing(client, city, managed, app):
    aid, centre, operator = managed
    other = activate(client, city, application(city, name="东湖教体", platforms=["xinhua"]))
    assert client.get(f"/api/accounts/{other}", headers=_as(operator)).status_code == 404  # not its own
    assert client.get(f"/api/accounts/{aid}", headers=city.headers("west_operator")).status_code == 404
    assert [a["id"] for a in client.get("/api/accounts", headers=city.headers("west_operator")).json] == []
    # the department still sees and runs its account; the district (parent of both) sees both
    assert client.get(f"/api/accounts/{aid}", headers=city.headers("dept_operator")).json["may_work"] is True
    assert {a["id"] for a in client.get("/api/accounts", headers=city.headers("east_leader")).json} == {aid, other}
    # a district operator (the centre's parent unit, not the centre) does not run it
    assert client.get(f"/api/accounts/{aid}", headers=city.headers("east_operator")).json["may_work"] is False


@pytest.mark.parametrize("managing,problem", [("dept", "相同"), ("west", "上级单位所辖"), (999, "不存在")])
def test_a_bad_managing_unit_is_refused_at_application(client, city, managing, problem):
    unit_id = city.units[managing].id if isinstance(managing, str) else managing
    r = client.post("/api/accounts", json=application(city, managing_unit_id=unit_id),
                    headers=city.headers("dept_operator"))
    assert r.status_code == 422 and problem in r.json["errors"]["managing_unit_id"][0]
    assert Account.select().count() == 0


# ------------------------------------------------------------------------- security (X24)
def test_the_security_record_refuses_a_password_and_a_bad_holder(client, city, active):
    r = client.put(f"/api/accounts/{active}/security", headers=city.headers("dept_operator"),
                   json={"credential_holder_id": city.people["dept_operator"].id, "password": "secret"})
    assert r.status_code == 422 and "password" in r.json["errors"]
    r = client.put(f"/api/accounts/{active}/security", headers=city.headers("dept_operator"),
                   json={"credential_holder_id": city.people["west_operator"].id})
    assert r.status_code == 422 and "credential_holder_id" in r.json["errors"]
    assert SecurityRecord.select().count() == 0


def test_an_old_password_is_reminded_once_per_password_and_waits_in_the_todo(client, city, active):
    old = (utcnow() - dt.timedelta(days=100)).replace(microsecond=0)
    r = client.put(f"/api/accounts/{active}/security", headers=city.headers("dept_operator"),
                   json={"credential_holder_id": city.people["dept_operator"].id,
                         "password_changed_at": old.isoformat() + "+00:00"})
    assert r.status_code == 200 and r.json["security"]["password_due"] is True
    assert account_security.remind() == 2  # the holder and the team's responsible office
    assert account_security.remind() == 0  # claimed: once
    told = Notification.get(Notification.person == city.people["dept_operator"].id)
    assert told.kind == "password_age" and told.link_kind == "account_security" and "100" not in told.title
    listed = client.get("/api/accounts?password=due", headers=city.headers("dept_operator")).json
    assert [a["id"] for a in listed] == [active]
    from govmb.identity import Identity
    p = city.people["dept_operator"]
    me = Identity(p.id, p.name, p.unit_id, p.unit.path, frozenset(p.role_set))
    assert {g["kind"]: g["count"] for g in todo.waiting(me)}["passwords_due"] == 1
    # a new password clears the reminder; the same password date is not told again
    client.put(f"/api/accounts/{active}/security", headers=city.headers("dept_operator"),
               json={"credential_holder_id": city.people["dept_operator"].id,
                     "password_changed_at": utcnow().replace(microsecond=0).isoformat() + "+00:00"})
    assert {g["kind"]: g["count"] for g in todo.waiting(me)}["passwords_due"] == 0
    assert account_security.remind() == 0
    SecurityRecord.update(password_changed_at=old - dt.timedelta(days=1)).execute()  # as if 101 days ago
    assert account_security.remind() == 2  # a different password date: told again
