"""What the inquiry API takes and gives."""
from flask_smorest.fields import Upload
from marshmallow import Schema, fields, validate

from govmb.contracts.inquiry import CATEGORIES, INVALID_KINDS, RATINGS, SENTIMENTS, STATUS_NAMES
from govmb.paging import DAY, ListQuerySchema, sort_field
from govmb.schemas import AsAnswered, Integer, RowErrorSchema, TextFindingSchema
from govmb.timefmt import BEIJING, BeijingDateTime
from services.inquiry.workdays import EARLIEST, LAST_YEAR


class MessageInSchema(Schema):
    account_id = Integer(required=True, validate=validate.Range(min=1, max=2**31))
    kind = fields.String(required=True, validate=validate.OneOf(("comment", "mention", "private", "forward")))
    citizen_handle = fields.String(required=True, validate=validate.Length(min=1, max=100))
    citizen_contact = fields.String(load_default="", validate=validate.Length(max=100))
    text = fields.String(required=True, validate=validate.Length(min=1, max=5000))
    platform = fields.String(load_default="", validate=validate.Length(max=20))
    platform_message_id = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100))
    received_at = fields.AwareDateTime(load_default=None, allow_none=True, default_timezone=BEIJING,
                                       validate=validate.Range(min=EARLIEST, error="收到时间须在 2004 年以后"))
    category = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(CATEGORIES))
    sentiment = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(SENTIMENTS))


class IntakeSchema(MessageInSchema):
    """A message another system posts: the category and sentiment are left to the suggestion
    and to the handling unit's staff."""

    class Meta:
        exclude = ("category", "sentiment")


class IntakeBatchSchema(Schema):
    messages = fields.List(fields.Nested(IntakeSchema), required=True, validate=validate.Length(min=1, max=500),
                           metadata={"description": "至多 500 条；全部正确才一并收下"})


class DeadlineSchema(Schema):
    due_at = BeijingDateTime()
    state = fields.String(metadata={"description": "on_time、late（逾期办理）、open（未到期）、overdue（已逾期未办）"})
    seconds = Integer(metadata={"description": "正数：逾期秒数；负数：距到期的秒数"})


class PostLinkSchema(Schema):
    platform = fields.String()
    url = fields.String()


class ResultPostSchema(Schema):
    status = fields.String(metadata={"description": "requested、refused，或稿件的状态（draft、submitted…released）"})
    status_name = fields.String()
    draft_id = Integer(allow_none=True)
    text = fields.String()
    reason = fields.String()
    links = fields.List(fields.Nested(PostLinkSchema), metadata={"description": "已发布的平台与网址"})
    released_at = BeijingDateTime(allow_none=True)
    asked_by = fields.String()
    asked_at = BeijingDateTime()


class CitizenRatingSchema(Schema):
    rating = fields.String(metadata={"description": "satisfied 满意、basically 基本满意、unsatisfied 不满意"})
    rating_name = fields.String()
    comment = fields.String(metadata={"description": "网民的意见（可能为空）"})
    rated_at = BeijingDateTime()


class HistoryStepSchema(Schema):
    at = BeijingDateTime()
    action = fields.String(metadata={"description": "receive、classify、reply、feedback、resolve、transfer、"
                                                    "transfer_accept、transfer_return、reassign、missed（逾期未办）"})
    action_name = fields.String()
    unit_name = fields.String(metadata={"description": "办理人所在单位"})
    actor_name = fields.String()
    comment = fields.String(metadata={"description": "所写的内容（前 200 字）、转办说明、退回理由或逾期的期限"})
    status = fields.String()
    status_name = fields.String(metadata={"description": "这一步之后留言的状态"})


