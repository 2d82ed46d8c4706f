"""The HTTP API of emergencies by type (X20.6, N11): the office's procedures per kind of event, and
the events declared, their clocks, steps and posts (services/publishing/emergencies.py)."""
import json

from flask_smorest import abort
from marshmallow import Schema, fields, validate

from govmb.auth import current_identity, requires
from govmb.messages import said
from govmb.paging import Blueprint, ListQuerySchema, narrowed, page, sort_field, sorted_by
from govmb.schemas import Integer
from govmb.timefmt import BEIJING, BeijingDateTime
from services.publishing import emergencies as em
from services.publishing import review
from services.publishing.emergency_models import Emergency, EmergencyPost, EmergencyTick, Procedure, ProcedureVersion
from services.publishing.models import Draft, Unit
from services.publishing.schemas import DraftDetailSchema, DraftInSchema

procedures_bp = Blueprint("emergency_procedures", __name__, url_prefix="/api/emergency-procedures",
                          description="突发事件分类处置流程（联席会议办公室制定）")
emergencies_bp = Blueprint("emergencies", __name__, url_prefix="/api/emergencies",
                           description="突发事件：发布时限、处置步骤、相关稿件")
MINUTES = validate.Range(min=10, max=7 * 24 * 60, error="时限须在 10 分钟到 7 天之间（以分钟计）")


class ProcedureInSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=30))
    steps = fields.List(fields.String(validate=validate.Length(min=1, max=200)), required=True,
                        validate=validate.Length(min=1, max=30, error="处置步骤须有 1 到 30 步"))
    channels = fields.List(fields.String(validate=validate.Length(min=1, max=50)), required=True,
                           validate=validate.Length(min=1, max=10, error="发布渠道须有 1 到 10 个"))
    first_minutes = Integer(load_default=120, validate=MINUTES, metadata={"description": "首条发布时限（N11：120 分钟）"})
    national_minutes = Integer(load_default=300, validate=MINUTES, metadata={"description": "权威发布时限（5 小时）"})
    followup_minutes = Integer(load_default=1440, validate=MINUTES, metadata={"description": "后续发布时限（24 小时）"})
    line = fields.String(load_default="", validate=validate.Length(max=2000), metadata={"description": "口径"})


class NewProcedureSchema(ProcedureInSchema):
    code = fields.String(required=True, validate=validate.Regexp(r"^[a-z][a-z0-9_]{1,29}$",
                                                                  error="代码为 2 到 30 位小写字母、数字或下划线"))


class ProcedureSchema(NewProcedureSchema):
    id = Integer()
    version = Integer()
    updated_by = fields.String()
    updated_at = BeijingDateTime()


class ProcedureVersionSchema(Schema):
    version = Integer()
    content = fields.Dict()
    saved_by = fields.String()
    saved_at = BeijingDateTime()


class EmergencyDeclareSchema(Schema):
    procedure_id = Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1))
    title = fields.String(required=True, validate=validate.Length(min=1, max=100))
    occurred_at = fields.AwareDateTime(required=True, default_timezone=BEIJING,
                                       metadata={"description": "事件发生时间（无时区的按北京时间）"})
    unit_id = Integer(load_default=None, allow_none=True, validate=validate.Range(min=1, max=2**31 - 1),
                      metadata={"description": "事发单位（默认本单位）"})


class EmergencyQuerySchema(ListQuerySchema):
    status = fields.String(validate=validate.OneOf(("open", "closed")))
    procedure_id = Integer(validate=validate.Range(min=1, max=2**31 - 1))
    sort = sort_field("occurred", default="-occurred")


class EmergencyClockSchema(Schema):
    key = fields.String()
    name = fields.String()
    due_at = BeijingDateTime()
    done_at = BeijingDateTime(allow_none=True)
    state = fields.String(metadata={"description": "on_time、late、overdue、open"})
    state_name = fields.String()


class EmergencySchema(Schema):
    id = Integer()
    kind = fields.String()
    kind_name = fields.String()
    procedure_id = Integer()
    procedure_version = Integer()
    title = fields.String()
    occurred_at = BeijingDateTime()
    unit_id = Integer()
    unit_name = fields.String()
    status = fields.String()
    declared_by = fields.String()
    declared_at = BeijingDateTime()
    summary = fields.String()
    closed_by = fields.String()
    closed_at = BeijingDateTime(allow_none=True)
    clocks = fields.List(fields.Nested(EmergencyClockSchema))


