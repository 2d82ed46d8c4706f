"""Named fault points for the fault tests (GOVMB_FAILPOINTS, comma-separated). Unset in every
real deployment; each check is one set lookup.

- `consumer.after_commit`, `relay.on_confirm`: the process kills itself (SIGKILL) there.
- `consumer.journal`: after a handler runs, one row (message id, event type) in the consumer's
  `faultrun_effect` table, in the handler's own transaction. The table has no unique key (the
  fault run creates it), so an event whose effects commit twice shows as two rows: the proof
  of "applied once" that does not lean on the inbox row, whose key can never show a double.
- `inbox.no_dedupe`: the inbox's duplicate check removed (every delivery handled as new), to
  show that the fault run sees doubles.
- `consumer.drop_one=<event type>`: the first delivery of that type this process gets is acked
  without being handled or remembered (a silent loss), to show that the fault run sees it.
"""
import os
import signal

import peewee

from govmb.bus.message import Delivery
from govmb.config import options

EFFECT_JOURNAL = "faultrun_effect"
_dropped: set[str] = set()  # the message id this process dropped (again, if delivered again)


def failpoint(name: str) -> None:
    if name in options().failpoints:
        os.kill(os.getpid(), signal.SIGKILL)


def active(name: str) -> bool:
    return name in options().failpoints


def applied(db: peewee.Database, d: Delivery) -> None:
    """consumer.journal: the effect of `d` journalled in the handler's transaction."""
    if "consumer.journal" in options().failpoints:
        db.execute_sql(f"INSERT INTO {EFFECT_JOURNAL} (message_id, event_type) VALUES ({db.param}, {db.param})",
                       (d.message_id, d.event_type))


def dropped(d: Delivery) -> bool:
    """consumer.drop_one=<type>: whether to ack `d` without handling it."""
    if d.message_id in _dropped:
        return True
    if not _dropped and f"consumer.drop_one={d.event_type}" in options().failpoints:
        _dropped.add(d.message_id)
        return True
    return False
