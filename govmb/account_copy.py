"""Each service's own copy of the registry's accounts, fed by the `registry.account.*` events.

Every account event carries the whole account; a copy is replaced only by a higher
revision, so repeated or late messages change nothing.
"""
from __future__ import annotations

import json

import peewee

from govmb.bus.message import Delivery
from govmb.contracts.registry import ACCOUNT_EVENTS
from govmb.db import text_to_timestamps
from govmb.timefmt import utc, utcnow


def make_account_model(db: peewee.DatabaseProxy) -> type[peewee.Model]:
    class Account(peewee.Model):
        id = peewee.IntegerField(primary_key=True)
        unit_id = peewee.IntegerField(index=True)
        unit_path = peewee.CharField(max_length=255, index=True)
        name = peewee.CharField(max_length=30)
        kind = peewee.CharField(max_length=20)
        category = peewee.CharField(max_length=20, null=True)
        status = peewee.CharField(max_length=30, index=True)
        platforms = peewee.TextField()  # JSON list of {platform, handle, url}
        team = peewee.TextField()  # JSON list of {person_id, name, role}
        activated_at = peewee.DateTimeField(null=True)
        closed_at = peewee.DateTimeField(null=True)
        revision = peewee.IntegerField()
        updated_at = peewee.DateTimeField(default=utcnow)

        class Meta:
            database = db
            table_name = "account"

        @property
        def platform_list(self) -> list[dict]:
            return json.loads(self.platforms)

        @property
        def team_list(self) -> list[dict]:
            return json.loads(self.team)

    return Account


def create_account_copy_v1(db: peewee.Database) -> None:
    """The account copy table as of version 1 (its times as text), for a consuming service's migration."""
    class AccountV1(make_account_model(db)):
        activated_at = peewee.CharField(max_length=40, null=True)
        closed_at = peewee.CharField(max_length=40, null=True)

        class Meta:
            table_name = "account"

    db.create_tables([AccountV1])


def account_copy_times_v2(db: peewee.Database) -> None:
    """Version 2: the copy's times as timestamps (naive UTC), for a consuming service's migration."""
    text_to_timestamps(db, "account", ("activated_at", "closed_at"))


def apply_account_snapshot(Account: type[peewee.Model]):
    def handle(snapshot: dict, _delivery: Delivery) -> None:
        # what the copy keeps (a field added to the contract later, such as the managing unit, is
        # kept only once the copy has a column for it)
        row = {k: v for k, v in snapshot.items() if k in Account._meta.fields}
        row["platforms"] = json.dumps(row["platforms"], ensure_ascii=False)
        row["team"] = json.dumps(row["team"], ensure_ascii=False)
        row["activated_at"], row["closed_at"] = utc(row["activated_at"]), utc(row["closed_at"])
        row["updated_at"] = utcnow()
        excluded = peewee.EXCLUDED
        update = {getattr(Account, k): getattr(excluded, k) for k in row if k != "id"}
        (Account.insert(**row)
         .on_conflict(conflict_target=[Account.id], update=update, where=(Account.revision < excluded.revision))
         .execute())
    return handle


def account_handlers(Account: type[peewee.Model]) -> dict:
    handle = apply_account_snapshot(Account)
    return {event_type: handle for event_type in ACCOUNT_EVENTS}
