"""僵尸号 (G123.4): the list of dormant accounts (silent beyond the rule's days, or citizens'
messages unanswered beyond its months), paged, narrowed and sorted; rectification orders issued
by the office or supervision, answered by the unit, reviewed; a closure order for an account
still dormant after the deadline (its event for the registry); the counts per unit; the to-do
and the reminder before the deadline; bad input named by field and changing nothing."""
import datetime as dt
import json

import pytest

from govmb.contracts import validate_outgoing
from govmb.timefmt import beijing_today
from services.assessment import reminders as assessment_reminders
from services.assessment.models import DormancyOrder, DormancyStep, bus
from tests.assessment.conftest import DEPT, OFFICE, OTHER, message, post
from tests.conftest import auth

SUPERVISION = auth(8, "/1/8/", "supervision", person=40)
PRINCIPAL = auth(4, "/1/3/4/", "principal_leader", person=14)


def day(n: int) -> str:
    return (beijing_today() + dt.timedelta(days=n)).isoformat()


def at(n: int) -> str:
    return (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=n)).isoformat()


@pytest.fixture
def city(app):
    """Account 1 (unit 4) posted yesterday but left a message unanswered four months; account 2
    (unit 4) never posted since its activation (2026-01-01); account 3 (unit 5) posted 20 days ago."""
    with app.app_context():
        post(1, 4, at(-1))
        post(3, 5, at(-20))
        message(1, 4, at(-125), at(-124))
        message(2, 4, at(-125), at(-124), replied_at=at(-124))  # answered: not counted
    return app


def dormant(client, headers=OFFICE, **params):
    r = client.get("/api/dormancy/accounts", query_string=params, headers=headers)
    assert r.status_code == 200, r.json
    return r.json


def issue(client, account_id=2, headers=OFFICE, **fields):
    body = {"account_id": account_id, "reason": "恢复日常更新，每周至少发布 3 条", "deadline": day(7), **fields}
    return client.post("/api/dormancy/orders", json=body, headers=headers)


def step(client, order_id, action, headers, **body):
    return client.post(f"/api/dormancy/orders/{order_id}/{action}", json=body, headers=headers)


def test_the_list_names_each_dormant_account_why_and_how_long_most_silent_first(client, city):
    rows = dormant(client)
    assert [r["account_id"] for r in rows] == [2, 3, 1]  # never posted (since 2026-01-01), 20 days, 1 day
    two, three, one = rows
    assert two["kinds"] == ["silent"] and two["last_post_day"] is None and two["days_silent"] > 300
    assert "从未发布" in two["found"] and two["unit_name"] == "东湖区民政局"
    assert three["days_silent"] in (19, 20, 21) and three["kind_names"] == ["长期未更新"]
    assert one["kinds"] == ["unanswered"] and one["unanswered"] == 1 and "1 条留言超过 3 个月未回复" in one["found"]
    assert [r["account_id"] for r in dormant(client, sort="days")] == [1, 3, 2]
    assert [r["account_id"] for r in dormant(client, kind="silent")] == [2, 3]
    assert [r["account_id"] for r in dormant(client, kind="unanswered")] == [1]
    assert [r["account_id"] for r in dormant(client, unit_id=5)] == [3]
    assert [r["account_id"] for r in dormant(client, q="账号3")] == [3]
    assert [r["account_id"] for r in dormant(client, headers=DEPT)] == [2, 1]  # a unit sees its own
    r = client.get("/api/dormancy/accounts", query_string={"page_size": 1, "page": 2}, headers=OFFICE)
    assert [a["account_id"] for a in r.json] == [3] and json.loads(r.headers["X-Pagination"])["total"] == 3


def test_the_rule_of_days_is_the_offices(client, city):
    assert client.put("/api/rules", json={"dormant_days": 30}, headers=OFFICE).status_code == 200
    assert [r["account_id"] for r in dormant(client)] == [2, 1]  # 20 days is no longer dormant


