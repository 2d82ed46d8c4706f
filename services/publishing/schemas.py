"""What the publishing API takes and gives."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from govmb.contracts.publishing import INFO_TYPES, STATUS_NAMES
from govmb.paging import ListQuerySchema, PeriodSchema, SearchSchema, sort_field
from govmb.schemas import AsAnswered, Integer
from govmb.schemas import StepSchema as BaseStepSchema
from govmb.textchecks.precedence import title_parts
from govmb.textnorm import punctuated
from govmb.textnorm import word as word_as_matched
from govmb.timefmt import BEIJING, BeijingDateTime


class MediaSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(("picture", "video", "link")))
    url = fields.Url(required=True, schemes={"http", "https"})


class DraftInSchema(Schema):
    account_id = Integer(required=True, validate=validate.Range(min=1, max=2**31))
    text = fields.String(required=True, validate=validate.Length(min=1, max=20000))
    media = fields.List(fields.Nested(MediaSchema), load_default=list, validate=validate.Length(max=18))
    info_type = fields.String(required=True, validate=validate.OneOf(INFO_TYPES))
    original = fields.Boolean(load_default=True)
    source = fields.String(load_default="", validate=validate.Length(max=200))
    topic = fields.String(load_default="", validate=validate.Regexp(r"^[^#\s]{0,30}$", error="话题不含 # 和空格，至多 30 字"))
    column = fields.String(load_default="", validate=validate.Regexp(r"^[^#\s]{0,30}$", error="栏目名称不含 # 和空格，至多 30 字"))
    series_title = fields.String(load_default="", validate=validate.Length(max=30))
    series_no = Integer(load_default=None, allow_none=True, validate=validate.Range(min=1, max=999))
    series_total = Integer(load_default=None, allow_none=True, validate=validate.Range(min=1, max=999))
    platforms = fields.List(fields.String(validate=validate.Length(max=20)), load_default=None, allow_none=True,
                            validate=validate.Length(max=20), metadata={
        "description": "目标平台；省略即本账号全部平台（N7），空列表不可"})
    omitted_reasons = fields.Dict(keys=fields.String(validate=validate.Length(max=20)),
                                  values=fields.String(validate=validate.Length(max=500)), load_default=dict,
                                  validate=validate.Length(max=20), metadata={
        "description": "N7：不在账号的某个平台发布时，按平台代码写明理由（每个未选平台必填）"})
    major = fields.Boolean(load_default=False, metadata={"description": "重大或敏感事项（不能走快速审批）"})
    event_at = fields.AwareDateTime(load_default=None, allow_none=True, default_timezone=BEIJING,
                                    metadata={"description": "突发事件发生时间：须在其后 2 小时内发布（N11）"})
    corrects_id = Integer(load_default=None, allow_none=True, validate=validate.Range(min=1, max=2**31))
    apology = fields.String(load_default="", validate=validate.Length(max=500))
    planned_at = fields.AwareDateTime(load_default=None, allow_none=True, default_timezone=BEIJING,
                                      metadata={"description": "计划发布时间（发布日历）；已审批的信息到时经平台接口定时发布"})
    variants = fields.Dict(keys=fields.String(validate=validate.Length(min=1, max=20)),
                           values=fields.String(validate=validate.Length(max=20000)), load_default=None,
                           allow_none=True, validate=validate.Length(max=20), metadata={
        "description": "平台专用文字 {平台代码: 文字}：某平台需要不同文字时填写，与正文经同样的检查；省略则保留原有的，"
                       "{} 清除"})


class FindingSchema(Schema):
    id = Integer()
    check = fields.String()
    severity = fields.String()
    start = Integer(allow_none=True)
    end = Integer(allow_none=True)
    excerpt = fields.String()
    message = fields.Method("message_of", metadata={"description": "提示，以请求的语言"})
    acknowledged_by = fields.String()
    acknowledged_at = BeijingDateTime(allow_none=True)

    def message_of(self, finding) -> str:
        """A saved finding in the reader's language (Finding.message_shown); a check's answer as it was said."""
        return finding["message"] if isinstance(finding, dict) else finding.message_shown()


class PublicationSchema(Schema):
    platform = fields.String()
    url = fields.String()
    published_at = BeijingDateTime()
    recorded_by = fields.String()


class StepSchema(BaseStepSchema):
    channel = fields.String()  # the fast track's
    approver = fields.String()
    approved_at = BeijingDateTime(allow_none=True)


class DraftSchema(Schema):
    id = Integer()
    account_id = Integer()
    unit_id = Integer()
    author_name = fields.String()
    text = fields.String()
    info_type = fields.String()
    original = fields.Boolean()
    status = fields.String()
    status_name = fields.String()
    fast_track = fields.Boolean()
    major = fields.Boolean()
    created_at = BeijingDateTime()
    released_at = BeijingDateTime(allow_none=True)
    planned_at = BeijingDateTime(allow_none=True)
    due_at = BeijingDateTime(allow_none=True)
    answers_message_id = Integer(allow_none=True, metadata={"description": "发布其办理结果的网民留言（X10）"})
    corrects_id = Integer(allow_none=True, metadata={"description": "更正稿件：所更正的已发布信息"})
    corrected_by_id = Integer(allow_none=True, metadata={"description": "已更正：更正它的已发布稿件"})
    corrected_at = BeijingDateTime(allow_none=True)
    imported = fields.Boolean(metadata={"description": "在平台直接发布、由平台接口读回的信息：未经平台审核"})


class CorrectionRefSchema(Schema):
    id = Integer()
    status = fields.String()
    status_name = fields.String()
    released_at = BeijingDateTime(allow_none=True)


class PlatformPostSchema(Schema):
    platform = fields.String()
    platform_name = fields.String()
    status = fields.String(metadata={"description": "waiting（待发布）、sending（发布中）、published（已发布）、"
                                                    "failed（发布失败）、cancelled（已人工登记）"})
    status_name = fields.String(metadata={"description": "状态的中文名称；暂停发布期间待发布的为“暂停发布”"})
    frozen = fields.Boolean(metadata={"description": "待发布，但本单位的发布正被暂停"})
    error = fields.String(metadata={"description": "平台给出的原因或下次重试的说明"})
    url = fields.String()
    post_id = fields.String(metadata={"description": "平台上的信息编号"})
    attempts = Integer()
    not_before = BeijingDateTime(allow_none=True, metadata={"description": "定时发布：计划发布时间"})
    next_attempt_at = BeijingDateTime(allow_none=True, metadata={"description": "待发布：最早的下次发送时间"})
    attempted_at = BeijingDateTime(allow_none=True)


class FreezeSchema(Schema):
    id = Integer()
    unit_id = Integer(allow_none=True, metadata={"description": "暂停的单位（含下级）；为空：全市"})
    scope_name = fields.String()
    reason = fields.String()
    frozen_by = fields.String()
    frozen_at = BeijingDateTime()
    lifted_by = fields.String()
    lifted_at = BeijingDateTime(allow_none=True)
    active = fields.Boolean()


class FreezeInSchema(Schema):
    unit_id = Integer(allow_none=True, load_default=None, validate=validate.Range(min=1, max=2**31 - 1),
                      metadata={"description": "暂停的单位（含下级单位）；不填：全市"})
    reason = fields.String(required=True, validate=validate.Length(min=2, max=200, error="请写明暂停发布的原因（2 至 200 字）"),
                           metadata={"description": "暂停的原因，如哀悼日、突发事件"})


class FreezeQuerySchema(Schema):
    active = fields.Boolean(metadata={"description": "true：只看正在暂停的；false：只看已解除的"})


class DraftDetailSchema(DraftSchema):
    source = fields.String()
    topic = fields.String()
    column = fields.String()
    series_title = fields.String()
    series_no = Integer(allow_none=True)
    series_total = Integer(allow_none=True)
    platforms = fields.List(fields.String(), attribute="platform_list")
    omitted = fields.List(fields.Dict(), attribute="omitted_list", metadata={
        "description": "不在其发布的本账号平台与撰稿人写明的理由（N7）：platform、platform_name、reason"})
    media = fields.List(fields.Dict(), attribute="media_list")
    variants = fields.Dict(attribute="variant_map", metadata={"description": "平台专用文字 {平台代码: 文字}"})
    apology = fields.String()
    runs = fields.Boolean(metadata={"description": "本人单位是否办理这个账号的事：主管单位，或在主管单位名下时的管理部门（X6）"})
    corrections = fields.List(fields.Nested(CorrectionRefSchema), attribute="correction_rows", metadata={
        "description": "更正这条信息的稿件（办理中的和已发布的）"})
    outgoing = fields.String(metadata={"description": "发布到平台的文字：正文，更正稿件另附致歉说明"})
    findings = fields.List(fields.Nested(FindingSchema), attribute="finding_rows")
    steps = fields.List(fields.Nested(StepSchema), attribute="step_rows")
    publications = fields.List(fields.Nested(PublicationSchema), attribute="publication_rows")
    platform_posts = fields.List(fields.Nested(PlatformPostSchema), metadata={
        "description": "经平台接口自动发布的各平台情况（没有接口或未连接的平台由工作人员人工发布并登记）"})
    release_frozen = fields.Nested(FreezeSchema, allow_none=True, metadata={
        "description": "本单位的定时和自动发布正被暂停（暂停发布）时：该暂停；否则为空"})
    actions = fields.List(fields.String())
    emergency = fields.Dict(allow_none=True)


class DraftQuerySchema(ListQuerySchema):
    """`from`/`to` on the time written (`released=true`: on the time released), `q` in the text."""
    status = fields.String(validate=validate.OneOf(tuple(STATUS_NAMES)))
    account_id = Integer(validate=validate.Range(min=1, max=2**31 - 1))
    info_type = fields.String(validate=validate.OneOf(INFO_TYPES))
    platform = fields.String(validate=validate.Length(min=1, max=20))
    released = fields.Boolean(metadata={"description": "true：只看已发布的信息；false：只看未发布的稿件"})
    queue = fields.Boolean(load_default=False, metadata={"description": "只看等待我办理的稿件"})
    imported = fields.Boolean(metadata={"description": "true：只看在平台直接发布、未经平台审核的信息（供监督）；false：不看"})
    sort = sort_field("created", "released", default="-created")


class DirectiveQuerySchema(SearchSchema, PeriodSchema):
    """`from`/`to` on the time issued, `q` in the title."""
    sort = sort_field("issued", "due", default="-issued")


LEXICON_CATEGORIES = ("sensitive", "classified", "allowed")  # allowed: a phrase that holds no finding (危机密切)


class LexiconQuerySchema(SearchSchema):
    category = fields.String(validate=validate.OneOf(LEXICON_CATEGORIES))
    sort = sort_field("word", "added", default="word")


class ActionSchema(Schema):
    comment = fields.String(load_default="", validate=validate.Length(max=1000))
    acknowledge = fields.Boolean(load_default=False, metadata={"description": "核稿时确认全部提示"})
    channel = fields.String(validate=validate.OneOf(("phone", "sms")))
    approver_id = Integer(validate=validate.Range(min=1, max=2**31))
    approved_at = fields.AwareDateTime(default_timezone=BEIJING)
    platform = fields.String(validate=validate.Length(max=20))
    url = fields.String(validate=validate.Length(max=500))


class CheckSchema(Schema):
    text = fields.String(required=True, validate=validate.Length(max=20000))
    original = fields.Boolean(load_default=True)
    source = fields.String(load_default="")
    topic = fields.String(load_default="")
    column = fields.String(load_default="")
    series_title = fields.String(load_default="")
    series_no = Integer(load_default=None, allow_none=True)
    series_total = Integer(load_default=None, allow_none=True)
    platforms = fields.List(fields.String(), load_default=list)
    info_type = fields.String(load_default="", validate=validate.OneOf(("", *INFO_TYPES)),
                              metadata={"description": "信息类型：政策、重大决策类须附政府网站原文链接"})


def _checkable(value: str) -> None:
    """A word the checks can match: something left once spaces, punctuation and symbols go."""
    if not word_as_matched(value):
        raise ValidationError("词语须含文字或数字（空格、标点和符号在比对时都会被忽略）")


class LexiconEntrySchema(Schema):
    id = Integer(dump_only=True)
    word = fields.String(required=True, validate=[validate.Length(min=1, max=100), _checkable])
    category = fields.String(required=True, validate=validate.OneOf(LEXICON_CATEGORIES), metadata={
        "description": "sensitive：敏感；classified：涉密（一律禁止）；allowed：允许的短语（其中的字样不算命中，如“危机密切”）"})
    severity = fields.String(load_default="warn", validate=validate.OneOf(("block", "warn")))
    note = fields.String(load_default="", validate=validate.Length(max=200))
    created_at = BeijingDateTime(dump_only=True, metadata={"description": "加入词库的时间"})


class LexiconBatchSchema(Schema):
    entries = fields.List(fields.Nested(LexiconEntrySchema), required=True, validate=validate.Length(min=1, max=20000))


class FiguresQuerySchema(Schema):
    month = fields.String(required=True, validate=validate.Regexp(r"^(19[7-9]\d|2\d{3})-(0[1-9]|1[0-2])$", error="月份格式为 YYYY-MM（1970 年以后）"))


class DirectiveInSchema(Schema):
    title = fields.String(required=True, validate=validate.Length(min=1, max=100))
    lead_draft_id = Integer(required=True, validate=validate.Range(min=1, max=2**31))
    due_at = fields.AwareDateTime(required=True, default_timezone=BEIJING)
    account_ids = fields.List(Integer(validate=validate.Range(min=1, max=2**31)), load_default=list,
                              validate=validate.Length(max=5000), metadata={"description": "为空：全部正常运行的账号"})


class ForwardSchema(Schema):
    account_id = Integer(required=True, validate=validate.Range(min=1, max=2**31))
    url = fields.String(required=True, validate=validate.Length(max=500))


class DirectiveTargetSchema(Schema):
    account_id = Integer()
    account_name = fields.String()
    unit_id = Integer()
    forwarded_at = BeijingDateTime(allow_none=True)
    url = fields.String()
    state = fields.String(metadata={"description": "on_time 按时转发、late 逾期转发、overdue 逾期未转、pending 待转发"})


class DirectiveSchema(Schema):
    id = Integer()
    title = fields.String()
    lead_draft_id = Integer()
    lead_text = fields.String()
    due_at = BeijingDateTime()
    issued_by = fields.String()
    issued_at = BeijingDateTime()
    counts = fields.Dict(metadata={"description": "各情况的账号数（在您的管辖范围内）"})
    targets = fields.List(fields.Nested(DirectiveTargetSchema), metadata={
        "description": "本单位的账号，及其余账号的前若干个；全部见 GET /api/directives/{id}/targets"})
    targets_total = Integer(metadata={"description": "须转发的账号数（在您的管辖范围内）"})


class TargetQuerySchema(Schema):
    state = fields.String(validate=validate.OneOf(("on_time", "late", "overdue", "pending")))


class CalendarQuerySchema(Schema):
    unit_id = Integer(validate=validate.Range(min=1, max=2**31 - 1), metadata={"description": "单位（含下级）"})
    account_id = Integer(validate=validate.Range(min=1, max=2**31 - 1))
    month = fields.String(required=True, validate=validate.Regexp(r"^(19[7-9]\d|2\d{3})-(0[1-9]|1[0-2])$", error="月份格式为 YYYY-MM（1970 年以后）"))


CORRECTION_KINDS = ("typo", "formulation")


def _name(value: str) -> None:
    """A leader's name: characters the checks can match, no punctuation but the middle dot of
    a transcribed name (买买提·艾力)."""
    if not word_as_matched(value) or punctuated(value.replace("·", ""), 0, len(value)):
        raise ValidationError("请填写姓名（不含标点）")


def _title(value: str) -> None:
    if not title_parts(value):
        raise ValidationError("请填写职务，如“副市长”，多个职务以“、”分隔")


class CorrectionSchema(Schema):
    id = Integer(dump_only=True)
    wrong = fields.String(required=True, validate=[validate.Length(min=1, max=50), _checkable],
                          metadata={"description": "错误写法"})
    right = fields.String(required=True, validate=[validate.Length(min=1, max=50), _checkable],
                          metadata={"description": "正确写法"})
    kind = fields.String(required=True, validate=validate.OneOf(CORRECTION_KINDS), metadata={
        "description": "typo：错别字（提示）；formulation：不规范表述（禁止）"})
    note = fields.String(load_default="", validate=validate.Length(max=200))
    source = fields.String(load_default="", validate=validate.Length(max=200), metadata={"description": "依据"})
    created_at = BeijingDateTime(dump_only=True)

    @validates_schema
    def _differs(self, data: dict, **_kwargs) -> None:
        if word_as_matched(data.get("wrong", "")) == word_as_matched(data.get("right", "")):
            raise ValidationError("正确写法须与错误写法不同", "right")


class CorrectionBatchSchema(Schema):
    entries = fields.List(fields.Nested(CorrectionSchema), required=True, validate=validate.Length(min=1, max=5000))


class CorrectionQuerySchema(SearchSchema):
    kind = fields.String(validate=validate.OneOf(CORRECTION_KINDS))
    sort = sort_field("wrong", "added", default="wrong")


class LeaderSchema(Schema):
    id = Integer(dump_only=True)
    name = fields.String(required=True, validate=[validate.Length(min=1, max=20), _name])
    title = fields.String(required=True, validate=[validate.Length(min=1, max=100), _title],
                          metadata={"description": "职务，多个以“、”分隔，如“市委常委、常务副市长”"})
    unit_name = fields.String(load_default="", validate=validate.Length(max=100))
    rank = Integer(required=True, validate=validate.Range(min=1, max=9999, error="排名为 1 至 9999 的整数"),
                   metadata={"description": "排名顺序，1 在最前"})
    active = fields.Boolean(load_default=True)
    created_at = BeijingDateTime(dump_only=True)


class LeaderBatchSchema(Schema):
    entries = fields.List(fields.Nested(LeaderSchema), required=True, validate=validate.Length(min=1, max=2000))


class LeaderQuerySchema(SearchSchema):
    active = fields.Boolean()
    sort = sort_field("rank", "name", "added", default="rank")


# --- daily reading (X18) ---

class ReadingInSchema(Schema):
    day = fields.Date(load_default=None, metadata={"description": "只能是今天（北京时间）；省略即今天"})


class ReadingTodaySchema(Schema):
    day = fields.Date()
    posts = Integer(metadata={"description": "本单位今天发布的博文条数"})
    reader = fields.Boolean(metadata={"description": "当前登录人是主要负责人，可标记已阅"})
    marked = fields.Boolean()
    marked_at = BeijingDateTime(allow_none=True)


class ReadingMarkSchema(Schema):
    id = Integer()
    unit_id = Integer()
    unit_name = fields.String()
    day = fields.Date()
    person_name = fields.String()
    posts = Integer(metadata={"description": "标记时当天已发布的博文条数"})
    marked_at = BeijingDateTime()


class ReadingSpanSchema(PeriodSchema):
    """`from`/`to` (Beijing days, at most 31 together); the last 7 days by default."""


class ReadingQuerySchema(ListQuerySchema):
    """The marks: `from`/`to` (the last 7 days by default), a unit (and below it)."""


class ReadingRateSchema(Schema):
    unit_id = Integer()
    unit_name = fields.String()
    days_posted = Integer(metadata={"description": "有发布的天数"})
    days_read = Integer(metadata={"description": "其中主要负责人标记已阅的天数"})
    rate = fields.Float(metadata={"description": "阅读率"})


# ------------------------------------------------------------------------- emergencies (X20.6, N11)
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
class ProofreadingSchema(Schema):
    """三审三校: whether drafts are proof-read (校对) before 核稿."""
    city = fields.Boolean(metadata={"description": "全市默认开启（联席会议办公室设置）"})
    unit_id = Integer()
    unit = fields.Boolean(metadata={"description": "本单位自行开启"})
    effective = fields.Boolean(metadata={"description": "本单位的稿件提交后先校对"})
    may_set_unit = fields.Boolean()
    may_set_city = fields.Boolean()


class ProofreadingInSchema(Schema):
    enabled = fields.Boolean(required=True)


_URL = {"required": True, "schemes": {"http", "https"}, "validate": validate.Length(max=500)}


class ForwardInSchema(Schema):
    """A forward of a superior or related account's post, made outside a directive (X14, N22)."""
    account_id = Integer(required=True, validate=validate.Range(min=1, max=2**31))
    platform = fields.String(required=True, validate=validate.Length(min=1, max=20))
    source_account = fields.String(required=True, validate=validate.Length(min=1, max=100),
                                   metadata={"description": "被转发的上级或相关账号"})
    source_url = fields.Url(metadata={"description": "原信息的网址"}, **_URL)
    url = fields.Url(metadata={"description": "本账号转发后的网址"}, **_URL)
    forwarded_at = fields.AwareDateTime(load_default=None, allow_none=True, default_timezone=BEIJING,
                                        metadata={"description": "转发时间；省略即现在"})


