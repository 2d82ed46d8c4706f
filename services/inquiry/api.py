"""The inquiry service's HTTP API: citizens' messages and their deadlines."""
import datetime as dt

from flask import current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_smorest import abort

from govmb import personal
from govmb.account_copy import account_rows_in_sight, run_by_unit, runs_row
from govmb.audit_api import audit_blueprint
from govmb.auth import UNIT_STAFF, account_row_or_404, current_identity, requires, under, visible_or_404
from govmb.config import options
from govmb.contracts.inquiry import SOURCE_NAMES, STATUS_NAMES, TransferStatus
from govmb.copies_api import accounts_blueprint, units_blueprint
from govmb.headers import NO_STORE
from govmb.identity import AuthError, read_token
from govmb.messages import said
from govmb.paging import Blueprint, SearchSchema, beijing_midnight, narrowed, page, sorted_by
from govmb.timefmt import utcnow
from govmb.todo import named
from govmb.todo_api import todo_blueprint
from services.inquiry import (
    citizens,
    handling,
    imports,
    marks,
    ratings,
    receipts,
    replies,
    results,
    todo,
    topics,
    transfers,
)
from services.inquiry import emergencies as emergency_links
from services.inquiry import notices as notices_logic
from services.inquiry.emergencies import EmergencyCopy
from services.inquiry.models import (
    CONTACT,
    Account,
    Message,
    MessageMarks,
    PendingReply,
    ProblemNotice,
    Transfer,
    Unit,
    audit,
    db,
)
from services.inquiry.schemas import (
    ActionSchema,
    CalendarYearSchema,
    ClassifySchema,
    ContactSchema,
    EmergencyCopySchema,
    EmergencyLinkedSchema,
    EmergencyLinkSchema,
    EventMessageSchema,
    HotTopicsSchema,
    ImportFileSchema,
    ImportFormSchema,
    IntakeBatchReceiptSchema,
    IntakeBatchSchema,
    IntakeSchema,
    InvalidMessageSchema,
    InvalidQuerySchema,
    InvalidSchema,
    MergeSchema,
    MessageImportSchema,
    MessageInSchema,
    MessageQuerySchema,
    MessageSchema,
    NoticeCompleteSchema,
    NoticeInSchema,
    NoticeQuerySchema,
    NoticeReplySchema,
    NoticeSchema,
    ProblemNoticeSchema,
    PublicRequestSchema,
    QueryCodeSchema,
    RatingInSchema,
    ReceiptSchema,
    RecomputedSchema,
    ReviewDecisionSchema,
    SensitiveSchema,
    TransferAnswerSchema,
    TransferInSchema,
    TransferQuerySchema,
    TransferSchema,
    UnitNoticeCountSchema,
    UnitReturnsSchema,
    valid_year,
)

messages = Blueprint("messages", __name__, url_prefix="/api/messages", description="网民留言、评论、私信与办理时限")
notices = Blueprint("calendar", __name__, url_prefix="/api/calendar-days", description="放假安排（联席会议办公室录入）")


def _shown(message: Message, one: bool = True, new: bool = False) -> Message:
    """Status name and deadlines; the citizen's handle and contact only for the handling unit;
    for one message (not a list), its result post (none yet for a message just received), its
    handling history and who replied, fed back and resolved."""
    message.status_name = STATUS_NAMES[message.status]
    message.source_name = SOURCE_NAMES.get(message.source, message.source)
    message.deadlines = handling.lateness(message)
    if one:
        message.runs = runs_row(Account, message, current_identity())
        message.result_post = None if new else results.view(message)
        message.citizen_rating = None if new else ratings.view(message)
        message.history, message.history_total = ([], 1) if new else handling.history(message)
        for name, by in handling.answered_by(message.history).items():
            setattr(message, name, by)
        message.review = None if new else replies.view(message)  # a message just received has neither
        message.review_waiting = message.review is not None
        message.marks = marks.NONE if new else marks.view(message)
    for name, text in citizens.masked(message).items():  # whole only through GET …/contact, audited
        setattr(message, name, text)
    return message


def _visible(message_id: int) -> Message:
    return account_row_or_404(Message, message_id, "留言", Account)


