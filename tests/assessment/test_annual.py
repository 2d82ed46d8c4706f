"""The annual assessment, worked out by hand on a small city (expected values in the comments)."""
import datetime as dt
from urllib.parse import quote

import pytest

from tests.assessment.conftest import COUNTY, DEPT, OFFICE, OTHER, feed, message, post

ASOF = quote("2027-01-01T00:00:00+08:00")  # the year's end, Beijing time


@pytest.fixture
def year(app):
    # Unit 4: account 1 (livelihood) and account 2 (policy); unit 5: account 3.
    post(1, 4, "2025-12-31T15:00:00+00:00")  # Beijing 2025-12-31 23:00: last year, not counted
    post(1, 4, "2025-12-31T17:00:00+00:00")  # Beijing 2026-01-01 01:00: counted
    post(1, 4, "2026-12-20T02:00:00+00:00")
    post(1, 4, "2026-12-25T02:00:00+00:00", emergency_on_time=True)
    post(1, 4, "2026-12-28T02:00:00+00:00", original=False, emergency_on_time=False)
    post(2, 4, "2026-12-01T02:00:00+00:00")  # then nothing for 31 days: dormant at the year's end
    post(3, 5, "2026-12-30T02:00:00+00:00")
    message(1, 4, "2026-06-01T00:00:00+00:00", "2026-06-02T00:00:00+00:00", replied_at="2026-06-01T05:00:00+00:00",
            resolved_at="2026-06-05T00:00:00+00:00")  # on time, resolved
    message(1, 4, "2026-06-10T00:00:00+00:00", "2026-06-11T00:00:00+00:00", replied_at="2026-06-12T00:00:00+00:00",
            sentiment="negative")  # late
    message(1, 4, "2026-12-31T15:00:00+00:00", "2027-01-01T15:00:00+00:00")  # not due yet at the year's end
    message(3, 5, "2026-08-01T00:00:00+00:00", "2026-08-02T00:00:00+00:00")  # never answered: over 3 months
    message(3, 5, "2026-12-01T00:00:00+00:00", "2026-12-02T00:00:00+00:00", replied_at="2026-12-01T01:00:00+00:00",
            resolved_at="2026-12-03T00:00:00+00:00")
    month = {"unit_id": 4, "unit_path": "/1/3/4/", "category": "livelihood", "original": 0, "original_share": 0.0,
             "quota": 20, "original_met": False, "revision": 1}
    feed("publishing.account.monthly_figures", {**month, "account_id": 1, "month": "2026-11", "posts": 25,
                                                "quota_met": True})
    feed("publishing.account.monthly_figures", {**month, "account_id": 1, "month": "2026-12", "posts": 4,
                                                "quota_met": False})
    feed("publishing.directive.issued", {"directive_id": 1, "title": "统一口径", "lead_draft_id": 1,
                                         "due_at": "2026-09-01T00:00:00+00:00", "account_ids": [1, 3]})
    feed("publishing.directive.forwarded", {"directive_id": 1, "account_id": 1, "unit_id": 4, "unit_path": "/1/3/4/",
                                            "forwarded_at": "2026-08-31T10:00:00+00:00", "on_time": True})
    feed("inquiry.transfer.changed", {"transfer_id": 1, "message_id": 99, "from_unit_id": 2, "to_unit_id": 5,
                                      "to_unit_path": "/1/5/", "status": "returned", "reason": "不属于本单位职责",
                                      "at": "2026-07-01T00:00:00+00:00"})
    return app


def units_of(client, headers=OFFICE, period="2026"):
    r = client.get(f"/api/assessment/{period}?asof={ASOF}", headers=headers)
    assert r.status_code == 200, r.text
    return r.json, {u["unit_id"]: u for u in r.json["units"]}