class EmergencyStepSchema(Schema):
    no = Integer()
    text = fields.String()
    done_by = fields.String(allow_none=True)
    done_at = BeijingDateTime(allow_none=True)


class EmergencyPostSchema(Schema):
    id = Integer()
    text = fields.String()
    status = fields.String()
    account_id = Integer()
    released_at = BeijingDateTime(allow_none=True)


class EmergencyDetailSchema(EmergencySchema):
    steps = fields.List(fields.Nested(EmergencyStepSchema))
    channels = fields.List(fields.String())
    line = fields.String()
    posts = fields.List(fields.Nested(EmergencyPostSchema), metadata={"description": "为本事件撰写的稿件（至多 50 条，新的在前）"})
    posts_total = Integer()


class EmergencyTickSchema(Schema):
    step = Integer(required=True, validate=validate.Range(min=0, max=29))
    done = fields.Boolean(load_default=True)


class EmergencyCloseSchema(Schema):
    summary = fields.String(required=True, validate=validate.Length(min=1, max=5000))


# ------------------------------------------------------------------------- procedures
def _procedure(procedure_id: int) -> Procedure:
    p = Procedure.get_or_none(Procedure.id == procedure_id)
    if p is None:
        abort(404, message=said("事件类型 {id} 不存在", id=procedure_id))
    return p


@procedures_bp.route("")
@requires()
@procedures_bp.response(200, ProcedureSchema(many=True))
@procedures_bp.paginate()
def list_procedures(pagination_parameters):
    """各类突发事件的处置流程：步骤、渠道、时限、口径（按代码排序，分页）"""
    return [em.procedure_row(p) for p in page(Procedure.select().order_by(Procedure.id), pagination_parameters)]


@procedures_bp.route("", methods=["POST"])
@requires(*em.EDITORS)
@procedures_bp.arguments(NewProcedureSchema)
@procedures_bp.response(201, ProcedureSchema)
def add_procedure(data):
    """新增一类事件及其处置流程（联席会议办公室）"""
    return em.procedure_row(em.save_procedure(data, current_identity()))


@procedures_bp.route("/<int:procedure_id>")
@requires()
@procedures_bp.response(200, ProcedureSchema)
def get_procedure(procedure_id):
    """一类事件的处置流程（当前版本）"""
    return em.procedure_row(_procedure(procedure_id))


@procedures_bp.route("/<int:procedure_id>", methods=["PUT"])
@requires(*em.EDITORS)
@procedures_bp.arguments(ProcedureInSchema)
@procedures_bp.response(200, ProcedureSchema)
def update_procedure(data, procedure_id):
    """修改处置流程：保存为新的版本，旧版本保留（已宣布的事件按宣布时的版本）"""
    return em.procedure_row(em.save_procedure(data, current_identity(), _procedure(procedure_id)))


@procedures_bp.route("/<int:procedure_id>/versions")
@requires()
@procedures_bp.response(200, ProcedureVersionSchema(many=True))
@procedures_bp.paginate()
def list_versions(procedure_id, pagination_parameters):
    """处置流程的历次版本，新的在前，分页"""
    query = (ProcedureVersion.select().where(ProcedureVersion.procedure == _procedure(procedure_id))
             .order_by(ProcedureVersion.version.desc()))
    return [{"version": v.version, "content": json.loads(v.content), "saved_by": v.saved_by,
             "saved_at": v.saved_at} for v in page(query, pagination_parameters)]


# ------------------------------------------------------------------------- events
def _visible(emergency_id: int) -> Emergency:
    e = em.visible(current_identity()).where(Emergency.id == emergency_id).first()
    if e is None:
        abort(404, message=said("突发事件 {id} 不存在或不在您的管辖范围内", id=emergency_id))
    return e


def _row(e: Emergency, names: dict) -> dict:
    return {"id": e.id, "kind": e.procedure.code, "kind_name": e.procedure.name, "procedure_id": e.procedure_id,
            "procedure_version": e.procedure_version, "title": e.title, "occurred_at": e.occurred_at,
            "unit_id": e.unit_id, "unit_name": names.get(e.unit_id, ""), "status": e.status,
            "declared_by": e.declared_by, "declared_at": e.declared_at, "summary": e.summary,
            "closed_by": e.closed_by, "closed_at": e.closed_at, "clocks": em.clocks(e)}


