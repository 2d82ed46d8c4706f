"""The assessment service's own tables."""
import peewee

from govmb.account_copy import make_account_model
from govmb.audit import AuditTrail
from govmb.bus.store import BusStore
from govmb.timefmt import utcnow
from govmb.unit_copy import make_unit_model

db = peewee.DatabaseProxy()
bus = BusStore(db, "assessment")


class BaseModel(peewee.Model):
    """Every table of the service's own is in its database."""
    class Meta:
        database = db


Unit = make_unit_model(db)  # its own copy of the registry's unit tree
Account = make_account_model(db)  # its own copy of the registry's accounts
audit = AuditTrail(db, Unit)  # who approved, transferred or deleted what (docs/audit.md)


class PostFact(BaseModel):
    """A released post, as publishing reported it: what the figures are counted from."""
    draft_id = peewee.IntegerField(primary_key=True)
    account_id = peewee.IntegerField(index=True)
    unit_id = peewee.IntegerField(index=True)
    unit_path = peewee.CharField(max_length=255, index=True)
    original = peewee.BooleanField()
    info_type = peewee.CharField(max_length=20)
    released_at = peewee.DateTimeField()
    fast_track = peewee.BooleanField()
    correction_of = peewee.IntegerField(null=True)
    emergency_event_at = peewee.DateTimeField(null=True)
    emergency_on_time = peewee.BooleanField(null=True)
    day = peewee.CharField(max_length=10, index=True)  # Beijing date of release: what periods count by
    text = peewee.TextField(default="")
    reviews = peewee.TextField(default="[]")  # JSON list of the review steps, for the monthly archive
    platforms = peewee.TextField(default="[]")  # JSON list of the platforms it went out on, for the archive

    class Meta:
        table_name = "post_fact"
        indexes = ((("unit_id", "released_at", "draft_id"), False),)  # the archive's pages of a unit-month


class LastPost(BaseModel):
    """Each account's last post (its Beijing day), kept by the post events: the dormant-account
    veto reads it instead of the largest day among every post."""
    account_id = peewee.IntegerField(primary_key=True)
    day = peewee.CharField(max_length=10, index=True)  # the dormancy reminder's range (migration 0020)

    class Meta:
        table_name = "last_post"


class CellCounts(BaseModel):
    """The additive counts of one cell (unit, account) for a month (`figures.Counts`), as a
    table's columns: the kept figures' and the recent figures' rows."""
    posts = peewee.IntegerField(default=0)
    original = peewee.IntegerField(default=0)
    emergencies = peewee.IntegerField(default=0)
    emergencies_on_time = peewee.IntegerField(default=0)
    months = peewee.IntegerField(default=0)
    months_quota_met = peewee.IntegerField(default=0)
    messages = peewee.IntegerField(default=0)
    negative = peewee.IntegerField(default=0)
    positive = peewee.IntegerField(default=0)
    reply_due = peewee.IntegerField(default=0)
    replied_on_time = peewee.IntegerField(default=0)
    resolution_due = peewee.IntegerField(default=0)
    resolved = peewee.IntegerField(default=0)
    forwards_asked = peewee.IntegerField(default=0)
    forwards_on_time = peewee.IntegerField(default=0)
    returns = peewee.IntegerField(default=0)
    notices_issued = peewee.IntegerField(default=0)
    notices_replied = peewee.IntegerField(default=0)
    ratings = peewee.IntegerField(default=0)  # citizens' ratings (N19), by the day they rated
    ratings_satisfied = peewee.IntegerField(default=0)
    ratings_basically = peewee.IntegerField(default=0)



class KeptFigure(CellCounts):
    """A settled month's counts for one cell (unit, account; account 0 for what belongs to the
    unit alone: returns and notices), as `kept.snapshot` counted them from the facts."""
    month = peewee.CharField(max_length=7)
    unit_id = peewee.IntegerField()
    account_id = peewee.IntegerField()

    class Meta:
        table_name = "kept_figure"
        primary_key = peewee.CompositeKey("month", "unit_id", "account_id")


