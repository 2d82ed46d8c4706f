"""Events the inquiry service publishes."""
from enum import StrEnum

from marshmallow import Schema, fields, validate

from govmb.contracts.base import Contract

CATEGORIES = ("query", "complaint", "report", "suggestion", "praise")
CATEGORY_NAMES = {"query": "查询征询", "complaint": "投诉质疑", "report": "举报揭发", "suggestion": "建言献策", "praise": "赞扬鼓励"}
SENTIMENTS = ("positive", "neutral", "negative")
class MessageStatus(StrEnum):
    """A citizen's message's states (services/inquiry/handling.py: the machine that moves them)."""
    RECEIVED = "received"
    REPLIED = "replied"
    ACCEPTED = "accepted"
    VERIFYING = "verifying"
    RESOLVED = "resolved"


class TransferStatus(StrEnum):
    """A transfer's states (services/inquiry/transfers.py: the machine that moves them)."""
    PENDING = "pending"
    ACCEPTED = "accepted"
    RETURNED = "returned"
    REASSIGNED = "reassigned"


TRANSFER_STATUS_NAMES = {"pending": "待接收", "accepted": "已接收", "returned": "已退回，待决定", "reassigned": "已决定"}
TRANSFER_ACTION_NAMES = {"accept": "承办单位接收", "return": "承办单位退回", "reassign": "对退回作出决定"}

STATUS_NAMES = {"received": "待回复", "replied": "已回复，待反馈受理情况", "accepted": "已反馈受理情况",
                "verifying": "核实研究中", "resolved": "已办结"}
ACTION_NAMES = {"reply": "回复网民", "feedback": "反馈受理情况", "resolve": "办结"}
SOURCE_NAMES = {"staff": "工作人员录入", "import": "平台导出文件导入", "api": "其他系统推送", "hall": "政务微博大厅",
                "platform": "平台接口读取"}
DEADLINES = ("reply", "feedback", "verification")
KINDS = ("comment", "mention", "private", "forward")
KIND_NAMES = {"comment": "评论", "mention": "@提及", "private": "私信", "forward": "转发"}


class MessageWhere(Schema):
    """Which message, where it is handled and its category: the start of each message's event."""
    id = fields.Integer(required=True)
    account_id = fields.Integer(required=True)
    unit_id = fields.Integer(required=True)
    unit_path = fields.String(required=True)
    category = fields.String(required=True, allow_none=True, validate=validate.OneOf(CATEGORIES))


class MessageSnapshot(MessageWhere):
    """A citizen's message as it now stands (no handle, no contact: those stay with the unit)."""
    sentiment = fields.String(required=True, allow_none=True, validate=validate.OneOf(SENTIMENTS))
    status = fields.String(required=True, validate=validate.OneOf(tuple(STATUS_NAMES)))
    step = fields.String(required=True)  # the step that made this revision: received, replied, fed_back, resolved…
    received_at = fields.String(required=True)
    replied_at = fields.String(required=True, allow_none=True)
    fed_back_at = fields.String(required=True, allow_none=True)
    resolved_at = fields.String(required=True, allow_none=True)
    reply_due_at = fields.String(required=True)
    feedback_due_at = fields.String(required=True)
    verification_due_at = fields.String(required=True, allow_none=True)
    revision = fields.Integer(required=True)
    kind = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(KINDS))  # added within version 1
    invalid = fields.Boolean(load_default=False)  # marked invalid (G19.2, issue 19): out of the veto and the rates


class DeadlineMissed(Schema):
    message_id = fields.Integer(required=True)
    unit_id = fields.Integer(required=True)
    unit_path = fields.String(required=True)
    deadline = fields.String(required=True, validate=validate.OneOf(DEADLINES))
    due_at = fields.String(required=True)


class TransferChanged(Schema):
    """A transfer (转办, N15) sent, accepted, returned with a reason, or reassigned."""
    transfer_id = fields.Integer(required=True)
    message_id = fields.Integer(required=True)
    from_unit_id = fields.Integer(required=True)
    to_unit_id = fields.Integer(required=True)
    to_unit_path = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(("pending", "accepted", "returned", "reassigned")))
    reason = fields.String(required=True)
    at = fields.String(required=True)


class NoticeChanged(Schema):
    """A problem notice (问题通报单, X20.2) issued to a department, or its reply."""
    notice_id = fields.Integer(required=True)
    unit_id = fields.Integer(required=True)
    unit_path = fields.String(required=True)
    importance = fields.String(required=True, validate=validate.OneOf(("high", "medium", "low")))
    kind = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(("issued", "replied")))
    issued_at = fields.String(required=True)
    replied_at = fields.String(required=True, allow_none=True)


