"""The outbox, the inbox and the failure log, as tables in a service's own database."""
from __future__ import annotations

import datetime as dt
import json
import uuid
from collections import namedtuple

import peewee

from govmb.bus.message import Message
from govmb.context import get_correlation_id
from govmb.contracts import contract, validate_outgoing
from govmb.db import Insert
from govmb.timefmt import iso_utc, utcnow

MESSAGE_ID_MAX = 64  # our ids are UUIDs; a foreign producer's may be longer, up to this

OutboxRow = namedtuple("OutboxRow", "id message_id event_type version body correlation_id created_at")




class BusStore:
    """One per service, bound to that service's database."""

    def __init__(self, db: peewee.DatabaseProxy, service: str):
        self.db = db
        self.service = service

        class Base(peewee.Model):
            class Meta:
                database = db
                legacy_table_names = False

        class Outbox(Base):
            id = peewee.BigAutoField()
            message_id = peewee.CharField(max_length=36, unique=True)
            event_type = peewee.CharField(max_length=100)
            version = peewee.IntegerField()
            body = peewee.TextField()
            correlation_id = peewee.CharField(max_length=64, null=True)
            created_at = peewee.DateTimeField(default=utcnow)
            sent_at = peewee.DateTimeField(null=True)

        class Inbox(Base):
            message_id = peewee.CharField(max_length=MESSAGE_ID_MAX, primary_key=True)
            event_type = peewee.CharField(max_length=100)
            received_at = peewee.DateTimeField(default=utcnow)

        class BusFailure(Base):
            """The last error of each message a handler failed on: what ops read beside the DLQ."""
            message_id = peewee.CharField(max_length=MESSAGE_ID_MAX, primary_key=True)
            event_type = peewee.CharField(max_length=100, null=True)
            attempts = peewee.IntegerField(default=0)
            dead = peewee.BooleanField(default=False)
            error = peewee.TextField()
            last_at = peewee.DateTimeField(default=utcnow)

        self.Outbox, self.Inbox, self.BusFailure = Outbox, Inbox, BusFailure
        self.models = (Outbox, Inbox, BusFailure)

    # producer side -------------------------------------------------------
    def emit(self, event_type: str, payload: dict) -> str:
        """Write an event to the outbox in the caller's transaction; refuse a payload that
        breaks its contract (ContractError names the fields)."""
        if not self.db.in_transaction():
            raise RuntimeError("emit() belongs inside the transaction of the state change it reports")
        query, message_id = self.event_insert(event_type, payload)
        query.execute()
        return message_id

    def event_insert(self, event_type: str, payload: dict) -> tuple[Insert, str]:
        """The outbox insert of an event, not yet run, and the event's message id: for
        `govmb.db.write_together` with the state change it reports."""
        data = validate_outgoing(event_type, payload)
        message_id = str(uuid.uuid4())
        return Insert(self.Outbox, {"message_id": message_id, "event_type": event_type,
                                    "version": contract(event_type).version,
                                    "body": json.dumps(data, ensure_ascii=False, separators=(",", ":")),
                                    "correlation_id": get_correlation_id()}), message_id

    def pending(self, limit: int, lock: bool) -> list:
        """The oldest unsent rows; with lock (PostgreSQL), rows other relays hold are skipped.
        The SQL is written here, not built by peewee: the relay reads thousands a second, and
        building its two statements was a sixth of its time."""
        out = self.Outbox
        sql = (f'SELECT "id", "message_id", "event_type", "version", "body", "correlation_id", "created_at" '
               f'FROM "{out._meta.table_name}" WHERE "sent_at" IS NULL ORDER BY "id" LIMIT {self.db.param}'
               + (" FOR UPDATE SKIP LOCKED" if lock else ""))
        created = out.created_at.python_value  # SQLite answers text
        return [OutboxRow(*row[:6], created(row[6])) for row in self.db.execute_sql(sql, [limit]).fetchall()]

    def mark_sent(self, ids: list[int]) -> None:
        out = self.Outbox
        values = ", ".join([self.db.param] * len(ids))
        self.db.execute_sql(f'UPDATE "{out._meta.table_name}" SET "sent_at" = {self.db.param} WHERE "id" IN ({values})',
                            [out.sent_at.db_value(utcnow()), *ids])

    def resend_recent(self, window: dt.timedelta) -> int:
        """Mark the events sent within `window` of the last one sent unsent again, so the relay
        sends them once more: for the in-process transport, whose queues die with the process,
        at start (counted back from the last send, not from now: the process may have been
        stopped overnight). Consumers' inboxes absorb what they had already applied. The
        number of events marked."""
        last = self.Outbox.select(peewee.fn.MAX(self.Outbox.sent_at)).scalar()
        if last is None:
            return 0
        return self.Outbox.update(sent_at=None).where(self.Outbox.sent_at >= last - window).execute()

    def backlog(self) -> int:
        return self.Outbox.select().where(self.Outbox.sent_at.is_null()).count()

    def purge_sent(self, older_than: dt.timedelta) -> int:
        cutoff = utcnow() - older_than
        return (self.Outbox.delete()
                .where(self.Outbox.sent_at.is_null(False) & (self.Outbox.sent_at < cutoff)).execute())

    def to_message(self, row) -> Message:
        return Message(message_id=row.message_id, event_type=row.event_type, version=row.version,
                       body=row.body, producer=self.service,
                       occurred_at=iso_utc(row.created_at),
                       correlation_id=row.correlation_id)

    # consumer side -------------------------------------------------------
    def remember(self, message_id: str, event_type: str) -> bool:
        """Record a message as handled; False if it was already (a duplicate)."""
        query = self.Inbox.insert(message_id=message_id, event_type=event_type).on_conflict_ignore()
        return self.db.execute(query).rowcount == 1

    def remember_many(self, messages: list[tuple[str, str]]) -> set[str]:
        """Record a batch as handled in one statement; the ids that were new (not duplicates)."""
        unique = list(dict(messages).items())
        if not unique:
            return set()
        # The SQL written here, not built by peewee: building it was a fifth of the consumer's time.
        inbox, param = self.Inbox, self.db.param
        received = inbox.received_at.db_value(utcnow())
        values = ", ".join([f"({param}, {param}, {param})"] * len(unique))
        sql = (f'INSERT INTO "{inbox._meta.table_name}" ("message_id", "event_type", "received_at") VALUES {values} '
               'ON CONFLICT DO NOTHING RETURNING "message_id"')
        cursor = self.db.execute_sql(sql, [v for m, t in unique for v in (m, t, received)])
        return {row[0] for row in cursor.fetchall()}

    def purge_inbox(self, older_than: dt.timedelta) -> int:
        """Forget the ids of messages handled longer ago than `older_than`; the number forgotten."""
        return self.Inbox.delete().where(self.Inbox.received_at < utcnow() - older_than).execute()

    def record_failure(self, message_id: str, event_type: str | None, error: str, dead: bool) -> None:
        (self.BusFailure.insert(message_id=message_id[:MESSAGE_ID_MAX], event_type=(event_type or "")[:100] or None, attempts=1, dead=dead,
                                error=error[:4000])
         .on_conflict(conflict_target=[self.BusFailure.message_id],
                      update={self.BusFailure.attempts: self.BusFailure.attempts + 1,
                              self.BusFailure.dead: dead, self.BusFailure.error: error[:4000],
                              self.BusFailure.last_at: utcnow()})
         .execute())


def create_bus_tables_v1(db: peewee.Database) -> None:
    """The bus tables as of version 1, for a service's first migration."""
    store = BusStore(db, "migration")
    db.create_tables(store.models)
    db.execute_sql('CREATE INDEX IF NOT EXISTS outbox_unsent ON outbox (id) WHERE sent_at IS NULL')
