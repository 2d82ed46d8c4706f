"""Reminders before a deadline passes (issue 17), said once each.

A service that owns a deadline (inquiry: the replies; publishing: the directives; assessment:
dormant accounts, inspections' fixes, duty shifts) runs a job that finds what is near its
deadline and sends one `<service>.reminder.due` event for it: the reminder is claimed by
inserting its row in the service's `reminder_sent` table (kind, subject, stage: unique) in the
same transaction as the event's outbox row, so a second run, a restart or another replica finds
it claimed and says nothing. The registry, which knows the people, makes the notifications and
delivers them (services/registry/notifications.py, delivery.py).

Each query reads a narrow window of an index (what falls due in the next hours, the accounts
whose last post is a week either side of the threshold) and skips in SQL what was already said
(`unsent`, by the claims' unique index). A claim row older than KEEP_DAYS is deleted: every
deadline it was about has passed by then (a dormant account still silent is reminded again,
once, then)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import peewee

from govmb.config import ReminderOptions, options
from govmb.messages import kept, source
from govmb.timefmt import iso_utc, utcnow


@dataclass(frozen=True)
class Reminder:
    kind: str  # govmb.contracts.reminders.KINDS
    subject_id: int  # the row it is about (a message, a directive target, an account…)
    unit_id: int
    roles: tuple[str, ...]  # who in the unit is reminded
    title: str  # said with its values (govmb.messages.said): each person is told it in their own language
    link_kind: str
    link_id: int | None = None
    due_at: dt.datetime | None = None  # naive UTC
    stage: str = ""  # a subject reminded again for a new reason (a new dormancy, a new fix date)
    person_name: str = ""
    urgent: bool = False

    def key(self, service: str) -> str:
        return f"{service}:{self.kind}:{self.subject_id}:{self.stage}"


def sent_model(db: peewee.Database) -> type[peewee.Model]:
    """The table of reminders a service has said (its migration creates `reminder_sent`)."""
    class ReminderSent(peewee.Model):
        kind = peewee.CharField(max_length=20)
        subject_id = peewee.IntegerField()
        stage = peewee.CharField(max_length=40, default="")
        sent_at = peewee.DateTimeField(default=utcnow)

        class Meta:
            database = db
            table_name = "reminder_sent"
            indexes = ((("kind", "subject_id", "stage"), True), (("sent_at",), False))
    return ReminderSent


def create_sent_table_v1(db: peewee.Database) -> None:
    """The `reminder_sent` table as each service's `*_reminders.py` migration made it (frozen
    here, apart from `sent_model`, so that a later change of the model changes no migration)."""
    class ReminderSent(peewee.Model):
        kind = peewee.CharField(max_length=20)
        subject_id = peewee.IntegerField()
        stage = peewee.CharField(max_length=40, default="")
        sent_at = peewee.DateTimeField(default=dt.datetime.utcnow)

        class Meta:
            database = db
            table_name = "reminder_sent"
            indexes = ((("kind", "subject_id", "stage"), True), (("sent_at",), False))
    db.create_tables([ReminderSent])


def unsent(sent: type[peewee.Model], kind: str, subject, stage="") -> peewee.Expression:
    """A WHERE clause: the subject (a column) has not been reminded of `kind` at `stage` (a value
    or a column) yet; answered by the unique index."""
    return ~peewee.fn.EXISTS(sent.select(peewee.SQL("1")).where(
        (sent.kind == kind) & (sent.subject_id == subject) & (sent.stage == stage)))


def as_text(column) -> peewee.Node:
    """A column as text, for a stage taken from a row (`unsent`): the same '4' on both databases."""
    return peewee.Cast(column, "TEXT")


KEEP_DAYS = 60


def send(db: peewee.Database, bus, sent: type[peewee.Model], service: str, reminders: Iterable[Reminder]) -> int:
    """Claim and announce each reminder, once: the claim and the event in one transaction. Then
    the claims older than KEEP_DAYS go."""
    sent.delete().where(sent.sent_at < utcnow() - dt.timedelta(days=KEEP_DAYS)).execute()
    said = 0
    for r in reminders:
        with db.atomic():
            claim = sent.insert(kind=r.kind, subject_id=r.subject_id, stage=r.stage).on_conflict_ignore()
            if db.execute(claim).rowcount != 1:  # said already (another run, another replica)
                continue
            bus.emit(f"{service}.reminder.due", payload(r, service))
            said += 1
    return said


def payload(r: Reminder, service: str) -> dict:
    """The reminder's event: its title in the record's language, and its message and values, so
    that each person is told it in their own (the registry's notifications, e-mails, robots)."""
    return {"key": r.key(service), "kind": r.kind, "unit_id": r.unit_id, "roles": list(r.roles),
            "person_name": r.person_name, "title": source(r.title), "title_said": kept(r.title),
            "due_at": iso_utc(r.due_at), "link_kind": r.link_kind, "link_id": r.link_id, "urgent": r.urgent}


def settings() -> ReminderOptions:
    return options().reminders or ReminderOptions()


def now() -> dt.datetime:
    return utcnow()


BATCH = 500  # at most this many of one kind per run: the next run takes the rest