class MessageSchema(Schema):
    id = Integer()
    account_id = Integer()
    unit_id = Integer()
    runs = fields.Boolean(metadata={"description": "本人单位是否办理这个账号的事：主管单位，或在主管单位名下时的管理部门（X6）"})
    platform = fields.String()
    kind = fields.String()
    source = fields.String(metadata={"description": "渠道：staff、import、api（其他系统推送）、hall（政务微博大厅）"})
    source_name = fields.String()
    via = fields.String(metadata={"description": "推送留言的客户端系统"})
    citizen_handle = fields.String(metadata={"description": "打码显示（@东**民）；完整的见 GET /api/messages/{id}/contact"})
    citizen_contact = fields.String(metadata={"description": "打码显示（138****5678）；完整的仅承办单位可查看"})
    text = fields.String()
    category = fields.String(allow_none=True)
    sentiment = fields.String(allow_none=True)
    category_confirmed = fields.Boolean(metadata={"description": "false：系统建议，待工作人员确认"})
    sentiment_confirmed = fields.Boolean()
    status = fields.String()
    status_name = fields.String()
    received_at = BeijingDateTime()
    reply_due_at = BeijingDateTime()
    feedback_due_at = BeijingDateTime()
    verification_due_at = BeijingDateTime(allow_none=True)
    provisional = fields.Boolean(metadata={"description": "期限落在尚未公布放假安排的年份，为暂定"})
    replied_at = BeijingDateTime(allow_none=True)
    fed_back_at = BeijingDateTime(allow_none=True)
    resolved_at = BeijingDateTime(allow_none=True)
    deadlines = fields.Dict(keys=fields.String(), values=fields.Nested(DeadlineSchema))
    reply_text = fields.String(metadata={"description": "给网民的回复"})
    feedback_text = fields.String(metadata={"description": "反馈网民的受理和办理情况"})
    result_text = fields.String(metadata={"description": "办理结果"})
    replied_by = fields.String(metadata={"description": "回复的单位和人员（仅单条留言）"})
    fed_back_by = fields.String(metadata={"description": "反馈的单位和人员（仅单条留言）"})
    resolved_by = fields.String(metadata={"description": "办结的单位和人员（仅单条留言）"})
    history = fields.List(fields.Nested(HistoryStepSchema), metadata={
        "description": "办理记录（仅单条留言）：最近 100 步，按时间先后，含逾期未办的期限"})
    history_total = Integer(metadata={"description": "办理记录的总步数"})
    result_post = fields.Nested(ResultPostSchema, allow_none=True,
                                metadata={"description": "办理结果的发布（仅单条留言）：稿件、状态与发布网址"})
    citizen_rating = fields.Nested(CitizenRatingSchema, allow_none=True,
                                   metadata={"description": "网民办结后的评价（N19，仅单条留言）"})
    review = fields.Nested("ReviewSchema", allow_none=True, metadata={
        "description": "待审核的回复或反馈（仅单条留言）：送审原因、审核阶段与文字"})
    review_waiting = fields.Boolean(metadata={"description": "有回复待审核（回复待审核）"})
    marks = fields.Nested("MarksSchema", metadata={"description": "敏感、无效与并入的标记（仅单条留言）"})
    findings = fields.List(fields.Nested(TextFindingSchema), metadata={
        "description": "办理一步的回答：发出的文字中须确认的提示（敏感词、个人信息、错别字等），按字段列出"})


class ContactSchema(Schema):
    citizen_handle = fields.String(metadata={"description": "网民的完整称呼或昵称"})
    citizen_contact = fields.String(metadata={"description": "完整联系方式（可能为空）"})


