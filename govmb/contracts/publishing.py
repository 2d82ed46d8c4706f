"""Events the publishing service publishes."""
from enum import StrEnum

from marshmallow import Schema, fields, validate

from govmb.contracts.base import Contract

INFO_TYPES = ("disclosure", "central_work", "emergency", "hot_issue", "participation", "response",
              "rumor", "other")
INFO_TYPE_NAMES = {"disclosure": "主动公开信息", "central_work": "中心工作、重大决策、重点项目", "emergency": "突发事件及处置",
                   "hot_issue": "热点问题", "participation": "需公众知晓或参与的事项", "response": "回应投诉、咨询、求助",
                   "rumor": "澄清不实报道和谣言", "other": "其他"}

# The words the service and the pages use for a draft's states and steps.
class DraftStatus(StrEnum):
    """A draft's states (services/publishing/review.py: the machine that moves them)."""
    DRAFT = "draft"
    PROOFREADING = "proofreading"  # 三审三校: proof-read (校对) before 核稿, where the unit or the city has it on
    SUBMITTED = "submitted"
    CHECKED = "checked"
    APPROVED = "approved"
    RELEASED = "released"
    RETURNED = "returned"
    WITHDRAWN = "withdrawn"


STATUS_NAMES = {"draft": "草稿", "proofreading": "待校对", "submitted": "待核稿", "checked": "待审批", "approved": "已审批，待发布",
                "released": "已发布", "returned": "已退回修改", "withdrawn": "已撤回"}
ACTION_NAMES = {"submit": "提交审核", "proofread": "校对通过", "check": "核稿通过", "approve": "审批通过", "return": "退回修改",
                "fast_track": "快速审批（电话/短信）", "record_publication": "登记发布", "withdraw": "撤回",
                "platform_return": "平台退回"}  # not a step of the machine: the worker records a platform's refusal


class ReviewRecord(Schema):
    """One step of a post's review (X20.4: the monthly archive keeps the approval records)."""
    action = fields.String(required=True)
    actor_name = fields.String(required=True)
    at = fields.String(required=True)
    comment = fields.String(load_default="")
    channel = fields.String(load_default="")  # fast track: phone, sms
    approver = fields.String(load_default="")  # fast track: who approved


class PostReleased(Schema):
    """A post went out on all its platforms: what assessment counts and files."""
    draft_id = fields.Integer(required=True)
    account_id = fields.Integer(required=True)
    unit_id = fields.Integer(required=True)
    unit_path = fields.String(required=True)
    original = fields.Boolean(required=True)
    info_type = fields.String(required=True, validate=validate.OneOf(INFO_TYPES))
    platforms = fields.List(fields.String(), required=True)
    released_at = fields.String(required=True)  # ISO 8601
    fast_track = fields.Boolean(required=True)
    correction_of = fields.Integer(required=True, allow_none=True)
    emergency_event_at = fields.String(required=True, allow_none=True)
    emergency_on_time = fields.Boolean(required=True, allow_none=True)
    # Added within version 1 (a consumer of an older payload reads them as empty):
    text = fields.String(load_default="")
    reviews = fields.List(fields.Nested(ReviewRecord), load_default=list)
    imported = fields.Boolean(load_default=False)  # published directly on the platform, not reviewed in the product


class MonthlyFigures(Schema):
    """An account's posts in a month against its quota (N11, N14)."""
    account_id = fields.Integer(required=True)
    unit_id = fields.Integer(required=True)
    unit_path = fields.String(required=True)
    month = fields.String(required=True, validate=validate.Regexp(r"^\d{4}-\d{2}$"))
    category = fields.String(required=True, allow_none=True)
    posts = fields.Integer(required=True)
    original = fields.Integer(required=True)
    original_share = fields.Float(required=True)
    quota = fields.Integer(required=True)
    quota_met = fields.Boolean(required=True)
    original_met = fields.Boolean(required=True)
    revision = fields.Integer(required=True)


class DirectiveIssued(Schema):
    """统一口径 (N12): the accounts that must forward the lead post, and by when."""
    directive_id = fields.Integer(required=True)
    title = fields.String(required=True)
    lead_draft_id = fields.Integer(required=True)
    due_at = fields.String(required=True)
    account_ids = fields.List(fields.Integer(), required=True)