class RecentFigure(CellCounts):
    """A live month's counts for one cell as the periodic job counted them at its run's time
    (`recent.refresh`): the dashboards read these instead of counting the live months per visit."""
    run = peewee.IntegerField()
    month = peewee.CharField(max_length=7)
    unit_id = peewee.IntegerField()
    account_id = peewee.IntegerField()

    class Meta:
        table_name = "recent_figure"
        primary_key = peewee.CompositeKey("run", "month", "unit_id", "account_id")


class RecentRun(BaseModel):
    """One count of the live months: the moment it counted them as of, and which months."""
    id = peewee.AutoField()
    asof = peewee.DateTimeField()  # naive UTC, as every stored time
    months = peewee.CharField(max_length=100)  # comma-separated, e.g. 2026-11,2026-12

    class Meta:
        table_name = "recent_run"


class WarningRun(BaseModel):
    """One finding of the early warnings for the whole city (`early_warning.refresh`)."""
    id = peewee.AutoField()
    asof = peewee.DateTimeField()  # naive UTC

    class Meta:
        table_name = "warning_run"


class KeptWarning(BaseModel):
    """An early warning as the periodic job found it at its run, in the order of urgency
    (`rank`): the dashboards count and page these instead of judging every account per visit."""
    run = peewee.IntegerField()
    rank = peewee.IntegerField()
    account_id = peewee.IntegerField()
    account_name = peewee.CharField(max_length=30)
    unit_id = peewee.IntegerField()
    unit_path = peewee.CharField(max_length=255)
    level = peewee.CharField(max_length=10)
    kind = peewee.CharField(max_length=20)
    text = peewee.CharField(max_length=200)
    days_left = peewee.IntegerField(null=True)

    class Meta:
        table_name = "kept_warning"
        primary_key = peewee.CompositeKey("run", "rank")


class FigureMonth(BaseModel):
    """A month's kept figures: `version` rises with each event that changes a settled month;
    the snapshot holds for the version it was counted at (`snapshot_version`), until the next."""
    month = peewee.CharField(max_length=7, primary_key=True)
    version = peewee.IntegerField(default=0)
    snapshot_version = peewee.IntegerField(default=-1)
    snapshot_at = peewee.DateTimeField(null=True)
    holds_from = peewee.DateTimeField(null=True)  # naive UTC: the snapshot equals the facts' count from then on

    class Meta:
        table_name = "figure_month"


class MonthlyFigureFact(BaseModel):
    """An account's month as publishing counted it; replaced only by a higher revision."""
    account_id = peewee.IntegerField()
    month = peewee.CharField(max_length=7)
    unit_id = peewee.IntegerField()
    unit_path = peewee.CharField(max_length=255, index=True)
    category = peewee.CharField(max_length=20, null=True)
    posts = peewee.IntegerField()
    original = peewee.IntegerField()
    original_share = peewee.FloatField()
    quota = peewee.IntegerField()
    quota_met = peewee.BooleanField()
    original_met = peewee.BooleanField()
    revision = peewee.IntegerField()

    class Meta:
        table_name = "monthly_figure_fact"
        primary_key = peewee.CompositeKey("account_id", "month")


class DirectiveFact(BaseModel):
    """A unified-messaging directive and the accounts it named."""
    directive_id = peewee.IntegerField(primary_key=True)
    title = peewee.CharField(max_length=100)
    due_at = peewee.DateTimeField()
    account_ids = peewee.TextField()  # JSON list

    class Meta:
        table_name = "directive_fact"


class ForwardFact(BaseModel):
    directive_id = peewee.IntegerField()
    account_id = peewee.IntegerField()
    unit_id = peewee.IntegerField()
    unit_path = peewee.CharField(max_length=255, index=True)
    forwarded_at = peewee.DateTimeField()
    on_time = peewee.BooleanField()

    class Meta:
        table_name = "forward_fact"
        primary_key = peewee.CompositeKey("directive_id", "account_id")


