"""Reading a service's audit trail (`govmb.audit`): `GET /api/audit`, for the joint-meeting
office, supervision and the audit administrator, filtered and paged, in the caller's sight; the
security events (`SECURITY_FAMILIES`) for the audit administrator alone; `GET /api/audit/export`,
the same rows as a file (at most EXPORT_CAP, the newest), each export itself in the trail."""
from __future__ import annotations

import datetime as dt
import io
import re

import peewee
from flask import current_app, send_file
from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from govmb import tables
from govmb.audit import ACTIONS, READERS, SECURITY_FAMILIES, SUBJECT_TYPES, AuditTrail
from govmb.auth import current_identity, in_sight, requires, under
from govmb.domain import Invalid
from govmb.identity import Identity
from govmb.messages import N_, said
from govmb.paging import PeriodSchema, beijing_midnight
from govmb.schemas import Integer
from govmb.timefmt import BeijingDateTime, beijing_today, to_beijing

SECURITY_ACTIONS = tuple(a for a in ACTIONS if a.split(".")[0] in SECURITY_FAMILIES)
EXPORT_CAP = 50_000  # rows in one export file, the newest: a narrower filter gets the rest
EXPORT_HEADER = ("时间（北京时间）", "操作人", "操作人编号", "操作人单位", "操作人角色", "客户端系统", "操作", "对象类型",
                 "对象编号", "对象名称", "所属单位", "说明", "请求编号", "序号", "本行校验值")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_WHERE = {"address": re.compile(r"地址：([^；]*)"), "browser": re.compile(r"浏览器：([^；]*)")}


def query(trail: AuditTrail, args: dict, who: Identity | None = None) -> peewee.ModelSelect:
    """The rows the filters of `AuditQuerySchema` select, in the caller's sight, newest first."""
    E = trail.Entry
    rows = in_sight(E.select(), E.unit_path, who)
    if not (who or current_identity()).has("audit_admin"):
        rows = rows.where(E.action.not_in(SECURITY_ACTIONS))
    if args.get("security"):
        rows = rows.where(E.action.in_(SECURITY_ACTIONS))
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
            raise Invalid("unit_id", said("单位 {unit_id} 不存在", unit_id=args['unit_id']))
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

    @blp.route("/export")
    @requires(*READERS)
    @blp.arguments(AuditExportSchema, location="query")
    @blp.doc(responses={"200": {"description": "审计日志（XLSX，或 UTF-8 带 BOM 的 CSV）", "content": {
        XLSX: {}, "text/csv": {}}}})
    def export_audit(args):
        """导出本服务筛选后的审计日志（与列表相同的筛选和可见范围），新的在前，至多 50,000 行（超出时只导出最新的
        50,000 行并在文件末行注明，请缩小日期范围分次导出）；每次导出本身记入审计日志（audit.export，仅审计管理员可见）"""
        return export(trail, args)

    return blp


def export(trail: AuditTrail, args: dict):
    """The file of the rows `args` select, then its own row in the trail (written before the
    file goes out: if it cannot be, nothing is handed over)."""
    rows = query(trail, args)
    total = rows.count()
    lines = [_line(e) for e in rows.limit(EXPORT_CAP).iterator()]
    if total > EXPORT_CAP:
        lines.append([said("仅导出最新的 {cap} 行，筛选结果共 {total} 行：请缩小日期范围分次导出", cap=EXPORT_CAP, total=total)])
    service, fmt = current_app.name, args["format"]
    content = (tables.xlsx_bytes(EXPORT_HEADER, lines, "审计日志") if fmt == "xlsx"
               else tables.csv_bytes(EXPORT_HEADER, lines))
    asked = "；".join(f"{k}={v}" for k, v in sorted(args.items()) if k != "format") or "无"
    with trail.db.atomic():
        trail.record(current_identity(), "audit.export", "audit", service, "/",
                     N_("导出 {n} 行（共 {total} 行，{fmt}）；筛选：{asked}").format(
                         n=min(total, EXPORT_CAP), total=total, fmt=fmt.upper(), asked=asked), "审计日志")
    name = said("审计日志-{service}-{day:%Y%m%d}.{fmt}", service=service, day=beijing_today(), fmt=fmt)
    return send_file(io.BytesIO(content), mimetype=XLSX if fmt == "xlsx" else "text/csv; charset=utf-8",
                     as_attachment=True, download_name=name)


def _line(e) -> list:
    return [to_beijing(e.at).strftime("%Y-%m-%d %H:%M:%S"), e.actor_name, e.actor_id, e.actor_unit_name,
            e.actor_roles, e.actor_client, ACTIONS.get(e.action, e.action),
            SUBJECT_TYPES.get(e.subject_type, e.subject_type), e.subject_id, e.subject_name, e.unit_name, e.detail,
            e.correlation_id, e.id, e.row_hash]


def where_from(detail: str, part: str) -> str:
    """The address or browser a sign-in row's detail names ("" if none)."""
    found = _WHERE[part].search(detail or "")
    return found.group(1) if found else ""


_ID = validate.Range(min=1, max=2**31 - 1)
class AuditFilterSchema(PeriodSchema):
    action = fields.String(validate=validate.OneOf(tuple(ACTIONS)), metadata={"description": "操作，如 account.approve"})
    subject_type = fields.String(validate=validate.OneOf(tuple(SUBJECT_TYPES)), metadata={"description": "对象类型"})
    subject_id = fields.String(validate=validate.Length(min=1, max=40), metadata={"description": "对象编号（须同时给出对象类型）"})
    unit_id = Integer(validate=_ID, metadata={"description": "对象所属单位及其下级单位"})
    person_id = Integer(validate=validate.Range(min=0, max=2**31 - 1), metadata={"description": "操作人（0：系统）"})
    security = fields.Boolean(metadata={"description": "只看安全事件：登录、会话、角色、两步验证、安全告警和日志导出（审计管理员）"})

    @validates_schema
    def _consistent(self, data: dict, **_kwargs) -> None:
        if "subject_id" in data and "subject_type" not in data:
            raise ValidationError("按对象编号查询时须给出对象类型", "subject_type")


class AuditQuerySchema(AuditFilterSchema):
    page = Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = Integer(load_default=50, validate=validate.Range(min=1, max=200))


class AuditExportSchema(AuditFilterSchema):
    format = fields.String(load_default="xlsx", validate=validate.OneOf(("xlsx", "csv")),
                           metadata={"description": "xlsx（默认）或 csv"})


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
    address = fields.Function(lambda e: where_from(e.detail, "address"), metadata={"description": "登录地址（登录记录）"})
    browser = fields.Function(lambda e: where_from(e.detail, "browser"), metadata={"description": "浏览器（登录记录）"})
    correlation_id = fields.String()
    row_hash = fields.String(metadata={"description": "本行在哈希链中的校验值"})


class AuditPageSchema(Schema):
    total = Integer()
    page = Integer()
    per_page = Integer()
    items = fields.List(fields.Nested(AuditEntrySchema))