class DirectiveForwarded(Schema):
    directive_id = fields.Integer(required=True)
    account_id = fields.Integer(required=True)
    unit_id = fields.Integer(required=True)
    unit_path = fields.String(required=True)
    forwarded_at = fields.String(required=True)
    on_time = fields.Boolean(required=True)


class PostLink(Schema):
    platform = fields.String(required=True)
    url = fields.String(required=True)


class ResponseChanged(Schema):
    """The draft answering a citizen's message (info type response) was made, moved a step or
    was released; or it could not be made (status refused, with the reason). Consumers keep
    the highest revision (the draft's), so a late or repeated message changes nothing."""
    message_id = fields.Integer(required=True)
    draft_id = fields.Integer(required=True, allow_none=True)
    account_id = fields.Integer(required=True)
    status = fields.String(required=True, validate=validate.OneOf((*STATUS_NAMES, "refused")))
    reason = fields.String(required=True)
    links = fields.List(fields.Nested(PostLink), required=True)  # where it was published, so far
    released_at = fields.String(required=True, allow_none=True)
    revision = fields.Integer(required=True, validate=validate.Range(min=1))


class DraftApproved(Schema):
    """A draft was approved (or fast-tracked): each of its platforms with an adapter gets it
    published by the publishing worker, once."""
    draft_id = fields.Integer(required=True)
    account_id = fields.Integer(required=True)
    unit_id = fields.Integer(required=True)
    unit_path = fields.String(required=True)
    platforms = fields.List(fields.String(), required=True)
    approved_at = fields.String(required=True)


class ListEntry(Schema):
    """One entry of one of the office's lists, as it now stands or deleted (`deleted`, the other
    fields as they were). The revision is the list's version when the entry was written (it
    rises with every change of the list, so a new entry that takes a deleted one's id still
    comes after it); consumers keep the highest revision they have seen, deletes as tombstones,
    so a late or repeated message changes nothing."""
    id = fields.Integer(required=True, validate=validate.Range(min=1))
    deleted = fields.Boolean(required=True)
    revision = fields.Integer(required=True, validate=validate.Range(min=1))


class LexiconEntryChanged(ListEntry):
    """A word of the lexicon (the checks of every text that leaves, issue 16)."""
    word = fields.String(required=True, validate=validate.Length(min=1, max=100))
    category = fields.String(required=True, validate=validate.OneOf(("sensitive", "classified", "allowed")))
    severity = fields.String(required=True, validate=validate.OneOf(("block", "warn")))


class CorrectionChanged(ListEntry):
    """A correction of the office's list: a wrong form, its right form, typo or formulation."""
    wrong = fields.String(required=True, validate=validate.Length(min=1, max=50))
    right = fields.String(required=True, validate=validate.Length(min=1, max=50))
    kind = fields.String(required=True, validate=validate.OneOf(("typo", "formulation")))


class LeaderChanged(ListEntry):
    """A leader of the office's list: name, title(s), order of precedence, active."""
    name = fields.String(required=True, validate=validate.Length(min=1, max=20))
    title = fields.String(required=True, validate=validate.Length(min=1, max=100))
    rank = fields.Integer(required=True)
    active = fields.Boolean(required=True)


class EmergencyChanged(Schema):
    """An emergency was declared or closed (X20.6): inquiry keeps a copy, so that staff can link
    the citizens' messages about it. Consumers keep the highest revision (1 open, 2 closed)."""
    emergency_id = fields.Integer(required=True)
    kind = fields.String(required=True, validate=validate.Length(min=1, max=30))
    kind_name = fields.String(required=True, validate=validate.Length(min=1, max=30))
    title = fields.String(required=True, validate=validate.Length(min=1, max=100))
    occurred_at = fields.String(required=True)
    unit_id = fields.Integer(required=True)
    unit_path = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(("open", "closed")))
    revision = fields.Integer(required=True, validate=validate.Range(min=1))