def test_bad_input_is_named_by_field_and_changes_nothing(client, city):
    cases = [({"deadline": day(0)}, "deadline", "晚于今天"), ({"deadline": day(120)}, "deadline", "90"),
             ({"reason": "  "}, "reason", "整改要求"), ({"account_id": 99}, "account_id", "不存在"),
             ({"deadline": "明天"}, "deadline", "日期"), ({"account_id": "x"}, "account_id", "")]
    for fields, name, words in cases:
        r = issue(client, **fields)
        assert r.status_code == 422 and words in str(r.json["errors"][name]), (fields, r.json)
    with client.application.app_context():
        post(2, 4, at(0))  # account 2 posts today: no longer dormant
    r = issue(client, account_id=2)
    assert r.status_code == 422 and "不是僵尸号" in str(r.json["errors"]["account_id"])
    assert client.get("/api/dormancy/accounts", query_string={"kind": "sleepy"}, headers=OFFICE).status_code == 422
    with client.application.app_context():
        assert DormancyOrder.select().count() == 0 and DormancyStep.select().count() == 0


def test_an_order_is_issued_answered_rejected_answered_again_and_accepted(client, city):
    assert issue(client, headers=DEPT).status_code == 403  # a unit issues none
    r = issue(client, headers=SUPERVISION)
    assert r.status_code == 201, r.json
    o = r.json
    assert (o["status"], o["status_name"], o["unit_name"], o["kind_names"]) == ("issued", "待单位答复", "东湖区民政局", ["长期未更新"])
    assert o["deadline"] == day(7) and o["issued_by"] == "测试用户" and [h["action"] for h in o["history"]] == ["issue"]
    assert issue(client).status_code == 409  # one open order an account
    row = next(a for a in dormant(client) if a["account_id"] == 2)
    assert row["open_order"] == {"id": o["id"], "status": "issued", "status_name": "待单位答复", "deadline": day(7)}

    assert step(client, o["id"], "answer", OTHER, text="x").status_code == 404  # another unit does not see it
    assert step(client, o["id"], "answer", OFFICE, text="x").status_code == 403
    bad = step(client, o["id"], "answer", DEPT, text="  ")
    assert bad.status_code == 422 and "整改情况" in str(bad.json["errors"]["text"])
    assert client.get(f"/api/dormancy/orders/{o['id']}", headers=DEPT).json["status"] == "issued"
    assert client.get(f"/api/dormancy/orders/{o['id']}", headers=DEPT).json["actions"] == ["answer"]
    r = step(client, o["id"], "answer", DEPT, text="已明确专人负责，恢复每日更新")
    assert r.status_code == 200 and r.json["status"] == "answered" and r.json["answered_on_time"] is True
    assert step(client, o["id"], "review", DEPT, accept=True).status_code == 403
    bad = step(client, o["id"], "review", OFFICE, accept=False, comment="")
    assert bad.status_code == 422 and "意见" in str(bad.json["errors"]["comment"])
    r = step(client, o["id"], "review", OFFICE, accept=False, comment="一周内仍无发布")
    assert r.status_code == 200 and r.json["status"] == "rejected" and r.json["review_comment"] == "一周内仍无发布"
    assert step(client, o["id"], "answer", DEPT, text="已发布 3 条").json["status"] == "answered"
    r = step(client, o["id"], "review", SUPERVISION, accept=True)
    assert r.status_code == 200 and r.json["status"] == "accepted"
    assert [h["action"] for h in r.json["history"]] == ["issue", "answer", "reject", "answer", "accept"]
    assert step(client, o["id"], "closure", OFFICE).status_code == 409  # settled

    counts = client.get("/api/dormancy/counts", headers=DEPT).json
    assert counts == [{"unit_id": 4, "unit_name": "东湖区民政局", "issued": 1, "answered_on_time": 1, "answered_late": 0,
                       "closures": 0, "open": 0}]
    assert client.get("/api/dormancy/counts", headers=OTHER).json == []
    orders = client.get("/api/dormancy/orders", query_string={"status": "accepted"}, headers=DEPT).json
    assert [x["id"] for x in orders] == [o["id"]]


def past_deadline(app, order_id: int) -> None:
    with app.app_context():
        DormancyOrder.update(deadline=beijing_today() - dt.timedelta(days=1)).where(DormancyOrder.id == order_id).execute()


def closure_events(app) -> list[dict]:
    with app.app_context():
        return [json.loads(r.body) for r in bus.Outbox.select().where(
            bus.Outbox.event_type == "assessment.account.closure_ordered").order_by(bus.Outbox.id)]


