"""The publishing service's HTTP API: drafts and their review, checks, lexicon, corrections and leaders, figures,
emergencies by type."""
import datetime as dt
import json

import peewee
from flask import Response, request
from flask_smorest import abort

from govmb.account_copy import account_rows_in_sight, accounts_in_sight, run_by_unit, sees_account
from govmb.audit_api import audit_blueprint
from govmb.auth import UNIT_STAFF, account_row_or_404, current_identity, in_sight, requires, visible_or_404
from govmb.contracts.publishing import INFO_TYPE_NAMES, STATUS_NAMES
from govmb.copies_api import accounts_blueprint, units_blueprint
from govmb.locales import recorded
from govmb.messages import said
from govmb.paging import Blueprint, narrowed, page, sorted_by
from govmb.schemas import ListWrittenSchema
from govmb.textsearch import contains
from govmb.timefmt import beijing_today
from govmb.todo import unit_names
from govmb.todo_api import todo_blueprint
from services.publishing import (
    connections,
    directives,
    feeds,
    forwards,
    freezes,
    lexicon,
    portal,
    proofreading,
    reading,
    review,
    todo,
    wordlists,
)
from services.publishing import emergencies as em
from services.publishing import figures as monthly
from services.publishing.checks import check as run_check
from services.publishing.emergency_models import Emergency, EmergencyPost, EmergencyTick, Procedure, ProcedureVersion
from services.publishing.models import (
    Account,
    Correction,
    Directive,
    DirectiveTarget,
    Draft,
    Forward,
    ForwardCount,
    Leader,
    LexiconEntry,
    PortalEntry,
    PortalFeed,
    ReadingMark,
    ReleaseFreeze,
    Unit,
    audit,
)
from services.publishing.schemas import (
    ActionSchema,
    CalendarQuerySchema,
    CheckSchema,
    ConnectionInSchema,
    ConnectionSchema,
    CorrectionBatchSchema,
    CorrectionQuerySchema,
    CorrectionSchema,
    DirectiveInSchema,
    DirectiveQuerySchema,
    DirectiveSchema,
    DirectiveTargetSchema,
    DraftDetailSchema,
    DraftInSchema,
    DraftQuerySchema,
    DraftSchema,
    EmergencyCloseSchema,
    EmergencyDeclareSchema,
    EmergencyDetailSchema,
    EmergencyQuerySchema,
    EmergencySchema,
    EmergencyTickSchema,
    FiguresQuerySchema,
    FindingSchema,
    ForwardCountQuerySchema,
    ForwardCountSchema,
    ForwardInSchema,
    ForwardOutSchema,
    ForwardQuerySchema,
    ForwardSchema,
    FreezeInSchema,
    FreezeQuerySchema,
    FreezeSchema,
    LeaderBatchSchema,
    LeaderQuerySchema,
    LeaderSchema,
    LexiconBatchSchema,
    LexiconEntrySchema,
    LexiconQuerySchema,
    MonthFigureSchema,
    NewProcedureSchema,
    PlatformAdapterSchema,
    PortalActiveSchema,
    PortalEntrySchema,
    PortalFeedInSchema,
    PortalFeedQuerySchema,
    PortalFeedSchema,
    PostFeedQuerySchema,
    ProcedureInSchema,
    ProcedureSchema,
    ProcedureVersionSchema,
    ProofreadingInSchema,
    ProofreadingSchema,
    ReadingInSchema,
    ReadingMarkSchema,
    ReadingQuerySchema,
    ReadingRateSchema,
    ReadingSpanSchema,
    ReadingTodaySchema,
    TargetQuerySchema,
)

drafts = Blueprint("drafts", __name__, url_prefix="/api/drafts", description="稿件与先审后发")
checks_bp = Blueprint("checks", __name__, url_prefix="/api/checks", description="发布前自动检查")
lexicon_bp = Blueprint("lexicon", __name__, url_prefix="/api/lexicon", description="敏感词、涉密词词库")
figures_bp = Blueprint("figures", __name__, url_prefix="/api/figures", description="各账号月度发布量与原创率")
QUEUE = {"responsible_office": ("proofreading", "submitted"), "leader": ("checked",), "principal_leader": ("checked",),
         "operator": ("draft", "proofreading", "returned", "approved")}


def drafts_in_sight(who):
    """The drafts of the units under the caller's and of the accounts managed from them (X6)."""
    return account_rows_in_sight(Draft.select(), Draft, Account, who)


def _visible_draft(draft_id: int) -> Draft:
    return account_row_or_404(Draft, draft_id, "稿件", Account)