@messages.route("")
@requires()
@messages.arguments(MessageQuerySchema, location="query")
@messages.response(200, MessageSchema(many=True))
@messages.paginate()
def list_messages(args, pagination_parameters):
    """本单位及下级单位的留言，默认按最近的期限排序（已办结的在后），分页；可按单位（含下级）、账号、状态、
    类别、情感、平台、收到日期、期限筛选，按内容搜索；overdue=true：只看已逾期未办的"""
    who = current_identity()
    query = narrowed(account_rows_in_sight(Message.select(), Message, Account, who), args, unit_model=Unit,
                     path_field=Message.unit_path,
                     unit_field=Message.unit_id, at=Message.received_at, search=Message.text, indexed=True)
    for name in ("status", "account_id", "category", "sentiment", "platform", "kind"):
        if name in args:
            query = query.where(getattr(Message, name) == args[name])
    if args["overdue"]:
        query = query.where(Message.due_at < utcnow())
    if args["review_waiting"]:  # the replies held for review (0025's index on the open ones by unit)
        query = query.where(Message.id.in_(PendingReply.select(PendingReply.message).where(
            PendingReply.status == "pending")))
    if "citizen_contact" in args:  # the handling unit's messages from this citizen, by the keyed hash
        query = query.where(run_by_unit(Message, Account, who.unit_id), Message.citizen_contact_hash.in_(
            personal.installed().lookup_hashes(args["citizen_contact"], CONTACT)))
    if "due_before" in args:
        query = query.where(Message.due_at < beijing_midnight(args["due_before"] + dt.timedelta(days=1)))
    query = sorted_by(query, args["sort"], {"due": (Message.due_at,), "received": (Message.received_at,)}, Message.id)
    rows = [_shown(m, one=False) for m in page(query, pagination_parameters)]
    waiting = replies.waiting_ids([m.id for m in rows])
    for m in rows:
        m.review_waiting = m.id in waiting
    return rows


@messages.route("", methods=["POST"])
@requires("operator", "responsible_office", "leader", "principal_leader", "joint_office", "admin")
@messages.arguments(MessageInSchema())  # an instance: webargs would make one per request of a class
@messages.response(201, MessageSchema)
def receive(data):
    """工作人员录入一条留言；期限随即算出（其他系统推送用 POST /api/intake/messages）"""
    return _shown(handling.receive(data, current_identity(), "staff"), new=True)


intake = Blueprint("intake", __name__, url_prefix="/api/intake",
                   description="其他系统推送留言：客户端系统与政务微博大厅（intake 角色，令牌由登记服务签发）")


@intake.route("/messages", methods=["POST"])
@requires("intake")
@intake.arguments(IntakeSchema())  # an instance, made once
@intake.response(201, ReceiptSchema)
def intake_message(data):
    """推送一条网民留言，只限令牌范围内正常运行的账号；返回留言编号与回复、反馈期限（北京时间），
    以及网民凭以查询的留言编号（receipt_number）和查询码（query_code，只返回这一次）"""
    who = current_identity()
    with db.atomic():  # the message and its receipt together
        message = handling.receive(data, who, "hall" if who.client == "hall" else "api")
        receipt = receipts.issue(message, who.client or "")
    return _receipted(message, receipt)


def _receipted(message: Message, receipt: dict) -> Message:
    shown = _shown(message, new=True)
    shown.receipt_number, shown.query_code = receipt["receipt_number"], receipt["query_code"]
    return shown


@intake.route("/messages/batch", methods=["POST"])
@requires("intake")
@intake.arguments(IntakeBatchSchema())
@intake.response(201, IntakeBatchReceiptSchema)
def intake_batch(data):
    """一次推送多条网民留言（至多 500 条）：全部正确才一并收下，任何一条有误则一条也不收，错误按序号（从 0 起）列出"""
    who = current_identity()
    with db.atomic():
        received = handling.receive_many(data["messages"], who, "hall" if who.client == "hall" else "api")
        issued = [receipts.issue(m, who.client or "") for m in received]
    return {"received": [_receipted(m, r) for m, r in zip(received, issued)]}