class MessageQuerySchema(ListQuerySchema):
    """The inbox's filters; `from`/`to` on the time received, `q` in the text."""
    status = fields.String(validate=validate.OneOf(tuple(STATUS_NAMES)))
    overdue = fields.Boolean(load_default=False, metadata={"description": "只看已逾期未办的"})
    review_waiting = fields.Boolean(load_default=False, metadata={"description": "只看回复待审核的（N6、X21）"})
    due_before = fields.Date(metadata={"description": "当前期限在该日（北京时间）之前（含当日）"}, **DAY)
    account_id = Integer(validate=validate.Range(min=1, max=2**31 - 1))
    category = fields.String(validate=validate.OneOf(CATEGORIES))
    sentiment = fields.String(validate=validate.OneOf(SENTIMENTS))
    platform = fields.String(validate=validate.Length(min=1, max=20))
    kind = fields.String(validate=validate.OneOf(("comment", "mention", "private", "forward")))
    sort = sort_field("due", "received", default="due")
    citizen_contact = fields.String(validate=validate.Length(min=1, max=100), metadata={
        "description": "本单位承办的、来自这一联系方式的留言（按密钥散列查找，不存明文）"})


class ActionSchema(Schema):
    text = fields.String(load_default="", validate=validate.Length(max=5000))
    needs_verification = fields.Boolean(load_default=False, metadata={"description": "需核实、研究的事项（10 个工作日）"})
    publish = fields.Boolean(load_default=False, metadata={
        "description": "办结时：把办理结果发布到本账号（生成“回应投诉、咨询、求助”类稿件，经审核后发布）"})
    post_text = fields.String(load_default="", validate=validate.Length(max=5000),
                              metadata={"description": "发布的文字；不填则用办理结果"})


class CalendarDaySchema(Schema):
    day = fields.Date(required=True)
    workday = fields.Boolean(required=True)


class NoticeSchema(Schema):
    days = fields.List(fields.Nested(CalendarDaySchema), required=True, validate=validate.Length(min=1, max=400))


class NoticeCompleteSchema(Schema):
    notice_complete = fields.Boolean(required=True, metadata={"description": "该年放假安排已全部录入"})


class EnteredDaySchema(Schema):
    day = fields.Date()
    workday = fields.Boolean()
    entered_by = fields.String()


class CalendarYearSchema(Schema):
    year = Integer()
    covered_by_package = fields.Boolean(metadata={"description": "chinesecalendar 已收录该年国务院放假安排"})
    notice_complete = fields.Boolean(metadata={"description": "联席会议办公室已录入该年完整的放假安排"})
    provisional = fields.Boolean(metadata={"description": "该年的工作日为暂定（周末加法定节假日推算）"})
    set_by = fields.String(allow_none=True)
    set_at = BeijingDateTime(allow_none=True)
    days = fields.List(fields.Nested(EnteredDaySchema), metadata={"description": "办公室录入的日期"})
    recomputed = Integer(metadata={"description": "期限随之重算的留言数（仅修改时）"})


def valid_year(year: int) -> bool:
    return EARLIEST.year <= year <= LAST_YEAR


class TransferInSchema(Schema):
    to_unit_id = Integer(required=True, validate=validate.Range(min=1, max=2**31))
    note = fields.String(load_default="", validate=validate.Length(max=1000), metadata={
        "description": "必填：转办说明（请承办单位办理什么），或改派的决定"})


class TransferAnswerSchema(Schema):
    accept = fields.Boolean(required=True)
    reason = fields.String(load_default="", validate=validate.Length(max=1000))


class TransferSchema(Schema):
    id = Integer()
    message_id = Integer()
    from_unit_id = Integer()
    to_unit_id = Integer()
    status = fields.String()
    note = fields.String()
    reason = fields.String()
    sent_by = fields.String()
    sent_at = BeijingDateTime()
    answered_by = fields.String()
    answered_at = BeijingDateTime(allow_none=True)
    message_text = fields.String(metadata={"description": "转办的留言内容（列表中）"})
    message_due_at = BeijingDateTime(allow_none=True, metadata={"description": "留言当前的办理期限（已办结为空）"})
    message_status = fields.String(metadata={"description": "留言的状态"})


