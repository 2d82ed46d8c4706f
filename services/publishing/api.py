"""The publishing service's HTTP API: drafts and their review, checks, lexicon, figures."""
from flask_smorest import Blueprint, abort

from govmb.account_copy import accounts_blueprint
from govmb.auth import current_identity, in_sight, requires
from govmb.unit_copy import units_blueprint
from services.publishing import figures as monthly
from services.publishing import lexicon, review
from services.publishing.checks import check as run_check
from services.publishing.models import Account, Draft, LexiconEntry, Unit
from services.publishing.schemas import (
    ActionSchema,
    CheckSchema,
    DraftDetailSchema,
    DraftInSchema,
    DraftQuerySchema,
    DraftSchema,
    FiguresQuerySchema,
    FindingSchema,
    LexiconBatchSchema,
    LexiconEntrySchema,
)

drafts = Blueprint("drafts", __name__, url_prefix="/api/drafts", description="稿件与先审后发")
checks_bp = Blueprint("checks", __name__, url_prefix="/api/checks", description="发布前自动检查")
lexicon_bp = Blueprint("lexicon", __name__, url_prefix="/api/lexicon", description="敏感词、涉密词词库")
figures_bp = Blueprint("figures", __name__, url_prefix="/api/figures", description="各账号月度发布量与原创率")
QUEUE = {"responsible_office": ("submitted",), "leader": ("checked",), "principal_leader": ("checked",),
         "operator": ("draft", "returned", "approved")}


def _visible_draft(draft_id: int) -> Draft:
    draft = Draft.get_or_none(Draft.id == draft_id)
    if draft is None or not current_identity().may_see(draft.unit_path):
        abort(404, message=f"稿件 {draft_id} 不存在或不在您的管辖范围内")
    return draft


@drafts.route("")
@requires()
@drafts.arguments(DraftQuerySchema, location="query")
@drafts.response(200, DraftSchema(many=True))
def list_drafts(args):
    """本单位及下级单位的稿件；queue=true：等待我办理的（核稿、审批、发布）"""
    who = current_identity()
    query = in_sight(Draft.select().order_by(Draft.id.desc()), Draft.unit_path)
    if args.get("queue"):
        statuses = {s for role in who.roles for s in QUEUE.get(role, ())}
        query = query.where(Draft.unit_id == who.unit_id, Draft.status.in_(statuses or {"-"}))
    if "status" in args:
        query = query.where(Draft.status == args["status"])
    if "account_id" in args:
        query = query.where(Draft.account_id == args["account_id"])
    rows = list(query.limit(500))
    for d in rows:
        d.status_name = review.STATUS_NAMES[d.status]
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
    """不保存，只检查：编辑时实时提示（敏感词、个人信息、格式、长度、来源）"""
    return [h.__dict__ for h in run_check(data.pop("text"), lexicon.current(), **data)]


@lexicon_bp.route("")
@requires("joint_office", "supervision", "admin")
@lexicon_bp.response(200, LexiconEntrySchema(many=True))
def list_lexicon():
    return list(LexiconEntry.select().order_by(LexiconEntry.word))


@lexicon_bp.route("", methods=["POST"])
@requires("joint_office", "admin")
@lexicon_bp.arguments(LexiconBatchSchema)
@lexicon_bp.response(200)
def add_lexicon(data):
    """新增或修改词语（联席会议办公室）"""
    return {"written": lexicon.add(data["entries"]), "version": lexicon.version()}


@lexicon_bp.route("/<int:entry_id>", methods=["DELETE"])
@requires("joint_office", "admin")
@lexicon_bp.response(204)
def remove_lexicon(entry_id):
    if not lexicon.remove(entry_id):
        abort(404, message=f"词语 {entry_id} 不存在")


@figures_bp.route("")
@requires()
@figures_bp.arguments(FiguresQuerySchema, location="query")
@figures_bp.response(200)
def month_figures(args):
    """各账号某月的发布量、原创数与原创率，对照定额（民生类 20、政策理论类 10，原创率 60%）"""
    accounts = list(in_sight(Account.select().where(Account.kind != "private"), Account.unit_path))
    return monthly.figures(args["month"], accounts)


BLUEPRINTS = [units_blueprint(Unit), accounts_blueprint(Account), drafts, checks_bp, lexicon_bp, figures_bp]