@drafts.route("")
@requires()
@drafts.arguments(DraftQuerySchema, location="query")
@drafts.response(200, DraftSchema(many=True))
@drafts.paginate()
def list_drafts(args, pagination_parameters):
    """本单位及下级单位的稿件与已发布的信息，新的在前，分页；queue=true：等待我办理的（核稿、审批、发布）；
    可按单位（含下级）、账号、状态、信息类别、平台、日期筛选，按正文搜索；imported=true：在平台直接发布、未经平台审核的信息"""
    who = current_identity()
    at = Draft.released_at if args.get("released") else Draft.created_at
    query = narrowed(drafts_in_sight(who), args, unit_model=Unit, path_field=Draft.unit_path,
                     unit_field=Draft.unit_id, at=at, search=Draft.text, indexed=True)
    if args.get("queue"):
        statuses = {s for role in who.roles for s in QUEUE.get(role, ())}
        query = query.where(run_by_unit(Draft, Account, who.unit_id),
                            Draft.status.in_(statuses or {"-"}))
    for name in ("status", "account_id", "info_type", "imported"):
        if name in args:
            query = query.where(getattr(Draft, name) == args[name])
    if "platform" in args:
        query = query.where(contains(Draft.platforms, f'"{args["platform"]}"'))
    if "released" in args:
        query = query.where(Draft.released_at.is_null(not args["released"]))
    query = sorted_by(query, args["sort"], {"created": (), "released": (Draft.released_at,)}, Draft.id)
    rows = page(query, pagination_parameters)
    for d in rows:
        d.status_name = STATUS_NAMES[d.status]
    return rows


@drafts.route("", methods=["POST"])
@requires(*review.STAFF)
@drafts.arguments(DraftInSchema)
@drafts.response(201, DraftDetailSchema)
def create_draft(data):
    """撰写稿件（文字、图片、视频、链接；信息类型；原创或转载；话题、系列、栏目；目标平台）"""
    who = current_identity()
    return review.detail(review.create(data, who), who)


@drafts.route("/<int:draft_id>")
@requires()
@drafts.response(200, DraftDetailSchema)
def get_draft(draft_id):
    """稿件详情：检查结果（含位置）、审核记录、发布记录、突发事件时限与当前可办理的操作"""
    return review.detail(_visible_draft(draft_id), current_identity())


@drafts.route("/<int:draft_id>", methods=["PUT"])
@requires(*review.STAFF)
@drafts.arguments(DraftInSchema)
@drafts.response(200, DraftDetailSchema)
def update_draft(data, draft_id):
    """修改草稿或被退回的稿件"""
    who = current_identity()
    return review.detail(review.update(_visible_draft(draft_id), data, who), who)


@drafts.route("/<int:draft_id>/actions/<action>", methods=["POST"])
@requires()
@drafts.arguments(ActionSchema)
@drafts.response(200, DraftDetailSchema)
def take_action(data, draft_id, action):
    """办理一步：submit、check、approve、return、fast_track、record_publication、withdraw"""
    who, draft = current_identity(), _visible_draft(draft_id)
    done = review.submit(draft, who, data) if action == "submit" else review.transition(draft, action, who, data)
    return review.detail(done, who)


@checks_bp.route("", methods=["POST"])
@requires()
@checks_bp.arguments(CheckSchema)
@checks_bp.response(200, FindingSchema(many=True))
def check_text(data):
    """不保存，只检查：编辑时实时提示（敏感词、个人信息、错别字与规范表述、领导职务与排名、星期与日期、格式、长度、来源）"""
    return [h.__dict__ for h in run_check(data.pop("text"), lexicon.current(), wording=wordlists.current(), **data)]


@lexicon_bp.route("")
@requires("joint_office", "supervision", "admin")
@lexicon_bp.arguments(LexiconQuerySchema, location="query")
@lexicon_bp.response(200, LexiconEntrySchema(many=True))
@lexicon_bp.paginate()
def list_lexicon(args, pagination_parameters):
    """词库，默认按词排序，可按词（word）、加入时间（added）排序，分页；可按类别筛选、按词或说明搜索"""
    query = narrowed(LexiconEntry.select(), args, search=(LexiconEntry.word, LexiconEntry.note))
    if "category" in args:
        query = query.where(LexiconEntry.category == args["category"])
    query = sorted_by(query, args["sort"], {"word": (LexiconEntry.word,), "added": (LexiconEntry.created_at,)},
                      LexiconEntry.id)
    return page(query, pagination_parameters)


@lexicon_bp.route("", methods=["POST"])
@requires("joint_office", "admin")
@lexicon_bp.arguments(LexiconBatchSchema)
@lexicon_bp.response(200, ListWrittenSchema)
def add_lexicon(data):
    """新增或修改词语（联席会议办公室）"""
    return {"written": lexicon.add(data["entries"], current_identity()), "version": lexicon.version()}


@lexicon_bp.route("/<int:entry_id>", methods=["DELETE"])
@requires("joint_office", "admin")
@lexicon_bp.response(204)
def remove_lexicon(entry_id):
    if not lexicon.remove(entry_id, current_identity()):
        abort(404, message=said("词语 {id} 不存在", id=entry_id))


@figures_bp.route("")
@requires()
@figures_bp.arguments(FiguresQuerySchema, location="query")
@figures_bp.response(200, MonthFigureSchema(many=True))
def month_figures(args):
    """各账号某月的发布量、原创数与原创率，对照定额（民生类 20、政策理论类 10，原创率 60%）"""
    accounts = list(accounts_in_sight(Account, current_identity()).where(Account.kind != "private"))
    return monthly.figures(args["month"], accounts)


BLUEPRINTS = [units_blueprint(Unit), accounts_blueprint(Account, Unit), drafts, checks_bp, lexicon_bp, figures_bp]


