"""Working days for the deadlines of N11: Monday to Friday, minus public holidays, plus the
weekend days declared working days (调休), as the State Council's notice for the year says.

Known years come from chinesecalendar. A year it does not cover yet still works: weekends
plus the statutory holidays of 《全国年节及纪念日放假办法》 (元旦, 春节 from the eve for four
days, 清明, 劳动节 two days, 端午, 中秋, 国庆 three days, the lunar ones from lunardate), with no
make-up days, and every deadline computed from it is marked provisional. The office can
enter a year's notice day by day (`CalendarDay`); entered days win over both. A year stays
provisional until the office says its notice is complete (`CalendarYear`): one entered day
is not the whole notice. Once it is complete, a day the notice does not name is an ordinary
day (Monday to Friday work), and the statutory guesses no longer apply.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

import chinese_calendar
from lunardate import LunarDate

from govmb.timefmt import BEIJING

EARLIEST = dt.datetime(2004, 1, 1, tzinfo=BEIJING)  # the first year chinesecalendar knows
LAST_YEAR = 2099  # the last year lunardate knows


def _qingming(year: int) -> dt.date:
    """The Qingming solar term (4 or 5 April), by the usual formula for 2000–2099."""
    y = year % 100
    return dt.date(year, 4, int(y * 0.2422 + 4.81) - y // 4)


def statutory_holidays(year: int) -> set[dt.date]:
    spring = LunarDate(year, 1, 1).to_solar_date()
    days = {dt.date(year, 1, 1), _qingming(year), dt.date(year, 5, 1), dt.date(year, 5, 2),
            LunarDate(year, 5, 5).to_solar_date(), LunarDate(year, 8, 15).to_solar_date(),
            dt.date(year, 10, 1), dt.date(year, 10, 2), dt.date(year, 10, 3)}
    days |= {spring + dt.timedelta(days=i) for i in range(-1, 3)}  # the eve and the first three days
    return days


def package_covers(year: int) -> bool:
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
        return True
    except NotImplementedError:
        return False


class WorkCalendar:
    def __init__(self, entered: Mapping[dt.date, bool] | None = None, complete_years: Iterable[int] = ()):
        self.entered = dict(entered or {})  # day → is a working day (the office's notice)
        self.complete_years = frozenset(complete_years)  # years whose whole notice the office entered
        self._statutory: dict[int, set[dt.date]] = {}

    def is_provisional(self, year: int) -> bool:
        return not package_covers(year) and year not in self.complete_years

    def is_workday(self, day: dt.date) -> bool:
        if day in self.entered:
            return self.entered[day]
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:
            if day.year in self.complete_years:  # the notice names every holiday and make-up day
                return day.weekday() < 5
            holidays = self._statutory.setdefault(day.year, statutory_holidays(day.year))
            return day.weekday() < 5 and day not in holidays

    def nth_working_day_after(self, day: dt.date, n: int) -> tuple[dt.date, bool]:
        """The n-th working day after `day` (which does not count), and whether any day on the
        way came from a provisional year."""
        provisional, current, counted = False, day, 0
        while counted < n:
            current += dt.timedelta(days=1)
            provisional = provisional or self.is_provisional(current.year)
            if self.is_workday(current):
                counted += 1
        return current, provisional


def end_of_day(day: dt.date) -> dt.datetime:
    """24:00 Beijing time of `day`, as stored (naive UTC)."""
    midnight = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=BEIJING)
    return midnight.astimezone(dt.timezone.utc).replace(tzinfo=None)


def beijing_date(moment_utc: dt.datetime) -> dt.date:
    return moment_utc.replace(tzinfo=dt.timezone.utc).astimezone(BEIJING).date()


REPLY_HOURS = 24  # N11: reply within 24 hours of receipt (natural hours)
FEEDBACK_DAYS = 3  # N11: accepted and how it is handled, within 3 working days
VERIFICATION_DAYS = 10  # N11: a matter to verify or study, within 10 working days


def deadlines(received_utc: dt.datetime, calendar: WorkCalendar, verification: bool = False) -> dict:
    """The deadlines of a message received at `received_utc` (naive UTC)."""
    day = beijing_date(received_utc)
    feedback, provisional = calendar.nth_working_day_after(day, FEEDBACK_DAYS)
    out = {"reply_due_at": received_utc + dt.timedelta(hours=REPLY_HOURS), "feedback_due_at": end_of_day(feedback),
           "verification_due_at": None, "provisional": provisional}
    if verification:
        verify, more = calendar.nth_working_day_after(day, VERIFICATION_DAYS)
        out["verification_due_at"], out["provisional"] = end_of_day(verify), provisional or more
    return out
