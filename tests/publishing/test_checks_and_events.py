"""Form rules, emergencies, corrections, the lexicon, and monthly figures against a hand count."""
import datetime as dt

import pytest

from govmb.config import load
from services.publishing import figures
from services.publishing.models import Draft, Publication, bus
from tests.publishing.conftest import JOINT, LEADER, OFFICE, OPERATOR, act, draft


def release(client, d_id):
    for step, who in (("submit", OPERATOR), ("check", OFFICE), ("approve", LEADER)):
        assert act(client, d_id, step, who, acknowledge=True).status_code == 200, step
    for p in Draft.get_by_id(d_id).platforms.strip("[]").replace('"', "").split(", "):
        r = act(client, d_id, "record_publication", OPERATOR, platform=p, url=f"https://{p}.example.cn/{d_id}")
    return r.json


@pytest.mark.parametrize("fields,problem", [
    ({"topic": "东湖植树", "text": "今日开展植树活动"}, "#东湖植树#"),
    ({"column": "东湖早知道", "text": "#东湖晚知道#今日天气"}, "#东湖早知道#"),
    ({"series_title": "植树指南", "series_no": 2, "series_total": 3, "text": "【植树指南1/3】选苗"}, "不一致"),
    ({"series_title": "植树指南", "series_no": 4, "series_total": 3, "text": "【植树指南4/3】浇水"}, "大于总条数"),
    ({"original": False, "text": "转发：今日天气晴"}, "来源"),
])
def test_the_form_rules_of_x12_block_submission(client, fields, problem):
    d = draft(client, **fields).json
    r = act(client, d["id"], "submit", OPERATOR)
    assert r.status_code == 422 and any(problem in m for m in r.json["errors"]["text"]), r.json


def test_a_well_formed_series_post_passes(client):
    d = draft(client, series_title="植树指南", series_no=2, series_total=3, topic="",
              text="【植树指南2/3】挖坑要深").json
    assert act(client, d["id"], "submit", OPERATOR).json["status"] == "submitted"


def test_length_is_checked_per_platform(client, monkeypatch):
    monkeypatch.setenv("GOVMB_PLATFORM_LIMITS", "sina:20")
    load()  # read again: the apps read the environment when they started
    d = draft(client, text="东" * 25).json
    r = act(client, d["id"], "submit", OPERATOR)
    said = r.json["errors"]["text"][0]
    assert r.status_code == 422 and "新浪" in said and "sina" not in said  # the platform's name, never its code


def test_an_emergency_post_shows_its_clock_and_records_whether_it_was_on_time(client):
    event = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=30)
    d = draft(client, info_type="emergency", event_at=event.isoformat(), text="东湖区某路段发生积水，请绕行。").json
    left = d["emergency"]["remaining_seconds"]
    assert 5300 < left <= 5400 and d["emergency"]["due_at"].endswith("+08:00")
    done = release(client, d["id"])
    assert done["emergency"]["on_time"] is True
    late = draft(client, info_type="emergency", event_at=(event - dt.timedelta(hours=3)).isoformat(),
                 text="东湖区某小区停水，正在抢修。").json
    assert late["emergency"]["remaining_seconds"] < 0
    assert release(client, late["id"])["emergency"]["on_time"] is False
    events = [r for r in bus.Outbox.select() if r.event_type == "publishing.post.released"]
    assert ['"emergency_on_time":true' in e.body for e in events] == [True, False]


def test_an_event_time_needs_the_emergency_type(client):
    r = draft(client, event_at=dt.datetime.now(dt.timezone.utc).isoformat())
    assert r.status_code == 422 and "info_type" in r.json["errors"]


def test_a_correction_links_to_the_wrong_post_and_carries_the_apology(client):
    wrong = release(client, draft(client).json["id"])
    r = draft(client, corrects_id=wrong["id"], text="更正：植树活动改在周日。")
    assert r.status_code == 422 and "致歉" in r.json["errors"]["apology"][0]
    fixed = draft(client, corrects_id=wrong["id"], apology="此前信息有误，特此致歉。", text="更正：植树活动改在周日。").json
    assert fixed["corrects_id"] == wrong["id"]
    assert draft(client, corrects_id=fixed["id"], apology="x", text="y").status_code == 422  # not yet released