directives_bp = Blueprint("directives", __name__, url_prefix="/api/directives", description="统一口径转发")
calendar_bp = Blueprint("calendar", __name__, url_prefix="/api/calendar", description="发布日历")


def _visible_directive(directive_id: int) -> Directive:
    directive = Directive.get_or_none(Directive.id == directive_id)
    if directive is None or not directives.visible(directive, current_identity()):
        abort(404, message=said("统一口径 {id} 不存在或与本单位无关", id=directive_id))
    return directive


@directives_bp.route("")
@requires()
@directives_bp.arguments(DirectiveQuerySchema, location="query")
@directives_bp.response(200, DirectiveSchema(many=True))
@directives_bp.paginate()
def list_directives(args, pagination_parameters):
    """联席会议办公室看全部；各单位看要求本单位账号转发的；默认新下发的在前，可按下发时间（issued）、
    转发时限（due）排序，分页；可按下发日期筛选、按标题搜索"""
    who = current_identity()
    query = narrowed(Directive.select(), args, at=Directive.issued_at, search=Directive.title)
    query = directives.with_targets_in_sight(query, who)
    query = sorted_by(query, args["sort"], {"issued": (Directive.issued_at,), "due": (Directive.due_at,)}, Directive.id)
    return [directives.compliance(d, who) for d in page(query, pagination_parameters)]


@directives_bp.route("", methods=["POST"])
@requires(*directives.ISSUERS)
@directives_bp.arguments(DirectiveInSchema)
@directives_bp.response(201, DirectiveSchema)
def issue_directive(data):
    """下发统一口径（联席会议办公室，或督查就重大事件的口径）：选定牵头账号已发布的信息、须转发的账号（默认全部）和时限"""
    who = current_identity()
    return directives.compliance(directives.issue(data, who), who)


@directives_bp.route("/<int:directive_id>")
@requires()
@directives_bp.response(200, DirectiveSchema)
def get_directive(directive_id):
    """转发情况：按时、逾期转发、逾期未转、待转发"""
    return directives.compliance(_visible_directive(directive_id), current_identity())


@directives_bp.route("/<int:directive_id>/targets")
@requires()
@directives_bp.arguments(TargetQuerySchema, location="query")
@directives_bp.response(200, DirectiveTargetSchema(many=True))
@directives_bp.paginate()
def list_targets(args, directive_id, pagination_parameters):
    """须转发的每个账号及其情况（在您的管辖范围内），按账号，分页；可按情况筛选"""
    directive = _visible_directive(directive_id)
    query = directives.targets_in_sight(directive, current_identity())
    forwarded, due, wanted = DirectiveTarget.forwarded_at, directive.due_at, args.get("state")
    if wanted in ("on_time", "late"):
        query = query.where(forwarded <= due if wanted == "on_time" else forwarded > due)
    elif wanted:  # overdue or pending: not forwarded, and the deadline passed or not
        query = query.where(forwarded.is_null()) if (directives.now() > due) == (wanted == "overdue") else \
            query.where(DirectiveTarget.id.is_null())
    return directives.shown_targets(directive, page(query.order_by(DirectiveTarget.account_id), pagination_parameters))


@directives_bp.route("/<int:directive_id>/forwards", methods=["POST"])
@requires(*review.STAFF)
@directives_bp.arguments(ForwardSchema)
@directives_bp.response(200, DirectiveSchema)
def record_forward(data, directive_id):
    """登记本单位账号的转发"""
    who = current_identity()
    directive = _visible_directive(directive_id)
    directives.forward(directive, data["account_id"], data["url"], who)
    return directives.compliance(directive, who)


@calendar_bp.route("")
@requires()
@calendar_bp.arguments(CalendarQuerySchema, location="query")
@calendar_bp.response(200, DraftSchema(many=True))
@calendar_bp.paginate()
def month_calendar(args, pagination_parameters):
    """某月计划发布和已发布的稿件（北京时间），按时间排列，分页；可按单位（含下级）、账号筛选"""
    start, end = monthly.month_bounds(args["month"])
    query = narrowed(drafts_in_sight(current_identity()), args, unit_model=Unit, path_field=Draft.unit_path).where(
        ((Draft.planned_at >= start) & (Draft.planned_at < end)) | ((Draft.released_at >= start) & (Draft.released_at < end)))
    if "account_id" in args:
        query = query.where(Draft.account_id == args["account_id"])
    rows = page(query.order_by(peewee.fn.COALESCE(Draft.released_at, Draft.planned_at), Draft.id), pagination_parameters)
    for d in rows:
        d.status_name = STATUS_NAMES[d.status]
    return rows


BLUEPRINTS += [directives_bp, calendar_bp, audit_blueprint(audit)]


# The office's corrections (错别字与规范表述) and list of leaders (领导名单), issue 16: read by the
# offices that read the lexicon, written by the joint-meeting office and the administrator, as it is.
corrections_bp = Blueprint("corrections", __name__, url_prefix="/api/corrections", description="错别字与规范表述")
leaders_bp = Blueprint("leaders", __name__, url_prefix="/api/leaders", description="领导名单（职务与排名顺序）")
LIST_READERS, LIST_WRITERS = ("joint_office", "supervision", "admin"), ("joint_office", "admin")