class ConnectionChanged(Schema):
    """An account's link to a platform's API was made, stopped working (its credential expired
    or was refused: the registry warns on the account's security record and tells its
    operators), or came back. Consumers keep the highest revision."""
    account_id = fields.Integer(required=True)
    platform = fields.String(required=True, validate=validate.Length(min=1, max=20))
    status = fields.String(required=True, validate=validate.OneOf(("connected", "expired", "disabled")))
    reason = fields.String(load_default="")  # the platform's words, when it stopped working
    revision = fields.Integer(required=True, validate=validate.Range(min=1))
    at = fields.String(required=True)  # ISO 8601


class PlatformIncoming(Schema):
    """A comment, mention or private message the listening worker read from a platform's API:
    inquiry makes it a citizen's message, once per (platform, platform_id)."""
    account_id = fields.Integer(required=True)
    unit_id = fields.Integer(required=True)
    unit_path = fields.String(required=True)
    platform = fields.String(required=True, validate=validate.Length(min=1, max=20))
    kind = fields.String(required=True, validate=validate.OneOf(("comment", "mention", "private")))
    platform_id = fields.String(required=True, validate=validate.Length(min=1, max=100))
    text = fields.String(required=True)
    author_id = fields.String(load_default="")
    author_name = fields.String(load_default="")
    at = fields.String(required=True)  # ISO 8601: the platform's time of the item
    post_id = fields.String(load_default="")  # the account's post it answers, on the platform
    draft_id = fields.Integer(load_default=None, allow_none=True)  # that post's draft, when the product knows it


class PlatformFigures(Schema):
    """An account's figures on one platform for one Beijing day, read from its API: its own
    posts' reads, reposts, comments and likes, and its followers. The latest read of a day wins."""
    account_id = fields.Integer(required=True)
    unit_id = fields.Integer(required=True)
    unit_path = fields.String(required=True)
    platform = fields.String(required=True, validate=validate.Length(min=1, max=20))
    day = fields.Date(required=True)
    followers = fields.Integer(required=True, allow_none=True, validate=validate.Range(min=0))
    posts = fields.Integer(required=True, validate=validate.Range(min=0))
    reads = fields.Integer(required=True, allow_none=True, validate=validate.Range(min=0))
    reposts = fields.Integer(required=True, validate=validate.Range(min=0))
    comments = fields.Integer(required=True, validate=validate.Range(min=0))
    likes = fields.Integer(required=True, validate=validate.Range(min=0))
    at = fields.String(required=True)  # ISO 8601: when they were read


CONTRACTS = (
    Contract("publishing.post.released", 1, PostReleased, "A reviewed post was released on every target platform."),
    Contract("publishing.account.monthly_figures", 1, MonthlyFigures,
             "An account's posts and original share for a month, against its quota."),
    Contract("publishing.directive.issued", 1, DirectiveIssued,
             "The joint-meeting office asked accounts to forward a lead post by a deadline."),
    Contract("publishing.directive.forwarded", 1, DirectiveForwarded, "An account forwarded a directive's lead post."),
    Contract("publishing.draft.approved", 1, DraftApproved,
             "A draft was approved: the platforms' adapters may publish it (the publishing worker, once each)."),
    Contract("publishing.response.changed", 1, ResponseChanged,
             "The draft publishing a citizen's message's result was made, moved a step, was released, or was refused."),
    Contract("publishing.lexicon.changed", 1, LexiconEntryChanged,
             "A word of the office's lexicon was written or deleted; one message per entry."),
    Contract("publishing.correction.changed", 1, CorrectionChanged,
             "A correction (错别字, 规范表述) of the office's list was written or deleted; one message per entry."),
    Contract("publishing.emergency.changed", 1, EmergencyChanged,
             "An emergency (突发事件) was declared or closed; inquiry keeps a copy to link citizens' messages to it."),
    Contract("publishing.leader.changed", 1, LeaderChanged,
             "A leader of the office's list was written or deleted; one message per entry."),
    Contract("publishing.connection.changed", 1, ConnectionChanged,
             "An account's platform connection was made, stopped working (credential expired) or was disconnected."),
    Contract("publishing.platform.incoming", 1, PlatformIncoming,
             "A comment, mention or private message read from a platform's API: a citizen's message for inquiry."),
    Contract("publishing.platform.figures", 1, PlatformFigures,
             "An account's figures on a platform for a day (its posts' reads, reposts, comments, likes; followers)."),
)
LIST_EVENTS = ("publishing.lexicon.changed", "publishing.correction.changed", "publishing.leader.changed")
