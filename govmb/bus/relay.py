"""The relay: publishes outbox rows with publisher confirms and marks them sent only once
the broker has confirmed every one. A crash anywhere re-sends; nothing is lost.

On PostgreSQL, rows are claimed with FOR UPDATE SKIP LOCKED, so several relays can run
side by side, and so can several batches of one relay: `in_flight` lanes, each a thread with
its own connection and transaction, publish the next batch while the previous one's confirms
come back, and each marks its own batch sent once that batch is confirmed. The mark commits
without waiting for the disk (synchronous_commit off): a mark lost in a database crash only
sends the batch again, which the consumers' inboxes absorb. On SQLite there is no such lock:
one lane, one relay per database file, enforced by a file lock (a second relay waits as a
hot spare).
"""
from __future__ import annotations

import datetime as dt
import fcntl
import logging
import math
import os
import threading
import time
from pathlib import Path
from typing import Protocol

import peewee

from govmb.bus.consumer import Backoff
from govmb.bus.message import Message
from govmb.bus.store import BusStore
from govmb.db import is_postgres

log = logging.getLogger(__name__)


class PublishError(RuntimeError):
    """The broker did not confirm every message of a batch (nack, return, lost connection)."""


class Publisher(Protocol):
    def publish_batch(self, messages: list[Message]) -> None: ...


INBOX_RETENTION = dt.timedelta(days=30)


class Relay:
    def __init__(self, store: BusStore, publisher: Publisher, batch_size: int = 500,
                 poll_seconds: float = 0.02, retention: dt.timedelta = dt.timedelta(days=7),
                 in_flight: int = 2):
        self.store, self.publisher = store, publisher
        self.batch_size, self.poll_seconds, self.retention = batch_size, poll_seconds, retention
        self.in_flight = max(1, in_flight)
        self.sent = 0
        self._count_lock = threading.Lock()
        self._last_purge = -math.inf  # the first batch purges: monotonic() counts from boot, not from 0

    def run_once(self) -> int:
        """Publish one batch; the number of messages confirmed and marked sent."""
        db = self.store.db
        db.connect(reuse_if_open=True)
        if is_postgres(db):
            with db.atomic():
                rows = self.store.pending(self.batch_size, lock=True)
                if rows:
                    self.publisher.publish_batch([self.store.to_message(r) for r in rows])
                    db.execute_sql("SET LOCAL synchronous_commit TO OFF")  # a lost mark re-sends, never loses
                    self.store.mark_sent([r.id for r in rows])
        else:
            # SQLite: read outside a write transaction (a stale WAL snapshot cannot be upgraded).
            rows = self.store.pending(self.batch_size, lock=False)
            if rows:
                self.publisher.publish_batch([self.store.to_message(r) for r in rows])
                with db.atomic():
                    self.store.mark_sent([r.id for r in rows])
        with self._count_lock:
            self.sent += len(rows)
        return len(rows)

    def run(self, stop: threading.Event) -> None:
        """Relay until `stop`: on PostgreSQL `in_flight` lanes side by side, on SQLite one."""
        with _single_relay_lock(self.store.db, stop):
            lanes = self.in_flight if is_postgres(self.store.db) else 1
            others = [threading.Thread(target=self._lane, args=(stop, False), name=f"relay-lane-{k}", daemon=True)
                      for k in range(1, lanes)]
            for lane in others:
                lane.start()
            self._lane(stop, purges=True)
            for lane in others:
                lane.join()

    def _lane(self, stop: threading.Event, purges: bool) -> None:
        backoff = Backoff()
        while not stop.is_set():
            try:
                n = self.run_once()
                backoff.reset()
                if purges:
                    self._maybe_purge()
                if n < self.batch_size:
                    stop.wait(self.poll_seconds)
            except Exception as exc:  # the relay thread must outlive any one failure
                level = logging.WARNING if isinstance(exc, (PublishError, peewee.DatabaseError)) else logging.ERROR
                log.log(level, "relay batch not confirmed; it will be sent again", extra={"error": repr(exc)},
                        exc_info=level == logging.ERROR)
                try:
                    self.store.db.close()
                except Exception:  # the connection may already be broken
                    pass
                backoff.wait(stop)
        self.store.db.close()

    def _maybe_purge(self) -> None:
        """Every ten minutes: sent outbox rows older than `retention`, and inbox rows older than
        INBOX_RETENTION (a copy of a message that old no longer arrives: redeliveries, relay
        re-sends and the embedded mode's re-send at start are minutes or an hour late)."""
        if time.monotonic() - self._last_purge > 600:
            self._last_purge = time.monotonic()
            self.store.purge_sent(self.retention)
            self.store.purge_inbox(INBOX_RETENTION)


class _single_relay_lock:
    """On SQLite, hold an exclusive file lock beside the database while relaying."""

    def __init__(self, db: peewee.Database, stop: threading.Event):
        target = db.obj if isinstance(db, peewee.DatabaseProxy) else db
        self.path = None
        if isinstance(target, peewee.SqliteDatabase) and target.database != ":memory:":
            self.path = Path(target.database + ".relay.lock")
        self.stop, self.fh = stop, None

    def __enter__(self):
        if self.path is None:
            return self
        self.fh = os.fdopen(os.open(self.path, os.O_CREAT | os.O_APPEND | os.O_WRONLY, 0o600), "a")  # owner only
        while not self.stop.is_set():
            try:
                fcntl.flock(self.fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return self
            except BlockingIOError:
                self.stop.wait(1.0)
        return self

    def __exit__(self, *exc):
        if self.fh:
            self.fh.close()
