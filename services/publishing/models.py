"""The publishing service's own tables."""
import json

import peewee

from govmb.account_copy import make_account_model
from govmb.audit import AuditTrail
from govmb.bus.store import BusStore
from govmb.messages import said_again_json
from govmb.personal import SealedField
from govmb.timefmt import utcnow
from govmb.unit_copy import make_unit_model

db = peewee.DatabaseProxy()
bus = BusStore(db, "publishing")
Unit = make_unit_model(db)  # its own copy of the registry's unit tree
Account = make_account_model(db)  # its own copy of the registry's accounts
audit = AuditTrail(db, Unit)  # who approved, transferred or deleted what (docs/audit.md)


now = utcnow  # the name the publishing modules use
CREDENTIALS = "platform_connection.credentials"  # the sealed column's purpose (govmb.personal)


class BaseModel(peewee.Model):
    class Meta:
        database = db
        legacy_table_names = False


class LexiconEntry(BaseModel):
    """A word the checks look for (sensitive or classified), edited by the joint-meeting office."""
    word = peewee.CharField(max_length=100, unique=True)
    category = peewee.CharField(max_length=20)  # sensitive, classified, allowed (a phrase that holds no finding)
    severity = peewee.CharField(max_length=10)  # block, warn
    note = peewee.CharField(max_length=200, default="")
    created_at = peewee.DateTimeField(default=now)
    revision = peewee.IntegerField(default=0, index=True)  # the lexicon's version when written (its event's)


class LexiconVersion(BaseModel):
    """Bumped on every lexicon change, so each process knows when to rebuild its matcher."""
    id = peewee.IntegerField(primary_key=True)
    version = peewee.IntegerField(default=0)


class Draft(BaseModel):
    account_id = peewee.IntegerField(index=True)
    unit_id = peewee.IntegerField(index=True)
    unit_path = peewee.CharField(max_length=255, index=True)
    author_id = peewee.IntegerField()
    author_name = peewee.CharField(max_length=50)
    text = peewee.TextField()
    media = peewee.TextField(default="[]")  # JSON list of {"kind": picture|video|link, "url"}
    variants = peewee.TextField(default="{}")  # JSON {platform code: its own text}, where a platform needs one
    info_type = peewee.CharField(max_length=20)
    original = peewee.BooleanField(default=True)
    source = peewee.CharField(max_length=200, default="")
    topic = peewee.CharField(max_length=50, default="")  # #话题#
    series_title = peewee.CharField(max_length=50, default="")  # 【标题+序号】
    series_no = peewee.IntegerField(null=True)
    series_total = peewee.IntegerField(null=True)
    column = peewee.CharField(max_length=50, default="")  # #栏目名称#
    platforms = peewee.TextField(default="[]")  # JSON list of platform codes
    omitted = peewee.TextField(default="{}")  # N7: JSON {platform code: the writer's reason for leaving it out}
    major = peewee.BooleanField(default=False)  # major or sensitive matter: never the fast track
    planned_at = peewee.DateTimeField(null=True, index=True)  # when it is meant to go out (the calendar)
    event_at = peewee.DateTimeField(null=True)  # an emergency's event time (N11: out within 2 hours)
    due_at = peewee.DateTimeField(null=True)
    corrects = peewee.ForeignKeyField("self", null=True, backref="corrections", on_delete="RESTRICT")
    answers_message_id = peewee.IntegerField(null=True, unique=True)  # the citizen's message whose result it publishes (X10)
    apology = peewee.TextField(default="")  # a correction's apology, published after its text
    corrected_by_id = peewee.IntegerField(null=True)  # the correction released for this post (更正)
    corrected_at = peewee.DateTimeField(null=True)
    status = peewee.CharField(max_length=20, index=True)
    fast_track = peewee.BooleanField(default=False)
    revision = peewee.IntegerField(default=1)
    created_at = peewee.DateTimeField(default=now)
    submitted_at = peewee.DateTimeField(null=True)
    checked_at = peewee.DateTimeField(null=True)
    approved_at = peewee.DateTimeField(null=True)
    released_at = peewee.DateTimeField(null=True, index=True)
    imported = peewee.BooleanField(default=False)  # published directly on a platform, read back by the listening worker

    class Meta:
        indexes = ((("released_at", "id"), False),)


def outgoing_text(draft: Draft, platform: str = "") -> str:
    """What goes out on the platforms (on `platform`: its own text where the draft has one): the
    text, and a correction's apology after it (X20.6: a wrong post is corrected publicly, with an
    apology) unless the text already holds it."""
    text = json.loads(draft.variants or "{}").get(platform) or draft.text if platform else draft.text
    apology = (draft.apology or "").strip()
    return text if not apology or apology in text else f"{text}\n{apology}"


