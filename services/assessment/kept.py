"""Kept figures: the assessment reads a settled month from a snapshot of its counts instead of
counting a year of facts on every visit, and counts from the facts only the months still live.

A month settles `SETTLE` after it ends: by then every deadline of its messages and directives
has passed, so its counts no longer move with the clock, only with events. The periodic job
(`snapshot`) counts each settled month once, per (unit, account); an event that changes a
settled month afterwards (a late reply, a replay) raises the month's version in the same
transaction (`changed`), and the snapshot is not read again until the job has counted the
month anew. A check as of a time before a month settled counts that month from the facts, so
every answer equals the count from the facts (tests/assessment/test_kept.py)."""
from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import operator

from peewee import fn

from govmb.db import insert_rows, transaction_lock
from govmb.identity import under
from govmb.timefmt import beijing_day, stored, utcnow
from services.assessment.figures import (
    CityFigures,
    Counts,
    Period,
    Window,
    account_units,
    beijing_midnight,
    cell_account,
    cell_group,
    count_state,
    count_window,
)
from services.assessment.models import FigureMonth, KeptFigure, MessageFact, PostFact, Unit, db

log = logging.getLogger(__name__)

SETTLE = dt.timedelta(days=35)  # the longest deadline (10 working days over a long holiday) fits well inside
GRACE = dt.timedelta(hours=1)  # events mark a month this long before the job may count it: no transaction lasts as long
COUNTERS = tuple(f.name for f in dataclasses.fields(Counts) if f.type == "int" and f.name != "unanswered_long")
counters_of = operator.attrgetter(*COUNTERS)