@messages.route("/import", methods=["POST"])
@requires(*UNIT_STAFF)
@messages.arguments(ImportFormSchema, location="form")
@messages.arguments(ImportFileSchema, location="files")
@messages.response(200, MessageImportSchema)
def import_export(form, files):
    """导入平台导出的 CSV 或 XLSX：逐行报告错误，正确的行导入，已导入的平台消息不重复导入"""
    upload = files["file"]
    try:
        return imports.import_file(upload.filename or "", upload.read(), form["account_id"], form["platform"],
                                   current_identity())
    except imports.ImportError_ as exc:
        abort(422, errors={exc.field: [str(exc)]})


@messages.route("/<int:message_id>")
@requires()
@messages.response(200, MessageSchema)
def get_message(message_id):
    return _shown(_visible(message_id))


@messages.route("/<int:message_id>/contact")
@requires(*UNIT_STAFF)
@messages.response(200, ContactSchema)
def read_contact(message_id):
    """网民的完整称呼与联系方式：仅承办单位的工作人员，每次查看记入审计日志（列表与详情只显示打码的）"""
    whole = citizens.read(_visible(message_id), current_identity())
    return whole, 200, NO_STORE


@messages.route("/<int:message_id>/classify", methods=["POST"])
@requires()
@messages.arguments(ClassifySchema)
@messages.response(200, MessageSchema)
def confirm_classification(data, message_id):
    """确认或更正建议的类别与情感倾向（系统据此学习）"""
    return _shown(handling.confirm(_visible(message_id), current_identity(), data["category"], data["sentiment"]))


@messages.route("/hot-topics")
@requires()
@messages.response(200, HotTopicsSchema)
def hot_topics():
    """负面留言中升温的词语：近一天（与前一周比较）和近一周；本单位及下级单位，联席会议办公室为全市"""
    who = current_identity()
    return topics.hot_topics(None if who.sees_all else who.unit_path)


@messages.route("/<int:message_id>/actions/<action>", methods=["POST"])
@requires()
@messages.arguments(ActionSchema)
@messages.response(200, MessageSchema)
def take_action(data, message_id, action):
    """办理一步：reply（回复）、feedback（反馈受理情况；needs_verification 时转入核实）、resolve（办结；
    publish 时申请把办理结果发布到本账号，生成稿件经审核后发布）"""
    return _shown(replies.take(_visible(message_id), action, current_identity(), data))


@messages.route("/<int:message_id>/review/<decision>", methods=["POST"])
@requires("responsible_office", "leader", "principal_leader")
@messages.arguments(ReviewDecisionSchema)
@messages.response(200, MessageSchema)
def review_reply(data, message_id, decision):
    """审核待发的回复或反馈（N6、X21）：责任处室核稿（approve 后转领导），分管领导或主要领导审批（approve 即发出，
    回复时间为审批时间）；text：修改后的文字；return：退回，须填 reason"""
    if decision not in ("approve", "return"):
        abort(404, message="没有这种审核决定：approve（通过）或 return（退回）")
    return _shown(replies.decide(_visible(message_id), current_identity(), decision, data["text"], data["reason"]))


@messages.route("/<int:message_id>/sensitive", methods=["POST"])
@requires(*UNIT_STAFF)
@messages.arguments(SensitiveSchema)
@messages.response(200, MessageSchema)
def mark_sensitive(data, message_id):
    """标为敏感（或撤销），须填理由：敏感留言的回复与反馈须经责任处室核稿、领导审批后发出"""
    message = _visible(message_id)
    marks.set_sensitive(message, current_identity(), data["sensitive"], data["reason"])
    return _shown(message)


@messages.route("/<int:message_id>/invalid", methods=["POST"])
@requires(*UNIT_STAFF)
@messages.arguments(InvalidSchema)
@messages.response(200, MessageSchema)
def mark_invalid(data, message_id):
    """标为无效留言（垃圾信息、广告、辱骂攻击、无实质诉求），须填理由；kind 为 null 时撤销。无效留言不再办理，
    不计入“超过 3 个月未回复”的单项否决与回复及时率"""
    marks.set_invalid(_visible(message_id), current_identity(), data["kind"], data["reason"])
    return _shown(_visible(message_id))


