"""The idempotent consumer: each batch of deliveries is handled in one transaction with the
inbox, so a message's effects and the record of having seen it commit together, and the
broker is acked only after that commit."""
from __future__ import annotations

import enum
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import peewee

from govmb.bus import failpoints
from govmb.bus.failpoints import failpoint
from govmb.bus.message import Delivery
from govmb.bus.store import MESSAGE_ID_MAX, BusStore
from govmb.context import accept_correlation_id, reset_correlation_id, set_correlation_id
from govmb.contracts import ContractError, load_incoming

log = logging.getLogger(__name__)

Handler = Callable[[dict, Delivery], None]


class Outcome(enum.Enum):
    ACK = "ack"  # handled now, or handled before (a duplicate)
    RETRY = "retry"  # the handler failed: back to the queue; the delivery limit ends it in the DLQ
    DEAD = "dead"  # can never succeed (malformed, broken contract, newer version): straight to the DLQ


class DatabaseUnavailable(RuntimeError):
    """The service's own database did not answer: hold the batch and try it again later."""


_DB_DOWN = (peewee.OperationalError, peewee.InterfaceError)
# PostgreSQL's class 53, "insufficient resources": a full disk (53100), out of memory, too many
# connections. The database answers, but no handler can succeed until it is mended: held, like a
# database that is down, not retried towards the dead letters.
_EXHAUSTED = "53"


def _exhausted(exc: BaseException) -> bool:
    cause = exc if getattr(exc, "pgcode", None) else exc.__cause__ or exc.__context__
    return str(getattr(cause, "pgcode", "") or "").startswith(_EXHAUSTED)


class _HandlerFailed(Exception):
    """A handler raised in the fast path: the batch is rolled back and redone one by one."""


@dataclass
class InboxConsumer:
    store: BusStore
    handlers: dict[str, Handler]
    duplicates: int = 0  # deliveries of messages handled before, absorbed by the inbox (this process)
    _batch_duplicates: list = field(default_factory=list, repr=False)

    def handle_batch(self, deliveries: list[Delivery]) -> list[Outcome]:
        """Fast path: the whole batch in one transaction, the inbox claimed in one statement.
        If any handler fails, that transaction is rolled back and the batch is redone with a
        savepoint per message, so only the failing message is retried."""
        db = self.store.db
        try:
            db.connect(reuse_if_open=True)
            try:
                with db.atomic():
                    outcomes = self._run(deliveries, isolate=False)
            except (_HandlerFailed, *_DB_DOWN) as exc:
                if isinstance(exc, _DB_DOWN) and not self._database_answers(exc):
                    raise
                with db.atomic():  # a handler failed (deadlock, timeout, bug): find which, one by one
                    outcomes = self._run(deliveries, isolate=True)
        except _DB_DOWN as exc:
            _discard_connection(db)
            raise DatabaseUnavailable(str(exc)) from exc
        failpoint("consumer.after_commit")
        if self._batch_duplicates:  # committed: these were deliveries of messages handled before
            self.duplicates += len(self._batch_duplicates)
            log.info("duplicates absorbed", extra={"count": len(self._batch_duplicates),
                                                   "message_ids": self._batch_duplicates})
        return outcomes

    def _database_answers(self, exc: BaseException | None = None) -> bool:
        """After an OperationalError: is the database really gone (or out of disk, memory or
        connections), or did one statement fail?"""
        if exc is not None and _exhausted(exc):
            return False
        try:
            self.store.db.execute_sql("SELECT 1")
            return True
        except _DB_DOWN:
            return False

    def _run(self, deliveries: list[Delivery], isolate: bool) -> list[Outcome]:
        outcomes: list[Outcome] = [Outcome.DEAD] * len(deliveries)
        self._batch_duplicates = []
        valid = []
        for i, d in enumerate(deliveries):
            if failpoints.dropped(d):  # tests only (consumer.drop_one): acked, never handled
                outcomes[i] = Outcome.ACK
                continue
            try:
                valid.append((i, d, self._parse(d)))
            except Exception as exc:  # whatever a message's form breaks, it never will succeed
                log.error("message refused", extra={"message_id": d.message_id, "error": str(exc)})
                self.store.record_failure(d.message_id or f"tag-{d.tag}", d.event_type, str(exc), dead=True)
        if isolate:
            for i, d, payload in valid:
                outcomes[i] = self._handle_isolated(d, payload)
            return outcomes
        new = self.store.remember_many([(d.message_id, d.event_type) for _, d, _ in valid])
        if failpoints.active("inbox.no_dedupe"):  # tests only: the duplicate check removed
            new = {d.message_id for _, d, _ in valid}
        for i, d, payload in valid:
            outcomes[i] = Outcome.ACK
            if d.message_id not in new:
                self._batch_duplicates.append(d.message_id)  # handled before: a duplicate
                continue
            new.discard(d.message_id)  # a second copy within this batch is a duplicate too
            token = set_correlation_id(_correlation(d))
            try:
                self.handlers[d.event_type](payload, d)
                failpoints.applied(self.store.db, d)  # tests only (consumer.journal)
            except _DB_DOWN:
                raise
            except Exception as exc:
                raise _HandlerFailed() from exc
            finally:
                reset_correlation_id(token)
        return outcomes

    def _parse(self, d: Delivery) -> dict:
        if not d.message_id or not d.event_type or len(d.message_id) > MESSAGE_ID_MAX:
            raise ContractError(d.event_type or "?",
                                f"a message needs a type and a message_id of at most {MESSAGE_ID_MAX} characters")
        if d.event_type not in self.handlers:
            raise ContractError(d.event_type, "no handler in this service for this event type")
        return load_incoming(d.event_type, int(d.headers.get("version") or 1), d.payload())

    def _handle_isolated(self, d: Delivery, payload: dict) -> Outcome:
        token = set_correlation_id(_correlation(d))
        try:
            with self.store.db.atomic():  # a savepoint: a failing handler undoes only itself
                if self.store.remember(d.message_id, d.event_type) or failpoints.active("inbox.no_dedupe"):
                    self.handlers[d.event_type](payload, d)
                    failpoints.applied(self.store.db, d)  # tests only (consumer.journal)
                else:
                    self._batch_duplicates.append(d.message_id)
            return Outcome.ACK
        except Exception as exc:  # a handler bug or a transient conflict: retried, then dead-lettered
            if isinstance(exc, _DB_DOWN) and not self._database_answers(exc):
                raise
            log.exception("handler failed", extra={"message_id": d.message_id, "event_type": d.event_type})
            self.store.record_failure(d.message_id, d.event_type, f"{type(exc).__name__}: {exc}", dead=False)
            return Outcome.RETRY
        finally:
            reset_correlation_id(token)


