"""The assessment service's request and response shapes."""
import datetime as dt
import json

from marshmallow import INCLUDE, Schema, fields, validate

from govmb.contracts.assessment import TRAINER_KIND_NAMES, TRAINING_KIND_NAMES
from govmb.paging import ListQuerySchema, SearchSchema, sort_field
from govmb.schemas import AsAnswered, Integer, RowErrorSchema
from govmb.timefmt import BEIJING, BeijingDateTime, to_beijing
from services.assessment.dormancy import KIND_NAMES as DORMANCY_KINDS
from services.assessment.dormancy import STATUS_NAMES as DORMANCY_STATUS_NAMES
from services.assessment.early_warning import KIND_NAMES as WARNING_KINDS
from services.assessment.early_warning import LEVELS as WARNING_LEVELS
from services.assessment.incidents import KIND_NAMES as INCIDENT_KINDS
from services.assessment.incidents import REPORTED_TO_NAMES as INCIDENT_REPORTED_TO
from services.assessment.inspections import STATUS_NAMES as INSPECTION_STATUS_NAMES
from services.assessment.records import RECORD_KINDS


class AsofSchema(Schema):
    asof = fields.AwareDateTime(load_default=None, default_timezone=None,
                                metadata={"description": "截至时间（ISO 8601，带时区）；默认为现在或期间结束"})


class AssessQuerySchema(AsofSchema):
    unit_id = Integer(validate=validate.Range(min=1, max=2**31 - 1),
                             metadata={"description": "只看该单位及其下级单位（逐级查看）"})
    accounts = fields.Boolean(load_default=True, metadata={"description": "false：不列各账号（总览只要单位）"})
    counts = fields.Boolean(load_default=True, metadata={
        "description": "false：单位行不带各项计数和分项得分（看板只要比率、得分、等次和否决）"})
    recent = fields.Boolean(load_default=False, metadata={
        "description": "true：以最近一次统计（每分钟一次）为准，较快，asof 为统计时刻；无近期统计时即时统计"})


class WarningSummaryQuerySchema(Schema):
    unit_id = Integer(validate=validate.Range(min=1, max=2**31 - 1),
                             metadata={"description": "只看该单位及其下级单位"})
    first = Integer(load_default=20, validate=validate.Range(min=0, max=200),
                           metadata={"description": "列出最紧急的多少条"})


class WarningQuerySchema(Schema):
    unit_id = Integer(validate=validate.Range(min=1, max=2**31 - 1),
                             metadata={"description": "只看该单位及其下级单位"})
    kind = fields.String(validate=validate.OneOf(WARNING_KINDS), metadata={"description": "预警类别"})
    level = fields.String(validate=validate.OneOf(WARNING_LEVELS), metadata={"description": "预警级别"})


class WarningSchema(Schema):
    account_id = Integer()
    account_name = fields.String()
    unit_id = Integer()
    unit_path = fields.String()
    level = fields.String()
    level_name = fields.String()
    kind = fields.String()
    kind_name = fields.String()
    text = fields.String()
    days_left = Integer()


class RecordsQuerySchema(AsofSchema):
    kind = fields.String(required=True, validate=validate.OneOf(RECORD_KINDS))
    unit_id = Integer(required=True, validate=validate.Range(min=1))
    account_id = Integer(load_default=None, validate=validate.Range(min=1))


class DutyQuerySchema(Schema):
    account_id = Integer(required=True, validate=validate.Range(min=1))
    start = fields.Date(required=True, data_key="from")
    end = fields.Date(required=True, data_key="to")


class MonthSchema(Schema):
    month = fields.String(required=True, validate=validate.Regexp(r"^\d{4}-(0[1-9]|1[0-2])$",
                                                                  error="月份应形如 2026-10"))


class ArchiveQuerySchema(ListQuerySchema):
    """`unit_id` narrows to that unit and the units below it; `q` in the unit's name."""
    month = fields.String(load_default=None, validate=validate.Regexp(r"^\d{4}-(0[1-9]|1[0-2])$",
                                                                      error="月份应形如 2026-10"))
    sort = sort_field("month", "unit", default="-month")


class ArchiveSchema(Schema):
    id = Integer()
    unit_id = Integer()
    unit_name = fields.String()
    month = fields.String()
    sha256 = fields.String()
    chain = fields.String()
    summary = fields.Method("_summary")
    created_at = fields.Method("_created")

    def _summary(self, archive):
        return json.loads(archive.summary)

    def _created(self, archive):
        return to_beijing(archive.created_at).isoformat(timespec="seconds")


class ReportQuerySchema(Schema):
    unit_id = Integer(load_default=None, validate=validate.Range(min=1),
                             metadata={"description": "只看这个单位及其下级单位"})
    format = fields.String(load_default="json", validate=validate.OneOf(("json", "pdf", "xlsx")))


class ImportFileSchema(Schema):
    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary"})


# --- inspections, training, roster, followers ---

EARLIEST_DAY, LATEST_DAY = dt.date(2004, 1, 1), dt.date(2100, 12, 31)
_DAY_RANGE = validate.Range(min=EARLIEST_DAY, max=LATEST_DAY, error="日期须在 2004 年至 2100 年之间")
_TIME_RANGE = validate.Range(min=dt.datetime(2004, 1, 1, tzinfo=BEIJING), max=dt.datetime(2100, 1, 1, tzinfo=BEIJING),
                             error="时间须在 2004 年至 2100 年之间")
