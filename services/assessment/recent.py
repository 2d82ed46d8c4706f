"""Recent figures: the months still live (not yet settled, `kept`) counted for the whole city by
a periodic job, once a minute by default, so that a dashboard reads a snapshot of them instead
of counting two months of facts on every visit (a second for a city, per visit and view).

A dashboard asks for them (`recent=true` on the API) and shows the time they were counted as of
(the answer's `asof`): its figures are those of that moment, exactly, as `figures.count` would
give them then; an event after it shows at the next run. A report, a record, an export or any
other caller gets the count as of now, from the facts, as before. With no run younger than
`STALE` (the worker stopped), or for a period that ended before the run, the count is exact."""
from __future__ import annotations

import datetime as dt

from govmb.db import insert_rows, transaction_lock
from govmb.timefmt import BEIJING, stored
from services.assessment import kept
from services.assessment.figures import (
    CityFigures,
    Period,
    Window,
    account_units,
    count_state,
    count_window,
    default_asof,
)
from services.assessment.models import RecentFigure, RecentRun, db

STALE = dt.timedelta(minutes=10)  # an older run is not used: the job has stopped


def live_months(now: dt.datetime) -> list[str]:
    """The months not settled at `now`, up to now's own (Beijing)."""
    months, day = [], now.astimezone(BEIJING).date().replace(day=1)
    while not kept.settled(day.strftime("%Y-%m"), now):
        months.insert(0, day.strftime("%Y-%m"))
        day = (day - dt.timedelta(days=1)).replace(day=1)
    return months


def refresh(now: dt.datetime | None = None) -> int:
    """Count the live months as of `now`, per month and cell, for the whole city; keep this run and
    the one before it (a reader between its two queries still finds the run it began with)."""
    now = now or dt.datetime.now(dt.timezone.utc)
    months, rows = live_months(now), []
    for month in months:
        cells = CityFigures().cells
        count_window(cells, Window.of(Period.parse(month), now, 0))
        rows += [(month, unit_id, account_id or 0, *kept.counters_of(c)) for (unit_id, account_id), c in cells.items()]
    with db.atomic():
        transaction_lock(db, "assessment-recent")
        run = RecentRun.create(asof=stored(now), months=",".join(months))
        insert_rows(RecentFigure, ("run", "month", "unit_id", "account_id", *kept.COUNTERS),
                    ((run.id, *r) for r in rows))
        older = RecentRun.select(RecentRun.id).where(RecentRun.id < run.id).order_by(RecentRun.id.desc()).offset(1)
        RecentFigure.delete().where(RecentFigure.run.in_(older)).execute()
        RecentRun.delete().where(RecentRun.id.in_(older)).execute()
    return run.id


def count(period: Period, within: str = "", unanswered_months: int = 3,
          units_only: bool = False, state: bool = True) -> tuple[CityFigures, dt.datetime] | None:
    """Every count of the city (or of the units `within` a path) for `period` as it stood at the
    last run, and that moment; None when there is no run younger than STALE or the period ended
    before it (then the caller counts exactly). `units_only`, `state`: as `kept.count`."""
    run = RecentRun.select().order_by(RecentRun.id.desc()).first()
    if run is None:
        return None
    asof = run.asof.replace(tzinfo=dt.timezone.utc)
    if dt.datetime.now(dt.timezone.utc) - asof > STALE or default_asof(period) < asof:
        return None
    out = CityFigures()
    counted = [m for m in run.months.split(",") if m in period.months]
    # a month the run counted is read from the run, even if its snapshot was made since and holds
    # as of the run (a month that settled in the minutes after it): never from both
    settled = [m for m in kept.kept_months(period, asof) if m not in counted]
    kept.add_kept(out.cells, settled, within, units_only=units_only)
    kept.add_kept(out.cells, counted, within, RecentFigure, RecentFigure.run == run.id, units_only=units_only)
    for span in kept.live_spans(period, settled + counted):  # a settled month whose snapshot is stale
        count_window(out.cells, Window.of(span, asof, unanswered_months, within), units_only)
    if state:
        count_state(out.cells, Window.of(period, asof, unanswered_months, within), account_units(within))
    return out, asof