@messages.route("/<int:message_id>/merge", methods=["POST"])
@requires(*UNIT_STAFF)
@messages.arguments(MergeSchema)
@messages.response(200, MessageSchema)
def merge_duplicate(data, message_id):
    """把重复留言并入同一承办单位的主留言：随即带上主留言已有的答复，此后随主留言一并回复、反馈、办结"""
    marks.merge(_visible(message_id), data["main_id"], current_identity(), data["reason"])
    return _shown(_visible(message_id))


invalid_bp = Blueprint("invalid_messages", __name__, url_prefix="/api/invalid-messages",
                       description="无效留言：本单位及下级单位，督查与联席会议办公室为全市")


@invalid_bp.route("")
@requires()
@invalid_bp.arguments(InvalidQuerySchema, location="query")
@invalid_bp.response(200, InvalidMessageSchema(many=True))
@invalid_bp.paginate()
def list_invalid(args, pagination_parameters):
    """标为无效的留言，新标的在前，分页；可按类型、单位（含下级）、标记日期筛选，按留言内容搜索"""
    query = account_rows_in_sight(MessageMarks.select(MessageMarks, Message).join(Message), Message, Account,
                                  current_identity()).where(MessageMarks.invalid_kind.is_null(False))
    query = narrowed(query, args, unit_model=Unit, path_field=MessageMarks.unit_path, unit_field=MessageMarks.unit_id,
                     at=MessageMarks.invalid_at, search=Message.text, indexed=True)
    if "kind" in args:
        query = query.where(MessageMarks.invalid_kind == args["kind"])
    rows = page(query.order_by(MessageMarks.invalid_at.desc(), MessageMarks.message.desc()), pagination_parameters)
    return named([{"id": r.message.id, "unit_id": r.unit_id, "account_id": r.message.account_id, "text": r.message.text,
                   "received_at": r.message.received_at, "invalid_kind": r.invalid_kind,
                   "invalid_name": marks.INVALID_KINDS[r.invalid_kind], "invalid_reason": r.invalid_reason,
                   "invalid_by": r.invalid_by, "invalid_at": r.invalid_at} for r in rows], Unit)


@notices.route("", methods=["POST"])
@requires("joint_office", "admin")
@notices.arguments(NoticeSchema)
@notices.response(200, RecomputedSchema)
def enter_notice(data):
    """录入放假安排（放假日、调休上班日）；未办结留言的期限随之重算。录入部分日期不等于该年安排已完整：
    全部录入后请用 PUT /api/calendar-years/{year} 标明，此前该年的期限仍为暂定"""
    return {"recomputed": handling.enter_notice(data["days"], current_identity())}


years = Blueprint("calendar_years", __name__, url_prefix="/api/calendar-years",
                  description="各年放假安排：是否已全部录入（未全部录入的年份，期限为暂定）")


def _year_or_422(year: int) -> int:
    if not valid_year(year):
        abort(422, errors={"year": ["年份须在 2004 至 2099 之间"]})
    return year


@years.route("/<int:year>")
@requires()
@years.response(200, CalendarYearSchema)
def get_year(year):
    """某年的工作日从何而来：chinesecalendar 收录、办公室已录入完整安排，或暂定；以及办公室录入的日期"""
    return handling.year_status(_year_or_422(year))


@years.route("/<int:year>", methods=["PUT"])
@requires("joint_office", "admin")
@years.arguments(NoticeCompleteSchema)
@years.response(200, CalendarYearSchema)
def set_year(data, year):
    """标明该年放假安排已全部录入（或撤回）：此后该年的期限不再是暂定；未办结留言的期限随之重算"""
    recomputed = handling.set_notice_complete(_year_or_422(year), data["notice_complete"], current_identity())
    return {**handling.year_status(year), "recomputed": recomputed}


transfers_bp = Blueprint("transfers", __name__, url_prefix="/api", description="转办：接收、退回与改派")