@corrections_bp.route("")
@requires(*LIST_READERS)
@corrections_bp.arguments(CorrectionQuerySchema, location="query")
@corrections_bp.response(200, CorrectionSchema(many=True))
@corrections_bp.paginate()
def list_corrections(args, pagination_parameters):
    """错误写法与正确写法，默认按错误写法排序，可按加入时间（added）排序，分页；可按类别筛选、按写法或说明搜索"""
    query = narrowed(Correction.select(), args,
                     search=(Correction.wrong, Correction.right, Correction.note, Correction.source))
    if "kind" in args:
        query = query.where(Correction.kind == args["kind"])
    query = sorted_by(query, args["sort"], {"wrong": (Correction.wrong,), "added": (Correction.created_at,)},
                      Correction.id)
    return page(query, pagination_parameters)


@corrections_bp.route("", methods=["POST"])
@requires(*LIST_WRITERS)
@corrections_bp.arguments(CorrectionBatchSchema)
@corrections_bp.response(200, ListWrittenSchema)
def add_corrections(data):
    """新增或修改（按错误写法）错别字、不规范表述（联席会议办公室）"""
    return {"written": wordlists.add_corrections(data["entries"], current_identity()), "version": wordlists.version()}


@corrections_bp.route("/<int:entry_id>", methods=["DELETE"])
@requires(*LIST_WRITERS)
@corrections_bp.response(204)
def remove_correction(entry_id):
    if not wordlists.remove_correction(entry_id, current_identity()):
        abort(404, message=said("条目 {id} 不存在", id=entry_id))


@leaders_bp.route("")
@requires(*LIST_READERS)
@leaders_bp.arguments(LeaderQuerySchema, location="query")
@leaders_bp.response(200, LeaderSchema(many=True))
@leaders_bp.paginate()
def list_leaders(args, pagination_parameters):
    """领导名单，默认按排名顺序，可按姓名（name）、加入时间（added）排序，分页；可按是否在任筛选、按姓名、职务或单位搜索"""
    query = narrowed(Leader.select(), args, search=(Leader.name, Leader.title, Leader.unit_name))
    if "active" in args:
        query = query.where(Leader.active == args["active"])
    query = sorted_by(query, args["sort"], {"rank": (Leader.rank,), "name": (Leader.name,),
                                            "added": (Leader.created_at,)}, Leader.id)
    return page(query, pagination_parameters)


@leaders_bp.route("", methods=["POST"])
@requires(*LIST_WRITERS)
@leaders_bp.arguments(LeaderBatchSchema)
@leaders_bp.response(200, ListWrittenSchema)
def add_leaders(data):
    """新增或修改（按姓名与职务）领导（联席会议办公室）"""
    return {"written": wordlists.add_leaders(data["entries"], current_identity()), "version": wordlists.version()}


@leaders_bp.route("/<int:leader_id>", methods=["DELETE"])
@requires(*LIST_WRITERS)
@leaders_bp.response(204)
def remove_leader(leader_id):
    if not wordlists.remove_leader(leader_id, current_identity()):
        abort(404, message=said("领导 {id} 不存在", id=leader_id))


reading_bp = Blueprint("reading", __name__, url_prefix="/api/reading",
                       description="每日阅读（X18）：主要负责人标记本单位当天的博文已阅；各单位的阅读情况与阅读率")


def _span(args: dict) -> tuple:
    """The days asked (`from`/`to`), the last 7 days by default."""
    end = args.get("end") or beijing_today()
    return args.get("start") or end - dt.timedelta(days=6), end


@reading_bp.route("/today")
@requires(*UNIT_STAFF)
@reading_bp.response(200, ReadingTodaySchema)
def reading_today():
    """本单位今天发布的博文条数，以及当前登录人（主要负责人）是否已标记已阅"""
    return reading.today(current_identity())


@reading_bp.route("", methods=["POST"])
@requires(reading.READER)
@reading_bp.arguments(ReadingInSchema)
@reading_bp.response(201, ReadingMarkSchema)
@reading_bp.alt_response(200, schema=ReadingMarkSchema, description="今天已标记过：原记录")
def mark_read(data):
    """主要负责人标记本单位今天的博文已阅（每人每天一次；再次标记不改变原记录，回答 200）"""
    found, new = reading.mark(current_identity(), data["day"])
    return _mark_row(found, {found.unit_id: _unit_name(found.unit_id)}), 201 if new else 200


def _unit_name(unit_id: int) -> str:
    unit = Unit.get_or_none(Unit.id == unit_id)
    return unit.name if unit else ""


def _mark_row(m, names: dict) -> dict:
    return {"id": m.id, "unit_id": m.unit_id, "unit_name": names.get(m.unit_id, ""), "day": m.day,
            "person_name": m.person_name, "posts": m.posts, "marked_at": m.marked_at}


