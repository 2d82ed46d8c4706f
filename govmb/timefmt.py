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


def utc(value: str | None) -> dt.datetime | None:
    """An event's ISO 8601 time as stored: naive UTC (a time without an offset is taken as UTC)."""
    return stored(dt.datetime.fromisoformat(value)) if value else None


def beijing_day(value: str | dt.datetime | None) -> str | None:
    """The Beijing date (YYYY-MM-DD) of a stored time or of an ISO 8601 one; a naive time is UTC."""
    if not value:
        return None
    return to_beijing(dt.datetime.fromisoformat(value) if isinstance(value, str) else value).date().isoformat()


def beijing_iso(value: dt.datetime | None) -> str | None:
    """A stored time as ISO 8601 in Beijing time (`2026-10-01T16:30:00+08:00`): what the APIs answer."""
    return None if value is None else to_beijing(value).isoformat(timespec="seconds")


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
        return beijing_iso(value)