def month_end(month: str) -> dt.datetime:
    """The first moment after a month (Beijing), aware."""
    year, number = int(month[:4]), int(month[5:7])
    first = dt.date(year + number // 12, number % 12 + 1, 1)
    return beijing_midnight(first)


def settled(month: str, at: dt.datetime) -> bool:
    return at >= month_end(month) + SETTLE


def changed(month: str | None) -> None:
    """An event changed the facts of `month` (in the event's transaction): a settled month's
    snapshot is stale from now on. A live month needs nothing: it is counted from the facts."""
    if month and dt.datetime.now(dt.timezone.utc) >= month_end(month) + SETTLE - GRACE:
        (FigureMonth.insert(month=month, version=1)
         .on_conflict(conflict_target=[FigureMonth.month], update={FigureMonth.version: FigureMonth.version + 1})
         .execute())


def kept_months(period: Period, asof: dt.datetime) -> list[str]:
    """The period's months whose snapshot holds as of `asof`: counted at the version they are at,
    and `asof` no earlier than the moment the snapshot holds from (the month's end, or its last
    deadline: from then on every count of the month is what the snapshot says). A month ended
    before `asof` but whose deadlines still run then is counted from the facts."""
    candidates = [m for m in period.months if month_end(m) <= asof]
    if not candidates:
        return []
    fresh = FigureMonth.select(FigureMonth.month).where(
        FigureMonth.month.in_(candidates), FigureMonth.snapshot_version == FigureMonth.version,
        FigureMonth.holds_from.is_null(False), FigureMonth.holds_from <= stored(asof))
    return sorted(m for (m,) in fresh.tuples())


def live_spans(period: Period, kept: list[str]) -> list[Period]:
    """The runs of the period's months not read from snapshots, as periods of whole days."""
    spans, run = [], []
    for month in [*period.months, None]:
        if month is not None and month not in kept:
            run.append(month)
            continue
        if run:
            first, last = Period.parse(run[0]), Period.parse(run[-1])
            spans.append(Period(first.start, last.end, f"{run[0]}..{run[-1]}"))
            run = []
    return spans


def add_kept(cells, months: list[str], within: str = "", model=KeptFigure, *conditions, units_only: bool = False) -> None:
    """Add the snapshots' counts of `months` (of the units `within` a path), summed per cell, in
    one query; `model` and `conditions`: another table of counts per month and cell (`recent`).
    `units_only`: summed per unit into its own cell (account None), when no account's counts are
    wanted: a unit's are the same, from a few hundred rows instead of some twenty thousand."""
    if not months:
        return
    columns = [fn.SUM(getattr(model, name)) for name in COUNTERS]
    query = model.select(model.unit_id, cell_account(model, units_only), *columns).where(model.month.in_(months), *conditions)
    if within:
        query = query.where(model.unit_id.in_(Unit.select(Unit.id).where(under(Unit.path, within))))
    query = query.group_by(*cell_group(model, units_only)).tuples()
    for unit_id, account_id, *numbers in query:
        c = cells[unit_id, account_id or None]
        c.__dict__.update(zip(COUNTERS, map(operator.add, counters_of(c), (int(n or 0) for n in numbers))))


def count(period: Period, asof: dt.datetime, unanswered_months: int = 3, within: str = "",
          units_only: bool = False, state: bool = True) -> CityFigures:
    """Every count of the city (or of the units `within` a path) for `period` as it stood at
    `asof`: settled months from their snapshots, the rest from the facts (equal, by
    construction, to `figures.count`). `units_only`: summed per unit (`add_kept`); `state`:
    with each account's last post and long unanswered messages (`count_state`)."""
    out = CityFigures()
    kept = kept_months(period, asof)
    add_kept(out.cells, kept, within, units_only=units_only)
    for span in live_spans(period, kept):
        count_window(out.cells, Window.of(span, asof, unanswered_months, within), units_only)
    if state:
        count_state(out.cells, Window.of(period, asof, unanswered_months, within), account_units(within))
    return out


def snapshot(now: dt.datetime | None = None) -> list[str]:
    """Count every settled month whose snapshot is missing or stale, one month a transaction;
    safe beside another replica (one holds the lock, the other finds the work done)."""
    now = now or dt.datetime.now(dt.timezone.utc)
    done = []
    for month in _stale_months(now):
        with db.atomic():
            transaction_lock(db, f"assessment-kept-{month}")  # a replica counting it too waits, then finds it done
            FigureMonth.insert(month=month).on_conflict_ignore().execute()
            row = FigureMonth.get_by_id(month)
            if row.snapshot_version == row.version:
                continue
            version = row.version  # an event after this raises it: the snapshot is then stale
            holds_from = _holds_from(month)
            if holds_from > stored(now):  # a deadline still runs (longer than SETTLE): not yet
                continue
            _replace(month, now)
            FigureMonth.update(snapshot_version=version, snapshot_at=utcnow(), holds_from=holds_from).where(
                FigureMonth.month == month).execute()
        done.append(month)
    if done:
        log.info("kept figures counted", extra={"months": done})
    return done


def _stale_months(now: dt.datetime) -> list[str]:
    """Settled months from the first fact to now whose snapshot is missing or stale."""
    first = min(filter(None, (PostFact.select(fn.MIN(PostFact.day)).scalar(),
                              MessageFact.select(fn.MIN(MessageFact.received_day)).scalar())), default=None)
    if first is None:
        return []
    fresh = {m for (m,) in FigureMonth.select(FigureMonth.month)
             .where(FigureMonth.snapshot_version == FigureMonth.version).tuples()}
    months, day = [], dt.date.fromisoformat(first).replace(day=1)
    while settled(day.strftime("%Y-%m"), now):
        if day.strftime("%Y-%m") not in fresh:
            months.append(day.strftime("%Y-%m"))
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return months


def _holds_from(month: str) -> dt.datetime:
    """From when a check counts the month as the snapshot does: once it has ended and the last
    deadline of its messages has passed (each count that moves with the time of the check
    compares a deadline with it; a directive of the month is due within it). Naive UTC."""
    first, last = Period.parse(month).days()
    dues = (MessageFact.select(fn.MAX(MessageFact.reply_due_at), fn.MAX(MessageFact.feedback_due_at),
                               fn.MAX(MessageFact.verification_due_at))
            .where(MessageFact.received_day.between(first, last)).tuples().get())
    return max([stored(month_end(month)), *(d for d in dues if d)])


def _replace(month: str, now: dt.datetime) -> None:
    cells = CityFigures().cells
    period = Period.parse(month)
    count_window(cells, Window.of(period, now, 0))
    KeptFigure.delete().where(KeptFigure.month == month).execute()
    insert_rows(KeptFigure, ("month", "unit_id", "account_id", *COUNTERS),
                ((month, unit_id, account_id or 0, *counters_of(c)) for (unit_id, account_id), c in cells.items()))


def month_of(when: dt.datetime | None) -> str | None:
    """The Beijing month (YYYY-MM) of a stored time."""
    return beijing_day(when)[:7] if when else None

