"""A publisher that counts how many batches it holds at once, around a real one."""
from __future__ import annotations

import threading


class Overlap:
    """Delegates to `publisher`; `most` is the largest number of batches in flight together."""

    def __init__(self, publisher, hold: float = 0.0):
        self.publisher, self.hold = publisher, hold
        self.now = self.most = 0
        self._lock = threading.Lock()

    def publish_batch(self, messages) -> None:
        with self._lock:
            self.now += 1
            self.most = max(self.most, self.now)
        try:
            if self.hold:
                threading.Event().wait(self.hold)  # a slow confirm, so that lanes would overlap
            self.publisher.publish_batch(messages)
        finally:
            with self._lock:
                self.now -= 1


def drained(kit, publisher, batch_size: int, poll_seconds: float, in_flight: int, timeout: float):
    """A relay with `in_flight` lanes run on `kit`'s outbox through `publisher` until it is empty,
    then stopped; the relay (its `sent`)."""
    from govmb.bus.relay import Relay
    from tests.conftest import wait_for

    relay = Relay(kit.store, publisher, batch_size=batch_size, poll_seconds=poll_seconds, in_flight=in_flight)
    stop = threading.Event()
    thread = threading.Thread(target=relay.run, args=(stop,), daemon=True)
    thread.start()
    try:
        wait_for(lambda: kit.unsent() == 0, timeout=timeout, message="the outbox to empty")
    finally:
        stop.set()
        thread.join(10)
    return relay
