"""A relay with several batches in flight on PostgreSQL: the next batch is published while the
previous one's confirms come back, each row is sent once, each batch marked when confirmed."""
import pytest

from govmb.bus import amqp
from tests import infra
from tests.relaykit import Overlap, drained

pytestmark = pytest.mark.integration


def test_batches_in_flight_overlap_and_send_each_row_once(kit, topo, amqp_url):
    kit.emit(range(3000))
    real = amqp.AmqpPublisher(amqp_url, topo).start()
    publisher = Overlap(real, hold=0.02)
    try:
        relay = drained(kit, publisher, batch_size=100, poll_seconds=0.01, in_flight=3, timeout=60)
    finally:
        real.stop()
    assert publisher.most >= 2, "the next batch goes out while the previous one waits for its confirms"
    assert publisher.most <= 3
    assert relay.sent == 3000
    assert infra.queue_depth(amqp_url, topo.queue_name("ticker")) == 3000  # none sent twice