def _correlation(d: Delivery) -> str:
    value = d.headers.get("correlation_id")
    return accept_correlation_id(value if isinstance(value, str) else None)


def _discard_connection(db: peewee.Database) -> None:
    try:
        db.close()
    except Exception:  # a broken connection may refuse even to close; a new one is opened next time
        log.debug("closing a broken connection failed", exc_info=True)


def settle(deliveries: list[Delivery], outcomes: Iterable[Outcome], ack: Callable[[int, bool], None],
           requeue: Callable[[int], None], reject: Callable[[int], None]) -> None:
    """Tell the broker what became of each delivery: one multiple-ack when all went well."""
    outcomes = list(outcomes)
    if outcomes and all(o is Outcome.ACK for o in outcomes):
        ack(max(d.tag for d in deliveries), True)
        return
    for d, o in zip(deliveries, outcomes):
        if o is Outcome.ACK:
            ack(d.tag, False)
        elif o is Outcome.RETRY:
            requeue(d.tag)
        else:
            reject(d.tag)


class Backoff:
    """Exponential back-off with a ceiling, for reconnecting to a broker or a database."""

    def __init__(self, first: float = 0.2, ceiling: float = 5.0):
        self.first, self.ceiling, self.current = first, ceiling, first

    def reset(self) -> None:
        self.current = self.first

    def wait(self, stop) -> None:
        stop.wait(self.current)
        self.current = min(self.current * 2, self.ceiling)


def handle_until_done(consumer: InboxConsumer, deliveries: list[Delivery], stop,
                      pump: Callable[[float], None] = lambda s: time.sleep(s)) -> list[Outcome] | None:
    """Handle a batch, waiting out an unavailable database; None if told to stop first."""
    backoff = Backoff()
    while not stop.is_set():
        try:
            return consumer.handle_batch(deliveries)
        except DatabaseUnavailable as exc:
            log.warning("database unavailable, holding the batch", extra={"error": str(exc)})
            pump(backoff.current)
            backoff.current = min(backoff.current * 2, backoff.ceiling)
    return None
