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


def to_beijing(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(BEIJING)


class BeijingDateTime(fields.DateTime):
    """ISO 8601 with +08:00 on the way out."""

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else to_beijing(value).isoformat(timespec="seconds")