_ID = validate.Range(min=1, max=2**31 - 1)
_DATE = {"invalid": "须为日期，例如 2026-10-01"}


class InspectionInSchema(Schema):
    unit_id = Integer(required=True, validate=_ID, metadata={"description": "被检查单位"})
    inspected_on = fields.Date(required=True, error_messages=_DATE, validate=_DAY_RANGE, metadata={"description": "检查日期"})
    checked = fields.String(required=True, validate=validate.Length(min=1, max=5000), metadata={"description": "检查内容"})
    found = fields.String(required=True, validate=validate.Length(min=1, max=5000), metadata={"description": "发现的问题"})
    required = fields.String(required=True, validate=validate.Length(min=1, max=5000), metadata={"description": "整改要求"})
    fix_by = fields.Date(required=True, error_messages=_DATE, validate=_DAY_RANGE, metadata={"description": "整改期限（含当日）"})
    indicator = fields.String(load_default="", validate=validate.Length(max=30), metadata={
        "description": "问题对应的19号检查指标（GET /api/inspections/indicators 的 code）；不填则不扣分"})
    deduction = fields.Float(load_default=None, allow_none=True, validate=validate.Range(min=0, max=100), metadata={
        "description": "扣分；不填取该指标的标准扣分，可在 0 至该指标上限之间"})
    account_ids = fields.List(Integer(validate=_ID), load_default=list, metadata={
        "description": "本次检查的账号（被检查单位及其下级单位的）：计入季度检查覆盖率"})


class InspectionQuerySchema(ListQuerySchema):
    """`unit_id` narrows to that unit and the units below it; `from`/`to` on the day inspected;
    `q` in what was checked."""
    overdue = fields.Boolean(load_default=False, metadata={"description": "只看整改已逾期的"})
    status = fields.String(validate=validate.OneOf(tuple(INSPECTION_STATUS_NAMES)))
    # urgency: overdue fixes first, then those still owed, each by the day the fix is due
    sort = sort_field("urgency", "inspected", "fix_by", default="urgency")


class FixReportSchema(Schema):
    text = fields.String(required=True, validate=validate.Length(max=5000), metadata={"description": "整改情况"})
    fixed_on = fields.Date(required=True, error_messages=_DATE, validate=_DAY_RANGE, metadata={"description": "整改完成日期"})


class FixReviewSchema(Schema):
    accept = fields.Boolean(required=True, metadata={"description": "true：验收通过；false：不通过（须写明意见）"})
    comment = fields.String(load_default="", validate=validate.Length(max=2000))


class InspectionStepSchema(Schema):
    action = fields.String()
    action_name = fields.String()
    text = fields.String()
    fixed_on = fields.Date(allow_none=True)
    actor_name = fields.String()
    at = BeijingDateTime()


class InspectionSchema(Schema):
    id = Integer()
    unit_id = Integer()
    unit_name = fields.String()
    inspected_on = fields.Date()
    checked = fields.String()
    found = fields.String()
    required = fields.String()
    fix_by = fields.Date()
    status = fields.String(metadata={"description": "open（待整改）、reported（待验收）、accepted（通过）、rejected（未通过）"})
    status_name = fields.String()
    overdue = fields.Boolean(metadata={"description": "整改期限已过，整改仍未报告（或被退回）"})
    days_overdue = Integer()
    fixed_late = fields.Boolean(metadata={"description": "报告的整改完成日期晚于期限"})
    recorded_by = fields.String()
    recorded_at = BeijingDateTime()
    fix_report = fields.String()
    fixed_on = fields.Date(allow_none=True)
    reported_by = fields.String()
    reported_at = BeijingDateTime(allow_none=True)
    review_comment = fields.String()
    reviewed_by = fields.String()
    reviewed_at = BeijingDateTime(allow_none=True)
    indicator = fields.String(metadata={"description": "19号检查指标；空：不扣分"})
    indicator_name = fields.String()
    deduction = fields.Float(metadata={"description": "本条问题在考核中扣除的分数"})
    account_ids = fields.List(Integer(), metadata={"description": "本次检查的账号（详情中）"})
    history = fields.List(fields.Nested(InspectionStepSchema), metadata={"description": "仅在单条查询时给出"})


TRAINING_KINDS = tuple(TRAINING_KIND_NAMES)
TRAINER_KINDS = tuple(TRAINER_KIND_NAMES)


class TrainerSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=50))
    kind = fields.String(required=True, validate=validate.OneOf(TRAINER_KINDS),
                         metadata={"description": "平台技术专家、有关领导、学者、网站负责人、意见领袖、先进单位代表"})
    affiliation = fields.String(load_default="", validate=validate.Length(max=100), metadata={"description": "所在单位"})


class AttendeeInSchema(Schema):
    person_name = fields.String(required=True, validate=validate.Length(min=1, max=50))
    unit_id = Integer(required=True, validate=_ID)


class TrainingInSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(TRAINING_KINDS),
                         metadata={"description": "course（授课培训）或 exchange（经验交流座谈会）"})
    title = fields.String(required=True, validate=validate.Length(min=1, max=100))
    held_on = fields.Date(required=True, error_messages=_DATE, validate=_DAY_RANGE)
    # The bounds are given again as numbers: apispec writes a Decimal field's Range as Decimals,
    # which the OpenAPI document would carry as strings.
    hours = fields.Decimal(required=True, places=1, validate=validate.Range(min=0.5, max=100),
                           metadata={"description": "学时，0.5 至 100，一位小数", "minimum": 0.5, "maximum": 100})
    place = fields.String(load_default="", validate=validate.Length(max=100))
    trainers = fields.List(fields.Nested(TrainerSchema), load_default=list, validate=validate.Length(max=20))
    invited_unit_ids = fields.List(Integer(validate=_ID), load_default=list, validate=validate.Length(max=1000))
    attendees = fields.List(fields.Nested(AttendeeInSchema), load_default=list, validate=validate.Length(max=2000))


class AttendeesInSchema(Schema):
    attendees = fields.List(fields.Nested(AttendeeInSchema), required=True, validate=validate.Length(min=1, max=2000))


class TrainingSessionSchema(Schema):
    id = Integer()
    kind = fields.String()
    kind_name = fields.String()
    title = fields.String()
    held_on = fields.Date()
    hours = fields.Float()
    place = fields.String()
    trainers = fields.List(fields.Dict(), attribute="trainer_list")
    invited = fields.List(fields.Dict(), metadata={"description": "邀请单位（本单位及下级单位）"})
    attendees = fields.List(fields.Dict(), attribute="attendee_list", metadata={"description": "参训人员（本单位及下级单位）"})
    own = fields.Boolean(metadata={"description": "单位自行组织的培训"})
    organiser_unit_id = Integer(allow_none=True, metadata={"description": "组织单位；联席会议办公室组织的为空"})
    organiser_name = fields.String()
    recorded_by = fields.String()
    recorded_at = BeijingDateTime()


class TrainingYearSchema(Schema):
    year = Integer(load_default=None, validate=validate.Range(min=2004, max=2100), metadata={"description": "默认今年"})
    unit_id = Integer(validate=_ID)


class TrainingRecordSchema(Schema):
    unit_id = Integer()
    unit_name = fields.String()
    invited = Integer(metadata={"description": "受邀场次"})
    sessions = Integer(metadata={"description": "参加场次"})
    attendees = Integer(metadata={"description": "参训人次"})
    hours = fields.Float(metadata={"description": "人·学时（每人次计该场学时）"})
    absent = Integer(metadata={"description": "已举行、受邀而无人参加的场次"})
    own_sessions = Integer(metadata={"description": "本单位自行组织的场次"})
    own_attendees = Integer(metadata={"description": "本单位人员参加本单位自行组织培训的人次"})
    own_hours = fields.Float(metadata={"description": "其中自行组织培训的人·学时"})


class TrainingExportSchema(Schema):
    year = Integer(load_default=None, validate=validate.Range(min=2004, max=2100), metadata={"description": "默认今年"})
    format = fields.String(load_default="csv", validate=validate.OneOf(("csv", "xlsx")))


class ShiftInSchema(Schema):
    account_id = Integer(load_default=None, allow_none=True, validate=_ID,
                                metadata={"description": "账号；不填则为本单位值班（覆盖本单位各账号）"})
    starts_at = fields.AwareDateTime(required=True, default_timezone=BEIJING, validate=_TIME_RANGE,
                                     metadata={"description": "不带时区即为北京时间"})
    ends_at = fields.AwareDateTime(required=True, default_timezone=BEIJING, validate=_TIME_RANGE)
    person_name = fields.String(required=True, validate=validate.Length(min=1, max=50))
    phone = fields.String(required=True, validate=validate.Regexp(r"^\+?[0-9][0-9 \-]{4,18}[0-9]$",
                                                                  error="请填写电话号码（数字，可含 - 和空格）"))


class ShiftSchema(Schema):
    id = Integer()
    unit_id = Integer()
    account_id = Integer(allow_none=True)
    account_name = fields.String()
    starts_at = BeijingDateTime()
    ends_at = BeijingDateTime()
    person_name = fields.String()
    phone = fields.String()
    entered_by = fields.String()
    entered_at = BeijingDateTime()


class ShiftQuerySchema(Schema):
    unit_id = Integer(validate=_ID, metadata={"description": "默认本单位"})
    account_id = Integer(validate=_ID)
    start = fields.Date(data_key="from", error_messages=_DATE, load_default=None, validate=_DAY_RANGE, metadata={"description": "默认今天（北京时间）"})
    days = Integer(load_default=7, validate=validate.Range(min=1, max=62), metadata={"description": "自该日零时起的天数"})


class RosterUnitSchema(Schema):
    unit_id = Integer(validate=_ID, metadata={"description": "默认本单位"})
    days = Integer(load_default=7, validate=validate.Range(min=1, max=31), metadata={"description": "查看空档的天数"})


class AccountOnDutySchema(Schema):
    account_id = Integer()
    account_name = fields.String()
    shift = fields.Nested(ShiftSchema, allow_none=True)
    covered_by = fields.String(allow_none=True, metadata={"description": "account（账号班次）、unit（本单位班次），空为无人值班"})


class OnDutySchema(Schema):
    unit_id = Integer()
    unit_name = fields.String()
    at = BeijingDateTime()
    unit_shift = fields.Nested(ShiftSchema, allow_none=True)
    accounts = fields.List(fields.Nested(AccountOnDutySchema))


class GapSchema(Schema):
    account_id = Integer(allow_none=True, metadata={"description": "空：本单位（本单位没有运行中的账号时）"})
    account_name = fields.String()
    starts_at = BeijingDateTime()
    ends_at = BeijingDateTime()
    hours = fields.Float()


