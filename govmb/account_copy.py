"""Each service's own copy of the registry's accounts, fed by the `registry.account.*` events.

Every account event carries the whole account; a copy is replaced only by a higher
revision, so repeated or late messages change nothing.
"""
from __future__ import annotations

import json

import peewee
from marshmallow import Schema, fields, validate

from govmb.auth import in_sight, requires
from govmb.bus.message import Delivery
from govmb.contracts.registry import ACCOUNT_EVENTS, KIND_NAMES, STATUS_NAMES
from govmb.paging import Blueprint, ListQuerySchema, narrowed, page
from govmb.timefmt import utcnow
from govmb.unit_copy import LEVELS, within_levels


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
        activated_at = peewee.CharField(max_length=40, null=True)
        closed_at = peewee.CharField(max_length=40, null=True)
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
    """The account copy table as of version 1, for a consuming service's migration."""
    db.create_tables([make_account_model(db)])


def apply_account_snapshot(Account: type[peewee.Model]):
    def handle(snapshot: dict, _delivery: Delivery) -> None:
        row = dict(snapshot)
        row["platforms"] = json.dumps(row["platforms"], ensure_ascii=False)
        row["team"] = json.dumps(row["team"], ensure_ascii=False)
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


class AccountCopySchema(Schema):
    id = fields.Integer()
    unit_id = fields.Integer()
    name = fields.String()
    kind = fields.String()
    category = fields.String(allow_none=True)
    status = fields.String()
    platforms = fields.List(fields.Dict(), attribute="platform_list")
    team = fields.List(fields.Dict(), attribute="team_list",
                       metadata={"description": "工作团队：person_id、name、role（快速审批的审批人取自其中的分管领导）"})
    revision = fields.Integer()


class AccountCopyQuerySchema(ListQuerySchema):
    status = fields.String(validate=validate.OneOf(tuple(STATUS_NAMES)))
    kind = fields.String(validate=validate.OneOf(tuple(KIND_NAMES)))
    levels = LEVELS


def accounts_blueprint(Account: type[peewee.Model], unit_model: type[peewee.Model]) -> Blueprint:
    blp = Blueprint("accounts", __name__, url_prefix="/api/accounts",
                    description="本服务保存的账号副本（由登记服务的事件同步）")

    @blp.route("")
    @requires()
    @blp.arguments(AccountCopyQuerySchema, location="query")
    @blp.response(200, AccountCopySchema(many=True))
    @blp.paginate()
    def list_accounts(args, pagination_parameters):
        """本人单位及下级单位的账号（联席会议办公室可见全部），分页；可按单位（含下级）、状态、类型筛选，
        按名称搜索；levels：只列出单位在本人单位（或 unit_id）以下至多这么多层的账号"""
        query = narrowed(in_sight(Account.select(), Account.unit_path), args, unit_model=unit_model,
                         path_field=Account.unit_path, unit_field=Account.unit_id, search=Account.name)
        query = within_levels(query, unit_model, args, Account.unit_path)
        for name in ("status", "kind"):
            if name in args:
                query = query.where(getattr(Account, name) == args[name])
        return page(query.order_by(Account.id), pagination_parameters)

    return blp