@reading_bp.route("")
@requires()
@reading_bp.arguments(ReadingQuerySchema, location="query")
@reading_bp.response(200, ReadingMarkSchema(many=True))
@reading_bp.paginate()
def list_marks(args, pagination_parameters):
    """谁在读：本单位及下级单位（联席会议办公室、督查：全市）主要负责人的每日已阅记录，按日期新的在前，分页；
    默认最近 7 天，一次至多 31 天；可按单位（含下级）筛选"""
    start, end = _span(args)
    query = narrowed(reading.marks(current_identity(), start, end), {k: v for k, v in args.items()
                                                                      if k not in ("start", "end")},
                     unit_model=Unit, path_field=ReadingMark.unit_path, unit_field=ReadingMark.unit_id)
    rows = page(query, pagination_parameters)
    names = unit_names(Unit, (r.unit_id for r in rows))
    return [_mark_row(r, names) for r in rows]


@reading_bp.route("/rates")
@requires()
@reading_bp.arguments(ReadingSpanSchema, location="query")
@reading_bp.response(200, ReadingRateSchema(many=True))
def reading_rates(args):
    """各单位的阅读率：期间内有发布的天数中，主要负责人标记已阅的天数所占比例，低的在前；默认最近 7 天，至多 31 天"""
    return reading.rates(current_identity(), *_span(args))


BLUEPRINTS += [corrections_bp, leaders_bp, reading_bp, todo_blueprint(
    todo.waiting, "emergencies（突发事件信息待发布）、emergency_first（突发事件待发布首条信息）、"
                  "emergency_followup（突发事件待发布后续信息）、directives（统一口径待转发）、drafts_to_proofread（待校对）、"
                  "drafts_to_check（待核稿）、drafts_to_approve（待审批）、drafts_returned（退回本人修改的稿件）、"
                  "posts_to_read（今日博文待阅）")]


# ------------------------------------------------------------------------- emergencies (X20.6, N11)
procedures_bp = Blueprint("emergency_procedures", __name__, url_prefix="/api/emergency-procedures",
                          description="突发事件分类处置流程（联席会议办公室制定）")
emergencies_bp = Blueprint("emergencies", __name__, url_prefix="/api/emergencies",
                           description="突发事件：发布时限、处置步骤、相关稿件")


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
def _visible_emergency(emergency_id: int) -> Emergency:
    e = em.visible(current_identity()).where(Emergency.id == emergency_id).first()
    if e is None:
        abort(404, message=said("突发事件 {id} 不存在或不在您的管辖范围内", id=emergency_id))
    return e


def _emergency_row(e: Emergency, names: dict) -> dict:
    return {"id": e.id, "kind": e.procedure.code, "kind_name": e.procedure.name, "procedure_id": e.procedure_id,
            "procedure_version": e.procedure_version, "title": e.title, "occurred_at": e.occurred_at,
            "unit_id": e.unit_id, "unit_name": names.get(e.unit_id, ""), "status": e.status,
            "declared_by": e.declared_by, "declared_at": e.declared_at, "summary": e.summary,
            "closed_by": e.closed_by, "closed_at": e.closed_at, "clocks": em.clocks(e)}


POSTS_SHOWN = 50


def _emergency_detail(e: Emergency) -> dict:
    content = em.version_content(e)
    ticks = {t.step: t for t in EmergencyTick.select().where(EmergencyTick.emergency == e)}
    posts = (Draft.select(Draft.id, Draft.text, Draft.status, Draft.account_id, Draft.released_at)
             .join(EmergencyPost, on=(EmergencyPost.draft_id == Draft.id)).where(EmergencyPost.emergency == e))
    steps = [{"no": n, "text": text, "done_by": ticks[n].done_by if n in ticks else None,
              "done_at": ticks[n].done_at if n in ticks else None} for n, text in enumerate(content["steps"])]
    return {**_emergency_row(e, unit_names(Unit, [e.unit_id])), "steps": steps, "channels": content["channels"], "line": content["line"],
            "posts": list(posts.order_by(Draft.id.desc()).limit(POSTS_SHOWN)), "posts_total": posts.count()}


@emergencies_bp.route("")
@requires()
@emergencies_bp.arguments(EmergencyQuerySchema, location="query")
@emergencies_bp.response(200, EmergencySchema(many=True))
@emergencies_bp.paginate()
def list_emergencies(args, pagination_parameters):
    """本单位及下级单位（联席会议办公室、督查：全市）的突发事件，新发生的在前，分页；可按状态（open、closed）、
    事件类型、单位、发生日期筛选，按标题搜索"""
    query = narrowed(em.visible(current_identity()).join(Procedure).select_extend(Procedure), args, unit_model=Unit,
                     path_field=Emergency.unit_path, unit_field=Emergency.unit_id, at=Emergency.occurred_at,
                     search=Emergency.title)
    if "status" in args:
        query = query.where(Emergency.status == args["status"])
    if "procedure_id" in args:
        query = query.where(Emergency.procedure == args["procedure_id"])
    rows = page(sorted_by(query, args["sort"], {"occurred": (Emergency.occurred_at,)}, Emergency.id),
                pagination_parameters)
    names = unit_names(Unit, (r.unit_id for r in rows))
    return [_emergency_row(e, names) for e in rows]


@emergencies_bp.route("", methods=["POST"])
@requires(*em.DECLARERS)
@emergencies_bp.arguments(EmergencyDeclareSchema)
@emergencies_bp.response(201, EmergencyDetailSchema)
def declare_emergency(data):
    """宣布突发事件：按该类事件的处置流程开始计时（首条发布、权威发布、后续发布）"""
    return _emergency_detail(em.declare(data, current_identity()))


