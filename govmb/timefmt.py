"""Times are stored as naive UTC and shown as Beijing time (UTC+8), in the APIs and pages."""
from __future__ import annotations

import datetime as dt

from marshmallow import fields

BEIJING = dt.timezone(dt.timedelta(hours=8), "北京时间")


def utcnow() -> dt.datetime:
    """Now, as stored: naive UTC."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def stored(value: dt.datetime) -> dt.datetime:
    """An aware time as stored: naive UTC (a naive one is taken as stored already)."""
    return value.astimezone(dt.timezone.utc).replace(tzinfo=None) if value.tzinfo else value


def iso_utc(value: dt.datetime | None) -> str | None:
    """A stored time as ISO 8601 with its offset, for events."""
    return value.replace(tzinfo=dt.timezone.utc).isoformat() if value else None


def utc_text(when: dt.datetime) -> str:
    """A time in one text form, `2026-10-01T08:30:00+00:00` (UTC, whole seconds), so that
    times stored as text compare and sort correctly; a naive time is taken as UTC."""
    when = when.astimezone(dt.timezone.utc) if when.tzinfo else when
    return when.strftime("%Y-%m-%dT%H:%M:%S+00:00")


def utc(value: str | None) -> str | None:
    """An event's ISO 8601 time in `utc_text`'s form."""
    return utc_text(dt.datetime.fromisoformat(value)) if value else None


def beijing_day(value: str | None) -> str | None:
    """The Beijing date (YYYY-MM-DD) of an ISO 8601 time; a naive time is taken as UTC."""
    if not value:
        return None
    return to_beijing(dt.datetime.fromisoformat(value)).date().isoformat()


def to_beijing(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(BEIJING)


def beijing_today() -> dt.date:
    """Today's date in Beijing: what "today" means for deadlines and dates people enter."""
    return to_beijing(utcnow()).date()


def last_month(today: dt.date | None = None) -> str:
    """The Beijing month before today's, as YYYY-MM."""
    first = (today or beijing_today()).replace(day=1) - dt.timedelta(days=1)
    return f"{first.year:04d}-{first.month:02d}"


class BeijingDateTime(fields.DateTime):
    """ISO 8601 with +08:00 on the way out."""

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else to_beijing(value).isoformat(timespec="seconds")
