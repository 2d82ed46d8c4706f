"""The API of each service's copies of the registry's units and accounts (`govmb.unit_copy`,
`govmb.account_copy`): the lists a unit or account picker reads, in sight and paged."""
from __future__ import annotations

import peewee
from marshmallow import Schema, fields, validate

from govmb.account_copy import accounts_in_sight
from govmb.auth import PERSON_ROLES, current_identity, depth_at_most, in_sight, requires
from govmb.contracts.registry import KIND_NAMES, STATUS_NAMES
from govmb.paging import Blueprint, ListQuerySchema, narrowed, page
from govmb.schemas import Integer


class UnitCopySchema(Schema):
    id = Integer()
    name = fields.String()
    kind = fields.String()
    parent_id = Integer(allow_none=True)
    path = fields.String()
    revision = Integer()


LEVELS = Integer(validate=validate.Range(min=0, max=20),
                        metadata={"description": "只列出本人单位（或 unit_id）以下至多这么多层的单位（0：只有它自己）"})


class UnitCopyQuerySchema(ListQuerySchema):
    kind = fields.String(validate=validate.Length(min=1, max=20))
    levels = LEVELS


def within_levels(query, Unit, args: dict, path_field=None):
    """The units (or the rows of units, by their `path_field`) at most `levels` below
    `unit_id`'s unit (else the caller's), if asked: what a unit picker offers, two levels down,
    instead of every unit of a country."""
    if "levels" not in args:
        return query
    unit = Unit.get_or_none(Unit.id == args["unit_id"]) if "unit_id" in args else None
    depth = (unit.path if unit else current_identity().unit_path).count("/") - 1
    return query.where(depth_at_most(path_field or Unit.path, depth + args["levels"]))


def units_blueprint(Unit: type[peewee.Model]) -> Blueprint:
    blp = Blueprint("units", __name__, url_prefix="/api/units", description="本服务保存的单位树副本（由登记服务的事件同步）")

    @blp.route("")
    @requires(*PERSON_ROLES)  # the unit tree: the security and audit administrators' filters too
    @blp.arguments(UnitCopyQuerySchema, location="query")
    @blp.response(200, UnitCopySchema(many=True))
    @blp.paginate()
    def list_units(args, pagination_parameters):
        """本人单位及下级单位（联席会议办公室可见全部），上级在前、下级随后，分页；可按单位（含下级）、
        类型筛选，按名称搜索"""
        query = narrowed(in_sight(Unit.select(), Unit.path), args, unit_model=Unit, path_field=Unit.path,
                         unit_field=Unit.id, search=Unit.name)
        if "kind" in args:
            query = query.where(Unit.kind == args["kind"])
        return page(within_levels(query, Unit, args).order_by(Unit.path, Unit.id), pagination_parameters)

    return blp


class AccountCopySchema(Schema):
    id = Integer()
    unit_id = Integer()
    managing_unit_id = Integer(allow_none=True, metadata={"description": "管理部门（X6），与主管单位不同时"})
    name = fields.String()
    kind = fields.String()
    category = fields.String(allow_none=True)
    status = fields.String()
    platforms = fields.List(fields.Dict(), attribute="platform_list")
    team = fields.List(fields.Dict(), attribute="team_list",
                       metadata={"description": "工作团队：person_id、name、role（快速审批的审批人取自其中的分管领导）"})
    revision = Integer()


class AccountCopyQuerySchema(ListQuerySchema):
    runs = fields.Boolean(metadata={"description": "true：只列出本人单位办理的账号——以本单位名义认证的，"
                                                   "和本单位为其管理部门的（X6）；账号的选择框用它"})
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
        query = narrowed(accounts_in_sight(Account, current_identity()), args, unit_model=unit_model,
                         path_field=Account.unit_path, unit_field=Account.unit_id, search=Account.name)
        query = within_levels(query, unit_model, args, Account.unit_path)
        if args.get("runs"):
            unit_id = current_identity().unit_id
            query = query.where((Account.unit_id == unit_id) | (Account.managing_unit_id == unit_id))
        for name in ("status", "kind"):
            if name in args:
                query = query.where(getattr(Account, name) == args[name])
        return page(query.order_by(Account.id), pagination_parameters)

    return blp