class FollowerInSchema(Schema):
    account_id = Integer(required=True, validate=_ID)
    day = fields.Date(required=True, error_messages=_DATE, validate=_DAY_RANGE)
    followers = Integer(required=True, strict=True, validate=validate.Range(min=0, max=2**31 - 1))


class FollowerQuerySchema(ListQuerySchema):
    """The window of days, narrowed by unit, account (or a search in its name) and dates."""
    account_id = Integer(validate=_ID)
    days = Integer(load_default=30, validate=validate.Range(min=1, max=366), metadata={"description": "最近的天数"})


class FollowerSchema(Schema):
    account_id = Integer()
    account_name = fields.String()
    day = fields.Date()
    followers = Integer()
    change = Integer(allow_none=True, metadata={"description": "与前一日相比（前一日未录入则为空）"})
    replaced = fields.Boolean(metadata={"description": "录入时替换了当日已有的数字"})
    previous = Integer(allow_none=True)
    entered_by = fields.String()
    entered_at = BeijingDateTime()


# --- supervisors' documents: the quarterly 检查情况通报, the annual 年度报表 ---

_QUARTER = validate.Regexp(r"^(20[0-9][0-9]|2100)-Q[1-4]$", error="季度应形如 2026-Q3（2000 至 2100 年）")
_TEXT = {"issuer": 60, "prefix": 20, "title": 200, "addressees": 300, "signer": 60}


class BulletinEditSchema(Schema):
    """The fields of a draft 通报; each may be left out (unchanged)."""
    issuer = fields.String(validate=validate.Length(max=_TEXT["issuer"]), metadata={"description": "发文机关标志"})
    prefix = fields.String(validate=validate.Length(max=_TEXT["prefix"]), metadata={"description": "发文机关代字，如 洪政微办"})
    year = Integer(validate=validate.Range(min=2000, max=2100), metadata={"description": "文号的年份"})
    serial = Integer(validate=validate.Range(min=1, max=9999), metadata={"description": "文号的顺序号（同一代字同一年内唯一）"})
    title = fields.String(validate=validate.Length(max=_TEXT["title"]), metadata={"description": "标题"})
    addressees = fields.String(validate=validate.Length(max=_TEXT["addressees"]), metadata={"description": "主送机关"})
    body = fields.String(validate=validate.Length(max=20000), metadata={"description": "正文，每行一段"})
    signer = fields.String(validate=validate.Length(max=_TEXT["signer"]), metadata={"description": "落款"})
    dated = fields.Date(metadata={"description": "成文日期"})


class BulletinDraftSchema(Schema):
    quarter = fields.String(required=True, validate=_QUARTER, metadata={"description": "通报的季度，如 2026-Q3"})
    issuer = BulletinEditSchema._declared_fields["issuer"]
    prefix = BulletinEditSchema._declared_fields["prefix"]
    year = BulletinEditSchema._declared_fields["year"]
    serial = BulletinEditSchema._declared_fields["serial"]
    addressees = BulletinEditSchema._declared_fields["addressees"]
    signer = BulletinEditSchema._declared_fields["signer"]


class BulletinQuerySchema(SearchSchema):
    """`q` in the title."""
    status = fields.String(validate=validate.OneOf(("draft", "issued")))
    year = Integer(validate=validate.Range(min=2000, max=2100), metadata={"description": "文号的年份"})
    sort = sort_field("number", "quarter", default="-number")


class AnnualReportQuerySchema(ReportQuerySchema):
    pass


_COUNT = {"validate": validate.Range(min=0, max=100000, error="须为 0 至 100000 之间的整数"), "required": True}


class AnnualEntrySchema(Schema):
    """The year's figures that happen outside the product (issue 18); all four are required."""
    unit_id = Integer(load_default=None, validate=validate.Range(min=1),
                      metadata={"description": "本单位的 id；不填：联席会议办公室、督查填全市的，单位人员填本单位的"})
    surveys = Integer(**_COUNT, metadata={"description": "征集调查期数（期）"})
    interviews = Integer(**_COUNT, metadata={"description": "访谈期数（期）"})
    smart_qa = fields.Boolean(required=True, metadata={"description": "是否提供智能问答"})
    security_assessments = Integer(**_COUNT, metadata={"description": "安全检测评估次数（次）"})


class AnnualEntryOutSchema(Schema):
    year = Integer()
    unit_id = Integer(metadata={"description": "0：全市"})
    surveys = Integer()
    interviews = Integer()
    smart_qa = fields.Boolean()
    security_assessments = Integer()
    entered_by = fields.String()
    entered_at = BeijingDateTime()


class IndicatorSchema(Schema):
    code = fields.String()
    group = fields.String()
    name = fields.String()
    basis = fields.String()
    deduction = fields.Float(metadata={"description": "标准扣分"})
    max = fields.Float(metadata={"description": "每条问题最多扣分"})


class IndicatorTableSchema(Schema):
    source = fields.String()
    note = fields.String()
    indicators = fields.List(fields.Nested(IndicatorSchema))


class CoverageQuerySchema(Schema):
    quarter = fields.String(load_default=None, validate=_QUARTER, metadata={"description": "季度，形如 2026-Q3；默认本季度"})
    unit_id = Integer(validate=_ID, metadata={"description": "只看该单位及其下级单位"})