class ForwardOutSchema(Schema):
    id = Integer()
    account_id = Integer()
    account_name = fields.String()
    unit_id = Integer()
    platform = fields.String()
    source_account = fields.String()
    source_url = fields.String()
    url = fields.String()
    forwarded_at = BeijingDateTime()
    recorded_by = fields.String()
    recorded_at = BeijingDateTime()


class ForwardQuerySchema(ListQuerySchema):
    """`from`/`to` on the time forwarded, `q` in the source account's name."""
    account_id = Integer(validate=validate.Range(min=1, max=2**31 - 1))
    platform = fields.String(validate=validate.Length(min=1, max=20))
    sort = sort_field("forwarded", default="-forwarded")


class ForwardCountQuerySchema(FiguresQuerySchema):
    unit_id = Integer(validate=validate.Range(min=1, max=2**31 - 1), metadata={"description": "单位（含下级）"})


class ForwardCountSchema(Schema):
    account_id = Integer()
    account_name = fields.String()
    unit_id = Integer()
    month = fields.String()
    forwards = Integer()


# ------------------------------------------------------------------------------ the website (X27, X28)
class PostFeedQuerySchema(Schema):
    """A public feed: the city's, a unit's (with the units below it) or an account's."""
    unit_id = Integer(validate=validate.Range(min=1, max=2**31 - 1), metadata={"description": "单位（含下级）"})
    account_id = Integer(validate=validate.Range(min=1, max=2**31 - 1), metadata={"description": "账号"})
    before = fields.String(validate=validate.Regexp(r"^\d{8}T\d{12}-\d{1,12}$", error="翻页位置无效"),
                           metadata={"description": "翻页：上一页 next 链接给出的位置"})

    @validates_schema
    def _one(self, data: dict, **_kwargs) -> None:
        if data.get("unit_id") and data.get("account_id"):
            raise ValidationError("单位和账号只能选一个", "account_id")


