"""The inquiry service's own tables."""
import peewee

from govmb.account_copy import make_account_model
from govmb.audit import AuditTrail
from govmb.bus.store import BusStore
from govmb.personal import SealedField
from govmb.timefmt import utcnow
from govmb.unit_copy import make_unit_model

db = peewee.DatabaseProxy()
bus = BusStore(db, "inquiry")
Unit = make_unit_model(db)  # its own copy of the registry's unit tree
Account = make_account_model(db)  # its own copy of the registry's accounts
audit = AuditTrail(db, Unit)  # who approved, transferred or deleted what (docs/audit.md)


class BaseModel(peewee.Model):
    class Meta:
        database = db
        legacy_table_names = False


class KeptTopics(BaseModel):
    """The hot topics of the city or of a unit near the top of the tree, as the periodic job last
    counted them (`topics.keep`): a week of a city's negative messages is counted once a few
    minutes, not on every visit to the inbox or the duty log."""
    scope = peewee.CharField(max_length=255, primary_key=True)  # a unit's path, or "*" for the city
    counted_at = peewee.DateTimeField()
    topics = peewee.TextField()  # JSON, as hot_topics answers


class CalendarDay(BaseModel):
    """A day of the State Council's notice, entered by the office for a year chinesecalendar
    does not cover yet (or to correct one)."""
    day = peewee.DateField(primary_key=True)
    workday = peewee.BooleanField()
    entered_by = peewee.CharField(max_length=50)
    entered_at = peewee.DateTimeField(default=utcnow)


class CalendarVersion(BaseModel):
    """One row whose version every entry into the calendar (days, a year's flag) raises in the
    same transaction: intake reads it with the account and loads the calendar again only when
    it has moved."""
    id = peewee.IntegerField(primary_key=True)
    version = peewee.BigIntegerField(default=0)

    @classmethod
    def bump(cls) -> None:
        cls.update(version=cls.version + 1).where(cls.id == 1).execute()


class CalendarYear(BaseModel):
    """Whether the office has entered a year's whole notice: until then the year's deadlines
    stay provisional, however many of its days were entered."""
    year = peewee.IntegerField(primary_key=True)
    notice_complete = peewee.BooleanField(default=False)
    set_by = peewee.CharField(max_length=50)
    set_at = peewee.DateTimeField(default=utcnow)


HANDLE, CONTACT = "message.citizen_handle", "message.citizen_contact"  # what each sealed value is bound to


class Message(BaseModel):
    account_id = peewee.IntegerField(index=True)
    unit_id = peewee.IntegerField(index=True)  # the handling unit
    unit_path = peewee.CharField(max_length=255, index=True)
    platform = peewee.CharField(max_length=20, default="")
    platform_message_id = peewee.CharField(max_length=100, null=True)
    kind = peewee.CharField(max_length=20)  # comment, mention, private, forward
    source = peewee.CharField(max_length=10)  # staff, import, api, hall (the channel it came by)
    via = peewee.CharField(max_length=50, default="")  # the client system that posted it (source api)
    # personal data, sealed (govmb.personal): listed masked, read whole by the handling unit alone, audited
    citizen_handle = SealedField(HANDLE)
    citizen_contact = SealedField(CONTACT, default="")
    citizen_contact_hash = peewee.CharField(max_length=40, default="")  # keyed hash: the citizen's other messages
    text = peewee.TextField()
    category = peewee.CharField(max_length=20, null=True)  # suggested until staff confirm it
    sentiment = peewee.CharField(max_length=10, null=True)
    category_confirmed = peewee.BooleanField(default=False)
    sentiment_confirmed = peewee.BooleanField(default=False)
    status = peewee.CharField(max_length=20, index=True)
    received_at = peewee.DateTimeField(index=True)
    reply_due_at = peewee.DateTimeField(index=True)
    feedback_due_at = peewee.DateTimeField(index=True)
    verification_due_at = peewee.DateTimeField(null=True, index=True)
    due_at = peewee.DateTimeField(null=True)  # the open deadline the status waits on; none once accepted or resolved
    keywords = peewee.TextField(default="")  # its words for hot topics, segmented once at intake (space-separated)
    provisional = peewee.BooleanField(default=False)  # a deadline falls in a year without a known notice
    replied_at = peewee.DateTimeField(null=True)
    fed_back_at = peewee.DateTimeField(null=True)
    resolved_at = peewee.DateTimeField(null=True)
    reply_text = peewee.TextField(default="")
    feedback_text = peewee.TextField(default="")
    result_text = peewee.TextField(default="")
    revision = peewee.IntegerField(default=1)

    class Meta:
        indexes = ((("platform", "platform_message_id"), True), (("due_at", "id"), False), (("status", "due_at"), False),
                   (("received_at", "id"), False), (("unit_id", "citizen_contact_hash"), False))