class CoverageSchema(Schema):
    quarter = fields.String()
    start = fields.String()
    end = fields.String()
    accounts = Integer(metadata={"description": "本季度应检查的账号数（正常运行的政务账号）"})
    checked = Integer(metadata={"description": "本季度已被检查的账号数"})
    unchecked = Integer()
    rate = fields.Float(allow_none=True, metadata={"description": "检查覆盖率（0–1）；没有应检查账号时为空"})


class CoverageUnitSchema(Schema):
    unit_id = Integer()
    unit_name = fields.String()
    accounts = Integer()
    checked = Integer()
    unchecked = Integer()
    rate = fields.Float(allow_none=True)


class UncheckedAccountSchema(Schema):
    id = Integer()
    name = fields.String()
    unit_id = Integer()
    unit_name = fields.String()


# --- security incidents (X24, G19.3) ---

_INCIDENT_TIME = {"description": "不带时区即为北京时间"}


class IncidentInSchema(Schema):
    account_id = Integer(required=True, validate=_ID, metadata={"description": "发生事件的账号"})
    kind = fields.String(required=True, validate=validate.OneOf(tuple(INCIDENT_KINDS)),
                         metadata={"description": "hijacked（账号被盗用或冒用）、leak（泄露秘密）、misstatement（严重表述错误）、other"})
    description = fields.String(required=True, validate=validate.Length(min=1, max=5000), metadata={"description": "经过"})
    found_at = fields.AwareDateTime(required=True, default_timezone=BEIJING, validate=_TIME_RANGE, metadata=_INCIDENT_TIME)
    handled_at = fields.AwareDateTime(load_default=None, allow_none=True, default_timezone=BEIJING, validate=_TIME_RANGE,
                                      metadata=_INCIDENT_TIME)
    reported_at = fields.AwareDateTime(load_default=None, allow_none=True, default_timezone=BEIJING,
                                       validate=_TIME_RANGE, metadata=_INCIDENT_TIME)
    reported_to = fields.String(load_default="", validate=validate.OneOf(("", *INCIDENT_REPORTED_TO)),
                                metadata={"description": "superior（上级单位）、office（联席会议办公室）、both"})
    measures = fields.String(load_default="", validate=validate.Length(max=5000), metadata={"description": "采取的措施"})


class IncidentUpdateSchema(Schema):
    """What the unit adds as it handles and reports the incident; a field left out stays."""
    handled_at = fields.AwareDateTime(allow_none=True, default_timezone=BEIJING, validate=_TIME_RANGE)
    reported_at = fields.AwareDateTime(allow_none=True, default_timezone=BEIJING, validate=_TIME_RANGE)
    reported_to = fields.String(validate=validate.OneOf(("", *INCIDENT_REPORTED_TO)))
    measures = fields.String(validate=validate.Length(max=5000))
    description = fields.String(validate=validate.Length(min=1, max=5000))


class IncidentQuerySchema(ListQuerySchema):
    """`unit_id` narrows to that unit and those below; `from`/`to` on the day found; `q` in the account's name."""
    kind = fields.String(validate=validate.OneOf(tuple(INCIDENT_KINDS)))
    open = fields.Boolean(load_default=False, metadata={"description": "只看尚未处置或尚未报告的"})


class IncidentSchema(Schema):
    id = Integer()
    account_id = Integer()
    runs = fields.Boolean(metadata={"description": "本人单位是否办理这个账号的事：主管单位，或在主管单位名下时的管理部门（X6）"})
    account_name = fields.String()
    unit_id = Integer()
    unit_name = fields.String()
    kind = fields.String()
    kind_name = fields.String()
    description = fields.String()
    found_at = BeijingDateTime()
    handled_at = BeijingDateTime(allow_none=True)
    reported_at = BeijingDateTime(allow_none=True)
    reported_to = fields.String()
    reported_to_name = fields.String()
    handled = fields.Boolean()
    reported = fields.Boolean()
    measures = fields.String()
    recorded_by = fields.String()
    recorded_at = BeijingDateTime()
    updated_by = fields.String()
    updated_at = BeijingDateTime()


# --- dormant accounts (僵尸号) ---


class DormantQuerySchema(ListQuerySchema):
    """`unit_id` narrows to that unit (and below it); `q` in the account's name."""
    kind = fields.String(validate=validate.OneOf(tuple(DORMANCY_KINDS)),
                         metadata={"description": "silent（长期未更新）、unanswered（留言长期未回复）；不填：两者之一"})
    account_id = Integer(validate=_ID, metadata={"description": "只看这个账号（是否为僵尸号）"})
    # days: days silent, most first with -days (the default); name: the account's name
    sort = sort_field("days", "name", default="-days")


class DormantSchema(Schema):
    account_id = Integer()
    account_name = fields.String()
    unit_id = Integer()
    unit_name = fields.String()
    last_post_day = fields.String(allow_none=True, metadata={"description": "最近一次发布的日期（北京时间），从未发布为空"})
    days_silent = Integer(metadata={"description": "距最近一次发布（从未发布：开通）的天数"})
    unanswered = Integer(metadata={"description": "超过规定月数未回复的留言条数"})
    kinds = fields.List(fields.String())
    kind_names = fields.List(fields.String())
    found = fields.String()
    open_order = fields.Dict(allow_none=True, metadata={"description": "未办结的整改通知：id、status、status_name、deadline"})