class TransferQuerySchema(ListQuerySchema):
    """`unit_id` narrows to transfers to that unit (and below); `from`/`to` on the time sent."""
    status = fields.String(validate=validate.OneOf(("pending", "accepted", "returned", "reassigned")))
    waiting = fields.Boolean(load_default=False, metadata={"description": "待本单位答复的转办"})
    returned = fields.Boolean(load_default=False, metadata={"description": "被退回、待本单位决定的转办"})
    sort = sort_field("sent", "answered", default="-sent")


class NoticeQuerySchema(ListQuerySchema):
    """`unit_id` narrows to notices to that unit (and below); `from`/`to` on the time issued;
    `q` in the title."""
    status = fields.String(validate=validate.OneOf(("issued", "replied")))
    importance = fields.String(validate=validate.OneOf(("high", "medium", "low")))
    sort = sort_field("issued", "replied", default="-issued")


class ImportFormSchema(Schema):
    account_id = Integer(required=True, validate=validate.Range(min=1, max=2**31))
    platform = fields.String(required=True, validate=validate.Length(min=1, max=20))


class ImportFileSchema(Schema):
    file = Upload(required=True, metadata={"description": "CSV（UTF-8 或 GBK）或 XLSX，至多 2 MB"})


class ClassifySchema(Schema):
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    sentiment = fields.String(required=True, validate=validate.OneOf(SENTIMENTS))


class NoticeInSchema(Schema):
    title = fields.String(required=True, validate=validate.Length(min=1, max=100))
    importance = fields.String(required=True, validate=validate.OneOf(("high", "medium", "low")))
    kind = fields.String(required=True, validate=validate.Length(min=1, max=30))
    content = fields.String(required=True, validate=validate.Length(min=1, max=5000))
    unit_id = Integer(required=True, validate=validate.Range(min=1, max=2**31))


class NoticeReplySchema(Schema):
    reply = fields.String(required=True, validate=validate.Length(max=5000))


class ProblemNoticeSchema(Schema):
    id = Integer()
    title = fields.String()
    importance = fields.String()
    kind = fields.String()
    content = fields.String()
    unit_id = Integer()
    issued_by = fields.String()
    issued_at = BeijingDateTime()
    status = fields.String()
    reply = fields.String()
    replied_by = fields.String()
    replied_at = BeijingDateTime(allow_none=True)
    review = fields.Nested("ReviewSchema", allow_none=True, metadata={
        "description": "待审核的回复或反馈（仅单条留言）：送审原因、审核阶段与文字"})
    review_waiting = fields.Boolean(metadata={"description": "有回复待审核（回复待审核）"})
    marks = fields.Nested("MarksSchema", metadata={"description": "敏感、无效与并入的标记（仅单条留言）"})
    findings = fields.List(fields.Nested(TextFindingSchema), metadata={
        "description": "答复时：答复内容中须确认的提示"})


class ReceiptSchema(MessageSchema):
    """What a posting system gets back: the message's number and its deadlines (not its text,
    nor the citizen), and the citizen's receipt number and query code (issue 19)."""
    receipt_number = fields.String(metadata={"description": "留言编号（北京日期-当日序号），可告诉网民，凭它和查询码查询"})
    query_code = fields.String(metadata={"description": "查询码，只在此返回一次（系统只保存其密钥散列），请转告网民"})

    class Meta:
        fields = ("id", "account_id", "source", "source_name", "status", "status_name", "received_at", "reply_due_at",
                  "feedback_due_at", "provisional", "receipt_number", "query_code")


class IntakeBatchReceiptSchema(Schema):
    received = fields.List(fields.Nested(ReceiptSchema), metadata={"description": "与推送的顺序相同"})


# ------------------------------------------------------------------ what the citizen sees (issue 19)
class QueryCodeSchema(Schema):
    """The query code, in a header: never in a URL (nor, then, in an access log)."""
    code = fields.String(required=True, data_key="X-Query-Code", validate=validate.Length(min=1, max=40),
                         metadata={"description": "受理时给出的查询码（如 K7QF-M2XP-9HTA，大小写与连字符不论）"})