def test_each_figure_rate_and_score_as_counted_by_hand(year, client):
    result, units = units_of(client)
    u4, u5 = units[4], units[5]
    c = u4["counts"]
    assert (c["posts"], c["original"], c["emergencies"], c["emergencies_on_time"]) == (5, 4, 2, 1)
    assert (c["months"], c["months_quota_met"], c["forwards_asked"], c["forwards_on_time"]) == (2, 1, 1, 1)
    assert (c["messages"], c["reply_due"], c["replied_on_time"], c["resolution_due"], c["resolved"]) == (3, 2, 1, 2, 1)
    assert c["negative"] == 1
    assert u4["rates"] == {"reply_timeliness": 0.5, "resolution": 0.5, "quota": 0.5, "original": 1.0,
                           "emergency": 0.5, "forwarding": 1.0, "satisfaction": None}
    # 25×0.5 + 15×0.5 + 20×0.5 + 10×1 + 10×0.5 + 15×1 + 5 (no rating yet: full marks; issue 19 took the
    # 5 points of satisfaction from the resolution rate's 20, so this total rose by 5 × (1 − 0.5))
    assert u4["score"] == 65.0
    assert u5["counts"]["returns"] == 1 and u5["penalty"] == 2.0
    # 25×0.5 + 15×0.5 + 20 (no month to count) + 10 + 10 (no emergency) + 15×0 + 5 (no rating) − 2
    assert u5["score"] == 63.0
    assert [v["item"] for v in u4["vetoes"]] == ["dormant"] and u4["vetoes"][0]["account_id"] == 2
    assert [v["item"] for v in u5["vetoes"]] == ["unanswered"]
    assert (u4["grade"], u4["rank"], u5["rank"]) == ("fail", 1, 2)
    assert {n["unit_id"] for n in result["named"]} == {4, 5} and result["commended"] == []
    assert "两周内未更新（账号2）" in next(n["reason"] for n in result["named"] if n["unit_id"] == 4)


def test_a_unit_without_a_veto_is_graded_by_its_score_and_commended(year, client):
    post(2, 4, "2026-12-29T02:00:00+00:00")  # account 2 posts again: no longer dormant
    _, units = units_of(client)
    assert units[4]["vetoes"] == [] and units[4]["grade"] == "pass" and units[4]["rank"] == 1
    r = client.put("/api/rules", json={"grades": {"excellent": 60, "good": 55, "pass": 50}}, headers=OFFICE)
    assert r.status_code == 200, r.text
    result, units = units_of(client)
    assert units[4]["grade_name"] == "优秀" and result["commended"] == [{"unit_id": 4, "name": "东湖区民政局",
                                                                       "score": 65.0}]


def test_the_office_edits_weights_and_bad_rules_change_nothing(year, client):
    bad = client.put("/api/rules", json={"weights": {"reply_timeliness": 50, "resolution": 20, "quota": 20,
                                                     "original": 10, "emergency": 10, "forwarding": 15}},
                     headers=OFFICE)
    assert bad.status_code == 422 and "weights" in bad.json["errors"]
    assert client.put("/api/rules", json={"dormant_days": 0}, headers=OFFICE).json["errors"]["dormant_days"]
    assert client.put("/api/rules", json={"return_penalty": 5}, headers=DEPT).status_code == 403
    assert units_of(client)[1][4]["score"] == 65.0  # unchanged
    # weights as a client written before issue 19 sends them: satisfaction left out weighs nothing
    weights = {"reply_timeliness": 50, "resolution": 10, "quota": 10, "original": 10, "emergency": 10, "forwarding": 10}
    assert client.put("/api/rules", json={"weights": weights, "dormant_days": 40}, headers=OFFICE).status_code == 200
    _, units = units_of(client)
    assert units[4]["score"] == 50 * 0.5 + 10 * 0.5 + 10 * 0.5 + 10 + 10 * 0.5 + 10  # 55.0
    assert units[4]["vetoes"] == []  # 31 days idle is within 40
    assert client.get("/api/rules", headers=DEPT).json["dormant_days"] == 40


def test_each_unit_sees_itself_and_below_the_office_sees_all(year, client):
    assert set(units_of(client, DEPT)[1]) == {4}
    assert set(units_of(client, COUNTY)[1]) == {4}
    assert set(units_of(client, OTHER)[1]) == {5}
    assert units_of(client, OTHER)[0]["named"] == [{"unit_id": 5, "name": "市交通运输局",
                                                    "reason": "网民有效留言超过3个月未回复（账号3）"}]
    r = client.get(f"/api/assessment/2026/records?kind=reply_timeliness&unit_id=5&asof={ASOF}", headers=DEPT)
    assert r.status_code == 404


