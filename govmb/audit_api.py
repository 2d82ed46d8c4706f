"""Reading a service's audit trail (`govmb.audit`): `GET /api/audit`, for the joint-meeting
office, supervision and the audit administrator, filtered and paged, in the caller's sight; the
security events (`SECURITY_FAMILIES`) for the audit administrator alone."""
from __future__ import annotations

import datetime as dt

import peewee
from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from govmb.audit import ACTIONS, READERS, SECURITY_FAMILIES, SUBJECT_TYPES, AuditTrail
from govmb.auth import current_identity, in_sight, requires, under
from govmb.domain import Invalid
from govmb.identity import Identity
from govmb.paging import PeriodSchema, beijing_midnight
from govmb.schemas import Integer
from govmb.timefmt import BeijingDateTime

SECURITY_ACTIONS = tuple(a for a in ACTIONS if a.split(".")[0] in SECURITY_FAMILIES)


def query(trail: AuditTrail, args: dict, who: Identity | None = None) -> peewee.ModelSelect:
    """The rows the filters of `AuditQuerySchema` select, in the caller's sight, newest first."""
    E = trail.Entry
    rows = in_sight(E.select(), E.unit_path, who)
    if not (who or current_identity()).has("audit_admin"):
        rows = rows.where(E.action.not_in(SECURITY_ACTIONS))
    if "action" in args:
        rows = rows.where(E.action == args["action"])
    if "subject_type" in args:
        rows = rows.where(E.subject_type == args["subject_type"])
    if "subject_id" in args:
        rows = rows.where(E.subject_id == args["subject_id"])
    if "person_id" in args:
        rows = rows.where(E.actor_id == args["person_id"])
    if "unit_id" in args:
        unit = trail.Unit.get_or_none(trail.Unit.id == args["unit_id"])
        if unit is None:
            raise Invalid("unit_id", f"单位 {args['unit_id']} 不存在")
        rows = rows.where(under(E.unit_path, unit.path))
    if args.get("start"):
        rows = rows.where(E.at >= beijing_midnight(args["start"]))
    if args.get("end"):
        rows = rows.where(E.at < beijing_midnight(args["end"] + dt.timedelta(days=1)))
    return rows.order_by(E.id.desc())


def audit_blueprint(trail: AuditTrail) -> Blueprint:
    blp = Blueprint("audit", __name__, url_prefix="/api/audit",
                    description="审计日志：审批、备案、转办与删除，谁在何时做了什么（只读，任何人不能修改）")

    @blp.route("")
    @requires(*READERS)
    @blp.arguments(AuditQuerySchema, location="query")
    @blp.response(200, AuditPageSchema)
    def list_audit(args):
        """本服务的审计日志，新的在前（联席会议办公室、督查、审计管理员；登录、会话、角色与安全告警只有审计管理员可见）：可按操作、对象、单位（含下级）、
        操作人和日期（北京时间，含首尾两天）筛选，分页"""
        rows = query(trail, args)
        return {"total": rows.count(), "page": args["page"], "per_page": args["per_page"],
                "items": list(rows.paginate(args["page"], args["per_page"]))}

    return blp


_ID = validate.Range(min=1, max=2**31 - 1)
class AuditQuerySchema(PeriodSchema):
    action = fields.String(validate=validate.OneOf(tuple(ACTIONS)), metadata={"description": "操作，如 account.approve"})
    subject_type = fields.String(validate=validate.OneOf(tuple(SUBJECT_TYPES)), metadata={"description": "对象类型"})
    subject_id = fields.String(validate=validate.Length(min=1, max=40), metadata={"description": "对象编号（须同时给出对象类型）"})
    unit_id = Integer(validate=_ID, metadata={"description": "对象所属单位及其下级单位"})
    person_id = Integer(validate=validate.Range(min=0, max=2**31 - 1), metadata={"description": "操作人（0：系统）"})
    page = Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = Integer(load_default=50, validate=validate.Range(min=1, max=200))

    @validates_schema
    def _consistent(self, data: dict, **_kwargs) -> None:
        if "subject_id" in data and "subject_type" not in data:
            raise ValidationError("按对象编号查询时须给出对象类型", "subject_type")


class AuditEntrySchema(Schema):
    id = Integer()
    at = BeijingDateTime()
    actor_id = Integer()
    actor_name = fields.String()
    actor_unit_id = Integer()
    actor_unit_name = fields.String()
    actor_roles = fields.Function(lambda e: [r for r in e.actor_roles.split(",") if r])
    actor_client = fields.String()
    action = fields.String()
    action_name = fields.Function(lambda e: ACTIONS.get(e.action, e.action))
    subject_type = fields.String()
    subject_type_name = fields.Function(lambda e: SUBJECT_TYPES.get(e.subject_type, e.subject_type))
    subject_id = fields.String()
    subject_name = fields.String()
    unit_path = fields.String()
    unit_name = fields.String()
    detail = fields.String()
    correlation_id = fields.String()


class AuditPageSchema(Schema):
    total = Integer()
    page = Integer()
    per_page = Integer()
    items = fields.List(fields.Nested(AuditEntrySchema))
