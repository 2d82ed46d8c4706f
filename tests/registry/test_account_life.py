"""An account's whole life through the API, and every step taken out of turn."""
import pytest

from services.registry.models import Account, AccountStep
from tests.registry.conftest import application, events


def act(client, city, who, account_id, action, **body):
    return client.post(f"/api/accounts/{account_id}/actions/{action}", json=body, headers=city.headers(who))


@pytest.fixture
def applied(client, city):
    r = client.post("/api/accounts", json=application(city), headers=city.headers("dept_operator"))
    assert r.status_code == 201, r.json
    return r.json


def test_an_account_walks_from_application_to_active_and_to_closed(client, city, applied):
    aid = applied["id"]
    assert applied["status"] == "applied" and applied["actions"] == ["withdraw"]
    steps = [("dept_principal_leader", "approve", {}, "filing"),
             ("east_leader", "acknowledge_filing", {}, "filed"),
             ("dept_operator", "register_platform", {"platform": "sina", "handle": "东湖教育", "url": "https://weibo.com/dhjy"}, "filed"),
             ("dept_operator", "register_platform", {"platform": "tencent", "handle": "东湖教育", "url": "https://t.qq.com/dhjy"}, "filed"),
             ("dept_operator", "activate", {}, "active"),
             ("dept_operator", "request_close", {"reason": "职能调整"}, "closing_requested"),
             ("dept_principal_leader", "approve_close", {}, "closing_approved"),
             ("dept_operator", "inform_superior", {}, "superior_informed"),
             ("dept_operator", "post_notice", {"notice_url": "https://weibo.com/dhjy/notice"}, "notice_posted"),
             ("dept_operator", "deregister_platform", {"platform": "sina"}, "notice_posted"),
             ("dept_operator", "deregister_platform", {"platform": "tencent"}, "notice_posted"),
             ("dept_operator", "close", {}, "closed")]
    for who, action, body, status in steps:
        r = act(client, city, who, aid, action, **body)
        assert r.status_code == 200, (action, r.json)
        assert r.json["status"] == status, action
    log = r.json["steps"]
    assert [s["action"] for s in log] == ["apply"] + [s[1] for s in steps]
    assert log[2]["actor_name"] == "east_leader" and log[2]["actor_unit"] == "东湖区"
    assert log[1]["at"].endswith("+08:00")
    assert events().count("registry.account.activated") == 1 and events()[-1] == "registry.account.closed"
    account = Account.get_by_id(aid)
    assert account.activated_at and account.filed_at and account.notice_posted_at and account.closed_at


@pytest.mark.parametrize("action,who,body,expected,problem", [
    ("acknowledge_filing", "east_leader", {}, 409, "报上级备案中"),  # filing before approval
    ("activate", "dept_operator", {}, 409, "已备案"),  # activating an unfiled account
    ("close", "dept_operator", {}, 409, "已发布关闭公告"),  # closing without the public notice
    ("register_platform", "dept_operator", {"platform": "sina", "handle": "x", "url": "https://x"}, 409, "已备案"),
    ("approve", "dept_operator", {}, 403, "主要领导"),  # an operator cannot approve
    ("approve", "dept_leader", {}, 403, "主要领导"),
    ("acknowledge_filing", "west_leader", {}, 404, "不在您的管辖范围"),  # another district cannot even see it
    ("fly", "dept_operator", {}, 404, "fly"),
])
def test_an_illegal_step_is_refused_clearly_and_changes_nothing(client, city, applied, action, who, body, expected, problem):
    before_events, before_steps = len(events()), AccountStep.select().count()
    r = act(client, city, who, applied["id"], action, **body)
    assert r.status_code == expected
    assert problem in r.json["detail"]
    assert Account.get_by_id(applied["id"]).status == "applied"
    assert len(events()) == before_events and AccountStep.select().count() == before_steps


def test_activation_waits_for_every_platform_and_closing_for_every_deregistration(client, city, applied):
    aid = applied["id"]
    act(client, city, "dept_principal_leader", aid, "approve")
    act(client, city, "east_principal", aid, "acknowledge_filing")
    act(client, city, "dept_operator", aid, "register_platform", platform="sina", handle="东湖教育", url="https://weibo.com/x")
    r = act(client, city, "dept_operator", aid, "activate")
    assert r.status_code == 409 and "腾讯网" in r.json["detail"]
    act(client, city, "dept_operator", aid, "register_platform", platform="tencent", handle="东湖教育", url="https://t.qq.com/x")
    for who, action, body in (("dept_operator", "activate", {}), ("dept_operator", "request_close", {"reason": "职能调整"}),
                              ("dept_principal_leader", "approve_close", {}), ("dept_operator", "inform_superior", {}),
                              ("dept_operator", "post_notice", {"notice_url": "https://weibo.com/x/notice"}),
                              ("dept_operator", "deregister_platform", {"platform": "sina"})):
        assert act(client, city, who, aid, action, **body).status_code == 200, action
    steps = AccountStep.select().where(AccountStep.account == aid).count()
    r = act(client, city, "dept_operator", aid, "close")  # 腾讯网 still registered: not closed (X25)
    assert r.status_code == 409 and "腾讯网" in r.json["detail"]
    assert Account.get_by_id(aid).status == "notice_posted" and AccountStep.select().where(
        AccountStep.account == aid).count() == steps
    act(client, city, "dept_operator", aid, "deregister_platform", platform="tencent")
    assert act(client, city, "dept_operator", aid, "close").json["status"] == "closed"


def test_a_return_needs_a_reason_and_a_resubmission_goes_back_to_the_principal(client, city, applied):
    aid = applied["id"]
    r = act(client, city, "dept_principal_leader", aid, "return")
    assert r.status_code == 422 and "理由" in r.json["errors"]["comment"][0]
    r = act(client, city, "dept_principal_leader", aid, "return", comment="请补充工作机制")
    assert r.json["status"] == "returned"
    r = act(client, city, "dept_operator", aid, "resubmit", mechanism="")
    assert r.status_code == 422 and "mechanism" in r.json["errors"]
    r = act(client, city, "dept_operator", aid, "resubmit", mechanism="三审三校，节假日专人值守")
    assert r.json["status"] == "applied" and r.json["mechanism"] == "三审三校，节假日专人值守"


def test_the_joint_meeting_office_may_acknowledge_any_filing(client, city, applied):
    act(client, city, "dept_principal_leader", applied["id"], "approve")
    r = act(client, city, "office", applied["id"], "acknowledge_filing")
    assert r.status_code == 200 and r.json["status"] == "filed"


def test_the_superior_sees_the_filings_waiting_for_it(client, city, applied):
    act(client, city, "dept_principal_leader", applied["id"], "approve")
    waiting = client.get("/api/accounts?awaiting=filing", headers=city.headers("east_leader")).json
    assert [a["id"] for a in waiting] == [applied["id"]]
    assert client.get("/api/accounts?awaiting=filing", headers=city.headers("west_leader")).json == []
    assert client.get(f"/api/accounts/{applied['id']}", headers=city.headers("east_leader")).json["actions"] == \
        ["acknowledge_filing", "return_filing"]


def test_a_person_made_inactive_takes_no_step_with_the_token_they_still_hold(client, city, applied):
    from services.registry.models import Person
    with client.application.app_context():
        Person.update(active=False).where(Person.username == "dept_principal_leader").execute()
    r = act(client, city, "dept_principal_leader", applied["id"], "approve")
    assert r.status_code == 401 and "停用" in r.json["detail"]
    with client.application.app_context():
        assert Account.get_by_id(applied["id"]).status == "applied" and AccountStep.select().count() == 1