class PortalFeedInSchema(Schema):
    account_id = Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1))
    url = fields.String(required=True, validate=validate.Length(min=8, max=500),
                        metadata={"description": "门户网站的 Atom 或 RSS 2.0 网址（https）"})
    title = fields.String(required=True, validate=validate.Length(min=1, max=100),
                          metadata={"description": "网站名称：导入稿件的来源"})
    info_type = fields.String(load_default="disclosure", validate=validate.OneOf(INFO_TYPES))
    import_existing = fields.Boolean(load_default=False, metadata={
        "description": "首次读取时把网站源已有的条目也转为草稿（默认只转之后新增的）"})


class PortalFeedQuerySchema(ListQuerySchema):
    """`q` in the name or address; `unit_id` (and below), `account_id`, `active`, `failing`."""
    account_id = Integer(validate=validate.Range(min=1, max=2**31 - 1))
    active = fields.Boolean()
    failing = fields.Boolean(metadata={"description": "只看上次读取失败的"})
    sort = sort_field("added", "read", default="-added")


class PortalFeedSchema(Schema):
    id = Integer()
    account_id = Integer()
    account_name = fields.String()
    unit_id = Integer()
    url = fields.String()
    title = fields.String()
    info_type = fields.String()
    info_type_name = fields.String()
    import_existing = fields.Boolean()
    active = fields.Boolean()
    created_by = fields.String()
    created_at = BeijingDateTime()
    read_at = BeijingDateTime(allow_none=True)
    ok_at = BeijingDateTime(allow_none=True)
    error = fields.String(metadata={"description": "上次读取失败的原因（成功时为空）"})
    failures = Integer(metadata={"description": "连续失败次数"})
    drafted = Integer(metadata={"description": "已转为草稿的条数"})
    may_change = fields.Boolean()


