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
from govmb.identity import Identity, under
from govmb.textsearch import prefix_index
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
        # X6: the managing unit (管理部门), when not the certified unit: its staff run the account too
        managing_unit_id = peewee.IntegerField(null=True, index=True)
        managing_unit_path = peewee.CharField(max_length=255, null=True, index=True)
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

    AccountV1._meta.remove_field("managing_unit_id")
    AccountV1._meta.remove_field("managing_unit_path")
    db.create_tables([AccountV1])


def account_copy_times_v2(db: peewee.Database) -> None:
    """Version 2: the copy's times as timestamps (naive UTC), for a consuming service's migration."""
    text_to_timestamps(db, "account", ("activated_at", "closed_at"))


def account_copy_managing_v3(migrator, db: peewee.Database) -> None:
    """Version 3: the managing unit (X6), for a consuming service's migration. The copy's
    revisions go back to 0, so that the next `ops.cli replay registry` (or any event) refills
    each row whole, the managing unit with it: a replayed snapshot carries the revision the copy
    already had, and a copy takes only a higher one."""
    migrator.migrate(migrator.add_column("account", "managing_unit_id", peewee.IntegerField(null=True)),
                     migrator.add_column("account", "managing_unit_path", peewee.CharField(max_length=255, null=True)),
                     migrator.add_index("account", ("managing_unit_id",)),
                     migrator.add_index("account", ("managing_unit_path",)))
    prefix_index(db, "account", "managing_unit_path")
    db.execute_sql("UPDATE account SET revision = 0")


def runs_account(account, who: Identity) -> bool:
    """Does the caller's unit run this account: the unit it is certified for, or its managing
    unit (X6)? Such staff write for it and handle what comes to it, with their roles."""
    return account is not None and who.unit_id in (account.unit_id, account.managing_unit_id)


def runs_row(Account: type[peewee.Model], row, who: Identity) -> bool:
    """Does the caller's unit hold this row (a draft, a message, a directive's target …: any row
    with `unit_id` and `account_id`): its own unit's, or its account's managing unit (X6) while the
    row is with the account's own unit (a message transferred elsewhere is the other unit's)?"""
    if row.unit_id == who.unit_id:
        return True
    account = Account.get_or_none(Account.id == row.account_id)
    return account is not None and account.unit_id == row.unit_id and account.managing_unit_id == who.unit_id


def sees_account(account, who: Identity) -> bool:
    """May the caller see this account: it lies under the caller's unit, or its managing unit does."""
    return account is not None and (who.may_see(account.unit_path) or bool(account.managing_unit_path)
                                    and who.may_see(account.managing_unit_path))


MANAGED_AT_MOST = 1000  # accounts one unit's subtree manages: beyond it the lists ask by subquery


def account_rows_in_sight(query, model, Account: type[peewee.Model], who: Identity):
    """Rows of an account (drafts, messages …: a `model` with `unit_id`, `unit_path` and
    `account_id`) the caller may see: of the units under the caller's, or, while with the
    account's own unit, of an account managed from under it (X6)."""
    if who.sees_all:
        return query
    mine = under(model.unit_path, who.unit_path)
    managed = Account.select(Account.id, Account.unit_id).where(under(Account.managing_unit_path, who.unit_path),
                                                                ~under(Account.unit_path, who.unit_path))
    return query.where(mine | _of_accounts(model, managed))


def _of_accounts(model, accounts):
    """Rows of the (account id, unit id) pairs `accounts` selects. Most units manage none, and
    their lists keep the plain condition; the few pairs of the others are named, so that the
    database reads them through the account index beside the unit path's (a subquery in an OR
    made a department's first page of a million drafts 80 times slower: docs/benchmarks.md)."""
    pairs = list(accounts.limit(MANAGED_AT_MOST + 1).tuples())
    if not pairs:
        return peewee.SQL("FALSE")
    if len(pairs) > MANAGED_AT_MOST:
        return peewee.Tuple(model.account_id, model.unit_id).in_(accounts)
    return model.account_id.in_([a for a, _ in pairs]) & peewee.Tuple(model.account_id, model.unit_id).in_(pairs)


def sees_row(Account: type[peewee.Model], row, who: Identity) -> bool:
    """May the caller see this row of an account: what `account_rows_in_sight` says of one row."""
    if who.may_see(row.unit_path):
        return True
    account = Account.get_or_none(Account.id == row.account_id)
    return (account is not None and account.unit_id == row.unit_id and bool(account.managing_unit_path)
            and who.may_see(account.managing_unit_path))


def accounts_in_sight(Account: type[peewee.Model], who: Identity, query=None):
    """The accounts the caller may see (or `query`, which selects from Account, so narrowed):
    certified for a unit under the caller's, or managed from one (X6)."""
    query = Account.select() if query is None else query
    if who.sees_all:
        return query
    return query.where(under(Account.unit_path, who.unit_path) | under(Account.managing_unit_path, who.unit_path))


def accounts_run_by(Account: type[peewee.Model], unit_id: int):
    """The accounts the unit runs: certified for it, or managed by it (X6)."""
    return Account.select().where((Account.unit_id == unit_id) | (Account.managing_unit_id == unit_id))


def run_by_unit(model, Account: type[peewee.Model], unit_id: int):
    """The condition for rows (of a `model` with `unit_id` and `account_id`) that the unit
    `unit_id` holds: its own, or as their account's managing unit while with the account's unit
    (what `runs_row` says of one row)."""
    managed = Account.select(Account.id, Account.unit_id).where(Account.managing_unit_id == unit_id)
    return (model.unit_id == unit_id) | _of_accounts(model, managed)


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