@emergencies_bp.route("/<int:emergency_id>")
@requires()
@emergencies_bp.response(200, EmergencyDetailSchema)
def get_emergency(emergency_id):
    """一个事件：各时限（到期时间、按时/逾期/计时中）、处置步骤、口径、为它撰写的稿件"""
    return _emergency_detail(_visible_emergency(emergency_id))


@emergencies_bp.route("/<int:emergency_id>/steps", methods=["POST"])
@requires(*em.DECLARERS)
@emergencies_bp.arguments(EmergencyTickSchema)
@emergencies_bp.response(200, EmergencyDetailSchema)
def tick_emergency_step(data, emergency_id):
    """勾选（done=false：取消）处置流程的一步"""
    e = _visible_emergency(emergency_id)
    em.tick(e, data["step"], data["done"], current_identity())
    return _emergency_detail(e)


@emergencies_bp.route("/<int:emergency_id>/drafts", methods=["POST"])
@requires(*review.STAFF)
@emergencies_bp.arguments(DraftInSchema)
@emergencies_bp.response(201, DraftDetailSchema)
def write_emergency_draft(data, emergency_id):
    """为本事件撰写稿件：信息类型为“突发事件及处置”，事件发生时间即本事件的；发布后停止相应时限"""
    who = current_identity()
    return review.detail(em.write_draft(_visible_emergency(emergency_id), data, who), who)


@emergencies_bp.route("/<int:emergency_id>/close", methods=["POST"])
@requires(*em.DECLARERS)
@emergencies_bp.arguments(EmergencyCloseSchema)
@emergencies_bp.response(200, EmergencyDetailSchema)
def close_emergency(data, emergency_id):
    """结束事件并填写处置总结"""
    return _emergency_detail(em.close(_visible_emergency(emergency_id), data["summary"], current_identity()))


BLUEPRINTS += [procedures_bp, emergencies_bp]



proofreading_bp = Blueprint("proofreading", __name__, url_prefix="/api/proofreading",
                            description="三审三校：核稿前的校对环节（全市默认或本单位开启）")


@proofreading_bp.route("")
@requires(*UNIT_STAFF, "joint_office", "admin")
@proofreading_bp.response(200, ProofreadingSchema)
def proofreading_state():
    """全市默认与本单位是否开启校对环节，本单位的稿件提交后是否先校对"""
    return proofreading.state(current_identity())


@proofreading_bp.route("/city", methods=["PUT"])
@requires(*proofreading.CITY_SETTERS)
@proofreading_bp.arguments(ProofreadingInSchema)
@proofreading_bp.response(200, ProofreadingSchema)
def set_city_proofreading(data):
    """联席会议办公室开启或关闭全市默认的校对环节"""
    return proofreading.set_city(data["enabled"], current_identity())


@proofreading_bp.route("/unit", methods=["PUT"])
@requires(*proofreading.SETTERS)
@proofreading_bp.arguments(ProofreadingInSchema)
@proofreading_bp.response(200, ProofreadingSchema)
def set_unit_proofreading(data):
    """主要领导或责任处室为本单位开启校对环节（全市已开启时不能关闭）"""
    return proofreading.set_unit(data["enabled"], current_identity())


forwards_bp = Blueprint("forwards", __name__, url_prefix="/api/forwards",
                        description="转发上级和相关账号的信息（统一口径以外，X14、N22）")


@forwards_bp.route("")
@requires()
@forwards_bp.arguments(ForwardQuerySchema, location="query")
@forwards_bp.response(200, ForwardOutSchema(many=True))
@forwards_bp.paginate()
def list_forwards(args, pagination_parameters):
    """本单位及下级单位（联席会议办公室、督查：全市）的转发记录，新的在前，分页；可按单位（含下级）、账号、平台、
    转发日期筛选，按被转发账号搜索"""
    query = narrowed(forwards.listed(current_identity()), args, unit_model=Unit, path_field=Forward.unit_path,
                     unit_field=Forward.unit_id, at=Forward.forwarded_at, search=Forward.source_account)
    for name in ("account_id", "platform"):
        if name in args:
            query = query.where(getattr(Forward, name) == args[name])
    query = sorted_by(query, args["sort"], {"forwarded": (Forward.forwarded_at,)}, Forward.id)
    return forwards.named(page(query, pagination_parameters))


@forwards_bp.route("", methods=["POST"])
@requires(*UNIT_STAFF)
@forwards_bp.arguments(ForwardInSchema)
@forwards_bp.response(201, ForwardOutSchema)
def record_forward_outside(data):
    """登记本单位账号转发上级或相关账号的信息（统一口径以外）：账号、平台、被转发账号与原网址、转发后的网址、时间"""
    return forwards.named([forwards.record(data, current_identity())])[0]