def test_every_figure_leads_to_its_records(year, client):
    def records(kind, unit=4):
        r = client.get(f"/api/assessment/2026/records?kind={kind}&unit_id={unit}&asof={ASOF}", headers=COUNTY
                       if unit == 4 else OFFICE)
        assert r.status_code == 200, r.text
        return r.json
    replies = records("reply_timeliness")
    assert len(replies) == 3 and [m["reply_on_time"] for m in replies] == [True, False, None]
    assert (replies[0]["received_at"], replies[0]["replied_at"], replies[2]["replied_at"]) == (
        "2026-06-01T08:00:00+08:00", "2026-06-01T13:00:00+08:00", None)  # stored in UTC, answered in Beijing time
    assert len(records("original")) == 5 and sum(p["original"] for p in records("original")) == 4
    assert [p["emergency_on_time"] for p in records("emergency")] == [True, False]
    assert [(m["month"], m["quota_met"]) for m in records("quota")] == [("2026-11", True), ("2026-12", False)]
    assert [f["on_time"] for f in records("forwarding", 5)] == [False]
    assert [(t["reason"], t["at"]) for t in records("returns", 5)] == [("不属于本单位职责", "2026-07-01T08:00:00+08:00")]
    assert [(f["due_at"], f["forwarded_at"]) for f in records("forwarding", 4)] == [
        ("2026-09-01T08:00:00+08:00", "2026-08-31T18:00:00+08:00")]
    assert len(records("unanswered", 5)) == 1
    bad = client.get("/api/assessment/2026/records?kind=everything&unit_id=4", headers=OFFICE)
    assert bad.status_code == 422 and "kind" in bad.json["errors"]
    assert client.get("/api/assessment/20x6", headers=OFFICE).status_code == 422


def test_a_quarter_and_a_month_count_only_their_days(year, client):
    _, q4 = units_of(client, period="2026-Q4")
    assert q4[4]["counts"]["posts"] == 4 and q4[4]["counts"]["messages"] == 1
    _, jan = units_of(client, period="2026-01")
    assert jan[4]["counts"]["posts"] == 1  # the Beijing New Year's post


def test_early_warnings_come_before_the_veto(app, client):
    now = dt.datetime.now(dt.timezone.utc)
    iso = lambda days: (now - dt.timedelta(days=days)).isoformat()  # noqa: E731
    post(1, 4, iso(0))
    post(2, 4, iso(12))  # 12 days idle: 2 days left before the 14-day veto
    post(3, 5, iso(20))  # 20 days idle: already vetoed
    message(1, 4, iso(70), iso(69))  # unanswered for 70 days: warning
    r = client.get("/api/warnings", headers=OFFICE)
    assert r.status_code == 200, r.text
    by = {(w["account_id"], w["kind"]): w for w in r.json}
    assert by[(3, "dormant")]["level"] == "veto"
    assert by[(2, "dormant")]["level"] == "danger" and by[(2, "dormant")]["days_left"] == 2
    assert by[(1, "unanswered")]["level"] == "danger"
    assert (1, "dormant") not in by
    assert r.json[0]["level"] == "veto"  # the most urgent first
    assert {w["account_id"] for w in client.get("/api/warnings", headers=DEPT).json} == {1, 2}  # not unit 5's 3


def test_the_warnings_summary_counts_them_all_and_lists_the_most_urgent(app, client):
    now = dt.datetime.now(dt.timezone.utc)
    iso = lambda days: (now - dt.timedelta(days=days)).isoformat()  # noqa: E731
    post(2, 4, iso(12))
    post(3, 5, iso(20))
    message(1, 4, iso(70), iso(69))
    every = client.get("/api/warnings", headers=OFFICE).json
    r = client.get("/api/warnings/summary", query_string={"first": 1}, headers=OFFICE)
    assert r.status_code == 200, r.text
    assert r.json["total"] == len(every) and r.json["first"] == every[:1]
    assert sum(r.json["by_kind"].values()) == sum(r.json["by_level"].values()) == len(every)
    narrowed = client.get("/api/warnings/summary", query_string={"unit_id": 5}, headers=OFFICE).json
    assert {w["account_id"] for w in narrowed["first"]} == {3} and narrowed["total"] == sum(
        w["unit_id"] == 5 for w in every)
    assert client.get("/api/warnings/summary", query_string={"unit_id": 5}, headers=DEPT).status_code == 404
    assert client.get("/api/warnings/summary", query_string={"first": 500}, headers=OFFICE).status_code == 422


def test_the_quota_warning_counts_the_posts_released_since_publishings_figures(app, client):
    """Issue 17's finding: /kaohe warned "本月已发布0条" while its own table showed 1: the warning
    read publishing's hourly monthly figures, the table the facts."""
    post(1, 4, dt.datetime.now(dt.timezone.utc).isoformat())
    quota = {w["account_id"]: w for w in client.get("/api/warnings", headers=OFFICE).json if w["kind"] == "quota"}
    assert "本月已发布1条" in quota[1]["text"], quota[1]
