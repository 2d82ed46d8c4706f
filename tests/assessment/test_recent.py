"""Recent figures (services/assessment/recent.py): a dashboard's counts as of the job's last
run equal the count from the facts as of that moment; an event after the run shows at the next
run; with no recent run, or for a period that ended before it, the count is exact, as of now."""
import datetime as dt

import pytest

from services.assessment import figures, kept, recent
from services.assessment.figures import Period
from services.assessment.models import RecentFigure, RecentRun
from tests.assessment.conftest import OFFICE, message, post
from tests.assessment.test_annual import year  # noqa: F401  (the hand-counted city, as a fixture)
from tests.assessment.test_kept import cells

NOW = dt.datetime.now(dt.timezone.utc)  # set again before each test (below): a recent run is read within STALE
THIS_YEAR = Period.parse(str(NOW.astimezone(figures.BEIJING).year))


@pytest.fixture(autouse=True)
def _now():
    """The module is imported when the tests are collected, which may be many minutes before a
    test runs (a full run in two processes): the tests' "now" is the test's own."""
    global NOW
    NOW = dt.datetime.now(dt.timezone.utc)


def test_the_live_months_are_those_not_settled():
    at = dt.datetime(2026, 12, 6, 4, 0, tzinfo=dt.timezone.utc)  # 12:00 in Beijing: October settled at midnight
    assert recent.live_months(at) == ["2026-11", "2026-12"]
    assert recent.live_months(at - dt.timedelta(hours=13)) == ["2026-10", "2026-11", "2026-12"]  # 23:00 the day before


def test_the_recent_figures_equal_the_count_as_of_the_run(year, app):  # noqa: F811
    with app.app_context():
        post(1, 4, (NOW - dt.timedelta(hours=3)).isoformat())
        message(1, 4, (NOW - dt.timedelta(hours=30)).isoformat(), (NOW - dt.timedelta(hours=6)).isoformat())
        kept.snapshot(NOW)
        first = NOW - dt.timedelta(seconds=30)  # runs count as of their own moment, before a reader asks
        run = recent.refresh(first)
        assert RecentFigure.select().where(RecentFigure.run == run).count() > 0
        found, asof = recent.count(THIS_YEAR)
        assert abs(asof - first) < dt.timedelta(seconds=1)
        assert cells(found) == cells(figures.count(THIS_YEAR, asof))
        county, _ = recent.count(THIS_YEAR, within="/1/3/")
        assert cells(county) == cells(kept.count(THIS_YEAR, asof, within="/1/3/"))

        post(1, 4, (NOW - dt.timedelta(hours=1)).isoformat())  # after the run: the next run counts it
        assert cells(recent.count(THIS_YEAR)[0]) == cells(found)
        later = NOW - dt.timedelta(seconds=20)
        recent.refresh(later)
        again, asof = recent.count(THIS_YEAR)
        assert cells(again) == cells(figures.count(THIS_YEAR, asof)) != cells(found)
        assert RecentRun.select().count() == 2  # this run and the one before; older ones are gone
        recent.refresh(later + dt.timedelta(seconds=10))
        assert RecentRun.select().count() == 2 and not RecentFigure.select().where(RecentFigure.run == run).exists()


def test_without_a_recent_run_or_for_an_ended_period_the_count_is_exact(year, app):  # noqa: F811
    with app.app_context():
        assert recent.count(THIS_YEAR) is None  # never run
        recent.refresh(NOW - recent.STALE - dt.timedelta(minutes=1))
        assert recent.count(THIS_YEAR) is None  # the job has stopped: too old to show
        recent.refresh(NOW - dt.timedelta(seconds=1))
        assert recent.count(Period.parse("2025")) is None  # ended before the run: counted as of its end


def test_the_api_answers_the_recent_figures_when_asked(year, app, client):  # noqa: F811
    with app.app_context():
        recent.refresh(NOW - dt.timedelta(seconds=1))
        post(1, 4, (NOW - dt.timedelta(minutes=30)).isoformat())
    period = THIS_YEAR.label[:4]
    asked = client.get(f"/api/assessment/{period}?recent=true", headers=OFFICE).json
    exact = client.get(f"/api/assessment/{period}", headers=OFFICE).json
    assert asked["asof"] < exact["asof"]
    posts = {u["unit_id"]: u["counts"]["posts"] for u in asked["units"]}
    assert {u["unit_id"]: u["counts"]["posts"] for u in exact["units"]}[4] == posts[4] + 1  # the post after the run
    r = client.get(f"/api/assessment/{period}?recent=maybe", headers=OFFICE)
    assert r.status_code == 422 and "recent" in r.json["errors"]


def test_the_dashboards_unit_rows_can_leave_the_counts_out(year, app, client):  # noqa: F811
    period = THIS_YEAR.label[:4]
    whole = client.get(f"/api/assessment/{period}?accounts=false", headers=OFFICE).json
    slim = client.get(f"/api/assessment/{period}?accounts=false&counts=false", headers=OFFICE).json
    assert slim["units"] and all("counts" not in u and "points" not in u for u in slim["units"])
    assert [(u["unit_id"], u["score"], u["rates"], u["vetoes"]) for u in slim["units"]] == \
        [(u["unit_id"], u["score"], u["rates"], u["vetoes"]) for u in whole["units"]]


def test_without_account_rows_the_units_are_the_same(year, app):  # noqa: F811
    """Summed per unit when no account row is wanted (the dashboard, the reports): every unit's
    counts, score, grade and vetoes as summed from the accounts' cells, exact or recent."""
    from services.assessment import annual
    with app.app_context():
        kept.snapshot(NOW)
        recent.refresh(NOW - dt.timedelta(seconds=1))
        for period in (THIS_YEAR, Period.parse("2026-Q3"), Period.parse("2026-06")):
            for asked in ({}, {"recent": True}, {"within": "/1/3/"}):
                whole = annual.assess(period, **asked)
                slim = annual.assess(period, accounts=False, **asked)
                assert slim["accounts"] == [] and whole["accounts"]
                assert slim["units"] == whole["units"] and slim["named"] == whole["named"], (period, asked)


def test_a_month_the_run_counted_is_not_also_read_from_a_snapshot_made_since(year, app):  # noqa: F811
    # November is live at the run; a snapshot of it made afterwards (as the job would once it
    # settles, a few minutes later) holds as of the run too: it must be counted once
    with app.app_context():
        run_at = NOW - dt.timedelta(seconds=30)
        recent.refresh(run_at)
        kept.snapshot(dt.datetime(2027, 1, 10, tzinfo=dt.timezone.utc))  # November counted into a snapshot
        assert "2026-11" in kept.kept_months(THIS_YEAR, run_at)
        found, asof = recent.count(THIS_YEAR)
        assert cells(found) == cells(figures.count(THIS_YEAR, asof))
