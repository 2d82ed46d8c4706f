"""A consumer whose database is out of disk (PostgreSQL's SQLSTATE 53100, or any of class 53:
memory, connections) holds its batch, as when the database is down: nothing is applied, no failure
is recorded towards the dead letters, and the same delivery is applied once the disk is freed. (The
fault run's full disk found the handler's failure counted as a retry, which dead-letters after
DELIVERY_LIMIT deliveries once the failure's own row fits.) Real PostgreSQL raising the real code."""
import json

import pytest

from govmb.bus.consumer import DatabaseUnavailable, InboxConsumer
from govmb.bus.message import Delivery

pytestmark = pytest.mark.integration

FULL = "DO $$ BEGIN RAISE EXCEPTION 'could not extend file' USING ERRCODE = 'disk_full'; END $$"


def delivery(n: int) -> Delivery:
    return Delivery(tag=n, message_id=f"tick-{n}", event_type="test.tick", headers={"version": 1},
                    body=json.dumps({"n": n}).encode())


@pytest.mark.parametrize("batch", [[1], [1, 2, 3]])  # the savepoint path and the batch's fast path
def test_a_full_disk_holds_the_batch_and_the_same_deliveries_apply_once_freed(kit, batch):
    disk = {"full": True}

    def handle(payload, d):
        if disk["full"]:
            kit.db.execute_sql(FULL)
        kit.handle({**payload, "poison": False}, d)

    consumer = InboxConsumer(kit.store, {"test.tick": handle})
    with pytest.raises(DatabaseUnavailable):
        consumer.handle_batch([delivery(n) for n in batch])
    with kit.db.connection_context():
        assert kit.store.BusFailure.select().count() == 0  # nothing counted towards the dead letters
        assert kit.store.Inbox.select().count() == 0
    assert kit.counts() == (0, 0, 0)
    disk["full"] = False
    consumer.handle_batch([delivery(n) for n in batch])
    assert kit.counts() == (len(batch), len(batch), len(batch))