class Finding(BaseModel):
    draft = peewee.ForeignKeyField(Draft, backref="findings", on_delete="CASCADE")
    check = peewee.CharField(max_length=20)  # lexicon, id_number, mobile, form, length, source
    severity = peewee.CharField(max_length=10)  # block, warn
    start = peewee.IntegerField(null=True)
    end = peewee.IntegerField(null=True)
    excerpt = peewee.CharField(max_length=200, default="")
    message = peewee.CharField(max_length=300)  # in the record's language (Chinese)
    message_said = peewee.TextField(null=True)  # its message and values, JSON (govmb.messages.kept_json)
    acknowledged_by = peewee.CharField(max_length=50, default="")
    acknowledged_at = peewee.DateTimeField(null=True)

    def message_shown(self) -> str:
        """The finding's words in the reader's language, whoever's request found it."""
        return said_again_json(self.message_said, self.message)


class ReviewStep(BaseModel):
    draft = peewee.ForeignKeyField(Draft, backref="steps", on_delete="CASCADE")
    action = peewee.CharField(max_length=30)
    from_status = peewee.CharField(max_length=20, null=True)
    to_status = peewee.CharField(max_length=20)
    actor_id = peewee.IntegerField()
    actor_name = peewee.CharField(max_length=50)
    comment = peewee.TextField(default="")
    channel = peewee.CharField(max_length=10, default="")  # fast track: phone, sms
    approver = peewee.CharField(max_length=50, default="")  # fast track: who approved
    approved_at = peewee.DateTimeField(null=True)  # fast track: when they approved
    at = peewee.DateTimeField(default=now)


class Publication(BaseModel):
    draft = peewee.ForeignKeyField(Draft, backref="publications", on_delete="CASCADE")
    platform = peewee.CharField(max_length=20)
    url = peewee.CharField(max_length=500)
    published_at = peewee.DateTimeField(default=now)
    recorded_by = peewee.CharField(max_length=50)
    post_id = peewee.CharField(max_length=100, null=True)  # the platform's id of the post, when an API told it

    class Meta:
        indexes = ((("draft", "platform"), True), (("platform", "post_id"), True), (("platform", "url"), False))


class PlatformPost(BaseModel):
    """A post an adapter is to send to a platform (`autopublish`): one per draft and platform,
    claimed before the platform is called. `waiting` until `next_attempt_at` (a scheduled post's
    `not_before`, a retry's backoff), `sending` while claimed, then `published`, `failed` (the
    platform's reason) or `cancelled` (recorded by hand). `uncertain_since`: an attempt that died
    after calling the platform; the next one asks the platform first, so it never posts twice."""
    draft_id = peewee.IntegerField()
    account_id = peewee.IntegerField(null=True)
    unit_path = peewee.CharField(max_length=255, default="")  # the draft's: a freeze's scope
    platform = peewee.CharField(max_length=20)
    status = peewee.CharField(max_length=10, default="waiting")  # waiting, sending, published, failed, cancelled
    url = peewee.CharField(max_length=500, default="")
    post_id = peewee.CharField(max_length=100, default="")  # the platform's id of the post
    error = peewee.CharField(max_length=200, default="")
    queued_at = peewee.DateTimeField(default=now)
    not_before = peewee.DateTimeField(null=True)  # a scheduled post: its planned time
    next_attempt_at = peewee.DateTimeField(null=True)
    attempts = peewee.IntegerField(default=0)
    attempted_at = peewee.DateTimeField(null=True)
    uncertain_since = peewee.DateTimeField(null=True)

    class Meta:
        table_name = "platform_post"
        indexes = ((("draft_id", "platform"), True), (("status", "next_attempt_at"), False),
                   (("platform", "post_id"), False), (("account_id", "platform", "status"), False))


class ReleaseFreeze(BaseModel):
    """暂停发布: the joint-meeting office stops every scheduled and automatic release city-wide
    (`unit_path` "/") or for a unit and the units below it, with a reason, until it lifts it."""
    unit_id = peewee.IntegerField(null=True)  # None: the whole city
    unit_path = peewee.CharField(max_length=255)
    reason = peewee.CharField(max_length=200)
    frozen_by = peewee.CharField(max_length=50)
    frozen_at = peewee.DateTimeField(default=now)
    lifted_by = peewee.CharField(max_length=50, default="")
    lifted_at = peewee.DateTimeField(null=True)

    class Meta:
        table_name = "release_freeze"
        indexes = ((("lifted_at", "unit_path"), False), (("frozen_at", "id"), False))