class MessageStep(BaseModel):
    message = peewee.ForeignKeyField(Message, backref="steps", on_delete="CASCADE")
    action = peewee.CharField(max_length=20)
    from_status = peewee.CharField(max_length=20, null=True)
    to_status = peewee.CharField(max_length=20)
    actor_id = peewee.IntegerField()
    actor_name = peewee.CharField(max_length=50)
    actor_unit_id = peewee.IntegerField(null=True)  # the unit the person acted for (none on steps before 0024)
    comment = peewee.TextField(default="")
    at = peewee.DateTimeField(default=utcnow)


class ResultPost(BaseModel):
    """A resolved message's result, to be published on its account (X10): asked for by staff
    on resolving it; publishing makes it a draft for the review chain and reports each step
    back (`publishing.response.changed`), the highest revision kept."""
    message = peewee.ForeignKeyField(Message, backref="result_posts", unique=True, on_delete="CASCADE")
    text = peewee.TextField()
    asked_by_id = peewee.IntegerField()
    asked_by = peewee.CharField(max_length=50)
    asked_at = peewee.DateTimeField(default=utcnow)
    draft_id = peewee.IntegerField(null=True)
    status = peewee.CharField(max_length=20, default="requested")  # requested, then the draft's status, or refused
    reason = peewee.TextField(default="")  # why publishing could not make the draft
    links = peewee.TextField(default="[]")  # JSON list of {platform, url}: where it was published
    released_at = peewee.DateTimeField(null=True)
    revision = peewee.IntegerField(default=0)  # the draft's revision last applied


class MissedDeadline(BaseModel):
    """One row per deadline missed: the sweep reports each once, however often it runs."""
    message = peewee.ForeignKeyField(Message, backref="missed", on_delete="CASCADE")
    deadline = peewee.CharField(max_length=20)
    due_at = peewee.DateTimeField()
    found_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("message", "deadline"), True),)


class Transfer(BaseModel):
    """转办 (N15): a message routed by the office or a superior to the unit responsible."""
    message = peewee.ForeignKeyField(Message, backref="transfers", on_delete="CASCADE")
    from_unit_id = peewee.IntegerField()
    from_unit_path = peewee.CharField(max_length=255)
    to_unit_id = peewee.IntegerField(index=True)
    to_unit_path = peewee.CharField(max_length=255, index=True)
    previous_unit_id = peewee.IntegerField(null=True)  # who handled it before: it goes back there on a return
    previous_unit_path = peewee.CharField(max_length=255, null=True)
    status = peewee.CharField(max_length=20, index=True)  # pending, accepted, returned, reassigned
    note = peewee.TextField(default="")  # what the sender asks
    reason = peewee.TextField(default="")  # why the unit returned it
    sent_by = peewee.CharField(max_length=50)
    sent_at = peewee.DateTimeField(default=utcnow)
    answered_by = peewee.CharField(max_length=50, default="")
    answered_at = peewee.DateTimeField(null=True)


class ProblemNotice(BaseModel):
    """问题通报单 (X20.2): a hot issue recorded by importance, type and responsible department."""
    title = peewee.CharField(max_length=100)
    importance = peewee.CharField(max_length=10)  # high, medium, low
    kind = peewee.CharField(max_length=30)  # the type, as the office names it
    content = peewee.TextField()
    unit_id = peewee.IntegerField(index=True)  # the responsible department
    unit_path = peewee.CharField(max_length=255, index=True)
    issued_by = peewee.CharField(max_length=50)
    issued_by_unit_path = peewee.CharField(max_length=255)
    issued_at = peewee.DateTimeField(default=utcnow)
    status = peewee.CharField(max_length=10, default="issued")  # issued, replied
    reply = peewee.TextField(default="")
    replied_by = peewee.CharField(max_length=50, default="")
    replied_at = peewee.DateTimeField(null=True)


class ListCopy(BaseModel):
    """An entry of one of the office's lists, kept from publishing's events (issue 16: the checks
    of the texts that leave the inbox): the highest revision seen, a deleted one as a tombstone
    (so that a late message of an older revision cannot bring it back)."""
    id = peewee.IntegerField(primary_key=True)  # publishing's
    deleted = peewee.BooleanField(default=False)
    revision = peewee.IntegerField()


class LexiconCopy(ListCopy):
    """A word of the office's lexicon (`publishing.lexicon.changed`)."""
    word = peewee.CharField(max_length=100)
    category = peewee.CharField(max_length=20)
    severity = peewee.CharField(max_length=10)


class CorrectionCopy(ListCopy):
    """A correction of the office's list (`publishing.correction.changed`)."""
    wrong = peewee.CharField(max_length=50)
    right = peewee.CharField(max_length=50)
    kind = peewee.CharField(max_length=20)


class LeaderCopy(ListCopy):
    """A leader of the office's list (`publishing.leader.changed`)."""
    name = peewee.CharField(max_length=20)
    title = peewee.CharField(max_length=100)
    rank = peewee.IntegerField()
    active = peewee.BooleanField(default=True)


class WordListsVersion(BaseModel):
    """Raised by every change applied to the copies, in its transaction: each process rebuilds
    its matchers when it has moved."""
    id = peewee.IntegerField(primary_key=True)
    version = peewee.BigIntegerField(default=0)

    @classmethod
    def bump(cls) -> None:
        cls.update(version=cls.version + 1).where(cls.id == 1).execute()


