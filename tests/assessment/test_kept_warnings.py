"""Kept early warnings (services/assessment/early_warning.py): the periodic job's run answers the
list and the summary exactly as judging every account would have at its time, paged and
narrowed in the database; without a fresh run they are judged on the spot."""
import datetime as dt

import pytest

from services.assessment import early_warning
from services.assessment.models import KeptWarning, WarningRun
from tests.assessment.conftest import DEPT, OFFICE, message, post


@pytest.fixture
def warned(app):
    now = dt.datetime.now(dt.timezone.utc)
    iso = lambda days: (now - dt.timedelta(days=days)).isoformat()  # noqa: E731
    post(2, 4, iso(12))  # 2 days before the 14-day veto
    post(3, 5, iso(20))  # vetoed
    message(1, 4, iso(70), iso(69))  # unanswered for 70 days
    return app


def walk(client, headers, **query) -> list[dict]:
    rows, page = [], 1
    while True:
        r = client.get("/api/warnings", query_string={**query, "page": page, "page_size": 2}, headers=headers)
        assert r.status_code == 200, r.text
        rows += r.json
        if not r.json or len(r.json) < 2:
            return rows
        page += 1


def test_the_kept_run_answers_what_judging_now_would(warned, client):
    judged = {h["kind"]: walk(client, h["headers"]) for h in ({"kind": "office", "headers": OFFICE},
                                                             {"kind": "dept", "headers": DEPT})}
    summary = client.get("/api/warnings/summary", headers=OFFICE).json
    with warned.app_context():
        early_warning.refresh()
        assert KeptWarning.select().count() == len(judged["office"]) > 3
    assert walk(client, OFFICE) == judged["office"]  # every row once, in the same order
    assert walk(client, DEPT) == judged["dept"]  # the department's units only
    kept = client.get("/api/warnings/summary", headers=OFFICE).json
    assert {k: kept[k] for k in ("total", "by_kind", "by_level", "first")} == \
        {k: summary[k] for k in ("total", "by_kind", "by_level", "first")}
    vetoes = walk(client, OFFICE, level="veto")
    assert vetoes and all(w["level"] == "veto" for w in vetoes)
    assert vetoes == [w for w in judged["office"] if w["level"] == "veto"]
    dormant = walk(client, OFFICE, kind="dormant", unit_id=4)
    assert dormant == [w for w in judged["office"] if w["kind"] == "dormant" and w["unit_id"] == 4]


def test_a_new_post_shows_at_the_next_run_and_the_answer_says_when(warned, client):
    with warned.app_context():
        early_warning.refresh()
    asof = client.get("/api/warnings/summary", headers=OFFICE).json["asof"]
    post(3, 5, dt.datetime.now(dt.timezone.utc).isoformat())  # account 3 posts again
    assert any(w["account_id"] == 3 for w in walk(client, OFFICE))  # still as of the run
    with warned.app_context():
        early_warning.refresh()
        assert WarningRun.select().count() == 2  # this run and the one before it, no more
        early_warning.refresh()
        assert WarningRun.select().count() == 2
    assert not any(w["account_id"] == 3 and w["kind"] == "dormant" for w in walk(client, OFFICE))
    assert client.get("/api/warnings/summary", headers=OFFICE).json["asof"] >= asof


def test_a_run_older_than_stale_is_not_read(warned, client):
    with warned.app_context():
        early_warning.refresh(dt.datetime.now(dt.timezone.utc) - early_warning.STALE - dt.timedelta(minutes=1))
    post(3, 5, dt.datetime.now(dt.timezone.utc).isoformat())
    assert not any(w["account_id"] == 3 and w["kind"] == "dormant" for w in walk(client, OFFICE))  # judged now


def test_bad_filters_are_refused_by_name(warned, client):
    r = client.get("/api/warnings", query_string={"kind": "nonsense", "level": "x"}, headers=OFFICE)
    assert r.status_code == 422 and {"kind", "level"} <= set(r.json["errors"])
    assert client.get("/api/warnings", query_string={"unit_id": 5}, headers=DEPT).status_code == 404