class MessageFact(BaseModel):
    """A citizen's message as inquiry last reported it; replaced only by a higher revision."""
    id = peewee.IntegerField(primary_key=True)
    account_id = peewee.IntegerField(index=True)
    unit_id = peewee.IntegerField(index=True)
    unit_path = peewee.CharField(max_length=255, index=True)
    category = peewee.CharField(max_length=20, null=True)
    sentiment = peewee.CharField(max_length=10, null=True)
    status = peewee.CharField(max_length=20)
    step = peewee.CharField(max_length=20)
    received_at = peewee.DateTimeField()
    replied_at = peewee.DateTimeField(null=True)
    fed_back_at = peewee.DateTimeField(null=True)
    resolved_at = peewee.DateTimeField(null=True)
    reply_due_at = peewee.DateTimeField()
    feedback_due_at = peewee.DateTimeField()
    verification_due_at = peewee.DateTimeField(null=True)
    revision = peewee.IntegerField()
    kind = peewee.CharField(max_length=20, null=True)  # comment, mention, private, forward
    received_day = peewee.CharField(max_length=10, index=True)  # Beijing dates, for periods and the duty log
    replied_day = peewee.CharField(max_length=10, null=True)
    reply_on_time = peewee.BooleanField(null=True)  # null until replied
    feedback_on_time = peewee.BooleanField(null=True)  # null until fed back

    class Meta:
        table_name = "message_fact"


class RatingFact(BaseModel):
    """A citizen's rating of a resolved message (`inquiry.message.rated`, N19): once per message,
    for the unit that handled it; counted by the Beijing day it was given."""
    message_id = peewee.IntegerField(primary_key=True)
    account_id = peewee.IntegerField(index=True)
    unit_id = peewee.IntegerField(index=True)
    unit_path = peewee.CharField(max_length=255, index=True)
    rating = peewee.CharField(max_length=20)  # satisfied, basically, unsatisfied
    rated_at = peewee.DateTimeField()
    rated_day = peewee.CharField(max_length=10, index=True)

    class Meta:
        table_name = "rating_fact"


class InvalidMessageFact(BaseModel):
    """A message inquiry reports invalid (G19.2, issue 19: spam, advertising, abuse, nothing to
    answer), at the revision that said so: its `MessageFact` is gone (out of the three-month
    veto, the rates and the counts), and an older event that comes late cannot bring it back.
    A higher revision that says valid again (the mark taken back) removes this row."""
    id = peewee.IntegerField(primary_key=True)  # the message's
    revision = peewee.IntegerField()

    class Meta:
        table_name = "invalid_message_fact"


class MissedDeadlineFact(BaseModel):
    message_id = peewee.IntegerField()
    deadline = peewee.CharField(max_length=20)
    unit_id = peewee.IntegerField()
    unit_path = peewee.CharField(max_length=255, index=True)
    due_at = peewee.DateTimeField()

    class Meta:
        table_name = "missed_deadline_fact"
        primary_key = peewee.CompositeKey("message_id", "deadline")


class TransferFact(BaseModel):
    transfer_id = peewee.IntegerField(primary_key=True)
    message_id = peewee.IntegerField()
    from_unit_id = peewee.IntegerField()
    to_unit_id = peewee.IntegerField(index=True)
    to_unit_path = peewee.CharField(max_length=255, index=True)
    status = peewee.CharField(max_length=20)
    reason = peewee.TextField()
    at = peewee.DateTimeField()

    class Meta:
        table_name = "transfer_fact"


class NoticeFact(BaseModel):
    notice_id = peewee.IntegerField(primary_key=True)
    unit_id = peewee.IntegerField(index=True)
    unit_path = peewee.CharField(max_length=255, index=True)
    importance = peewee.CharField(max_length=10)
    kind = peewee.CharField(max_length=30)
    status = peewee.CharField(max_length=10)
    issued_at = peewee.DateTimeField()
    replied_at = peewee.DateTimeField(null=True)

    class Meta:
        table_name = "notice_fact"


class MessageText(BaseModel):
    """A citizen's message's text and answer for the monthly archive (X20.4), masked by inquiry
    before it left (`inquiry.message.archive_text`), each text bounded; the highest revision kept."""
    id = peewee.IntegerField(primary_key=True)  # inquiry's message id
    unit_id = peewee.IntegerField()
    unit_path = peewee.CharField(max_length=255)
    account_id = peewee.IntegerField()
    category = peewee.CharField(max_length=20, default="")  # "": not classified
    kind = peewee.CharField(max_length=20, default="")
    received_at = peewee.DateTimeField()
    handle = peewee.CharField(max_length=100, default="")  # masked
    contact = peewee.CharField(max_length=100, default="")  # masked
    text = peewee.TextField()
    answer = peewee.TextField(default="")
    status = peewee.CharField(max_length=20)
    revision = peewee.IntegerField()

    class Meta:
        table_name = "message_text"
        indexes = ((("unit_id", "category", "received_at", "id"), False),)  # a unit-month's pages, by category


