"""Daily reading (X18: 主要领导每日阅读本单位博文): the unit's principal leader marks the posts the
unit released on a Beijing day as read; the office (and each unit for the units below it) sees
who read which day, and each unit's reading rate over a span of days: of the days the unit
released posts, on how many its principal leader marked them read.

One mark per leader, unit and day (not per post): the duty is to read the day's posts, and a
mark per day is what a leader can keep up with; the mark records how many posts the day had
when it was made. Only today's posts can be marked (a mark is a statement of what was done
today, never back-dated); marking again the same day changes nothing."""
from __future__ import annotations

import datetime as dt

import peewee
from peewee import fn

from govmb.contracts.publishing import DraftStatus
from govmb.domain import Conflict, Invalid, Refused
from govmb.identity import Identity, in_sight
from govmb.messages import said
from govmb.timefmt import BEIJING, beijing_today
from govmb.unit_copy import tree_order
from services.publishing.models import Draft, ReadingMark, Unit

READER = "principal_leader"
MAX_DAYS = 31  # the span a rate is counted over (one grouped count per day)


def bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The Beijing day as stored instants (naive UTC), start included, end excluded."""
    start = dt.datetime.combine(day, dt.time(), BEIJING).astimezone(dt.timezone.utc).replace(tzinfo=None)
    return start, start + dt.timedelta(days=1)


def posts_of(unit_id: int, day: dt.date):
    """The unit's posts released on the day (a query)."""
    start, end = bounds(day)
    return Draft.select(Draft.id).where(Draft.unit_id == unit_id, Draft.status == DraftStatus.RELEASED,
                                        Draft.released_at >= start, Draft.released_at < end)


def today(who: Identity) -> dict:
    """The caller's unit's posts today, and the caller's mark if made."""
    day = beijing_today()
    mark = ReadingMark.get_or_none(ReadingMark.unit_id == who.unit_id, ReadingMark.day == day,
                                   ReadingMark.person_id == who.person_id)
    return {"day": day, "posts": posts_of(who.unit_id, day).count(), "reader": who.has(READER),
            "marked": mark is not None, "marked_at": mark.marked_at if mark else None}


def mark(who: Identity, day: dt.date | None = None) -> tuple[ReadingMark, bool]:
    """The leader's mark for today (made now, or the one made before: True if new)."""
    if not who.has(READER):
        raise Refused("每日阅读由本单位主要负责人标记")
    today_ = beijing_today()
    if day is not None and day != today_:
        raise Invalid("day", "只能标记今天的博文已阅")
    posts = posts_of(who.unit_id, today_).count()
    if not posts:
        raise Conflict("本单位今天还没有发布博文")
    unit = Unit.get_or_none(Unit.id == who.unit_id)
    found = ReadingMark.get_or_none(ReadingMark.unit_id == who.unit_id, ReadingMark.day == today_,
                                    ReadingMark.person_id == who.person_id)
    if found is not None:
        return found, False
    try:
        with ReadingMark._meta.database.atomic():
            return ReadingMark.create(unit_id=who.unit_id, unit_path=unit.path if unit else who.unit_path,
                                      day=today_, person_id=who.person_id, person_name=who.name, posts=posts), True
    except peewee.IntegrityError:  # marked at the same moment in another tab
        return ReadingMark.get(ReadingMark.unit_id == who.unit_id, ReadingMark.day == today_,
                               ReadingMark.person_id == who.person_id), False


def check_span(start: dt.date, end: dt.date) -> None:
    if end < start:
        raise Invalid("to", "结束日期不能早于开始日期")
    if (end - start).days + 1 > MAX_DAYS:
        raise Invalid("to", said("一次至多统计 {n} 天", n=MAX_DAYS))


def marks(who: Identity, start: dt.date, end: dt.date):
    """The marks in sight over the days, newest first (a query, for a page)."""
    check_span(start, end)
    query = in_sight(ReadingMark.select(), ReadingMark.unit_path, who).where(ReadingMark.day.between(start, end))
    return query.order_by(ReadingMark.day.desc(), ReadingMark.unit_path, ReadingMark.id)


def rates(who: Identity, start: dt.date, end: dt.date) -> list[dict]:
    """Each unit in sight that released posts on a day of the span: the days it did, the days its
    principal leader marked read among them, the rate; the lowest rate first."""
    check_span(start, end)
    posted: dict[int, set[dt.date]] = {}
    day = start
    while day <= end:  # one grouped count per day, on (unit_id, released_at)
        lo, hi = bounds(day)
        rows = in_sight(Draft.select(Draft.unit_id).where(Draft.status == DraftStatus.RELEASED,
                                                         Draft.released_at >= lo, Draft.released_at < hi),
                        Draft.unit_path, who).group_by(Draft.unit_id).tuples()
        for (unit_id,) in rows:
            posted.setdefault(unit_id, set()).add(day)
        day += dt.timedelta(days=1)
    read: dict[int, set[dt.date]] = {}
    for unit_id, on in (ReadingMark.select(ReadingMark.unit_id, ReadingMark.day)
                        .where(ReadingMark.unit_id.in_(list(posted)), ReadingMark.day.between(start, end))
                        .distinct().tuples()):
        read.setdefault(unit_id, set()).add(on)
    units = {u.id: u for u in Unit.select(Unit.id, Unit.name, Unit.path).where(Unit.id.in_(list(posted)))}
    out = []
    for unit_id, days in posted.items():
        done = len(days & read.get(unit_id, set()))
        unit = units.get(unit_id)
        out.append({"unit_id": unit_id, "unit_name": unit.name if unit else "", "days_posted": len(days),
                    "days_read": done, "rate": round(done / len(days), 3),
                    "_order": tree_order(unit.path) if unit else ()})
    out.sort(key=lambda r: (r["rate"], r["_order"]))
    return [{k: v for k, v in r.items() if k != "_order"} for r in out]


def unread_today(who: Identity):
    """The caller's unit, if it released posts today and the caller has not marked them read (to-do)."""
    day = beijing_today()
    marked = ReadingMark.select(ReadingMark.id).where(ReadingMark.unit_id == who.unit_id, ReadingMark.day == day,
                                                      ReadingMark.person_id == who.person_id)
    return Unit.select(Unit.id, Unit.name).where(Unit.id == who.unit_id, fn.EXISTS(posts_of(who.unit_id, day)),
                                                 ~fn.EXISTS(marked))