class PortalActiveSchema(Schema):
    active = fields.Boolean(required=True)


class PortalEntrySchema(Schema):
    id = Integer()
    title = fields.String()
    link = fields.String()
    draft_id = Integer(allow_none=True)
    seen_at = BeijingDateTime()


class CredentialFieldSchema(Schema):
    name = fields.String(metadata={"description": "凭据名称（提交时的键）"})
    label = fields.String(metadata={"description": "凭据的中文名称"})


class PlatformAdapterSchema(Schema):
    platform = fields.String()
    platform_name = fields.String()
    credentials = fields.List(fields.Nested(CredentialFieldSchema), metadata={"description": "连接时须填写的凭据"})


class ConnectionInSchema(Schema):
    account_uid = fields.String(required=True, validate=validate.Length(max=200),
                                metadata={"description": "账号在平台上的编号（如微博 uid、公众号原始 ID）"})
    credentials = fields.Dict(keys=fields.String(validate=validate.Length(min=1, max=50)), values=fields.Raw(),
                              required=True, validate=validate.Length(max=10), metadata={
        "description": "凭据，键为 GET /api/platform-adapters 所列名称，全部必填；加密保存，此后不再显示"})


class ConnectionSchema(Schema):
    """An account's connection on one platform; the credentials never, only whether some are kept."""
    account_id = Integer()
    platform = fields.String()
    platform_name = fields.String()
    status = fields.String(metadata={"description": "connected 已连接、expired 凭据已失效、disabled 已断开、none 未连接"})
    status_name = fields.String()
    has_adapter = fields.Boolean(metadata={"description": "该平台有接口适配器（否则只能人工发布）"})
    credential_fields = fields.List(fields.Nested(CredentialFieldSchema))
    credentials_kept = fields.Boolean(metadata={"description": "已保存凭据（加密，不再显示）"})
    may_change = fields.Boolean()
    account_uid = fields.String()
    connected_by = fields.String()
    connected_at = BeijingDateTime()
    error = fields.String(metadata={"description": "平台最近一次的失败原因"})
    token_expires_at = BeijingDateTime(allow_none=True)
    polled_at = BeijingDateTime(allow_none=True)
    revision = Integer()
class MonthFigureSchema(AsAnswered):
    """An account's posts in a month against its quota (services/publishing/figures.py)."""
    account_id = fields.Integer()
    unit_id = fields.Integer()
    unit_path = fields.String()
    month = fields.String(metadata={"description": "YYYY-MM（北京时间）"})
    category = fields.String(allow_none=True)
    posts = fields.Integer(metadata={"description": "发布量（每条发布的稿件计一条）"})
    original = fields.Integer(metadata={"description": "原创数"})
    original_share = fields.Float(metadata={"description": "原创率（0–1）"})
    quota = fields.Integer(metadata={"description": "月度定额"})
    quota_met = fields.Boolean()
    original_met = fields.Boolean()
