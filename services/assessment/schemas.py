"""The assessment service's request and response shapes."""
import datetime as dt
import json

from marshmallow import Schema, fields, validate

from govmb.contracts.assessment import TRAINER_KIND_NAMES, TRAINING_KIND_NAMES
from govmb.paging import ListQuerySchema, sort_field
from govmb.schemas import Integer
from govmb.timefmt import BEIJING, BeijingDateTime, to_beijing
from services.assessment.early_warning import KIND_NAMES as WARNING_KINDS
from services.assessment.early_warning import LEVELS as WARNING_LEVELS
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


# --- units' narrative reports (N17, N18) ---

_QUARTER = validate.Regexp(r"^\d{4}-Q[1-4]$", error="季度应形如 2026-Q3")


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