def test_a_released_correction_marks_the_original_and_both_are_kept(client):
    """Issue 17, bug 9: 更正 through the same review chain; the original marked corrected once the
    correction is out; the apology published with its text; one correction in review at a time."""
    wrong = release(client, draft(client, text="植树活动周六举行。").json["id"])
    r = draft(client, corrects_id=wrong["id"], apology="特此致歉。", text="植树活动改在周日。")
    assert r.status_code == 422 and "更正" in r.json["errors"]["text"][0]  # the wording says what it is
    fix = draft(client, corrects_id=wrong["id"], apology="此前信息有误，特此致歉。", text="【更正】植树活动改在周日。").json
    assert fix["outgoing"] == "【更正】植树活动改在周日。\n此前信息有误，特此致歉。"
    again = draft(client, corrects_id=wrong["id"], apology="致歉。", text="更正：改在周日。")
    assert again.status_code == 422 and f"稿件 {fix['id']}" in again.json["errors"]["corrects_id"][0]
    shown = client.get(f"/api/drafts/{wrong['id']}", headers=OPERATOR).json
    assert shown["corrected_by_id"] is None and [c["id"] for c in shown["corrections"]] == [fix["id"]]
    done = release(client, fix["id"])  # submit, check, approve, published on every platform
    assert done["status"] == "released" and done["corrects_id"] == wrong["id"]
    original = client.get(f"/api/drafts/{wrong['id']}", headers=OPERATOR).json
    assert original["status"] == "released" and original["text"] == "植树活动周六举行。"  # kept as it was
    assert original["corrected_by_id"] == fix["id"] and original["corrected_at"].endswith("+08:00")
    listed = {d["id"]: d for d in client.get("/api/drafts?released=true", headers=OPERATOR).json}
    assert listed[wrong["id"]]["corrected_by_id"] == fix["id"] and listed[fix["id"]]["corrects_id"] == wrong["id"]
    released = [e.body for e in bus.Outbox.select() if e.event_type == "publishing.post.released"]
    assert f'"correction_of":{wrong["id"]}' in released[-1]


def test_the_office_edits_the_lexicon_and_checks_follow_at_once(client):
    r = client.post("/api/lexicon", json={"entries": [{"word": "集会", "category": "sensitive"}]}, headers=OPERATOR)
    assert r.status_code == 403
    assert client.post("/api/checks", json={"text": "周末集会"}, headers=OPERATOR).json == []
    r = client.post("/api/lexicon", json={"entries": [{"word": "集会", "category": "sensitive"}]}, headers=JOINT)
    assert r.status_code == 200
    found = client.post("/api/checks", json={"text": "周末集会"}, headers=OPERATOR).json
    assert [(f["start"], f["end"], f["severity"]) for f in found] == [(2, 4, "warn")]


def _release_at(client, when_utc: dt.datetime, original: bool = True, account_id: int = 1):
    d = draft(client, account_id=account_id, original=original, source="" if original else "新华社").json
    release(client, d["id"])
    Draft.update(released_at=when_utc).where(Draft.id == d["id"]).execute()


def test_monthly_figures_equal_a_count_made_by_hand_from_the_release_records(client, app):
    utc = dt.timezone.utc
    plan = [(dt.datetime(2026, 10, 1, 0, 30), True), (dt.datetime(2026, 10, 15, 8, 0), True),
            (dt.datetime(2026, 10, 20, 8, 0), False),
            (dt.datetime(2026, 10, 31, 15, 59), True),  # 23:59 on 31 October in Beijing: October
            (dt.datetime(2026, 10, 31, 16, 1), True),  # 00:01 on 1 November in Beijing: November
            (dt.datetime(2026, 9, 30, 15, 0), True)]  # 23:00 on 30 September in Beijing: September
    for when, original in plan:
        _release_at(client, when, original)
    _release_at(client, dt.datetime(2026, 10, 10, 2, 0), True, account_id=4)
    with app.app_context():
        got = {r["account_id"]: r for r in figures.figures("2026-10")}
        by_hand = {}
        for d in Draft.select().where(Draft.status == "released"):
            beijing = d.released_at.replace(tzinfo=utc).astimezone(dt.timezone(dt.timedelta(hours=8)))
            assert Publication.select().where(Publication.draft == d).count() == 2  # both platforms recorded
            if (beijing.year, beijing.month) == (2026, 10):
                posts, orig = by_hand.get(d.account_id, (0, 0))
                by_hand[d.account_id] = (posts + 1, orig + d.original)
    assert {k: (v["posts"], v["original"]) for k, v in got.items() if v["posts"]} == by_hand == {1: (4, 3), 4: (1, 1)}
    assert got[1]["original_share"] == 0.75 and got[1]["quota"] == 20 and not got[1]["quota_met"]
    assert got[4]["quota"] == 10 and got[4]["original_met"]
    assert client.get("/api/figures?month=2026-10", headers=OPERATOR).json[0]["posts"] == 4
    assert client.get("/api/figures?month=2026-13", headers=OPERATOR).status_code == 422