def _names(unit_ids) -> dict:
    ids = set(unit_ids)
    return dict(Unit.select(Unit.id, Unit.name).where(Unit.id.in_(ids)).tuples()) if ids else {}


POSTS_SHOWN = 50


def _detail(e: Emergency) -> dict:
    content = em.version_content(e)
    ticks = {t.step: t for t in EmergencyTick.select().where(EmergencyTick.emergency == e)}
    posts = (Draft.select(Draft.id, Draft.text, Draft.status, Draft.account_id, Draft.released_at)
             .join(EmergencyPost, on=(EmergencyPost.draft_id == Draft.id)).where(EmergencyPost.emergency == e))
    steps = [{"no": n, "text": text, "done_by": ticks[n].done_by if n in ticks else None,
              "done_at": ticks[n].done_at if n in ticks else None} for n, text in enumerate(content["steps"])]
    return {**_row(e, _names([e.unit_id])), "steps": steps, "channels": content["channels"], "line": content["line"],
            "posts": list(posts.order_by(Draft.id.desc()).limit(POSTS_SHOWN)), "posts_total": posts.count()}


@emergencies_bp.route("")
@requires()
@emergencies_bp.arguments(EmergencyQuerySchema, location="query")
@emergencies_bp.response(200, EmergencySchema(many=True))
@emergencies_bp.paginate()
def list_emergencies(args, pagination_parameters):
    """本单位及下级单位（联席会议办公室、督查：全市）的突发事件，新发生的在前，分页；可按状态（open、closed）、
    事件类型、单位、发生日期筛选，按标题搜索"""
    query = narrowed(em.visible(current_identity()).join(Procedure), args, unit_model=Unit,
                     path_field=Emergency.unit_path, unit_field=Emergency.unit_id, at=Emergency.occurred_at,
                     search=Emergency.title)
    if "status" in args:
        query = query.where(Emergency.status == args["status"])
    if "procedure_id" in args:
        query = query.where(Emergency.procedure == args["procedure_id"])
    rows = page(sorted_by(query, args["sort"], {"occurred": (Emergency.occurred_at,)}, Emergency.id),
                pagination_parameters)
    names = _names(r.unit_id for r in rows)
    return [_row(e, names) for e in rows]


@emergencies_bp.route("", methods=["POST"])
@requires(*em.DECLARERS)
@emergencies_bp.arguments(EmergencyDeclareSchema)
@emergencies_bp.response(201, EmergencyDetailSchema)
def declare(data):
    """宣布突发事件：按该类事件的处置流程开始计时（首条发布、权威发布、后续发布）"""
    return _detail(em.declare(data, current_identity()))


@emergencies_bp.route("/<int:emergency_id>")
@requires()
@emergencies_bp.response(200, EmergencyDetailSchema)
def get_emergency(emergency_id):
    """一个事件：各时限（到期时间、按时/逾期/计时中）、处置步骤、口径、为它撰写的稿件"""
    return _detail(_visible(emergency_id))


@emergencies_bp.route("/<int:emergency_id>/steps", methods=["POST"])
@requires(*em.DECLARERS)
@emergencies_bp.arguments(EmergencyTickSchema)
@emergencies_bp.response(200, EmergencyDetailSchema)
def tick_step(data, emergency_id):
    """勾选（done=false：取消）处置流程的一步"""
    e = _visible(emergency_id)
    em.tick(e, data["step"], data["done"], current_identity())
    return _detail(e)


@emergencies_bp.route("/<int:emergency_id>/drafts", methods=["POST"])
@requires(*review.STAFF)
@emergencies_bp.arguments(DraftInSchema)
@emergencies_bp.response(201, DraftDetailSchema)
def write_draft(data, emergency_id):
    """为本事件撰写稿件：信息类型为“突发事件及处置”，事件发生时间即本事件的；发布后停止相应时限"""
    who = current_identity()
    return review.detail(em.write_draft(_visible(emergency_id), data, who), who)


@emergencies_bp.route("/<int:emergency_id>/close", methods=["POST"])
@requires(*em.DECLARERS)
@emergencies_bp.arguments(EmergencyCloseSchema)
@emergencies_bp.response(200, EmergencyDetailSchema)
def close(data, emergency_id):
    """结束事件并填写处置总结"""
    return _detail(em.close(_visible(emergency_id), data["summary"], current_identity()))


BLUEPRINTS = [procedures_bp, emergencies_bp]