class PlatformConnection(BaseModel):
    """An account's link to a platform's API (issue 20): the account's id there, its credentials
    sealed (never shown again once entered: the answers say only that they are kept), whether
    they still work, and where each kind of listening has got to (`cursors`, JSON {kind: the
    adapter's cursor}). Polled by the listening worker: `claimed_until` keeps two workers off the
    same connection, `polled_at` orders the next round."""
    account_id = peewee.IntegerField()
    unit_id = peewee.IntegerField()
    unit_path = peewee.CharField(max_length=255, index=True)
    platform = peewee.CharField(max_length=20)
    account_uid = peewee.CharField(max_length=100, default="")
    credentials = SealedField(CREDENTIALS, default="")  # JSON {name: value}, sealed
    status = peewee.CharField(max_length=10, default="connected")  # connected, expired, disabled
    token_expires_at = peewee.DateTimeField(null=True)
    cursors = peewee.TextField(default="{}")
    polled_at = peewee.DateTimeField(null=True)
    claimed_until = peewee.DateTimeField(null=True)
    error = peewee.CharField(max_length=300, default="")  # the platform's words, the last failure
    failures = peewee.IntegerField(default=0)  # in a row, for the backoff
    connected_by = peewee.CharField(max_length=50)
    connected_at = peewee.DateTimeField(default=now)
    revision = peewee.IntegerField(default=1)

    class Meta:
        table_name = "platform_connection"
        indexes = ((("account_id", "platform"), True), (("status", "polled_at"), False))


class MonthlyFigure(BaseModel):
    """What was last reported to assessment for an account and month."""
    account_id = peewee.IntegerField()
    month = peewee.CharField(max_length=7)
    posts = peewee.IntegerField()
    original = peewee.IntegerField()
    revision = peewee.IntegerField(default=1)

    class Meta:
        indexes = ((("account_id", "month"), True),)


class Directive(BaseModel):
    """统一口径 (N12, N22): the joint-meeting office has accounts forward a lead post by a deadline."""
    title = peewee.CharField(max_length=100)
    lead_draft = peewee.ForeignKeyField(Draft, backref="directives", on_delete="RESTRICT")
    due_at = peewee.DateTimeField()
    issued_by = peewee.CharField(max_length=50)
    issued_at = peewee.DateTimeField(default=now)


class DirectiveTarget(BaseModel):
    directive = peewee.ForeignKeyField(Directive, backref="targets", on_delete="CASCADE")
    account_id = peewee.IntegerField(index=True)
    unit_id = peewee.IntegerField()
    unit_path = peewee.CharField(max_length=255, index=True)
    forwarded_at = peewee.DateTimeField(null=True)
    url = peewee.CharField(max_length=500, default="")
    recorded_by = peewee.CharField(max_length=50, default="")

    class Meta:
        indexes = ((("directive", "account_id"), True),)


class Correction(BaseModel):
    """A common wrong form and its right form (issue 16): 错别字 (typo, a warning) or a
    non-standard formulation 规范表述 (formulation, a block); seeded from
    services/publishing/data/corrections.csv, edited by the joint-meeting office."""
    wrong = peewee.CharField(max_length=50, unique=True)
    right = peewee.CharField(max_length=50)
    kind = peewee.CharField(max_length=20)  # typo, formulation
    note = peewee.CharField(max_length=200, default="")
    source = peewee.CharField(max_length=200, default="")
    created_at = peewee.DateTimeField(default=now)
    revision = peewee.IntegerField(default=0, index=True)  # the lists' version when written (its event's)

    class Meta:
        indexes = ((("created_at", "id"), False),)


class Leader(BaseModel):
    """A leader the checks know (领导名单, issue 16), kept by the joint-meeting office: a name
    with another's title, or leaders named out of their order of precedence, blocks."""
    name = peewee.CharField(max_length=20)
    title = peewee.CharField(max_length=100)  # 市委常委、常务副市长: each part is a title of theirs
    unit_name = peewee.CharField(max_length=100, default="")
    rank = peewee.IntegerField(index=True)  # order of precedence: 1 first
    active = peewee.BooleanField(default=True)
    created_at = peewee.DateTimeField(default=now)
    revision = peewee.IntegerField(default=0, index=True)  # the lists' version when written (its event's)

    class Meta:
        indexes = ((("name", "title"), True),)


class WordingVersion(BaseModel):
    """Bumped on every change of the corrections or the leaders: each process rebuilds its matchers."""
    id = peewee.IntegerField(primary_key=True)
    version = peewee.IntegerField(default=0)


