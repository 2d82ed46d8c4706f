"""Kept figures (services/assessment/kept.py): the assessment read from the settled months'
snapshots equals the count from the facts, whatever the period and the time of the check; a
late event makes its month count from the facts until the job counts it again."""
import dataclasses
import datetime as dt

import pytest
from peewee import fn

from services.assessment import figures, kept
from services.assessment.figures import Period
from services.assessment.models import FigureMonth, KeptFigure, LastPost, PostFact
from tests.assessment.conftest import message, post
from tests.assessment.test_annual import year  # noqa: F401  (the hand-counted city, as a fixture)

NOW = dt.datetime.now(dt.timezone.utc)
CHECKS = [dt.datetime(2027, 1, 1, tzinfo=dt.timezone.utc), NOW, dt.datetime(2026, 7, 15, tzinfo=dt.timezone.utc)]


def cells(result) -> dict:
    return {key: dataclasses.asdict(c) for key, c in result.cells.items() if dataclasses.asdict(c) != dataclasses.asdict(figures.Counts())}


def assert_same(period: str, asof: dt.datetime) -> None:
    p = Period.parse(period)
    assert cells(kept.count(p, asof)) == cells(figures.count(p, asof)), (period, asof)


@pytest.fixture
def counted(year, app):  # noqa: F811
    with app.app_context():
        done = kept.snapshot(NOW)
        yield done


def test_the_kept_figures_equal_the_count_from_the_facts(counted, app):
    with app.app_context():
        assert "2026-06" in counted and "2026-08" in counted  # settled months, counted once
        assert KeptFigure.select().where(KeptFigure.month == "2026-06").count() == 1
        settled = [m for m in Period.parse("2026").months if kept.settled(m, NOW) and kept.settled(m, CHECKS[0])]
        assert settled and kept.kept_months(Period.parse("2026"), CHECKS[0]) == settled  # read from snapshots
        for period in ("2026", "2026-Q3", "2026-06", "2026-12"):
            for asof in CHECKS:
                assert_same(period, asof)
        mid_year = kept.kept_months(Period.parse("2026"), CHECKS[2])
        # as of 15 July: June's last deadline (11 June) passed before it ended, so its snapshot
        # holds from 1 July; July has not ended
        assert mid_year == ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06"]
        assert kept.snapshot(NOW) == []  # nothing stale: counted once


def test_a_late_event_makes_its_month_count_from_the_facts_until_counted_again(counted, app):
    with app.app_context():
        year_ = Period.parse("2026")
        assert "2026-06" in kept.kept_months(year_, CHECKS[0])
        before = FigureMonth.get_by_id("2026-06").version
        message(1, 4, "2026-06-20T00:00:00+00:00", "2026-06-21T00:00:00+00:00",
                replied_at="2026-06-20T03:00:00+00:00")  # imported late: June had settled and was counted
        assert "2026-06" not in kept.kept_months(year_, CHECKS[0])
        assert_same("2026", CHECKS[0])
        assert kept.count(year_, CHECKS[0]).by_unit()[4].messages == 4
        assert kept.snapshot(NOW) == ["2026-06"]
        assert "2026-06" in kept.kept_months(year_, CHECKS[0])
        assert kept.count(year_, CHECKS[0]).by_unit()[4].messages == 4
        assert_same("2026", CHECKS[0])
        month = FigureMonth.get_by_id("2026-06")
        assert month.version == month.snapshot_version == before + 1


def test_a_month_not_yet_settled_is_never_marked_nor_counted(year, app):  # noqa: F811
    with app.app_context():
        post(1, 4, NOW.isoformat())  # this month: counted from the facts, no version kept
        assert not FigureMonth.select().where(FigureMonth.month == NOW.astimezone(figures.BEIJING).strftime("%Y-%m")).exists()
        assert all(kept.settled(m, NOW) for m in kept.snapshot(NOW))


def test_the_last_post_is_kept_and_never_moves_back(year, app):  # noqa: F811
    with app.app_context():
        post(2, 4, "2026-11-30T02:00:00+00:00")  # older than the account's last post (2026-12-01)
        assert LastPost.get_by_id(2).day == "2026-12-01"
        post(2, 4, "2026-12-03T02:00:00+00:00")
        assert LastPost.get_by_id(2).day == "2026-12-03"
        latest = PostFact.select(PostFact.account_id, fn.MAX(PostFact.day)).group_by(PostFact.account_id).tuples()
        assert dict(figures.last_posts("2099-12-31")) == dict(latest) == {1: "2026-12-28", 2: "2026-12-03", 3: "2026-12-30"}
        assert dict(figures.last_posts("2026-12-02"))[2] == "2026-12-01"  # a check in the past counts the posts