@transfers_bp.route("/messages/<int:message_id>/transfers", methods=["POST"])
@requires("joint_office", "leader", "principal_leader", "responsible_office")
@transfers_bp.arguments(TransferInSchema)
@transfers_bp.response(201, TransferSchema)
def send_transfer(data, message_id):
    """转办给承办单位（期限不重新起算）"""
    return transfers.send(_visible(message_id), data["to_unit_id"], data["note"], current_identity())


@transfers_bp.route("/transfers")
@requires()
@transfers_bp.arguments(TransferQuerySchema, location="query")
@transfers_bp.response(200, TransferSchema(many=True))
@transfers_bp.paginate()
def list_transfers(args, pagination_parameters):
    """本单位及下级单位相关的转办，默认新转办的在前，可按转办时间（sent）、答复时间（answered）排序，分页；
    waiting：待本单位答复；returned：被退回待本单位决定；unit_id：转给该单位（含下级）的；q：按转办说明搜索"""
    who = current_identity()
    query = Transfer.select()
    if not who.sees_all:
        query = query.where(under(Transfer.to_unit_path, who.unit_path) | under(Transfer.from_unit_path, who.unit_path))
    query = narrowed(query, args, unit_model=Unit, path_field=Transfer.to_unit_path, unit_field=Transfer.to_unit_id,
                     at=Transfer.sent_at, search=Transfer.note)
    if "status" in args:
        query = query.where(Transfer.status == args["status"])
    if args["waiting"]:
        query = query.where(Transfer.status == TransferStatus.PENDING, Transfer.to_unit_id == who.unit_id)
    if args["returned"]:
        query = query.where(Transfer.status == TransferStatus.RETURNED)
        if not who.has("joint_office"):
            query = query.where(Transfer.from_unit_id == who.unit_id)
    query = sorted_by(query, args["sort"], {"sent": (Transfer.sent_at,), "answered": (Transfer.answered_at,)},
                      Transfer.id)
    return transfers.with_messages(list(page(query, pagination_parameters)))


def _visible_transfer(transfer_id: int) -> Transfer:
    t = Transfer.get_or_none(Transfer.id == transfer_id)
    who = current_identity()
    if t is None or not (who.may_see(t.to_unit_path) or who.may_see(t.from_unit_path)):
        abort(404, message=said("转办 {id} 不存在或与本单位无关", id=transfer_id))
    return t


@transfers_bp.route("/transfers/<int:transfer_id>/answer", methods=["POST"])
@requires()
@transfers_bp.arguments(TransferAnswerSchema)
@transfers_bp.response(200, TransferSchema)
def answer_transfer(data, transfer_id):
    """接收，或写明理由退回（计入退回次数）"""
    return transfers.answer(_visible_transfer(transfer_id), data["accept"], data["reason"], current_identity())


@transfers_bp.route("/transfers/<int:transfer_id>/reassign", methods=["POST"])
@requires("joint_office", "leader", "principal_leader", "responsible_office")
@transfers_bp.arguments(TransferInSchema)
@transfers_bp.response(201, TransferSchema)
def reassign_transfer(data, transfer_id):
    """对被退回的转办作出决定：改派给其他单位，或仍交原单位"""
    return transfers.reassign(_visible_transfer(transfer_id), data["to_unit_id"], data["note"], current_identity())


@transfers_bp.route("/transfers/returns")
@requires()
@transfers_bp.response(200, UnitReturnsSchema(many=True))
def returns():
    """各单位退回转办的次数（推诿情况）"""
    who = current_identity()
    return transfers.returns_by_unit(None if who.sees_all else who.unit_path)


problem_notices = Blueprint("notices", __name__, url_prefix="/api/notices", description="问题通报单")