@forwards_bp.route("/counts")
@requires()
@forwards_bp.arguments(ForwardCountQuerySchema, location="query")
@forwards_bp.response(200, ForwardCountSchema(many=True))
@forwards_bp.paginate()
def forward_counts(args, pagination_parameters):
    """某月各账号的转发条数（登记时即时累计），多的在前，分页；可按单位（含下级）筛选"""
    query = narrowed(forwards.counts(current_identity(), args["month"]), args, unit_model=Unit,
                     path_field=ForwardCount.unit_path)
    return forwards.named(page(query.order_by(ForwardCount.forwards.desc(), ForwardCount.account_id),
                               pagination_parameters))


BLUEPRINTS += [proofreading_bp, forwards_bp]


# ------------------------------------------------------------------------------ the website (X27, X28)
post_feed_bp = Blueprint("post_feed", __name__, url_prefix="/api/feeds", description="已发布信息的 Atom 源（公开）")
portal_bp = Blueprint("portal_feeds", __name__, url_prefix="/api/portal-feeds",
                      description="门户网站源：网站内容转为草稿（X28）")
FEED_CACHE_SECONDS = 300


@post_feed_bp.route("/posts")
@post_feed_bp.arguments(PostFeedQuerySchema, location="query")
@post_feed_bp.doc(security=[],  # open to anyone: documented without the bearer token
                  responses={"200": {"description": "Atom (RFC 4287)", "content": {"application/atom+xml": {}}}})
def post_feed(args):
    """已发布信息的 Atom 源（无须登录，供政府网站显示）：全市、某单位（含下级）或某账号，新的在前，每页 50 条，
    以 next 链接翻页；支持 ETag / Last-Modified 条件请求"""
    with recorded():  # published content, cached publicly: one language (Chinese) for every reader
        got = feeds.answer(args.get("unit_id"), args.get("account_id"), args.get("before"))  # NotFound: 404
    fresh = request.if_none_match.contains_weak(got["etag"].removeprefix("W/").strip('"')) if request.if_none_match \
        else (request.if_modified_since is not None
              and got["updated"].replace(microsecond=0, tzinfo=dt.timezone.utc) <= request.if_modified_since)
    response = Response(b"" if fresh else got["body"], 304 if fresh else 200,
                        content_type="application/atom+xml; charset=utf-8")
    response.headers.update({"ETag": got["etag"], "Last-Modified": got["last_modified"],
                             "Cache-Control": f"public, max-age={FEED_CACHE_SECONDS}"})
    return response


def _feed_row(feed: PortalFeed, who, names: dict[int, str]) -> PortalFeed:
    feed.account_name = names.get(feed.account_id, "")
    feed.info_type_name = INFO_TYPE_NAMES.get(feed.info_type, feed.info_type)
    feed.may_change = portal.may_change(feed, who)
    return feed


def _feed_rows(rows: list[PortalFeed]) -> list[PortalFeed]:
    who = current_identity()
    names = dict(Account.select(Account.id, Account.name).where(Account.id.in_({f.account_id for f in rows})).tuples())
    return [_feed_row(f, who, names) for f in rows]


@portal_bp.route("")
@requires()
@portal_bp.arguments(PortalFeedQuerySchema, location="query")
@portal_bp.response(200, PortalFeedSchema(many=True))
@portal_bp.paginate()
def list_portal_feeds(args, pagination_parameters):
    """本单位及下级单位账号登记的门户网站源，默认新登记的在前，可按上次读取时间（read）排序，分页；
    可按单位（含下级）、账号、是否启用、上次是否失败筛选，按名称或网址搜索"""
    query = narrowed(in_sight(PortalFeed.select(), PortalFeed.unit_path), args, unit_model=Unit,
                     path_field=PortalFeed.unit_path, unit_field=PortalFeed.unit_id, at=PortalFeed.created_at,
                     search=(PortalFeed.title, PortalFeed.url))
    for name in ("account_id", "active"):
        if name in args:
            query = query.where(getattr(PortalFeed, name) == args[name])
    if "failing" in args:
        query = query.where((PortalFeed.error != "") if args["failing"] else (PortalFeed.error == ""))
    query = sorted_by(query, args["sort"], {"added": (PortalFeed.created_at,), "read": (PortalFeed.read_at,)},
                      PortalFeed.id)
    return _feed_rows(page(query, pagination_parameters))


@portal_bp.route("", methods=["POST"])
@requires(*portal.WRITERS)
@portal_bp.arguments(PortalFeedInSchema)
@portal_bp.response(201, PortalFeedSchema)
def add_portal_feed(data):
    """登记门户网站源（本单位人员为本单位账号；联席会议办公室为任一账号）：须为 PORTAL_FEED_HOSTS 所列网站的
    https 网址；工作进程定时读取，新条目转为该账号的草稿，照常审核"""
    return _feed_rows([portal.register(data, current_identity())])[0]


def _visible_feed(feed_id: int) -> PortalFeed:
    return visible_or_404(PortalFeed, feed_id, "网站源")


@portal_bp.route("/<int:feed_id>")
@requires()
@portal_bp.response(200, PortalFeedSchema)
def get_portal_feed(feed_id):
    """网站源：上次读取时间、失败原因、已转为草稿的条数"""
    return _feed_rows([_visible_feed(feed_id)])[0]


