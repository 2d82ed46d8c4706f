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