@problem_notices.route("")
@requires()
@problem_notices.arguments(NoticeQuerySchema, location="query")
@problem_notices.response(200, ProblemNoticeSchema(many=True))
@problem_notices.paginate()
def list_notices(args, pagination_parameters):
    """本单位及下级单位收到的、以及本单位下发的通报单，默认新下发的在前，可按下发时间（issued）、答复时间（replied）
    排序，分页；可按责任单位（含下级）、状态、重要程度、下发日期筛选，按标题搜索"""
    who = current_identity()
    query = ProblemNotice.select()
    if not who.sees_all:
        query = query.where(under(ProblemNotice.unit_path, who.unit_path)
                            | under(ProblemNotice.issued_by_unit_path, who.unit_path))
    query = narrowed(query, args, unit_model=Unit, path_field=ProblemNotice.unit_path, unit_field=ProblemNotice.unit_id,
                     at=ProblemNotice.issued_at, search=ProblemNotice.title)
    for name in ("status", "importance"):
        if name in args:
            query = query.where(getattr(ProblemNotice, name) == args[name])
    query = sorted_by(query, args["sort"], {"issued": (ProblemNotice.issued_at,),
                                            "replied": (ProblemNotice.replied_at,)}, ProblemNotice.id)
    return page(query, pagination_parameters)


@problem_notices.route("", methods=["POST"])
@requires(*notices_logic.ISSUERS)
@problem_notices.arguments(NoticeInSchema)
@problem_notices.response(201, ProblemNoticeSchema)
def issue_notice(data):
    """下发问题通报单：重要程度、类型、责任单位"""
    return notices_logic.issue(data, current_identity())


@problem_notices.route("/<int:notice_id>")
@requires()
@problem_notices.response(200, ProblemNoticeSchema)
def get_notice(notice_id):
    """一份通报单：问题、重要程度、类型、下发人和时间、答复（责任单位及其上级、下发单位可见）"""
    return visible_or_404(ProblemNotice, notice_id, "通报单")


@problem_notices.route("/<int:notice_id>/reply", methods=["POST"])
@requires()
@problem_notices.arguments(NoticeReplySchema)
@problem_notices.response(200, ProblemNoticeSchema)
def reply_notice(data, notice_id):
    """责任单位答复通报单"""
    notice = visible_or_404(ProblemNotice, notice_id, "通报单")
    return notices_logic.reply(notice, data["reply"], current_identity())


@problem_notices.route("/counts")
@requires()
@problem_notices.response(200, UnitNoticeCountSchema(many=True))
def notice_counts():
    """各单位收到与答复的通报单数"""
    who = current_identity()
    return notices_logic.counts(None if who.sees_all else who.unit_path)


# ------------------------------------------------------------------ what the citizen sees (issue 19)
def _hall_calls() -> bool:
    """Does the web app's public hall call (its own token)? Then the citizen's address it passes
    on (X-Client-Address) is the one counted: else every citizen would count as the web app."""
    header = request.headers.get("Authorization", "")
    try:
        return header.startswith("Bearer ") and read_token(header[7:], current_app.config["GOVMB_SETTINGS"].keys).client == "hall"
    except AuthError:
        return False


def _address() -> str:
    claimed = request.headers.get("X-Client-Address")
    return claimed[:64] if claimed and _hall_calls() else get_remote_address()


limiter = Limiter(key_func=_address, storage_uri=options().ratelimit_storage_uri, headers_enabled=True)


def init_app(app) -> None:
    limiter.init_app(app)


def _per_address() -> str:
    return options().hall_query_limit_per_address


public = Blueprint("public_requests", __name__, url_prefix="/api/public/requests",
                   description="网民凭留言编号和查询码查询办理情况、评价（无需登录，按地址限频；参照 Open311 GET /requests/{id}）")


@public.route("/<string:number>")
@limiter.limit(_per_address)
@public.arguments(QueryCodeSchema, location="headers")
@public.response(200, PublicRequestSchema)
@public.doc(security=[])
def public_request(args, number):
    """凭留言编号和查询码（请求头 X-Query-Code）查询一条留言：状态、承办单位、期限、已答复的内容、已发布的办理结果、
    评价；不含任何个人信息。编号或查询码不对时一律答复 404 且措辞相同"""
    message = receipts.opened(number, args["code"])
    return receipts.public_view(message, receipts.normal_number(number)), 200, NO_STORE