def test_an_account_still_dormant_after_the_deadline_is_ordered_closed_once(client, city):
    o = issue(client).json
    r = step(client, o["id"], "closure", OFFICE)
    assert r.status_code == 409 and "尚未过去" in r.json["detail"]  # not before the deadline
    past_deadline(city, o["id"])
    assert client.get(f"/api/dormancy/orders/{o['id']}", headers=DEPT).json["overdue"] is True
    assert [x["id"] for x in client.get("/api/dormancy/orders", query_string={"past_deadline": True},
                                        headers=OFFICE).json] == [o["id"]]
    assert step(client, o["id"], "closure", DEPT).status_code == 403
    r = step(client, o["id"], "closure", OFFICE, comment="整改期满仍未更新")
    assert r.status_code == 200, r.json
    assert (r.json["status"], r.json["status_name"], r.json["closure_ordered_by"]) == ("closure_ordered", "已责令关闭", "测试用户")
    assert step(client, o["id"], "closure", OFFICE).status_code == 409
    [event] = closure_events(city)
    assert event["account_id"] == 2 and event["order_id"] == o["id"] and event["ordered_by_id"] == 30
    assert event["reason"] == "整改期满仍未更新" and event["unit_id"] == 4
    validate_outgoing("assessment.account.closure_ordered", event)
    counts = client.get("/api/dormancy/counts", headers=OFFICE).json
    assert counts[0]["closures"] == 1 and counts[0]["answered_on_time"] == 0 and counts[0]["issued"] == 1


def test_an_account_that_posted_again_is_not_ordered_closed(client, city):
    o = issue(client).json
    past_deadline(city, o["id"])
    with city.app_context():
        post(2, 4, at(0))
    r = step(client, o["id"], "closure", OFFICE)
    assert r.status_code == 409 and "已不是僵尸号" in r.json["detail"]
    assert closure_events(city) == []
    late = step(client, o["id"], "answer", DEPT, text="已恢复更新")
    assert late.json["answered_on_time"] is False  # answered after the deadline


def todo(client, headers) -> dict:
    r = client.get("/api/todo", headers=headers)
    assert r.status_code == 200, r.json
    return {g["kind"]: g for g in r.json}


def test_the_unit_has_its_order_to_answer_and_the_office_the_answers_and_the_late(client, city):
    o = issue(client).json
    mine = todo(client, DEPT)["dormancy_orders"]
    assert mine["count"] == 1 and mine["items"][0]["title"] == "账号2" and mine["overdue"] == 0
    assert "dormancy_orders" not in todo(client, OTHER) or todo(client, OTHER)["dormancy_orders"]["count"] == 0
    assert "dormancy_answers" not in todo(client, DEPT)
    past_deadline(city, o["id"])
    assert todo(client, DEPT)["dormancy_orders"]["overdue"] == 1
    assert todo(client, OFFICE)["dormancy_due"]["count"] == 1
    step(client, o["id"], "answer", DEPT, text="已恢复更新")
    assert todo(client, DEPT)["dormancy_orders"]["count"] == 0
    assert todo(client, SUPERVISION)["dormancy_answers"]["count"] == 1
    assert todo(client, OFFICE)["dormancy_due"]["count"] == 0


def test_the_unit_is_reminded_once_before_the_deadline(client, city):
    o = issue(client, deadline=day(1)).json
    with city.app_context():
        assert [r.kind for r in assessment_reminders.dormancy_orders()] == ["dormancy_due"]
        assessment_reminders.reminders.send(assessment_reminders.db, bus, assessment_reminders.ReminderSent,
                                            "assessment", assessment_reminders.dormancy_orders())
        said = [json.loads(r.body) for r in bus.Outbox.select().where(bus.Outbox.event_type == "assessment.reminder.due")]
        assert [(s["kind"], s["link_kind"], s["link_id"]) for s in said] == [("dormancy_due", "dormancy_order", o["id"])]
        assert "principal_leader" in said[0]["roles"] and said[0]["unit_id"] == 4
        assert assessment_reminders.dormancy_orders() == []  # said once


def test_an_order_issued_by_a_reader_of_uyghur_records_the_situation_in_chinese(client, city):
    """Issue 21: the order's recorded situation is the record's language (the unit reads the same
    text whatever language the office worked in); the list around it is in the reader's."""
    uyghur = {**SUPERVISION, "Accept-Language": "ug"}
    listed = next(a for a in dormant(client, headers=uyghur) if a["account_id"] == 2)
    assert any("\u0600" <= c <= "\u06ff" for c in listed["found"])  # the reader's language on the list
    r = issue(client, headers=uyghur)
    assert r.status_code == 201, r.json
    assert "已" in r.json["found"] and not any("\u0600" <= c <= "\u06ff" for c in r.json["found"])