class DormancyOrderInSchema(Schema):
    account_id = Integer(required=True, validate=_ID, metadata={"description": "僵尸号账号"})
    reason = fields.String(required=True, validate=validate.Length(max=2000), metadata={"description": "整改要求与理由"})
    deadline = fields.Date(required=True, error_messages=_DATE, validate=_DAY_RANGE, metadata={"description": "整改期限（含当日）"})


class DormancyAnswerSchema(Schema):
    text = fields.String(required=True, validate=validate.Length(max=5000), metadata={"description": "整改情况"})


class DormancyReviewSchema(Schema):
    accept = fields.Boolean(required=True, metadata={"description": "true：整改通过；false：不通过（须写明意见）"})
    comment = fields.String(load_default="", validate=validate.Length(max=2000))


class DormancyClosureSchema(Schema):
    comment = fields.String(load_default="", validate=validate.Length(max=2000),
                            metadata={"description": "责令关闭的理由（不填：整改通知的要求）"})


class DormancyOrderQuerySchema(ListQuerySchema):
    """`unit_id` narrows to that unit (and below it); `from`/`to` on the deadline; `q` in the account's name."""
    status = fields.String(validate=validate.OneOf(tuple(DORMANCY_STATUS_NAMES)))
    past_deadline = fields.Boolean(load_default=False, metadata={"description": "只看期限已过、尚未办结的"})
    account_id = Integer(validate=_ID)
    sort = sort_field("deadline", "issued", default="-issued")


class DormancyStepSchema(Schema):
    action = fields.String()
    action_name = fields.String()
    text = fields.String()
    actor_name = fields.String()
    at = BeijingDateTime()


class DormancyOrderSchema(Schema):
    id = Integer()
    account_id = Integer()
    account_name = fields.String()
    unit_id = Integer()
    unit_name = fields.String()
    kinds = fields.String()
    kind_names = fields.List(fields.String())
    found = fields.String()
    reason = fields.String()
    deadline = fields.Date()
    status = fields.String(metadata={"description": "issued（待答复）、answered（待审核）、accepted（整改通过）、"
                                                    "rejected（未通过，待重新答复）、closure_ordered（已责令关闭）"})
    status_name = fields.String()
    overdue = fields.Boolean(metadata={"description": "期限已过，单位仍未答复（或答复未通过）"})
    past_deadline = fields.Boolean(metadata={"description": "期限已过，尚未办结（可责令关闭）"})
    issued_by = fields.String()
    issued_at = BeijingDateTime()
    answer = fields.String()
    answered_by = fields.String()
    answered_at = BeijingDateTime(allow_none=True)
    answered_on_time = fields.Boolean(allow_none=True)
    review_comment = fields.String()
    reviewed_by = fields.String()
    reviewed_at = BeijingDateTime(allow_none=True)
    closure_ordered_at = BeijingDateTime(allow_none=True)
    closure_ordered_by = fields.String()
    history = fields.List(fields.Nested(DormancyStepSchema), metadata={"description": "仅在单条查询时给出"})
    actions = fields.List(fields.String(), metadata={"description": "本人现在可办理的步骤（仅在单条查询时给出）"})


class DormancyCountSchema(Schema):
    unit_id = Integer()
    unit_name = fields.String()
    issued = Integer(metadata={"description": "收到的整改通知"})
    answered_on_time = Integer(metadata={"description": "按期答复的"})
    answered_late = Integer(metadata={"description": "逾期答复的"})
    closures = Integer(metadata={"description": "被责令关闭的"})
    open = Integer(metadata={"description": "尚未办结的"})


# --- units' narrative reports (N17, N18) ---



class NarrativeInSchema(Schema):
    """A form (multipart: the files beside it)."""
    quarter = fields.String(required=True, validate=_QUARTER)
    kind = fields.String(required=True, validate=validate.OneOf(("brief", "special")),
                         metadata={"description": "brief（简报）或 special（专报）"})
    title = fields.String(required=True, validate=validate.Length(min=1, max=100))
    text = fields.String(required=True, validate=validate.Length(min=1, max=20000))


class NarrativeFilesSchema(Schema):
    files = fields.List(fields.Raw(metadata={"type": "string", "format": "binary"}), load_default=list,
                        metadata={"description": "附件：至多 5 个，每个至多 2 MB（PDF、Word、Excel、WPS、OFD、文本、图片）"})


class NarrativeQuerySchema(ListQuerySchema):
    quarter = fields.String(load_default=None, validate=_QUARTER)


class NarrativeSchema(Schema):
    id = Integer()
    unit_id = Integer()
    unit_name = fields.String()
    quarter = fields.String()
    kind = fields.String()
    kind_name = fields.String()
    title = fields.String()
    submitted_by = fields.String()
    submitted_at = BeijingDateTime()
    late = fields.Boolean(metadata={"description": "晚于报送期限"})
    deadline = fields.Date()
    text = fields.String()
    figures_asof = fields.String(allow_none=True, metadata={"description": "所附数据的统计时间"})
    figures = fields.List(fields.Dict(), metadata={"description": "本单位本季度的数据（报送时自动附上）"})
    attachments = fields.List(fields.Dict())


class NarrativeUnitsQuerySchema(ListQuerySchema):
    quarter = fields.String(required=True, validate=_QUARTER)
    submitted = fields.Boolean(load_default=None, metadata={"description": "true：只看已报送的；false：只看未报送的"})