class NoticeText(BaseModel):
    """A problem notice's text and its answer for the monthly archive (`inquiry.notice.archive_text`)."""
    notice_id = peewee.IntegerField(primary_key=True)
    unit_id = peewee.IntegerField()
    title = peewee.CharField(max_length=100)
    content = peewee.TextField()
    issued_by = peewee.CharField(max_length=50, default="")
    reply = peewee.TextField(default="")
    replied_by = peewee.CharField(max_length=50, default="")
    status = peewee.CharField(max_length=10)

    class Meta:
        table_name = "notice_text"


class Archive(BaseModel):
    """A unit's monthly archive (X20.4): written once, never updated (the database refuses it),
    each hash chained to the one before so that a changed or removed document shows."""
    unit_id = peewee.IntegerField()
    unit_name = peewee.CharField(max_length=100)
    unit_path = peewee.CharField(max_length=255, index=True)
    month = peewee.CharField(max_length=7)
    pdf = peewee.BlobField()
    summary = peewee.TextField()  # JSON: the counts printed in the document
    sha256 = peewee.CharField(max_length=64)
    chain = peewee.CharField(max_length=64)  # sha256(previous chain + sha256)
    created_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        table_name = "archive"
        indexes = ((("unit_id", "month"), True),)


class ThirdPartyScore(BaseModel):
    """A third-party evaluation of a unit for a quarter (N25), imported by the office."""
    quarter = peewee.CharField(max_length=7)  # 2026-Q3
    unit_id = peewee.IntegerField()
    evaluator = peewee.CharField(max_length=50)
    score = peewee.FloatField()
    remark = peewee.CharField(max_length=200, default="")
    imported_by = peewee.CharField(max_length=50)
    imported_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        table_name = "third_party_score"
        primary_key = peewee.CompositeKey("quarter", "unit_id", "evaluator")


class RuleSetting(BaseModel):
    """One of the assessment's weights or thresholds as the office set it (defaults in rules.py)."""
    key = peewee.CharField(max_length=50, primary_key=True)
    value = peewee.TextField()  # JSON
    updated_by = peewee.CharField(max_length=50)
    updated_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        table_name = "rule_setting"


# --- inspections, training, roster, followers ---


class Inspection(BaseModel):
    """An inspection by supervision (N19): what was checked, found and required, by when the
    unit must fix it; then the unit's report of the fix and supervision's acceptance."""
    unit_id = peewee.IntegerField(index=True)
    unit_path = peewee.CharField(max_length=255, index=True)
    inspected_on = peewee.DateField(index=True)  # the quarter's inspections (通报, 年度报表)
    checked = peewee.TextField()
    found = peewee.TextField()
    required = peewee.TextField()
    fix_by = peewee.DateField(index=True)
    status = peewee.CharField(max_length=20, index=True, default="open")  # open, reported, accepted, rejected
    recorded_by = peewee.CharField(max_length=50)
    recorded_at = peewee.DateTimeField(default=utcnow)
    fix_report = peewee.TextField(default="")  # the latest report
    fixed_on = peewee.DateField(null=True)
    reported_by = peewee.CharField(max_length=50, default="")
    reported_at = peewee.DateTimeField(null=True)
    review_comment = peewee.TextField(default="")  # the latest review
    reviewed_by = peewee.CharField(max_length=50, default="")
    reviewed_at = peewee.DateTimeField(null=True)
    # 国办秘函〔2019〕19号: the indicator the finding falls under and the points it costs the unit
    # (services/assessment/data/indicators_19.json); "" and 0 for inspections recorded before
    indicator = peewee.CharField(max_length=30, default="")
    deduction = peewee.FloatField(default=0)
    inspector_id = peewee.IntegerField(null=True)  # the person of supervision (or the office) who recorded it
    inspector_unit_id = peewee.IntegerField(null=True)  # and their unit: the overdue warning reaches them

    class Meta:
        table_name = "inspection"


