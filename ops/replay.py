"""Replaying a producer's state as events, so that a consumer's database can be rebuilt.

Every event of this system carries the whole state it reports (a snapshot with a revision,
or a fact that happens once), and every consumer applies it idempotently. A producer's
`replay` module therefore re-sends what it holds, through its outbox like any other event;
an emptied consumer database fills up again to the same figures, and a full one changes
nothing. `python -m ops.cli replay registry publishing inquiry`.
"""
from __future__ import annotations

import importlib
from itertools import islice

from govmb.service import ServiceSpec

BATCH = 500


def replay(spec: ServiceSpec) -> int:
    """Write every event of the service's `replay.events()` to its outbox, in transactions of
    BATCH events; the number written."""
    events = iter(importlib.import_module(f"{spec.package}.replay").events())
    written = 0
    while batch := list(islice(events, BATCH)):
        with spec.db.atomic():
            for event_type, payload in batch:
                spec.store.emit(event_type, payload)
        written += len(batch)
    return written
