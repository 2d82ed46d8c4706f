"""N11 deadlines around every 2026 holiday and make-up day (the State Council's 2026 notice,
worked out by hand below), across the year end into a year chinesecalendar does not cover,
and with the office's own notice for that year."""
import datetime as dt

import pytest

from services.inquiry.workdays import WorkCalendar, deadlines, statutory_holidays

BJ = dt.timezone(dt.timedelta(hours=8))


def received(beijing: str) -> dt.datetime:
    """A Beijing time as stored (naive UTC)."""
    return dt.datetime.fromisoformat(beijing).replace(tzinfo=BJ).astimezone(dt.timezone.utc).replace(tzinfo=None)


def due_day(value: dt.datetime) -> str:
    """The Beijing day whose 24:00 a deadline is."""
    local = value.replace(tzinfo=dt.timezone.utc).astimezone(BJ)
    assert local.time() == dt.time(0, 0), "a working-day deadline ends at 24:00 Beijing time"
    return (local.date() - dt.timedelta(days=1)).isoformat()


# received (Beijing) → the 3rd working day after it (feedback due at its 24:00)
CASES_2026 = [
    ("2025-12-31 10:00", "2026-01-06"),  # 元旦 1–3 Jan off; Sunday 4 Jan is a working day
    ("2026-01-03 10:00", "2026-01-06"),  # received on a holiday
    ("2026-02-13 10:00", "2026-02-25"),  # Saturday 14 Feb works, then 春节 15–23 Feb
    ("2026-02-27 10:00", "2026-03-03"),  # Saturday 28 Feb works
    ("2026-04-03 10:00", "2026-04-09"),  # 清明 4–6 Apr
    ("2026-04-30 10:00", "2026-05-08"),  # 劳动节 1–5 May
    ("2026-05-07 10:00", "2026-05-11"),  # Saturday 9 May works
    ("2026-05-08 00:30", "2026-05-12"),  # just after midnight Beijing: the day of receipt is the 8th, not the 7th
    ("2026-06-18 10:00", "2026-06-24"),  # 端午 19–21 Jun
    ("2026-09-18 10:00", "2026-09-22"),  # Sunday 20 Sep works
    ("2026-09-24 10:00", "2026-09-30"),  # 中秋 25–27 Sep
    ("2026-09-30 10:00", "2026-10-10"),  # 国庆 1–7 Oct; Saturday 10 Oct works (DOMAIN.md's example)
]


@pytest.mark.parametrize("at,feedback", CASES_2026)
def test_feedback_is_due_at_the_end_of_the_third_working_day(at, feedback):
    d = deadlines(received(at), WorkCalendar())
    assert due_day(d["feedback_due_at"]) == feedback
    assert d["provisional"] is False


def test_the_domain_example_holds_for_verification_too():
    d = deadlines(received("2026-09-30 10:00"), WorkCalendar(), verification=True)
    assert due_day(d["verification_due_at"]) == "2026-10-20"
    assert d["reply_due_at"] == received("2026-10-01 10:00")  # 24 natural hours, holiday or not


def test_a_deadline_running_into_an_uncovered_year_is_provisional():
    d = deadlines(received("2026-12-30 10:00"), WorkCalendar(), verification=True)
    assert due_day(d["feedback_due_at"]) == "2027-01-05"  # 31 Dec, then 1 Jan (元旦) and the weekend, 4 and 5 Jan
    assert d["provisional"] is True


def test_an_uncovered_year_keeps_the_statutory_holidays_lunar_ones_included():
    assert {dt.date(2027, 2, 5), dt.date(2027, 2, 8), dt.date(2027, 4, 5), dt.date(2027, 6, 9),
            dt.date(2027, 9, 15), dt.date(2027, 10, 1)} <= statutory_holidays(2027)
    d = deadlines(received("2027-02-04 10:00"), WorkCalendar())  # 春节: the eve (5 Feb) to 初三 (8 Feb)
    assert due_day(d["feedback_due_at"]) == "2027-02-11" and d["provisional"]


def test_the_offices_notice_for_the_year_wins_and_once_complete_the_deadline_is_no_longer_provisional():
    notice = {dt.date(2027, 2, 5) + dt.timedelta(days=i): False for i in range(7)}  # 5–11 Feb off
    notice[dt.date(2027, 2, 13)] = True  # a Saturday made a working day
    d = deadlines(received("2027-02-04 10:00"), WorkCalendar(notice))
    assert due_day(d["feedback_due_at"]) == "2027-02-15"  # 12 Feb, Saturday 13 Feb, Monday 15 Feb
    assert d["provisional"] is True  # the days entered so far; the office has not said the notice is complete
    d = deadlines(received("2027-02-04 10:00"), WorkCalendar(notice, complete_years={2027}))
    assert due_day(d["feedback_due_at"]) == "2027-02-15" and d["provisional"] is False


def test_one_entered_day_does_not_make_a_year_known():
    d = deadlines(received("2027-02-04 10:00"), WorkCalendar({dt.date(2027, 2, 5): False}))
    assert d["provisional"] is True
    assert WorkCalendar({dt.date(2027, 2, 5): False}).is_provisional(2027)


def test_a_complete_notice_names_every_holiday_and_the_other_days_are_ordinary():
    # The office entered 2027's whole notice, which (say) makes 15 September no holiday:
    # the statutory guess (中秋) no longer applies once the notice is complete.
    cal = WorkCalendar({dt.date(2027, 9, 16): False}, complete_years={2027})
    assert not cal.is_provisional(2027) and cal.is_provisional(2028)
    assert cal.is_workday(dt.date(2027, 9, 15)) and not cal.is_workday(dt.date(2027, 9, 16))
    assert not WorkCalendar().is_workday(dt.date(2027, 9, 15))  # the guess, while provisional
    d = deadlines(received("2027-09-14 10:00"), cal)
    assert due_day(d["feedback_due_at"]) == "2027-09-20" and d["provisional"] is False  # 15, 17, 20 September


def test_a_year_a_deadline_runs_into_keeps_it_provisional_until_that_year_is_complete():
    d = deadlines(received("2027-12-30 10:00"), WorkCalendar(complete_years={2027}))
    assert d["provisional"] is True  # it ends in 2028, whose notice is not complete
