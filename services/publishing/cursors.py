"""Where the listening worker has got to on a connection (`PlatformConnection.cursors`, JSON):
the adapter's cursor per kind of item, and the day its figures were last sent. A cursor is
saved inside the caller's transaction, with the events of the page it was read with."""
from __future__ import annotations

import json

from services.publishing.models import PlatformConnection

PAGES = 5  # pages of one kind a poll; the rest come at the next


def cursors_of(row: PlatformConnection) -> dict:
    return json.loads(PlatformConnection.select(PlatformConnection.cursors).where(
        PlatformConnection.id == row.id).scalar() or "{}")


def save_cursor(row: PlatformConnection, name: str, cursor: str, **more: str) -> None:
    cursors = {**cursors_of(row), name: cursor, **more}
    PlatformConnection.update(cursors=json.dumps(cursors, ensure_ascii=False)).where(
        PlatformConnection.id == row.id).execute()