def test_a_countys_figures_are_the_citys_for_its_units(counted, app):
    with app.app_context():
        year_ = Period.parse("2026")
        for asof in CHECKS:
            city = cells(kept.count(year_, asof))
            county = cells(kept.count(year_, asof, within="/1/3/"))
            assert county and county == {k: v for k, v in city.items() if k[0] in (3, 4)}, asof  # units /1/3/, /1/3/4/
            assert cells(figures.count(year_, asof)) == city


def test_a_settled_periods_assessment_is_kept_until_a_late_event_or_a_rule_changes_it(counted, app, monkeypatch):
    """A settled quarter's assessment (a quarterly report, a look at a past month) is read from the
    result the first request kept, until an event changes one of its settled months, a unit or an
    account changes, or the rules do: then it is counted again."""
    from services.assessment import annual
    from services.assessment import rules as rules_
    with app.app_context():
        quarter = Period.parse("2026-Q2")
        first = annual.assess(quarter)
        calls = []
        monkeypatch.setattr(annual, "count", lambda *a, **k: calls.append(a) or figures.count(*a[:3]))
        assert annual.assess(quarter) == first and calls == []  # kept
        assert annual.assess(Period.parse("2026-12")) and calls  # a live month is always counted
        calls.clear()
        message(1, 4, "2026-05-20T00:00:00+00:00", "2026-05-21T00:00:00+00:00")  # late: May had settled
        again = annual.assess(quarter)
        assert calls and again != first
        assert {u["unit_id"]: u["counts"]["messages"] for u in again["units"]}[4] == \
            {u["unit_id"]: u["counts"]["messages"] for u in first["units"]}[4] + 1
        calls.clear()
        rules_.save({"dormant_days": 20}, "测试")
        annual.assess(quarter)
        assert calls


def test_a_month_is_read_from_its_snapshot_once_its_last_deadline_has_passed(year, app):  # noqa: F811
    # a quarter as of its end: July and August have ended and their deadlines passed by then, so
    # their snapshots hold though neither has settled (35 days) as of 1 October; a message of 30
    # September is due on 1 October, so September is counted from the facts; every count equals
    # the facts'
    message(1, 4, "2026-09-30T15:00:00+00:00", "2026-10-01T15:00:00+00:00")
    end_of_q3 = dt.datetime(2026, 9, 30, 16, 0, tzinfo=dt.timezone.utc)  # Beijing 1 October 00:00
    with app.app_context():
        kept.snapshot(NOW)
        assert not kept.settled("2026-08", end_of_q3)
        assert kept.kept_months(Period.parse("2026-Q3"), end_of_q3) == ["2026-07", "2026-08"]
        assert_same("2026-Q3", end_of_q3)
        assert FigureMonth.get_by_id("2026-09").holds_from == dt.datetime(2026, 10, 1, 15, 0)  # its last deadline
        assert FigureMonth.get_by_id("2026-08").holds_from == dt.datetime(2026, 8, 31, 16, 0)  # its end
        early = dt.datetime(2026, 8, 31, 15, 0, tzinfo=dt.timezone.utc)  # before August ended
        assert "2026-08" not in kept.kept_months(Period.parse("2026-Q3"), early)
        assert_same("2026-Q3", early)
        later = dt.datetime(2026, 10, 2, tzinfo=dt.timezone.utc)
        assert kept.kept_months(Period.parse("2026-Q3"), later) == ["2026-07", "2026-08", "2026-09"]
        assert_same("2026-Q3", later)


def test_a_month_with_a_deadline_still_running_is_not_kept_yet(year, app):  # noqa: F811
    # a deadline beyond the usual 35 days (a verification put off): the month is counted from
    # the facts until it has passed, not from a snapshot that would say otherwise after it
    message(1, 4, "2026-05-10T00:00:00+00:00", "2026-05-11T00:00:00+00:00", feedback_due_at="2099-01-01T00:00:00+00:00")
    with app.app_context():
        done = kept.snapshot(NOW)
        assert "2026-05" not in done and "2026-04" in done
        assert "2026-05" not in kept.kept_months(Period.parse("2026"), CHECKS[0])
        assert_same("2026", CHECKS[0])