class ReadingMark(BaseModel):
    """The principal leader's mark that they read the unit's posts of a Beijing day (X18: 主要领导
    每日阅读本单位博文): one per leader, unit and day, with how many posts the day had then."""
    unit_id = peewee.IntegerField()
    unit_path = peewee.CharField(max_length=255, index=True)
    day = peewee.DateField(index=True)
    person_id = peewee.IntegerField()
    person_name = peewee.CharField(max_length=50)
    posts = peewee.IntegerField()
    marked_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        table_name = "reading_mark"
        indexes = ((("unit_id", "day", "person_id"), True),)


class ProofreadingSetting(BaseModel):
    """三审三校 (国办发〔2018〕123号): whether a unit's drafts are proof-read (校对) before 核稿.
    unit_id 0 is the city-wide default the joint-meeting office sets; a unit's own row can switch
    it on for itself (never off while the city has it on)."""
    unit_id = peewee.IntegerField(unique=True)
    unit_path = peewee.CharField(max_length=255, default="")
    enabled = peewee.BooleanField(default=False)
    set_by = peewee.CharField(max_length=50, default="")
    set_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        table_name = "proofreading_setting"


class Forward(BaseModel):
    """A forward (转发, X14, N22) of a superior or related account's post made outside a directive:
    which of our accounts forwarded whose post, where, when and on which platform."""
    account_id = peewee.IntegerField()
    unit_id = peewee.IntegerField(index=True)
    unit_path = peewee.CharField(max_length=255, index=True)
    platform = peewee.CharField(max_length=20)
    source_account = peewee.CharField(max_length=100)
    source_url = peewee.CharField(max_length=500)
    url = peewee.CharField(max_length=500)
    forwarded_at = peewee.DateTimeField()
    recorded_by = peewee.CharField(max_length=50)
    recorded_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("account_id", "url"), True), (("forwarded_at", "id"), False), (("account_id", "forwarded_at"), False))


class ForwardCount(BaseModel):
    """How many forwards an account made in a Beijing month, kept up to date as each is recorded."""
    account_id = peewee.IntegerField()
    unit_id = peewee.IntegerField()
    unit_path = peewee.CharField(max_length=255, index=True)
    month = peewee.CharField(max_length=7, index=True)
    forwards = peewee.IntegerField(default=0)

    class Meta:
        table_name = "forward_count"
        indexes = ((("account_id", "month"), True),)




class PortalFeed(BaseModel):
    """A government portal's Atom or RSS feed (X28: 网站内容推送到微博), registered for an account:
    the worker reads it (services/publishing/portal.py) and each new entry becomes a draft."""
    account_id = peewee.IntegerField(index=True)
    unit_id = peewee.IntegerField()
    unit_path = peewee.CharField(max_length=255, index=True)
    url = peewee.CharField(max_length=500)
    title = peewee.CharField(max_length=100)  # the portal's name: the drafts' source
    info_type = peewee.CharField(max_length=20, default="disclosure")  # the drafts' information type
    import_existing = peewee.BooleanField(default=False)  # the first read drafts what the feed holds already
    active = peewee.BooleanField(default=True)
    created_by = peewee.CharField(max_length=50)
    created_at = peewee.DateTimeField(default=now)
    claimed_until = peewee.DateTimeField(null=True)  # a worker reads it until then (one at a time)
    read_at = peewee.DateTimeField(null=True)  # the last read, good or not
    ok_at = peewee.DateTimeField(null=True)  # the last good read
    error = peewee.CharField(max_length=300, default="")  # what went wrong at the last read ("" when it went well)
    failures = peewee.IntegerField(default=0)  # reads gone wrong in a row
    etag = peewee.CharField(max_length=200, default="")  # the portal's, asked back (If-None-Match)
    last_modified = peewee.CharField(max_length=100, default="")  # the portal's, asked back (If-Modified-Since)
    drafted = peewee.IntegerField(default=0)  # drafts made from it so far

    class Meta:
        table_name = "portal_feed"
        indexes = ((("account_id", "url"), True), (("active", "read_at"), False))


class PortalEntry(BaseModel):
    """An entry of a portal feed, seen once (by its id, else its link): it made a draft, or was
    there when the feed was registered (no draft)."""
    feed = peewee.ForeignKeyField(PortalFeed, backref="entries", on_delete="CASCADE")
    key = peewee.CharField(max_length=64)  # sha256 of the entry's id (or link)
    link = peewee.CharField(max_length=500, default="")
    title = peewee.CharField(max_length=200, default="")
    draft_id = peewee.IntegerField(null=True, index=True)
    seen_at = peewee.DateTimeField(default=now)

    class Meta:
        table_name = "portal_entry"
        indexes = ((("feed", "key"), True), (("feed", "seen_at"), False))


from services.publishing import emergency_models  # noqa: E402,F401  the emergencies' tables (X20.6), with the rest