class RatingInSchema(Schema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=40), metadata={"description": "查询码"})
    rating = fields.String(required=True, validate=validate.OneOf(RATINGS, error="请选择满意、基本满意或不满意"),
                           metadata={"description": "satisfied 满意、basically 基本满意、unsatisfied 不满意"})
    comment = fields.String(load_default="", validate=validate.Length(max=500), metadata={"description": "意见（可不填）"})


class PublicDeadlineSchema(DeadlineSchema):
    name = fields.String(metadata={"description": "reply、feedback、verification"})
    name_text = fields.String()


class PublicAnswerSchema(Schema):
    kind = fields.String(metadata={"description": "reply 回复、feedback 受理和办理情况、result 办理结果"})
    kind_name = fields.String()
    text = fields.String(metadata={"description": "其中的个人信息（电话、证件号、门牌地址等）以＊遮盖"})
    at = BeijingDateTime()


class PublicPostSchema(Schema):
    released_at = BeijingDateTime()
    links = fields.List(fields.Nested(PostLinkSchema))


class PublicRatingSchema(Schema):
    rating = fields.String()
    rating_name = fields.String()
    rated_at = BeijingDateTime()


class PublicRequestSchema(Schema):
    """A message as the citizen, or the system that posted it, reads it: nothing personal (no
    handle, contact, text of the message, staff names), nothing of another message."""
    receipt_number = fields.String(allow_none=True)
    id = Integer()
    status = fields.String()
    status_name = fields.String()
    unit_name = fields.String(metadata={"description": "承办单位"})
    account_name = fields.String()
    received_at = BeijingDateTime()
    resolved_at = BeijingDateTime(allow_none=True)
    provisional = fields.Boolean()
    deadlines = fields.List(fields.Nested(PublicDeadlineSchema))
    answers = fields.List(fields.Nested(PublicAnswerSchema), metadata={"description": "已答复网民的内容，按先后"})
    result_post = fields.Nested(PublicPostSchema, allow_none=True, metadata={"description": "已发布的办理结果微博"})
    rating = fields.Nested(PublicRatingSchema, allow_none=True)
    may_rate = fields.Boolean(metadata={"description": "已办结且尚未评价"})


# ------------------------------------------------------------------------- emergencies (X20.6)
class EmergencyCopySchema(Schema):
    id = Integer()
    kind_name = fields.String()
    title = fields.String()
    occurred_at = BeijingDateTime()
    unit_id = Integer()
    status = fields.String()


class EmergencyLinkSchema(Schema):
    emergency_id = Integer(required=True, allow_none=True, validate=validate.Range(min=1, max=2**31 - 1),
                           metadata={"description": "null：取消关联"})


class EmergencyLinkedSchema(Schema):
    message_id = Integer()
    emergency = fields.Nested(EmergencyCopySchema, allow_none=True)


class EventMessageSchema(Schema):
    id = Integer()
    unit_id = Integer()
    text = fields.String(metadata={"description": "留言内容（前 120 字）"})
    category = fields.String(allow_none=True)
    sentiment = fields.String(allow_none=True)
    status = fields.String()
    status_name = fields.String()
    received_at = BeijingDateTime()
    linked_by = fields.String()
    linked_at = BeijingDateTime()


class ReviewSchema(Schema):
    """A reply or feedback held for review (N6, X21)."""
    id = Integer()
    action = fields.String(metadata={"description": "reply（回复）或 feedback（反馈受理情况）"})
    text = fields.String()
    why = fields.String(metadata={"description": "送审的原因：检查的提示，或留言已标为敏感"})
    stage = fields.String(metadata={"description": "office（待责任处室核稿）、leader（待领导审批）"})
    stage_name = fields.String()
    needs_verification = fields.Boolean()
    submitted_by = fields.String()
    submitted_at = BeijingDateTime()
    checked_by = fields.String()
    checked_at = BeijingDateTime(allow_none=True)


