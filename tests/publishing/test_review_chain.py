"""先审后发: no draft reaches release without the approvals its kind needs."""
import datetime as dt

import pytest

from services.publishing.models import Draft, Finding, ReviewStep, bus
from tests.publishing.conftest import JOINT, LEADER, OFFICE, OPERATOR, OTHER_LEADER, act, draft


def released_events():
    return [r for r in bus.Outbox.select() if r.event_type == "publishing.post.released"]


def test_a_draft_goes_through_check_and_approval_to_release_on_every_platform(client):
    d = draft(client).json
    assert d["status"] == "draft" and d["platforms"] == ["sina", "xinhua"]  # by default all the account's platforms
    assert act(client, d["id"], "submit", OPERATOR).json["status"] == "submitted"
    assert act(client, d["id"], "check", OFFICE).json["status"] == "checked"
    assert act(client, d["id"], "approve", LEADER).json["status"] == "approved"
    r = act(client, d["id"], "record_publication", OPERATOR, platform="sina", url="https://weibo.com/1/abc")
    assert r.json["status"] == "approved" and released_events() == []
    r = act(client, d["id"], "record_publication", OPERATOR, platform="xinhua", url="https://xinhua.example.cn/1/abc")
    assert r.json["status"] == "released" and r.json["released_at"].endswith("+08:00")
    assert [s["action"] for s in r.json["steps"]] == ["write", "submit", "check", "approve", "record_publication",
                                                       "record_publication"]
    assert len(released_events()) == 1


@pytest.mark.parametrize("setup,action,headers,code", [
    ([], "approve", LEADER, 409),  # approval before submission
    (["submit"], "approve", LEADER, 409),  # approval before the office's check
    (["submit"], "record_publication", OPERATOR, 409),  # release before any approval
    (["submit", "check"], "record_publication", OPERATOR, 409),  # release before the leader's approval
    (["submit"], "check", OPERATOR, 403),  # an operator cannot check
    (["submit", "check"], "approve", OFFICE, 403),  # the office cannot approve
    (["submit", "check"], "approve", OTHER_LEADER, 404),  # another unit's leader does not even see it
    (["submit", "check"], "approve", JOINT, 403),  # the joint-meeting office sees, but does not approve
])
def test_skipping_a_step_is_refused_with_a_clear_error(client, setup, action, headers, code):
    d = draft(client).json
    who = {"submit": OPERATOR, "check": OFFICE}
    for step in setup:
        assert act(client, d["id"], step, who[step]).status_code == 200
    before = Draft.get_by_id(d["id"]).status
    r = act(client, d["id"], action, headers, platform="sina", url="https://weibo.com/x")
    assert r.status_code == code and r.json["detail"]
    assert Draft.get_by_id(d["id"]).status == before and released_events() == []


def test_a_return_needs_comments_and_sends_the_draft_back_for_changes(client):
    d = draft(client).json
    act(client, d["id"], "submit", OPERATOR)
    r = act(client, d["id"], "return", OFFICE)
    assert r.status_code == 422 and "修改意见" in r.json["errors"]["comment"][0]
    r = act(client, d["id"], "return", OFFICE, comment="请补充活动地点")
    assert r.json["status"] == "returned"
    r = client.put(f"/api/drafts/{d['id']}", headers=OPERATOR,
                   json={"account_id": 1, "text": "东湖区今日在青山湖畔开展义务植树活动。", "info_type": "participation"})
    assert r.status_code == 200 and act(client, d["id"], "submit", OPERATOR).json["status"] == "submitted"


def test_blocking_findings_stop_submission_and_are_kept_with_their_positions(client):
    text = "据内部资料，张某身份证11010519491231002X。"
    d = draft(client, text=text).json
    r = act(client, d["id"], "submit", OPERATOR)
    assert r.status_code == 422
    assert any("涉密" in m for m in r.json["errors"]["text"]) and any("身份证" in m for m in r.json["errors"]["text"])
    found = {f.check: f for f in Finding.select().where(Finding.draft == d["id"])}
    assert text[found["lexicon"].start:found["lexicon"].end] == "内部资料"
    assert found["id_number"].excerpt == "110***********002X"  # the number itself is not kept
    assert Draft.get_by_id(d["id"]).status == "draft"


def test_warnings_need_the_reviewers_acknowledgement(client):
    d = draft(client, text="关于网传示威一事的情况说明，咨询电话13812345678。").json
    r = act(client, d["id"], "submit", OPERATOR)
    assert r.json["status"] == "submitted" and {f["check"] for f in r.json["findings"]} == {"lexicon", "mobile"}
    r = act(client, d["id"], "check", OFFICE)
    assert r.status_code == 409 and "2 条提示未确认" in r.json["detail"]
    r = act(client, d["id"], "check", OFFICE, acknowledge=True)
    assert r.json["status"] == "checked" and all(f["acknowledged_by"] == "测试用户" for f in r.json["findings"])