class InspectionStep(BaseModel):
    """Every step of an inspection, kept: a rejected report stays on record."""
    inspection = peewee.ForeignKeyField(Inspection, backref="steps", on_delete="CASCADE")
    action = peewee.CharField(max_length=20)  # record, report, accept, reject
    text = peewee.TextField(default="")
    fixed_on = peewee.DateField(null=True)
    actor_id = peewee.IntegerField()
    actor_name = peewee.CharField(max_length=50)
    at = peewee.DateTimeField(default=utcnow)

    class Meta:
        table_name = "inspection_step"


class InspectionAccount(BaseModel):
    """An account an inspection checked: the quarterly coverage (19号: every active account
    checked at least once a quarter) counts these by the day inspected."""
    inspection = peewee.ForeignKeyField(Inspection, backref="accounts", on_delete="CASCADE")
    account_id = peewee.IntegerField()
    unit_id = peewee.IntegerField()
    inspected_on = peewee.DateField()

    class Meta:
        table_name = "inspection_account"
        indexes = ((("inspection", "account_id"), True), (("account_id", "inspected_on"), False),
                   (("inspected_on",), False))


class SecurityIncident(BaseModel):
    """A security incident of an account (X24; 国办秘函〔2019〕19号's third single veto, G19.3):
    hijacked, a leak of secrets, a serious misstatement, other; when it was found, handled and
    reported (to the superior, to the office) and what was done."""
    account_id = peewee.IntegerField(index=True)
    account_name = peewee.CharField(max_length=100)
    unit_id = peewee.IntegerField(index=True)
    unit_path = peewee.CharField(max_length=255, index=True)
    kind = peewee.CharField(max_length=20)  # hijacked, leak, misstatement, other
    description = peewee.TextField()
    found_at = peewee.DateTimeField(index=True)  # naive UTC
    handled_at = peewee.DateTimeField(null=True)
    reported_at = peewee.DateTimeField(null=True)
    reported_to = peewee.CharField(max_length=20, default="")  # superior, office, both
    measures = peewee.TextField(default="")  # what was done
    recorded_by = peewee.CharField(max_length=50)
    recorder_unit_id = peewee.IntegerField()
    recorded_at = peewee.DateTimeField(default=utcnow)
    updated_by = peewee.CharField(max_length=50, default="")
    updated_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        table_name = "security_incident"


class TrainingSession(BaseModel):
    """A course (授课培训) or an experience-exchange meeting (经验交流座谈会) (N21, X29, X30)."""
    kind = peewee.CharField(max_length=10)  # course, exchange
    title = peewee.CharField(max_length=100)
    held_on = peewee.DateField(index=True)
    hours = peewee.DecimalField(max_digits=4, decimal_places=1)
    place = peewee.CharField(max_length=100, default="")
    recorded_by = peewee.CharField(max_length=50)
    recorded_at = peewee.DateTimeField(default=utcnow)
    # a unit's own training (N21): the organising unit; None for the joint-meeting office's
    organiser_unit_id = peewee.IntegerField(null=True, index=True)
    organiser_path = peewee.CharField(max_length=255, null=True, index=True)

    class Meta:
        table_name = "training_session"


class TrainingTrainer(BaseModel):
    session = peewee.ForeignKeyField(TrainingSession, backref="trainers", on_delete="CASCADE")
    name = peewee.CharField(max_length=50)
    kind = peewee.CharField(max_length=20)  # a key of govmb.contracts.assessment.TRAINER_KIND_NAMES
    affiliation = peewee.CharField(max_length=100, default="")

    class Meta:
        table_name = "training_trainer"


class TrainingInvitation(BaseModel):
    session = peewee.ForeignKeyField(TrainingSession, backref="invitations", on_delete="CASCADE")
    unit_id = peewee.IntegerField(index=True)
    unit_path = peewee.CharField(max_length=255, index=True)

    class Meta:
        table_name = "training_invitation"
        indexes = ((("session", "unit_id"), True),)


class TrainingAttendee(BaseModel):
    session = peewee.ForeignKeyField(TrainingSession, backref="attendees", on_delete="CASCADE")
    person_name = peewee.CharField(max_length=50)
    unit_id = peewee.IntegerField(index=True)
    unit_path = peewee.CharField(max_length=255, index=True)
    recorded_by = peewee.CharField(max_length=50)
    recorded_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        table_name = "training_attendee"
        indexes = ((("session", "unit_id", "person_name"), True),)


