"""Publishing's audit trail: checks, approvals, returns, the fast track, withdrawals, releases
and lexicon changes each leave exactly one row naming who; a refused step leaves none."""
import datetime as dt

import pytest

from tests.conftest import audit_trail, auth
from tests.publishing.conftest import JOINT, LEADER, OFFICE, OPERATOR, OTHER_LEADER, act, draft

SUPERVISION = auth(1, "/1/", "supervision", person=900)


def trail(client, **params):
    """The trail's rows about drafts (the fixture's lexicon is the system's own row)."""
    return audit_trail(client, JOINT, **{"subject_type": "draft", **params})


def test_each_review_decision_leaves_one_row_and_writing_or_submitting_none(client):
    d = draft(client).json
    assert act(client, d["id"], "submit", OPERATOR).status_code == 200
    assert trail(client) == []  # writing and submitting are the author's own steps, not decisions
    decisions = [("check", OFFICE, 12, {}), ("return", LEADER, 11, {"comment": "请补充活动地点"})]
    for action, headers, person, body in decisions:
        assert act(client, d["id"], action, headers, **body).status_code == 200
        row = trail(client)[0]
        assert (row["action"], row["actor_id"], row["subject_id"]) == (f"draft.{action}", person, str(d["id"]))
        assert row["unit_path"] == "/1/3/4/" and row["subject_name"] == d["text"][:40]
    assert trail(client)[0]["detail"] == "待审批 → 已退回修改；请补充活动地点"
    for action, headers in (("submit", OPERATOR), ("check", OFFICE), ("approve", LEADER)):
        assert act(client, d["id"], action, headers).status_code == 200
    assert act(client, d["id"], "record_publication", OPERATOR, platform="sina", url="https://weibo.com/1/a").json[
        "status"] == "approved"
    assert trail(client)[0]["action"] == "draft.approve"  # one platform of two: not released yet, no row
    r = act(client, d["id"], "record_publication", OPERATOR, platform="xinhua", url="https://xinhua.example.cn/1/a")
    assert r.json["status"] == "released"
    rows = trail(client, subject_type="draft", subject_id=d["id"])
    assert [x["action"] for x in rows] == ["draft.release", "draft.approve", "draft.check", "draft.return",
                                           "draft.check"]
    assert rows[0]["detail"] == "已审批，待发布 → 已发布；新浪网、新华网" and rows[0]["action_name"] == "稿件：全部平台发布完成"


def test_the_fast_track_records_who_approved_by_which_channel_and_a_withdrawal_is_recorded(client):
    d = draft(client).json
    act(client, d["id"], "submit", OPERATOR)
    when = dt.datetime.now(dt.timezone.utc)
    r = act(client, d["id"], "fast_track", OPERATOR, channel="sms", approver_id=11, approved_at=when.isoformat())
    assert r.status_code == 200, r.json
    row = trail(client)[0]
    beijing = when.astimezone(dt.timezone(dt.timedelta(hours=8)))
    assert (row["action"], row["actor_id"]) == ("draft.fast_track", 13)
    assert row["detail"] == f"待核稿 → 已审批，待发布；梁宇经短信同意于{beijing:%Y-%m-%d %H:%M}"
    other = draft(client).json
    assert act(client, other["id"], "withdraw", OPERATOR).status_code == 200
    assert [(x["action"], x["subject_id"]) for x in trail(client)][:1] == [("draft.withdraw", str(other["id"]))]


@pytest.mark.parametrize("setup,action,headers,body,code", [
    (["submit"], "return", OFFICE, {}, 422),  # a return without comments
    (["submit", "check"], "approve", OFFICE, {}, 403),  # the office does not approve
    (["submit", "check"], "approve", OTHER_LEADER, {}, 404),  # another unit's leader does not even see it
    (["submit"], "approve", LEADER, {}, 409),  # approval before the check
    (["submit"], "fast_track", OPERATOR, {"channel": "fax"}, 422),
])
def test_a_refused_decision_leaves_no_row(client, setup, action, headers, body, code):
    d = draft(client).json
    for step in setup:
        assert act(client, d["id"], step, {"submit": OPERATOR, "check": OFFICE}[step]).status_code == 200
    before = trail(client)
    assert act(client, d["id"], action, headers, **body).status_code == code
    assert trail(client) == before


def test_lexicon_writes_and_deletions_are_recorded(client):
    r = client.post("/api/lexicon", json={"entries": [{"word": "绝密", "category": "classified", "severity": "block"}]},
                    headers=JOINT)
    assert r.status_code == 200
    assert [w["actor_name"] for w in audit_trail(client, JOINT, action="lexicon.write")] == ["测试用户", "系统"]
    written = audit_trail(client, JOINT, action="lexicon.write", person_id=30)
    assert [(w["actor_id"], w["subject_id"], w["detail"]) for w in written] == [
        (30, str(r.json["version"]), "1 个：绝密（涉密、禁止）")]
    entry = next(e for e in client.get("/api/lexicon", headers=JOINT).json if e["word"] == "示威")
    before = audit_trail(client, JOINT)
    assert client.delete("/api/lexicon/99999", headers=JOINT).status_code == 404
    assert audit_trail(client, JOINT) == before  # nothing deleted: no row
    assert client.delete(f"/api/lexicon/{entry['id']}", headers=JOINT).status_code == 204
    deleted = audit_trail(client, JOINT, subject_type="lexicon_entry", subject_id=entry["id"])
    assert [(x["action"], x["subject_name"], x["detail"], x["actor_id"]) for x in deleted] == [
        ("lexicon.delete", "示威", "敏感、提示", 30)]


def test_only_the_city_wide_roles_read_publishing_s_trail(client):
    for refused in (OPERATOR, LEADER, OTHER_LEADER):
        assert client.get("/api/audit", headers=refused).status_code == 403
    assert client.get("/api/audit", headers=SUPERVISION).status_code == 200
    assert client.delete("/api/audit", headers=JOINT).status_code == 405
