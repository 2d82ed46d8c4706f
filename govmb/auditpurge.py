"""Removing a service's oldest audit rows after their retention (`python -m ops.cli audit-purge`):
the one way a row ever leaves the trail.

- Only rows older than `AUDIT_RETENTION_DAYS` (at least 180: 等保 2.0 level 3 keeps audit
  records six months), and only from the start of the chain: the rows before the first one young
  enough to keep. The last row always stays, so the chain's head is never lost.
- Only a whole chain is purged: a break found first is reported and nothing removed (a purge
  must not erase the evidence of a forgery).
- Each batch, in one transaction: the trail's refusal of DELETE lifted (which only the tables'
  owner may do: the services' roles cannot alter the table nor delete a row), the rows removed,
  a checkpoint written with the last removed row's id and hash, sealed with the chain's key, the
  refusal put back. Verification goes on from the newest checkpoint.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import peewee

from govmb.audit import make_audit_model, make_checkpoint_model, triggers_off
from govmb.auditchain import LOCK, seal
from govmb.auditverify import Report, verify
from govmb.config import AUDIT_RETENTION_MINIMUM
from govmb.db import transaction_lock
from govmb.messages import said
from govmb.personal import DataKeys
from govmb.timefmt import utcnow

BATCH = 10_000


class PurgeRefused(RuntimeError):
    """A purge the trail refuses: too short a retention, or a broken chain."""


@dataclass(frozen=True)
class Purged:
    service: str
    removed: int
    through_id: int | None  # the last row removed, if any
    older_than: dt.datetime  # naive UTC


def purge(db: peewee.Database, keys: DataKeys, days: int, service: str = "", now: dt.datetime | None = None,
          batch: int = BATCH) -> Purged:
    """Remove the rows of the trail in `db` older than `days` from the start of its chain, as its
    owner (see the module's notes); refuse fewer than 180 days and a broken chain."""
    if days < AUDIT_RETENTION_MINIMUM:
        raise PurgeRefused(said("审计日志至少保存 {minimum} 天，不能按 {days} 天清理", minimum=AUDIT_RETENTION_MINIMUM, days=days))
    older_than = (now or utcnow()) - dt.timedelta(days=days)
    checked: Report = verify(db, keys, service)
    if not checked.whole:
        raise PurgeRefused(said("链已断裂，未清理任何记录：{report}", report=checked.text()))
    removed, through = 0, None
    with db.connection_context():
        while (done := _purge_batch(db, keys, older_than, batch)) is not None:
            removed, through = removed + done[0], done[1]
    return Purged(service, removed, through, older_than)


def _purge_batch(db: peewee.Database, keys: DataKeys, older_than: dt.datetime, batch: int) -> tuple[int, int] | None:
    """One batch, one transaction: (rows removed, the last one's id), or None when nothing is left to remove."""
    entry, checkpoint = make_audit_model(db), make_checkpoint_model(db)
    with db.atomic():
        transaction_lock(db, LOCK)
        newest = entry.select(peewee.fn.MAX(entry.id)).scalar()
        young = entry.select(peewee.fn.MIN(entry.id)).where(entry.at >= older_than).scalar()
        limit = min(x for x in (newest, young) if x is not None) if newest else None
        old = list(entry.select(entry.id, entry.row_hash).where(entry.id < limit).order_by(entry.id).limit(batch)
                   .tuples()) if limit else []
        if not old:
            return None
        through_id, through_hash = old[-1]
        with triggers_off(db, "DELETE"):
            removed = entry.delete().where(entry.id <= through_id).execute()
        at = utcnow()
        checkpoint.create(at=at, through_id=through_id, through_hash=through_hash, removed=removed,
                          older_than=older_than, seal=seal(keys, through_id, through_hash, removed, older_than, at))
    return removed, through_id
