"""What waits for a person (待办): each service's `todo` module names the kinds of work that wait
in it, each a query narrowed to the caller and the roles that act on it; this module counts one
kind in ONE aggregate query (how many, how many overdue, due within hours, due today, the
earliest deadline) and reads its few most urgent rows. The web app's home page orders the
groups of the four services by urgency.

A group: `{kind, label, count, overdue, due_soon, due_today, earliest_due, items}`, each item
`{id, title, due_at, unit_name, ...}`."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable, Iterable

import peewee
from peewee import SQL, Case, fn

from govmb.identity import Identity
from govmb.timefmt import BEIJING, utcnow

SOON = dt.timedelta(hours=4)  # "due soon": within four hours (the reminder before the 24-hour reply)
SHOWN = 5  # the most urgent items a group lists; its page lists the rest


@dataclass(frozen=True)
class Marks:
    """The instants a deadline is compared with, as stored (naive UTC), or as dates for a
    deadline kept as a date (a fix by a day: overdue after that day, due soon on it)."""
    now: dt.datetime | dt.date
    soon: dt.datetime | dt.date
    day_end: dt.datetime | dt.date

    @classmethod
    def at(cls, now: dt.datetime | None = None) -> "Marks":
        now = now or utcnow()
        return cls(now, now + SOON, end_of(now.replace(tzinfo=dt.timezone.utc).astimezone(BEIJING).date()))

    def as_dates(self) -> "Marks":
        """For a deadline kept as a Beijing date: overdue once its day has passed, due soon and
        due today on the day itself."""
        today = self.now.replace(tzinfo=dt.timezone.utc).astimezone(BEIJING).date()
        return Marks(today, today + dt.timedelta(days=1), today + dt.timedelta(days=1))


@dataclass
class Kind:
    """One kind of waiting work: who acts on it, what it is called, where its rows come from."""
    kind: str
    label: str
    roles: tuple[str, ...]
    query: Callable[[Identity], peewee.ModelSelect]  # the rows waiting for this caller
    item: Callable[[peewee.Model], dict]  # one row as an item: id, title, due_at, unit_name…
    due: peewee.Field | None = None  # the deadline column; None: the kind has no deadline
    order: tuple = ()  # how rows without a deadline come (the oldest first, say)
    dates: bool = False  # the deadline is a date, not a time
    applies: Callable[[Identity], bool] | None = None  # beyond the roles (a unit that has units below it…)

    def for_(self, who: Identity) -> bool:
        return who.has(*self.roles) and (self.applies is None or self.applies(who))


def _counts(query: peewee.ModelSelect, due: peewee.Field | None, marks: Marks) -> dict:
    """How many, and how near their deadlines, in one aggregate query."""
    if due is None:
        return {"count": query.order_by().count(), "overdue": 0, "due_soon": 0, "due_today": 0, "earliest_due": None}
    count, overdue, soon, today, earliest = query.order_by().select(
        fn.COUNT(SQL("*")), fn.SUM(Case(None, [(due < marks.now, 1)], 0)),
        fn.SUM(Case(None, [((due >= marks.now) & (due < marks.soon), 1)], 0)),
        fn.SUM(Case(None, [((due >= marks.now) & (due < marks.day_end), 1)], 0)),
        fn.MIN(due).python_value(due.python_value)).tuples().get()
    return {"count": count or 0, "overdue": overdue or 0, "due_soon": soon or 0, "due_today": today or 0,
            "earliest_due": earliest}


def group(kind: Kind, who: Identity, marks: Marks, Unit: type[peewee.Model] | None = None,
          with_items: bool = True) -> dict:
    """One kind's count, urgency and (unless `with_items` is false: the top bar's badge) most urgent
    items, for `who` (with their units' names from `Unit`, the service's unit table or copy)."""
    query = kind.query(who)
    at = marks.as_dates() if kind.dates else marks
    counts = _counts(query, kind.due, at)
    if kind.dates and counts["earliest_due"] is not None:
        counts["earliest_due"] = end_of(counts["earliest_due"])
    order = (kind.due.asc(), *kind.order) if kind.due is not None else kind.order
    rows = list(query.order_by(*order).limit(SHOWN)) if counts["count"] and with_items else []
    items = [kind.item(r) for r in rows]
    return {"kind": kind.kind, "label": kind.label, **counts, "items": named(items, Unit) if Unit else items}


def todo(kinds: Iterable[Kind], who: Identity, Unit: type[peewee.Model] | None = None,
         now: dt.datetime | None = None, items: bool = True) -> list[dict]:
    """Every kind that waits on one of `who`'s roles, counted (empty ones too: the page hides them);
    without `items`, the counts alone (no item queries: what the badge polls every minute)."""
    marks = Marks.at(now)
    return [group(k, who, marks, Unit, items) for k in kinds if k.for_(who)]


def end_of(day: dt.date) -> dt.datetime:
    """A deadline kept as a Beijing date, as the stored instant it ends (24:00 Beijing)."""
    midnight = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), BEIJING)
    return midnight.astimezone(dt.timezone.utc).replace(tzinfo=None)


def unit_names(Unit: type[peewee.Model], ids: Iterable[int]) -> dict[int, str]:
    """The names of a few units (the items' units), in one query."""
    ids = {i for i in ids if i is not None}
    return {u.id: u.name for u in Unit.select(Unit.id, Unit.name).where(Unit.id.in_(ids))} if ids else {}


def named(items: list[dict], Unit: type[peewee.Model]) -> list[dict]:
    """The items with their unit's name (`unit_id` in, `unit_name` out)."""
    names = unit_names(Unit, (i.get("unit_id") for i in items))
    return [{**i, "unit_name": names.get(i.get("unit_id"), "")} for i in items]