@public.route("/<string:number>/rating", methods=["POST"])
@limiter.limit(_per_address)
@public.arguments(RatingInSchema)
@public.response(201, PublicRequestSchema)
@public.doc(security=[])
def rate_request(data, number):
    """网民评价已办结的留言（满意、基本满意、不满意，可附意见），每条只能评价一次；计入承办单位的满意率"""
    message = receipts.opened(number, data["code"])
    ratings.rate(message, data["rating"], data["comment"])
    return receipts.public_view(message, receipts.normal_number(number)), 201, NO_STORE


@intake.route("/messages/<int:message_id>")
@requires("intake")
@intake.response(200, PublicRequestSchema)
def client_request(message_id):
    """客户端系统查询本系统推送的一条留言（无需查询码）：与网民凭查询码看到的相同，不含个人信息"""
    return receipts.public_view(receipts.of_client(message_id, current_identity().client or "")), 200, NO_STORE


BLUEPRINTS = [units_blueprint(Unit), accounts_blueprint(Account, Unit), messages, intake, notices, years, transfers_bp,
              problem_notices, public, invalid_bp, audit_blueprint(audit), todo_blueprint(
                  todo.waiting, "replies_check（回复待核稿）、replies_approve（回复待审批）、messages（网民留言待办理，按期限）、transfers（转办待接收）、notices（问题通报单待答复）、"
                                "verifying（核实研究中）、transfers_returned（退回的转办待决定）、intake（来信待分派）、"
                                "messages_overdue（全市逾期未办）")]


# ------------------------------------------------------------------------- emergencies (X20.6)
emergencies_bp = Blueprint("inquiry_emergencies", __name__, url_prefix="/api", description="突发事件与相关网民留言")
EXCERPT = 120  # characters of a message's text the event's page shows


@emergencies_bp.route("/emergencies")
@requires()
@emergencies_bp.arguments(SearchSchema, location="query")
@emergencies_bp.response(200, EmergencyCopySchema(many=True))
@emergencies_bp.paginate()
def open_emergencies(args, pagination_parameters):
    """可关联留言的突发事件：本单位、下级单位和上级单位尚未结束的（联席会议办公室、督查：全市），新发生的在前，分页"""
    return page(emergency_links.linkable(current_identity(), args.get("q")), pagination_parameters)


@emergencies_bp.route("/emergencies/<int:emergency_id>/messages")
@requires()
@emergencies_bp.response(200, EventMessageSchema(many=True))
@emergencies_bp.paginate()
def event_messages(emergency_id, pagination_parameters):
    """与该突发事件关联的网民留言（您管辖范围内的；不含网民称呼和联系方式），新收到的在前，分页"""
    if EmergencyCopy.get_or_none(EmergencyCopy.id == emergency_id) is None:
        abort(404, message="突发事件不存在")
    rows = page(emergency_links.messages_of(emergency_id, current_identity()), pagination_parameters)
    return [{"id": m.id, "unit_id": m.unit_id, "text": m.text[:EXCERPT], "category": m.category,
             "sentiment": m.sentiment, "status": m.status, "status_name": STATUS_NAMES.get(m.status, m.status),
             "received_at": m.received_at, "linked_by": m.messageemergency.linked_by,
             "linked_at": m.messageemergency.linked_at} for m in rows]


@emergencies_bp.route("/messages/<int:message_id>/emergency")
@requires()
@emergencies_bp.response(200, EmergencyLinkedSchema)
def message_emergency(message_id):
    """留言关联的突发事件（未关联：emergency 为 null）"""
    message = _visible(message_id)
    return {"message_id": message.id, "emergency": emergency_links.linked_to(message.id)}


@emergencies_bp.route("/messages/<int:message_id>/emergency", methods=["PUT"])
@requires(*emergency_links.LINKERS)
@emergencies_bp.arguments(EmergencyLinkSchema)
@emergencies_bp.response(200, EmergencyLinkedSchema)
def link_message(data, message_id):
    """把留言关联到一起尚未结束的突发事件（emergency_id 为 null：取消关联）"""
    message = _visible(message_id)
    emergency_links.link(message, data["emergency_id"], current_identity())
    return {"message_id": message.id, "emergency": emergency_links.linked_to(message.id)}


BLUEPRINTS += [emergencies_bp]  # the citizens' messages about an emergency (X20.6)