class PublicationRequested(Schema):
    """Staff resolved a message and asked for its result to be published on the account it came
    to (X10: "where fitting, published on the microblog"). Publishing makes a draft of it, which
    goes through the review chain like any other."""
    message_id = fields.Integer(required=True)
    account_id = fields.Integer(required=True)
    unit_id = fields.Integer(required=True)  # the handling unit
    unit_path = fields.String(required=True)
    text = fields.String(required=True, validate=validate.Length(min=1, max=5000))  # the post, as staff wrote it
    asked_by_id = fields.Integer(required=True)
    asked_by = fields.String(required=True)
    asked_at = fields.String(required=True)


ARCHIVE_TEXT = 2000  # the most of one text filed in the monthly archive (X20.4): a unit-month stays bounded
ARCHIVE_ANSWER = 1000  # …and of one answer to it


class MessageText(MessageWhere):
    """What the monthly archive (X20.4) files of a citizen's message: its text and the answer,
    masked before they leave inquiry (phone, ID and card numbers, house numbers, @handles:
    `govmb.textchecks.pii.masked`), the handle and contact masked (138****5678, @东**民), each
    text cut to a bound. A separate event from `inquiry.message.changed`, which stays free of
    texts; sent with it, at the same revision."""
    kind = fields.String(required=True, allow_none=True, validate=validate.OneOf(KINDS))
    received_at = fields.String(required=True)
    handle = fields.String(required=True)  # masked
    contact = fields.String(required=True)  # masked
    text = fields.String(required=True, validate=validate.Length(max=ARCHIVE_TEXT))
    answer = fields.String(required=True, validate=validate.Length(max=ARCHIVE_ANSWER))  # the reply, the feedback, the result
    status = fields.String(required=True, validate=validate.OneOf(tuple(STATUS_NAMES)))
    revision = fields.Integer(required=True)


class NoticeText(Schema):
    """What the monthly archive files of a problem notice: its title and text and the department's
    answer (who answered), each cut to a bound."""
    notice_id = fields.Integer(required=True)
    unit_id = fields.Integer(required=True)
    unit_path = fields.String(required=True)
    title = fields.String(required=True)
    content = fields.String(required=True, validate=validate.Length(max=ARCHIVE_TEXT))
    issued_by = fields.String(required=True)
    reply = fields.String(required=True, validate=validate.Length(max=ARCHIVE_ANSWER))
    replied_by = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(("issued", "replied")))
RATING_NAMES = {"satisfied": "满意", "basically": "基本满意", "unsatisfied": "不满意"}  # N19
RATINGS = tuple(RATING_NAMES)
# what staff may mark a message invalid as (G19.2)
INVALID_KINDS = {"spam": "垃圾信息", "advertising": "广告", "abuse": "辱骂攻击", "nothing": "无实质诉求"}


class MessageRated(Schema):
    """The citizen rated how a resolved message was handled (N19), once: it counts for the unit
    that handled it (no text, no citizen: only the rating)."""
    message_id = fields.Integer(required=True)
    account_id = fields.Integer(required=True)
    unit_id = fields.Integer(required=True)  # the handling unit when it was rated
    unit_path = fields.String(required=True)
    rating = fields.String(required=True, validate=validate.OneOf(RATINGS))
    rated_at = fields.String(required=True)


CONTRACTS = (
    Contract("inquiry.message.changed", 1, MessageSnapshot,
             "A citizen's message was received or moved a step (replied, fed back, resolved…)."),
    Contract("inquiry.message.overdue", 1, DeadlineMissed, "A message missed one of its N11 deadlines (once per deadline)."),
    Contract("inquiry.transfer.changed", 1, TransferChanged,
             "A message was transferred to a unit, accepted, returned with a reason, or reassigned by the office."),
    Contract("inquiry.notice.changed", 1, NoticeChanged, "A problem notice was issued to a department, or replied to."),
    Contract("inquiry.message.publication_requested", 1, PublicationRequested,
             "A resolved message's result is to be published on its account (a draft for review, never released by itself)."),
    Contract("inquiry.message.archive_text", 1, MessageText,
             "A citizen's message's text and answer for the monthly archive, masked (sent with each message.changed)."),
    Contract("inquiry.notice.archive_text", 1, NoticeText,
             "A problem notice's text and answer for the monthly archive (sent with each notice.changed)."),
    Contract("inquiry.message.rated", 1, MessageRated,
             "The citizen rated a resolved message (满意、基本满意、不满意, N19), once: the unit's satisfaction rate."),
)