class NarrativeUnitSchema(Schema):
    unit_id = Integer()
    unit_name = fields.String()
    submitted = fields.Boolean()
    report_id = Integer(allow_none=True)
    kind_name = fields.String()
    title = fields.String()
    submitted_by = fields.String()
    submitted_at = BeijingDateTime(allow_none=True)
    late = fields.Boolean()


class QuarterSchema(Schema):
    quarter = fields.String(required=True, validate=_QUARTER)


class CompiledQuerySchema(QuarterSchema):
    format = fields.String(load_default="json", validate=validate.OneOf(("json", "pdf")))


# --- the answers their views build themselves (govmb.schemas.AsAnswered) ---
FIGURES = {"description": "指标代码 → 数值（指标见 indicators）"}


class AssessedUnitSchema(Schema):
    unit_id = fields.Integer()
    name = fields.String()
    path = fields.String()
    system = fields.String(metadata={"description": "所属系统"})
    counts = fields.Dict(keys=fields.String(), values=fields.Integer(), metadata={"description": "各项计数（counts=false 时不列）"})
    rates = fields.Dict(keys=fields.String(), values=fields.Float(allow_none=True), metadata=FIGURES)
    points = fields.Dict(keys=fields.String(), values=fields.Float(), metadata={"description": "各项得分（counts=false 时不列）"})
    penalty = fields.Float(metadata={"description": "转办退回扣分"})
    inspection_deduction = fields.Float(metadata={"description": "督查检查扣分"})
    inspection_findings = fields.Integer()
    score = fields.Float()
    vetoes = fields.List(fields.Dict(), metadata={"description": "单项否决：name、account_id、account_name…"})
    grade = fields.String(metadata={"description": "excellent、good、pass、fail"})
    grade_name = fields.String()
    rank = fields.Integer()


class AssessedAccountSchema(Schema):
    account_id = fields.Integer()
    name = fields.String()
    unit_id = fields.Integer()
    unit_path = fields.String()
    category = fields.String(allow_none=True)
    status = fields.String()
    counts = fields.Dict(keys=fields.String(), values=fields.Integer())
    rates = fields.Dict(keys=fields.String(), values=fields.Float(allow_none=True), metadata=FIGURES)
    points = fields.Dict(keys=fields.String(), values=fields.Float())
    score = fields.Float()
    vetoes = fields.List(fields.Dict())
    grade = fields.String()


class NamedUnitSchema(Schema):
    unit_id = fields.Integer()
    name = fields.String()
    reason = fields.String(metadata={"description": "拟通报的理由（拟表扬的无此项）"})
    score = fields.Float(metadata={"description": "得分（拟表扬的单位）"})


class RulesInForceSchema(Schema):
    """The weights and thresholds in force (services/assessment/rules.py)."""
    weights = fields.Dict(keys=fields.String(), values=fields.Float(), metadata={"description": "指标代码 → 权重（和为 100）"})
    return_penalty = fields.Float()
    original_target = fields.Float()
    dormant_days = fields.Integer()
    unanswered_months = fields.Integer()
    grades = fields.Dict(keys=fields.String(), values=fields.Float(), metadata={"description": "等次 → 分数线"})
    quotas = fields.Dict(keys=fields.String(), values=fields.Integer(), metadata={"description": "账号类别 → 月度发稿定额"})
    commend_top = fields.Integer()
    warn_dormant_days = fields.Integer()
    warn_unanswered_days = fields.Integer()


class RulesAnswerSchema(AsAnswered, RulesInForceSchema):
    """The rules in force and the indicators' names."""
    indicators = fields.Dict(keys=fields.String(), values=fields.String(), metadata={"description": "指标代码 → 名称"})


class AssessmentSchema(AsAnswered):
    period = fields.String(metadata={"description": "考核期（如 2026年）"})
    start = fields.Date()
    end = fields.Date()
    asof = fields.String(metadata={"description": "统计时间（北京时间，ISO 8601）"})
    rules = fields.Nested(RulesInForceSchema)
    indicators = fields.Dict(keys=fields.String(), values=fields.String())
    units = fields.List(fields.Nested(AssessedUnitSchema), metadata={"description": "各单位，按排名"})
    accounts = fields.List(fields.Nested(AssessedAccountSchema), metadata={"description": "各账号（accounts=false 时为空）"})
    named = fields.List(fields.Nested(NamedUnitSchema), metadata={"description": "拟通报的单位"})
    commended = fields.List(fields.Nested(NamedUnitSchema), metadata={"description": "拟表扬的单位"})


class FigureRecordSchema(AsAnswered):
    """A record behind a figure; its fields depend on `kind` (a message's, a post's, a month's
    figures, a directive's forward, a transfer's)."""
    account_id = fields.Integer()
    account_name = fields.String()

    class Meta:
        unknown = INCLUDE


class WarningSummarySchema(AsAnswered):
    total = fields.Integer()
    by_kind = fields.Dict(keys=fields.String(), values=fields.Integer(), metadata={"description": "类别名称 → 条数"})
    by_level = fields.Dict(keys=fields.String(), values=fields.Integer(), metadata={"description": "级别名称 → 条数"})
    first = fields.List(fields.Nested(WarningSchema), metadata={"description": "最紧急的若干条"})
    asof = fields.String(metadata={"description": "统计时间（北京时间）"})