class DutyShift(BaseModel):
    """Who is on duty (X20.3's 24-hour duty), for one account or, without one, for the unit."""
    unit_id = peewee.IntegerField(index=True)
    unit_path = peewee.CharField(max_length=255, index=True)
    account_id = peewee.IntegerField(null=True, index=True)
    starts_at = peewee.DateTimeField(index=True)
    ends_at = peewee.DateTimeField(index=True)
    person_name = peewee.CharField(max_length=50)
    phone = peewee.CharField(max_length=20)
    entered_by = peewee.CharField(max_length=50)
    entered_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        table_name = "duty_shift"


class FollowerCount(BaseModel):
    """An account's followers on a day (X20.3), as staff entered or imported it; the duty log reads it."""
    account_id = peewee.IntegerField()
    day = peewee.DateField()
    followers = peewee.IntegerField()
    entered_by = peewee.CharField(max_length=50)
    entered_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        table_name = "follower_count"
        primary_key = peewee.CompositeKey("account_id", "day")


class PlatformFigure(BaseModel):
    """An account's figures on one platform for one Beijing day, read from the platform's API
    (issue 20, `publishing.platform.figures`): its posts' reads, reposts, comments and likes, its
    followers. One row per (account, platform, day); the latest read wins. The duty log shows them."""
    account_id = peewee.IntegerField()
    platform = peewee.CharField(max_length=20)
    day = peewee.DateField()
    followers = peewee.IntegerField(null=True)
    posts = peewee.IntegerField(default=0)
    reads = peewee.IntegerField(null=True)  # not every platform counts reads
    reposts = peewee.IntegerField(default=0)
    comments = peewee.IntegerField(default=0)
    likes = peewee.IntegerField(default=0)
    read_at = peewee.DateTimeField()

    class Meta:
        table_name = "platform_figure"
        indexes = ((("account_id", "day", "platform"), True),)


class FollowerChange(BaseModel):
    """A day's number entered again: what it was and who replaced it."""
    account_id = peewee.IntegerField(index=True)
    day = peewee.DateField()
    old_followers = peewee.IntegerField()
    old_entered_by = peewee.CharField(max_length=50)
    followers = peewee.IntegerField()
    entered_by = peewee.CharField(max_length=50)
    entered_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        table_name = "follower_change"


# --- supervisors' documents ---


class Bulletin(BaseModel):
    """A quarterly 检查情况通报 in 公文 form (GB/T 9704): drafted from the quarter's inspections and
    figures, edited while a draft, then issued: frozen, its PDF written once with its SHA-256.
    Its number (发文字号, `prefix`〔`year`〕`serial`号) is unique: a draft holds its number."""
    quarter = peewee.CharField(max_length=7)  # 2026-Q3: the quarter it reports on
    status = peewee.CharField(max_length=10, default="draft")  # draft, issued
    issuer = peewee.CharField(max_length=60)  # 发文机关标志
    prefix = peewee.CharField(max_length=20)  # 发文机关代字, e.g. 洪政新办
    year = peewee.IntegerField()  # the number's year
    serial = peewee.IntegerField()  # the number's 顺序号
    title = peewee.CharField(max_length=200)
    addressees = peewee.CharField(max_length=300)  # 主送机关
    body = peewee.TextField()
    signer = peewee.CharField(max_length=60)  # 落款
    dated = peewee.DateField()  # 成文日期
    attachment = peewee.TextField()  # JSON {title, headers, rows}: the per-unit figures as drafted
    drafted_by = peewee.CharField(max_length=50)
    drafted_at = peewee.DateTimeField(default=utcnow)
    updated_by = peewee.CharField(max_length=50, default="")
    updated_at = peewee.DateTimeField(default=utcnow)
    issued_by = peewee.CharField(max_length=50, default="")
    issued_at = peewee.DateTimeField(null=True)
    pdf = peewee.BlobField(null=True)
    sha256 = peewee.CharField(max_length=64, default="")

    class Meta:
        table_name = "bulletin"
        indexes = ((("prefix", "year", "serial"), True), (("status", "year", "serial"), False))