def test_the_fast_track_records_who_approved_how_and_when(client):
    d = draft(client).json
    act(client, d["id"], "submit", OPERATOR)
    before = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=5)).isoformat()
    r = act(client, d["id"], "fast_track", OPERATOR, channel="sms", approver_id=11, approved_at=before)
    assert r.status_code == 422 and "提交审核之后" in r.json["errors"]["approved_at"][0]  # before it was submitted
    when = dt.datetime.now(dt.timezone.utc).isoformat()
    r = act(client, d["id"], "fast_track", OPERATOR, channel="sms", approver_id=13, approved_at=when)
    assert r.status_code == 422 and "分管领导" in r.json["errors"]["approver_id"][0]
    r = act(client, d["id"], "fast_track", OPERATOR, channel="sms", approver_id=11, approved_at=when)
    assert r.json["status"] == "approved" and r.json["fast_track"] is True
    step = ReviewStep.select().where(ReviewStep.draft == d["id"], ReviewStep.action == "fast_track").get()
    assert (step.channel, step.approver) == ("sms", "梁宇") and step.approved_at is not None


def test_a_fast_track_approval_may_be_given_in_the_minute_the_draft_was_submitted(client):
    """Issue 17's finding: the page's time holds minutes, so an approval in the submission's own
    minute read as before it ("须在提交审核之后")."""
    d = draft(client).json
    act(client, d["id"], "submit", OPERATOR)
    submitted = Draft.get_by_id(d["id"]).submitted_at
    minute = submitted.replace(second=0, microsecond=0, tzinfo=dt.timezone.utc).isoformat()
    r = act(client, d["id"], "fast_track", OPERATOR, channel="phone", approver_id=11, approved_at=minute)
    assert r.status_code == 200 and r.json["status"] == "approved", r.json
    step = ReviewStep.select().where(ReviewStep.draft == d["id"], ReviewStep.action == "fast_track").get()
    assert step.approved_at >= submitted  # recorded no earlier than the submission


def test_the_account_copy_names_the_team_whose_leaders_the_fast_track_form_offers(client):
    """The draft page lists the approvers from the account's team: without it the form had none to offer."""
    mine = next(a for a in client.get("/api/accounts", headers=OPERATOR).json if a["id"] == 1)
    assert [m for m in mine["team"] if m["role"] == "leader_in_charge"] == [
        {"person_id": 11, "name": "梁宇", "role": "leader_in_charge"}]


@pytest.mark.parametrize("fields,problem", [({"text": "网传有人示威，现说明如下。"}, "敏感"), ({"major": True}, "重大事项")])
def test_a_sensitive_or_major_draft_can_never_take_the_fast_track(client, fields, problem):
    d = draft(client, **fields).json
    act(client, d["id"], "submit", OPERATOR)
    r = act(client, d["id"], "fast_track", OPERATOR, channel="phone", approver_id=11,
            approved_at=dt.datetime.now(dt.timezone.utc).isoformat())
    assert r.status_code == 409 and problem in r.json["detail"]
    assert Draft.get_by_id(d["id"]).status == "submitted"


def test_only_active_accounts_of_ones_own_unit_take_drafts(client):
    r = draft(client, account_id=2)
    assert r.status_code == 422 and "未开通" in r.json["errors"]["account_id"][0]
    r = draft(client, account_id=3)
    assert r.status_code == 422 and "管辖范围" in r.json["errors"]["account_id"][0]
    r = draft(client, platforms=["tencent"])
    assert r.status_code == 422 and "platforms" in r.json["errors"]


def test_one_person_cannot_write_check_and_approve_the_same_draft(client):
    from tests.conftest import auth
    everything = auth(4, "/1/3/4/", "operator", "responsible_office", "leader", person=99)
    d = draft(client, headers=everything).json
    act(client, d["id"], "submit", everything)
    r = act(client, d["id"], "check", everything)
    assert r.status_code == 403 and "三审" in r.json["detail"]
    act(client, d["id"], "check", OFFICE)
    r = act(client, d["id"], "approve", OFFICE.copy() | auth(4, "/1/3/4/", "leader", person=12))
    assert r.status_code == 403  # the checker does not approve either


def test_a_word_made_classified_after_submission_stops_the_review(client):
    from services.publishing import lexicon
    d = draft(client, text="关于本周工作例会的通知。").json
    act(client, d["id"], "submit", OPERATOR)
    lexicon.add([{"word": "工作例会", "category": "classified", "severity": "block"}])
    r = act(client, d["id"], "check", OFFICE)
    assert r.status_code == 409 and "涉密" in r.json["detail"]


def test_a_comment_never_replaces_the_publication_record(client):
    d = draft(client).json
    for step, who in (("submit", OPERATOR), ("check", OFFICE), ("approve", LEADER)):
        act(client, d["id"], step, who)
    r = act(client, d["id"], "record_publication", OPERATOR, platform="nonsense", url="javascript:x", comment="已发")
    assert r.status_code == 422 and {"platform", "url"} <= set(r.json["errors"])
    r = act(client, d["id"], "record_publication", OPERATOR, platform="sina", url="https://weibo.com/1/a", comment="已发")
    assert [p["platform"] for p in r.json["publications"]] == ["sina"] and "已发" in r.json["steps"][-1]["comment"]