class MarksSchema(Schema):
    sensitive = fields.Boolean()
    sensitive_reason = fields.String()
    invalid_kind = fields.String(allow_none=True, metadata={"description": "spam、advertising、abuse、nothing；空：有效"})
    invalid_name = fields.String()
    invalid_reason = fields.String()
    invalid_by = fields.String()
    invalid_at = BeijingDateTime(allow_none=True)
    duplicate_of = Integer(allow_none=True, metadata={"description": "并入的主留言"})
    duplicates = fields.List(Integer(), metadata={"description": "并入本留言的重复留言（至多列出 50 条）"})


class ReviewDecisionSchema(Schema):
    text = fields.String(load_default="", validate=validate.Length(max=5000),
                         metadata={"description": "审核时修改后的文字；不填则不改"})
    reason = fields.String(load_default="", validate=validate.Length(max=500), metadata={"description": "退回的理由"})


class SensitiveSchema(Schema):
    sensitive = fields.Boolean(required=True)
    reason = fields.String(load_default="", validate=validate.Length(max=500), metadata={"description": "理由（必填）"})


class InvalidSchema(Schema):
    kind = fields.String(required=True, allow_none=True,
                         validate=validate.OneOf(tuple(INVALID_KINDS)),
                         metadata={"description": "spam（垃圾信息）、advertising（广告）、abuse（辱骂攻击）、"
                                                  "nothing（无实质诉求）；null：撤销无效标记"})
    reason = fields.String(load_default="", validate=validate.Length(max=500), metadata={"description": "理由（必填）"})


class MergeSchema(Schema):
    main_id = Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1))
    reason = fields.String(load_default="", validate=validate.Length(max=500))


class InvalidQuerySchema(ListQuerySchema):
    """The invalid messages' filters; `start`/`end` on the time marked, `q` in the text."""
    kind = fields.String(validate=validate.OneOf(tuple(INVALID_KINDS)))


class InvalidMessageSchema(Schema):
    id = Integer()
    unit_id = Integer()
    unit_name = fields.String()
    account_id = Integer()
    text = fields.String()
    received_at = BeijingDateTime()
    invalid_kind = fields.String()
    invalid_name = fields.String()
    invalid_reason = fields.String()
    invalid_by = fields.String()
    invalid_at = BeijingDateTime()


class MessageImportSchema(AsAnswered):
    imported = fields.Integer(metadata={"description": "导入的留言数"})
    duplicates = fields.Integer(metadata={"description": "已导入过（同一平台消息）而未重复导入的行数"})
    errors = fields.List(fields.Nested(RowErrorSchema), metadata={"description": "未导入的行，按行号"})


class RisingWordSchema(Schema):
    word = fields.String()
    count = fields.Integer(metadata={"description": "含此词的负面留言数"})
    rise = fields.Float(metadata={"description": "与前一周同样时长相比的升温倍数"})


class WeekWordSchema(Schema):
    word = fields.String()
    count = fields.Integer()


class HotTopicsSchema(AsAnswered):
    day = fields.List(fields.Nested(RisingWordSchema), metadata={"description": "近一天升温最快的词（与前一周比较）"})
    week = fields.List(fields.Nested(WeekWordSchema), metadata={"description": "近一周最多的词"})


class RecomputedSchema(AsAnswered):
    recomputed = fields.Integer(metadata={"description": "期限随之重算的未办结留言数"})


class UnitFigureSchema(AsAnswered):
    """A unit's row of a count by unit."""
    unit_id = fields.Integer()
    unit_name = fields.String()


class UnitReturnsSchema(UnitFigureSchema):
    returns = fields.Integer(metadata={"description": "退回转办的次数"})


class UnitNoticeCountSchema(UnitFigureSchema):
    issued = fields.Integer(metadata={"description": "收到的通报单数"})
    replied = fields.Integer(metadata={"description": "已答复的通报单数"})