class AnnualEntry(BaseModel):
    """The figures of the annual 年度报表 the product does not record (issue 18), entered by the
    office for the city (unit_id 0) or by a unit's staff for their unit; entering again replaces."""
    year = peewee.IntegerField()
    unit_id = peewee.IntegerField()  # 0: the city-wide form
    surveys = peewee.IntegerField()  # 征集调查期数
    interviews = peewee.IntegerField()  # 访谈期数
    smart_qa = peewee.BooleanField()  # 是否提供智能问答
    security_assessments = peewee.IntegerField()  # 安全检测评估次数
    entered_by = peewee.CharField(max_length=50)
    entered_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        table_name = "annual_entry"
        indexes = ((("year", "unit_id"), True),)


# --- dormant accounts (僵尸号) ---


class DormancyOrder(BaseModel):
    """A rectification order (整改通知) to a dormant account's unit (services/assessment/dormancy.py):
    why the account counts as dormant when it was issued, the office's reason and deadline; the
    unit's answer, the office's review; a closure order (责令关闭) when it is still dormant after
    the deadline."""
    account_id = peewee.IntegerField(index=True)
    account_name = peewee.CharField(max_length=30)
    unit_id = peewee.IntegerField()
    unit_path = peewee.CharField(max_length=255, index=True)
    kinds = peewee.CharField(max_length=30)  # comma-separated: silent, unanswered
    found = peewee.CharField(max_length=200)  # what the list showed when the order was issued
    reason = peewee.TextField()
    deadline = peewee.DateField()
    status = peewee.CharField(max_length=20, default="issued")
    issued_by = peewee.CharField(max_length=50)
    issued_by_id = peewee.IntegerField()
    issued_at = peewee.DateTimeField(default=utcnow)
    answer = peewee.TextField(default="")  # the latest answer
    answered_by = peewee.CharField(max_length=50, default="")
    answered_at = peewee.DateTimeField(null=True)
    answered_on_time = peewee.BooleanField(null=True)  # the first answer, by the deadline's day
    review_comment = peewee.TextField(default="")
    reviewed_by = peewee.CharField(max_length=50, default="")
    reviewed_at = peewee.DateTimeField(null=True)
    closure_ordered_at = peewee.DateTimeField(null=True)
    closure_ordered_by = peewee.CharField(max_length=50, default="")

    class Meta:
        table_name = "dormancy_order"


class DormancyStep(BaseModel):
    """Every step of a rectification order, kept: a rejected answer stays on record."""
    order = peewee.ForeignKeyField(DormancyOrder, backref="steps", on_delete="CASCADE")
    action = peewee.CharField(max_length=20)  # issue, answer, accept, reject, order_closure
    text = peewee.TextField(default="")
    actor_id = peewee.IntegerField()
    actor_name = peewee.CharField(max_length=50)
    at = peewee.DateTimeField(default=utcnow)

    class Meta:
        table_name = "dormancy_step"


# --- units' narrative reports (N17, N18) ---


class NarrativeReport(BaseModel):
    """A unit's quarterly 简报 or 专报 (N17, N18): its text, and its figures for the quarter as
    they stood when it was submitted (JSON), so that the report says what the unit saw."""
    unit_id = peewee.IntegerField()
    unit_path = peewee.CharField(max_length=255, index=True)
    unit_name = peewee.CharField(max_length=100)
    quarter = peewee.CharField(max_length=7, index=True)  # 2026-Q3
    kind = peewee.CharField(max_length=10)  # brief (简报), special (专报)
    title = peewee.CharField(max_length=100)
    text = peewee.TextField()
    figures = peewee.TextField(default="{}")  # JSON: the unit's row of the quarterly report
    submitted_by = peewee.CharField(max_length=50)
    submitted_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        table_name = "narrative_report"
        indexes = ((("unit_id", "quarter"), True),)


class ReportAttachment(BaseModel):
    """A file attached to a narrative report, kept in the database (no file store in the
    product): at most `narratives.MAX_FILES` of at most `govmb.tables.MAX_BYTES` each."""
    report = peewee.ForeignKeyField(NarrativeReport, backref="attachments", on_delete="CASCADE")
    name = peewee.CharField(max_length=120)
    media_type = peewee.CharField(max_length=100)
    size = peewee.IntegerField()
    content = peewee.BlobField()

    class Meta:
        table_name = "report_attachment"