@portal_bp.route("/<int:feed_id>/active", methods=["PUT"])
@requires(*portal.WRITERS)
@portal_bp.arguments(PortalActiveSchema)
@portal_bp.response(200, PortalFeedSchema)
def set_portal_feed_active(data, feed_id):
    """停用或恢复读取网站源"""
    return _feed_rows([portal.set_active(_visible_feed(feed_id), data["active"], current_identity())])[0]


@portal_bp.route("/<int:feed_id>/entries")
@requires()
@portal_bp.response(200, PortalEntrySchema(many=True))
@portal_bp.paginate()
def list_portal_entries(feed_id, pagination_parameters):
    """网站源中已读到的条目及其转成的草稿，新的在前，分页"""
    feed = _visible_feed(feed_id)
    query = PortalEntry.select().where(PortalEntry.feed == feed.id).order_by(PortalEntry.seen_at.desc(),
                                                                             PortalEntry.id.desc())
    return page(query, pagination_parameters)


BLUEPRINTS += [post_feed_bp, portal_bp]


# ------------------------------------------------------------------------------ the stop switch (issue 20)
freezes_bp = Blueprint("release_freezes", __name__, url_prefix="/api/release-freezes",
                       description="暂停发布：联席会议办公室暂停全市或部分单位的定时和自动发布")


@freezes_bp.route("")
@requires(*freezes.FREEZERS, "supervision")
@freezes_bp.arguments(FreezeQuerySchema, location="query")
@freezes_bp.response(200, FreezeSchema(many=True))
@freezes_bp.paginate()
def list_freezes(args, pagination_parameters):
    """正在暂停的和已解除的暂停发布，新的在前，分页；active=true 只看正在暂停的"""
    query = ReleaseFreeze.select()
    if "active" in args:
        query = query.where(ReleaseFreeze.lifted_at.is_null(args["active"]))
    query = query.order_by(ReleaseFreeze.frozen_at.desc(), ReleaseFreeze.id.desc())
    return freezes.named(page(query, pagination_parameters))


@freezes_bp.route("", methods=["POST"])
@requires(*freezes.FREEZERS)
@freezes_bp.arguments(FreezeInSchema)
@freezes_bp.response(201, FreezeSchema)
def freeze_releases(data):
    """暂停全市（不填单位）或某单位及下级单位的定时和自动发布，须写明原因；记入审计日志。暂停期间已审批的信息
    不经平台接口发出，解除后各发一次"""
    return freezes.named([freezes.freeze(data, current_identity())])[0]


@freezes_bp.route("/<int:freeze_id>/lift", methods=["POST"])
@requires(*freezes.FREEZERS)
@freezes_bp.response(200, FreezeSchema)
def lift_freeze(freeze_id):
    """解除暂停发布：暂停期间待发的信息随即发出（各一次）；记入审计日志"""
    return freezes.named([freezes.lift(visible_or_404(ReleaseFreeze, freeze_id, "暂停发布"), current_identity())])[0]


BLUEPRINTS += [freezes_bp]
# ------------------------------------------------------------------- platform connections (issue 20)
connections_bp = Blueprint("connections", __name__, url_prefix="/api/accounts",
                           description="账号的平台接口连接：凭据加密保存，此后不再显示")
adapters_bp = Blueprint("platform_adapters", __name__, url_prefix="/api/platform-adapters",
                        description="有接口适配器的平台及连接时须填写的凭据")


def _account_in_sight(account_id: int) -> Account:
    account = Account.get_or_none(Account.id == account_id)
    if account is None or not sees_account(account, current_identity()):
        abort(404, message=said("账号 {id} 不存在或不在您的管辖范围内", id=account_id))
    return account


@adapters_bp.route("")
@requires()
@adapters_bp.response(200, PlatformAdapterSchema(many=True))
def list_platform_adapters():
    """有接口适配器的平台，及连接账号时须填写的凭据（名称与中文名称）"""
    return connections.adapters()


@connections_bp.route("/<int:account_id>/connections")
@requires()
@connections_bp.response(200, ConnectionSchema(many=True))
def list_connections(account_id):
    """账号在各平台的接口连接：状态、平台账号、连接人与时间、最近的失败原因；凭据从不显示，只说明是否已保存"""
    return connections.listed(_account_in_sight(account_id), current_identity())


@connections_bp.route("/<int:account_id>/connections/<platform>", methods=["PUT"])
@requires(*connections.CHANGERS)
@connections_bp.arguments(ConnectionInSchema)
@connections_bp.response(200, ConnectionSchema)
def connect_platform(data, account_id, platform):
    """连接账号的平台接口，或更换凭据（运行该账号的单位人员）：凭据加密保存，此后不再显示"""
    account, who = _account_in_sight(account_id), current_identity()
    return connections.shown_row(connections.connect(account, platform, data, who), account, who)


@connections_bp.route("/<int:account_id>/connections/<platform>", methods=["DELETE"])
@requires(*connections.CHANGERS)
@connections_bp.response(200, ConnectionSchema)
def disconnect_platform(account_id, platform):
    """断开账号的平台接口：不再自动发布和读取，凭据清除"""
    account, who = _account_in_sight(account_id), current_identity()
    return connections.shown_row(connections.disconnect(account, platform, who), account, who)


BLUEPRINTS += [connections_bp, adapters_bp]