def test_the_monthly_report_is_safe_to_run_twice(client, app):
    _release_at(client, dt.datetime(2026, 10, 5, 4, 0))
    with app.app_context():
        assert figures.report("2026-10") == 3  # the three active accounts of the copy
        assert figures.report("2026-10") == 0  # nothing changed: nothing sent
    _release_at(client, dt.datetime(2026, 10, 6, 4, 0))
    with app.app_context():
        assert figures.report("2026-10") == 1
    sent = [r.body for r in bus.Outbox.select() if r.event_type == "publishing.account.monthly_figures"]
    assert len(sent) == 4 and '"revision":2' in sent[-1] and '"posts":2' in sent[-1]


def test_the_worker_runs_the_monthly_report_and_survives_a_failing_run(app):
    import threading

    from govmb.worker import run_periodically
    from services.publishing.app import SPEC
    runs, stop = [], threading.Event()

    def job():
        runs.append(1)
        if len(runs) == 1:
            raise RuntimeError("the first run fails")
        if len(runs) == 3:
            stop.set()
        return len(runs)

    t = threading.Thread(target=run_periodically, args=(SPEC, "test", 0.01, job, stop, 0.0))
    t.start()
    t.join(5)
    assert len(runs) == 3 and not t.is_alive()
    from services.publishing.jobs import PERIODIC
    assert [name for name, _, _ in PERIODIC] == ["monthly figures", "platform posts", "reminders", "portal feeds",
                                               "listening"]


def test_full_width_digits_and_letters_do_not_slip_past_the_checks(client):
    from services.publishing.checks import Lexicon, check
    text = "身份证１１０１０５１９４９１２３１００２Ｘ，电话１３８１２３４５６７８，ＶＩＰ通道"
    hits = check(text, Lexicon([("vip通道", "sensitive", "warn")]))
    assert {h.check for h in hits} == {"id_number", "mobile", "lexicon"}
    lex = next(h for h in hits if h.check == "lexicon")
    assert text[lex.start:lex.end] == "ＶＩＰ通道" and lex.excerpt == "ＶＩＰ通道"


@pytest.mark.parametrize("month", ["0000-01", "9999-12", "2026-00", "26-01"])
def test_a_month_out_of_range_is_refused_not_a_500(client, month):
    assert client.get(f"/api/figures?month={month}", headers=OPERATOR).status_code == 422
    assert client.get(f"/api/calendar?month={month}", headers=OPERATOR).status_code == 422


def test_the_issues_disguised_draft_is_stopped_at_submission_where_it_was_written(client):
    """Issue 16's finding: `本文件属机​密…内​部​资​料` went through create, submit, check and
    approve with no finding."""
    r = client.post("/api/lexicon", headers=JOINT, json={"entries": [
        {"word": "机密", "category": "classified"}, {"word": "内部资料", "category": "classified"},
        {"word": "危机密切", "category": "allowed"}]})
    assert r.status_code == 200
    text = "本文件属机\u200b密…内\u200b部\u200b资\u200b料"
    d = draft(client, text=text).json
    submitted = act(client, d["id"], "submit", OPERATOR)
    assert submitted.status_code == 422, submitted.json
    found = [(f["start"], f["end"], f["severity"]) for f in client.post("/api/checks", json={"text": text},
                                                                       headers=OPERATOR).json]
    assert found == [(4, 7, "block"), (8, 15, "block")] and text[4:7] == "机\u200b密"
    assert client.post("/api/checks", json={"text": "我们危机密切关注舆情"}, headers=OPERATOR).json == []


def test_a_lexicon_word_of_nothing_but_punctuation_is_refused_naming_the_field(client):
    r = client.post("/api/lexicon", headers=JOINT, json={"entries": [{"word": "·—·", "category": "sensitive"}]})
    assert r.status_code == 422 and "entries" in r.json["errors"]


def test_the_review_record_names_each_platform_not_its_code(client):
    """Issue 17's finding: `xinhua：https://…` in the review record (and from it, the audit trail)."""
    d = draft(client).json
    release(client, d["id"])
    comments = [s["comment"] for s in client.get(f"/api/drafts/{d['id']}", headers=OPERATOR).json["steps"]
                if s["action"] == "record_publication"]
    assert comments and all(c.split("：")[0] in ("新华网", "新浪网", "人民网", "腾讯网", "南昌新闻网") for c in comments)


@pytest.mark.parametrize("info_type", ["gossip", "", None])
def test_an_unknown_information_type_is_refused_naming_the_field(client, info_type):
    """X11, N8: a draft is of one of the eight information types, or it is not written."""
    r = draft(client, info_type=info_type)
    assert r.status_code == 422 and "info_type" in r.json["errors"]
    assert Draft.select().count() == 0
    kept = draft(client).json  # an existing draft cannot be changed to one either
    r = client.put(f"/api/drafts/{kept['id']}", json={"account_id": 1, "text": kept["text"], "info_type": "gossip"},
                   headers=OPERATOR)
    assert r.status_code == 422 and "info_type" in r.json["errors"]
    assert Draft.get_by_id(kept["id"]).info_type == "participation"