class DutyDaySchema(Schema):
    day = fields.String()
    posts = fields.Integer()
    original = fields.Integer()
    replies = fields.Integer()
    comments = fields.Integer()
    forwards = fields.Integer()
    mentions = fields.Integer()
    private = fields.Integer()
    received = fields.Integer()
    positive = fields.Integer()
    negative = fields.Integer()
    notices_issued = fields.Integer()
    notices_replied = fields.Integer()
    followers = fields.Integer(allow_none=True)


class NegativeDaySchema(Schema):
    day = fields.String()
    negative = fields.Integer()
    received = fields.Integer()


class NegativeTopicSchema(Schema):
    category = fields.String()
    name = fields.String()
    count = fields.Integer()


class DutyLogSchema(AsAnswered):
    account_id = fields.Integer()
    account_name = fields.String()
    from_ = fields.String(data_key="from")
    to = fields.String()
    days = fields.List(fields.Nested(DutyDaySchema))
    negative_trend = fields.List(fields.Nested(NegativeDaySchema))
    negative_topics = fields.List(fields.Nested(NegativeTopicSchema))


class MonthFiledSchema(AsAnswered):
    month = fields.String()
    filed = fields.Integer(metadata={"description": "新归档的单位数"})


class ArchiveCheckSchema(AsAnswered):
    archive_id = fields.Integer()
    sha256 = fields.String(metadata={"description": "归档时的哈希值"})
    computed = fields.String(metadata={"description": "现在算得的哈希值"})
    chain = fields.String()
    intact = fields.Boolean()
    problems = fields.List(fields.String())
    created_at = fields.String()


class ReportTotalSchema(Schema):
    unit = fields.String()
    posts = fields.Integer()
    original_share = fields.Float(allow_none=True)
    messages = fields.Integer()
    negative_share = fields.Float(allow_none=True)
    reply_timeliness = fields.Float(allow_none=True)
    resolution = fields.Float(allow_none=True)
    returns = fields.Integer()
    notices = fields.String(metadata={"description": "收到/答复的通报单数"})
    score = fields.Float()
    third_party = fields.Float(allow_none=True)


class ReportRowSchema(ReportTotalSchema):
    unit_id = fields.Integer()
    rank = fields.Integer()
    grade_name = fields.String()


class QuarterlyReportSchema(AsAnswered):
    quarter = fields.String()
    label = fields.String()
    title = fields.String()
    asof = fields.String()
    rows = fields.List(fields.Nested(ReportRowSchema))
    total = fields.Nested(ReportTotalSchema)
    named = fields.List(fields.Nested(NamedUnitSchema))
    commended = fields.List(fields.Nested(NamedUnitSchema))


class ThirdPartyRowErrorSchema(Schema):
    row = fields.Integer()
    errors = fields.List(fields.String())


class ThirdPartyImportSchema(AsAnswered):
    imported = fields.Integer()
    errors = fields.List(fields.Nested(ThirdPartyRowErrorSchema))


class FollowerImportSchema(AsAnswered):
    saved = fields.Integer()
    replaced = fields.Integer()
    errors = fields.List(fields.Nested(RowErrorSchema))


class BulletinRowSchema(AsAnswered):
    id = fields.Integer()
    quarter = fields.String()
    status = fields.String()
    status_name = fields.String()
    number = fields.String(metadata={"description": "发文字号"})
    title = fields.String()
    dated = fields.Date()
    drafted_by = fields.String()
    issued_by = fields.String(allow_none=True)
    issued_at = fields.String(allow_none=True)


class BulletinAttachmentSchema(Schema):
    title = fields.String()
    headers = fields.List(fields.String())
    rows = fields.List(fields.List(fields.Raw()), metadata={"description": "每单位一行，与 headers 对应"})


class BulletinSchema(BulletinRowSchema):
    issuer = fields.String()
    prefix = fields.String()
    year = fields.Integer()
    serial = fields.Integer()
    addressees = fields.String()
    body = fields.String()
    signer = fields.String()
    attachment = fields.Nested(BulletinAttachmentSchema)
    drafted_at = fields.String(allow_none=True)
    updated_by = fields.String(allow_none=True)
    updated_at = fields.String(allow_none=True)
    sha256 = fields.String(allow_none=True)
    actions = fields.List(fields.String(), metadata={"description": "调用者现在可做的操作"})


class NarrativeSummarySchema(AsAnswered):
    quarter = fields.String()
    label = fields.String()
    deadline = fields.Date()
    expected = fields.Integer(metadata={"description": "应报单位数"})
    submitted = fields.Integer()
    missing = fields.Integer()
    late = fields.Integer()
    overdue = fields.Boolean(metadata={"description": "报送期限已过"})
    scope = fields.String(metadata={"description": "汇编的范围（仅 /compiled）"})


class AnnualFormRowSchema(Schema):
    section = fields.String()
    item = fields.String()
    value = fields.Raw(metadata={"description": "数值（或文字）"})
    note = fields.String()


class AnnualFormSchema(AsAnswered):
    """政务新媒体工作年度报表 as JSON (services/assessment/annual_report.py)."""
    year = fields.Integer()
    label = fields.String()
    scope = fields.String()
    title = fields.String()
    asof = fields.String()
    rows = fields.List(fields.Nested(AnnualFormRowSchema))
    entered = fields.Dict(allow_none=True, metadata={"description": "人工填报的各项（annual_entries）；未填报的为空"})