class Receipt(BaseModel):
    """What a citizen holds of a message left through the hall or a client system (issue 19):
    a receipt number anyone may read aloud (the Beijing day and a sequence: 20261206-000042)
    and a query code shown once, kept only as a keyed hash (`receipts`)."""
    message = peewee.ForeignKeyField(Message, backref="receipts", unique=True, on_delete="CASCADE")
    number = peewee.CharField(max_length=20, unique=True)
    code_hash = peewee.CharField(max_length=60)
    client = peewee.CharField(max_length=50, index=True)  # "hall" or "system:<id>": who posted it
    issued_at = peewee.DateTimeField(default=utcnow)


class ReceiptDay(BaseModel):
    """The last receipt number of a Beijing day: raised in the transaction that issues one."""
    day = peewee.CharField(max_length=8, primary_key=True)  # YYYYMMDD
    last = peewee.IntegerField(default=0)


class Rating(BaseModel):
    """The citizen's rating of a resolved message (N19): one per message, never changed."""
    message = peewee.ForeignKeyField(Message, backref="ratings", unique=True, on_delete="CASCADE")
    rating = peewee.CharField(max_length=20)  # satisfied, basically, unsatisfied
    comment = peewee.TextField(default="")
    unit_id = peewee.IntegerField(index=True)  # the unit that handled it when it was rated
    rated_at = peewee.DateTimeField(default=utcnow)


from services.inquiry import emergencies  # noqa: E402,F401  the emergencies' copy and links (X20.6), with the rest


class MessageMarks(BaseModel):
    """What staff say of a message beyond its handling (issue 19, separate from `Message` so that
    its columns stay the intake's): marked sensitive (its replies go through review, N6/X21),
    marked invalid (G19.2: spam, advertising, abuse, nothing to answer: out of the veto and the
    rates), or merged into a main message of the same matter (it follows the main's steps).
    One row per message that has any mark; each change also a step of its history."""
    message = peewee.ForeignKeyField(Message, primary_key=True, backref="marks", on_delete="CASCADE")
    unit_id = peewee.IntegerField()
    unit_path = peewee.CharField(max_length=255)
    sensitive = peewee.BooleanField(default=False)
    sensitive_reason = peewee.TextField(default="")
    invalid_kind = peewee.CharField(max_length=20, null=True)  # spam, advertising, abuse, nothing; none: valid
    invalid_reason = peewee.TextField(default="")
    invalid_by = peewee.CharField(max_length=50, default="")
    invalid_at = peewee.DateTimeField(null=True)
    duplicate_of = peewee.IntegerField(null=True, index=True)  # the main message's id
    merged_by = peewee.CharField(max_length=50, default="")
    merged_at = peewee.DateTimeField(null=True)

    class Meta:
        indexes = ((("invalid_kind", "invalid_at"), False), (("unit_path", "invalid_at"), False))


class PendingReply(BaseModel):
    """A reply or feedback held for review (N6, X21): flagged by the checks or on a message marked
    sensitive, it goes to the responsible office (核稿, stage `office`) then the leader (审批,
    stage `leader`); approved, it is sent (the message's step, at the approval time); returned,
    it is closed with the reason and staff write again. One open row per message at most."""
    message = peewee.ForeignKeyField(Message, backref="pending_replies", on_delete="CASCADE")
    unit_id = peewee.IntegerField()
    action = peewee.CharField(max_length=20)  # reply, feedback
    text = peewee.TextField()
    needs_verification = peewee.BooleanField(default=False)
    why = peewee.TextField(default="")  # what sent it to review: the findings, or the message marked sensitive
    stage = peewee.CharField(max_length=10)  # office, leader; done once closed
    status = peewee.CharField(max_length=10, default="pending")  # pending, approved, returned
    submitted_by_id = peewee.IntegerField()
    submitted_by = peewee.CharField(max_length=50)
    submitted_at = peewee.DateTimeField(default=utcnow)
    checked_by = peewee.CharField(max_length=50, default="")  # the office's reviewer
    checked_at = peewee.DateTimeField(null=True)
    closed_by = peewee.CharField(max_length=50, default="")
    closed_at = peewee.DateTimeField(null=True)
    reason = peewee.TextField(default="")  # why it was returned

    class Meta:
        indexes = ((("unit_id", "status", "stage"), False), (("message", "status"), False))


class MessagePost(BaseModel):
    """The account's post a comment read from a platform's API answers (issue 20, listening):
    the platform's id of the post, and its draft when publishing knows it. A table of its own, so
    that `message` keeps the intake's columns; one row per such comment."""
    message = peewee.ForeignKeyField(Message, primary_key=True, backref="post_links", on_delete="CASCADE")
    platform_post_id = peewee.CharField(max_length=100)
    draft_id = peewee.IntegerField(null=True, index=True)

    class Meta:
        table_name = "message_post"
