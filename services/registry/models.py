"""The registry's own tables."""
import peewee

from govmb.audit import AuditTrail
from govmb.bus.store import BusStore
from govmb.locales import DEFAULT_LOCALE
from govmb.messages import said_again_json
from govmb.timefmt import utcnow

db = peewee.DatabaseProxy()
bus = BusStore(db, "registry")


now = utcnow  # the name the registry's modules use


class BaseModel(peewee.Model):
    class Meta:
        database = db
        legacy_table_names = False


class Unit(BaseModel):
    """A unit in the tree: region, prefecture, county/district/zone, department, office."""
    name = peewee.CharField(max_length=100)
    name_ug = peewee.CharField(max_length=100, default="")  # its name in Uyghur, if it has one (issue 21)
    kind = peewee.CharField(max_length=20)
    parent = peewee.ForeignKeyField("self", null=True, backref="children", on_delete="RESTRICT")
    path = peewee.CharField(max_length=255, index=True)  # "/1/5/12/": root first, itself last
    revision = peewee.IntegerField(default=1)
    created_at = peewee.DateTimeField(default=now)
    updated_at = peewee.DateTimeField(default=now)

    class Meta:
        indexes = ((("parent", "name"), True),)

    def snapshot(self) -> dict:
        return {"id": self.id, "name": self.name, "kind": self.kind, "parent_id": self.parent_id,
                "path": self.path, "revision": self.revision, "name_ug": self.name_ug}


class Person(BaseModel):
    """Someone who signs in: a member of one unit, with roles and a rank."""
    unit = peewee.ForeignKeyField(Unit, backref="people", on_delete="RESTRICT")
    name = peewee.CharField(max_length=50)
    username = peewee.CharField(max_length=50, unique=True)
    password_hash = peewee.CharField(max_length=255)
    roles = peewee.CharField(max_length=200)  # comma-separated, see govmb.auth.ROLES
    rank = peewee.CharField(max_length=20, default="staff")  # see RANKS
    title = peewee.CharField(max_length=50, default="")  # 职务
    active = peewee.BooleanField(default=True)
    created_at = peewee.DateTimeField(default=now)
    password_changed_at = peewee.DateTimeField(default=now)  # it expires PASSWORD_MAX_AGE_DAYS later
    must_change_password = peewee.BooleanField(default=False)  # reset by the administrator
    locale = peewee.CharField(max_length=10, default=DEFAULT_LOCALE)  # the language they chose (govmb.locales.LANGUAGES)

    @property
    def role_set(self) -> frozenset[str]:
        return frozenset(r for r in self.roles.split(",") if r)


class Account(BaseModel):
    """A government microblog account and where it stands in its life."""
    unit = peewee.ForeignKeyField(Unit, backref="accounts", on_delete="RESTRICT")  # 主管部门: certified in its name
    # X6 管理部门: the unit that runs it day to day when not the certified unit (a unit under the same
    # superior); its staff work on the account as the certified unit's staff do (docs/registry.md)
    managing_unit = peewee.ForeignKeyField(Unit, null=True, backref="managed_accounts", on_delete="RESTRICT")
    name = peewee.CharField(max_length=30)
    kind = peewee.CharField(max_length=20)  # institutional, official, leader, private
    category = peewee.CharField(max_length=20, null=True)  # livelihood, policy (N11)
    owner = peewee.ForeignKeyField(Person, null=True, backref="own_accounts", on_delete="RESTRICT")
    profile = peewee.TextField(default="")  # a private account's declared profile (X7)
    positioning = peewee.TextField(default="")  # 工作方案: 功能定位
    rules = peewee.TextField(default="")  # 工作方案: 规章制度
    mechanism = peewee.TextField(default="")  # 工作方案: 工作机制
    exception_reason = peewee.TextField(default="")  # asks the superior for a second account on a platform
    exception_approved = peewee.BooleanField(default=False)
    # N7: JSON {platform code: reason} for each configured platform the account is not opened on
    omitted_reasons = peewee.TextField(default="{}")
    status = peewee.CharField(max_length=30, index=True)
    close_reason = peewee.TextField(default="")
    notice_url = peewee.CharField(max_length=500, default="")
    revision = peewee.IntegerField(default=1)
    created_by = peewee.ForeignKeyField(Person, backref="+", on_delete="RESTRICT")
    created_at = peewee.DateTimeField(default=now)
    applied_at = peewee.DateTimeField(null=True)
    approved_at = peewee.DateTimeField(null=True)
    filed_at = peewee.DateTimeField(null=True)
    activated_at = peewee.DateTimeField(null=True)
    closing_requested_at = peewee.DateTimeField(null=True)
    closing_approved_at = peewee.DateTimeField(null=True)
    superior_informed_at = peewee.DateTimeField(null=True)
    notice_posted_at = peewee.DateTimeField(null=True)
    closed_at = peewee.DateTimeField(null=True)
    # X22: its follows judged unrelated to its work and given no reason (services/registry/follows.py
    # keeps it up to date on every change: the city's list of accounts to explain reads it)
    unexplained_follows = peewee.IntegerField(default=0, index=True)


class AccountPlatform(BaseModel):
    account = peewee.ForeignKeyField(Account, backref="platforms", on_delete="CASCADE")
    platform = peewee.CharField(max_length=20)
    handle = peewee.CharField(max_length=100, default="")
    url = peewee.CharField(max_length=500, default="")
    registered_at = peewee.DateTimeField(null=True)
    deregistered_at = peewee.DateTimeField(null=True)

    class Meta:
        indexes = ((("account", "platform"), True),)


class PlatformRule(BaseModel):
    """N7 (各单位按要求注册开通…同时在五个平台发布): the city-wide rule the joint-meeting office sets
    that an institutional account opens on every configured platform, or gives a reason for each
    one it leaves out. One row (id 1); none means off."""
    every_platform = peewee.BooleanField(default=False)
    set_by = peewee.CharField(max_length=50, default="")
    set_by_unit = peewee.CharField(max_length=100, default="")
    set_at = peewee.DateTimeField(null=True)

    class Meta:
        table_name = "platform_rule"


class TeamMember(BaseModel):
    account = peewee.ForeignKeyField(Account, backref="team", on_delete="CASCADE")
    person = peewee.ForeignKeyField(Person, backref="teams", on_delete="RESTRICT")
    role = peewee.CharField(max_length=30)  # leader_in_charge, responsible_office, operator

    class Meta:
        indexes = ((("account", "person"), True),)


class SecurityRecord(BaseModel):
    """X24: who holds the credentials, which devices may operate the account, when the
    password last changed. The platform password itself is never stored."""
    account = peewee.ForeignKeyField(Account, backref="security", unique=True, on_delete="CASCADE")
    credential_holder = peewee.ForeignKeyField(Person, backref="+", on_delete="RESTRICT")
    devices = peewee.TextField(default="[]")  # JSON list of {"name", "kind"}
    password_changed_at = peewee.DateTimeField(null=True, index=True)  # the 90-day reminder's query
    password_reminded_at = peewee.DateTimeField(null=True)  # told it is due (cleared when it changes)
    updated_at = peewee.DateTimeField(default=now)


class PlatformLink(BaseModel):
    """Issue 20: whether each of an account's platform connections (kept by publishing, which
    holds the credentials; this is its status only) still works, for the account's security
    record: an expired one is warned of there, and its people are told once per revision.
    Fed by `publishing.connection.changed`; a lower or equal revision changes nothing."""
    account = peewee.ForeignKeyField(Account, backref="+", on_delete="CASCADE")
    platform = peewee.CharField(max_length=20)
    status = peewee.CharField(max_length=10)  # connected, expired, disabled
    reason = peewee.CharField(max_length=300, default="")
    revision = peewee.IntegerField()
    changed_at = peewee.DateTimeField(default=now)

    class Meta:
        table_name = "platform_link"
        indexes = ((("account", "platform"), True),)


class AccountChange(BaseModel):
    """A change filing (变更备案, 国办发〔2018〕123号) of an active account: what it would change
    (`proposed`, only the fields that differ) and what they were (`before`), moved by its own
    machine (services/registry/changes.py): applied → (principal leader) filing → (superior) filed,
    or returned at either step, or withdrawn. The account keeps running on its current values
    until the change is filed; a filed change is one version in the account's history."""
    account = peewee.ForeignKeyField(Account, backref="changes", on_delete="CASCADE")
    status = peewee.CharField(max_length=20)
    proposed = peewee.TextField()  # JSON {field: new value}
    before = peewee.TextField()  # JSON {field: value when applied}
    reason = peewee.TextField()  # why the change
    version = peewee.IntegerField(null=True)  # its number among the account's filed changes
    applied_by = peewee.ForeignKeyField(Person, backref="+", on_delete="RESTRICT")
    applied_at = peewee.DateTimeField(default=now)
    approved_at = peewee.DateTimeField(null=True)
    approved_by = peewee.CharField(max_length=50, default="")  # the names, as the registry had them then
    filed_at = peewee.DateTimeField(null=True)
    filed_by = peewee.CharField(max_length=100, default="")  # "unit name" of the superior that filed it
    returned_at = peewee.DateTimeField(null=True)
    returned_by = peewee.CharField(max_length=100, default="")
    return_reason = peewee.TextField(default="")
    withdrawn_at = peewee.DateTimeField(null=True)

    class Meta:
        indexes = ((("account", "status"), False), (("status", "account"), False))


class AccountStep(BaseModel):
    """Every step of an account's life: who, when, what, which decision, what comment."""
    account = peewee.ForeignKeyField(Account, backref="steps", on_delete="CASCADE")
    action = peewee.CharField(max_length=30)
    from_status = peewee.CharField(max_length=30, null=True)
    to_status = peewee.CharField(max_length=30)
    actor = peewee.ForeignKeyField(Person, backref="+", on_delete="RESTRICT")
    actor_name = peewee.CharField(max_length=50)
    actor_unit = peewee.CharField(max_length=100)
    comment = peewee.TextField(default="")
    detail = peewee.TextField(default="")  # e.g. the platform and handle registered
    at = peewee.DateTimeField(default=now)


class ClientSystem(BaseModel):
    """Another system that posts citizens' messages through the API (a 12345 hotline, a
    platform's webhook), registered by the administrator for a unit and the units below it.
    Its secret is shown once and kept only as an Argon2 hash; revoked, it gets no new token."""
    client_id = peewee.CharField(max_length=40, unique=True)  # public: what the system presents
    name = peewee.CharField(max_length=50)
    unit = peewee.ForeignKeyField(Unit, backref="client_systems", on_delete="RESTRICT")
    secret_hash = peewee.CharField(max_length=255)
    created_by = peewee.CharField(max_length=50)
    created_at = peewee.DateTimeField(default=now)
    revoked_by = peewee.CharField(max_length=50, default="")
    revoked_at = peewee.DateTimeField(null=True)
    last_token_at = peewee.DateTimeField(null=True)


class PasswordHistory(BaseModel):
    """A person's previous passwords (hashes), the last few: a new one may not repeat them."""
    person = peewee.ForeignKeyField(Person, backref="old_passwords", on_delete="CASCADE")
    password_hash = peewee.CharField(max_length=255)
    replaced_at = peewee.DateTimeField(default=now)

    class Meta:
        table_name = "password_history"


class SignInAttempt(BaseModel):
    """Every sign-in attempt, kept for the security audit and counted by the sign-in guard."""
    username = peewee.CharField(max_length=50)
    address = peewee.CharField(max_length=64, default="")
    user_agent = peewee.CharField(max_length=200, default="")
    at = peewee.DateTimeField(default=now, index=True)
    succeeded = peewee.BooleanField()

    class Meta:
        table_name = "sign_in_attempt"
        indexes = ((("username", "at"), False),)


class Captcha(BaseModel):
    """A captcha shown at sign-in: the SHA-256 of its answer; used once, alive five minutes."""
    id = peewee.CharField(max_length=32, primary_key=True)
    answer_hash = peewee.CharField(max_length=64)
    expires_at = peewee.DateTimeField(index=True)
    used_at = peewee.DateTimeField(null=True)

    class Meta:
        table_name = "captcha"


class SignInSession(BaseModel):
    """One sign-in, from the password to its end: the web app renews the person's short tokens
    through it (`services/registry/sessions.py`) until it is signed out, idle too long, too old,
    or its person disabled. The refresh secret is kept only as its SHA-256."""
    sid = peewee.CharField(max_length=32, primary_key=True)  # the tokens' `sid` claim
    person = peewee.ForeignKeyField(Person, backref="sessions", on_delete="CASCADE")
    refresh_hash = peewee.CharField(max_length=64, unique=True)
    address = peewee.CharField(max_length=64, default="")
    user_agent = peewee.CharField(max_length=200, default="")
    created_at = peewee.DateTimeField(default=now)
    last_seen_at = peewee.DateTimeField(default=now)  # its last token: a request within its minutes
    expires_at = peewee.DateTimeField()  # the absolute end
    ended_at = peewee.DateTimeField(null=True, index=True)
    ended_reason = peewee.CharField(max_length=20, default="")  # sign_out, everywhere, idle, expired, disabled

    class Meta:
        table_name = "sign_in_session"
        indexes = ((("person", "ended_at"), False),)


audit = AuditTrail(db, Unit)  # who approved, filed or changed what (docs/audit.md)


class SecondFactor(BaseModel):
    """A person's TOTP secret (RFC 6238): pending until a first code confirms it; `last_step`
    is the time step of the last code taken, so no code opens twice."""
    person = peewee.ForeignKeyField(Person, unique=True, on_delete="CASCADE")
    secret = peewee.CharField(max_length=255)
    created_at = peewee.DateTimeField(default=now)
    confirmed_at = peewee.DateTimeField(null=True)
    last_step = peewee.BigIntegerField(default=0)


class RecoveryCode(BaseModel):
    """One of a person's one-time recovery codes (for a lost phone), kept as a hash only."""
    person = peewee.ForeignKeyField(Person, on_delete="CASCADE", index=True)
    code_hash = peewee.CharField(max_length=64)
    used_at = peewee.DateTimeField(null=True)


class SignInChallenge(BaseModel):
    """A sign-in whose password was right, waiting for its second factor: a few minutes, a few tries."""
    secret_hash = peewee.CharField(max_length=64, unique=True)
    person = peewee.ForeignKeyField(Person, on_delete="CASCADE")
    address = peewee.CharField(max_length=64, default="")
    user_agent = peewee.CharField(max_length=200, default="")
    expires_at = peewee.DateTimeField(index=True)
    tries = peewee.IntegerField(default=0)


class Notification(BaseModel):
    """One thing a person is told (issue 17): a reminder a service announced, for each person it
    names, once (`key`: the reminder's); read in the product (the bell) and delivered by the
    channels the person chose (Delivery)."""
    person = peewee.ForeignKeyField(Person, on_delete="CASCADE")
    key = peewee.CharField(max_length=120)
    kind = peewee.CharField(max_length=20)
    title = peewee.CharField(max_length=200)  # in the record's language (Chinese)
    title_said = peewee.TextField(null=True)  # its message and values, JSON (govmb.messages.kept)
    link_kind = peewee.CharField(max_length=20)
    link_id = peewee.IntegerField(null=True)
    due_at = peewee.DateTimeField(null=True)
    urgent = peewee.BooleanField(default=False)
    created_at = peewee.DateTimeField(default=now)
    read_at = peewee.DateTimeField(null=True)

    def title_shown(self) -> str:
        """The title in the reader's language (the request's, or the one `speaking` chose)."""
        return said_again_json(self.title_said, self.title)

    class Meta:  # and, in the migration, (person, id) WHERE read_at IS NULL: the bell's count
        indexes = ((("person", "key"), True), (("person", "id"), False), (("read_at",), False),
                   (("created_at",), False))


class Delivery(BaseModel):
    """A notification's delivery by e-mail or by an IM robot: claimed before it is sent
    (pending → sending → sent, or back to pending with a later `not_before`, or failed). One per
    channel, address and reminder: the people of a unit who share a group robot (or an address)
    get one message there, not one each (`target`: a keyed hash of the address)."""
    notification = peewee.ForeignKeyField(Notification, on_delete="CASCADE")
    channel = peewee.CharField(max_length=10)  # email, webhook
    target = peewee.CharField(max_length=80)  # govmb.personal.lookup_hash of the address
    key = peewee.CharField(max_length=120)  # the reminder's
    state = peewee.CharField(max_length=10, default="pending")
    not_before = peewee.DateTimeField()  # quiet hours and retries put it later
    attempts = peewee.IntegerField(default=0)
    claimed_at = peewee.DateTimeField(null=True)
    sent_at = peewee.DateTimeField(null=True)
    error = peewee.CharField(max_length=200, default="")

    class Meta:
        indexes = ((("channel", "target", "key"), True), (("notification", "channel"), False),
                   (("state", "not_before"), False))


class NotifyPreference(BaseModel):
    """How a person wants to be told: e-mail and an IM robot (企业微信/政务微信, 钉钉, 飞书), each
    on or off, and quiet hours (Beijing) when only urgent ones are sent. The address and the
    robot's URL and secret are sealed with the personal data key (govmb.personal)."""
    person = peewee.ForeignKeyField(Person, unique=True, on_delete="CASCADE")
    email_on = peewee.BooleanField(default=False)
    email = peewee.TextField(default="")  # sealed
    webhook_on = peewee.BooleanField(default=False)
    webhook_kind = peewee.CharField(max_length=10, default="")  # wecom, dingtalk, feishu
    webhook = peewee.TextField(default="")  # sealed JSON {url, secret}
    quiet_from = peewee.CharField(max_length=5, default="22:00")
    quiet_to = peewee.CharField(max_length=5, default="07:00")
    updated_at = peewee.DateTimeField(default=now)


class FollowedAccount(BaseModel):
    """X22: an account one of ours follows on a platform (recorded or imported by its staff), with
    what the registry judges it to be (`kind`: government, media, expert, unrelated) and, for an
    unrelated one, the reason the unit keeps it. `handle` is kept normalised (services/registry/follows.py)."""
    account = peewee.ForeignKeyField(Account, backref="follows", on_delete="CASCADE")
    platform = peewee.CharField(max_length=20)
    handle = peewee.CharField(max_length=100)
    name = peewee.CharField(max_length=100, default="")
    url = peewee.CharField(max_length=500, default="")
    kind = peewee.CharField(max_length=20)
    matched = peewee.CharField(max_length=100, default="")  # what it matched: the account's or the register's name
    reason = peewee.TextField(default="")
    reason_by = peewee.CharField(max_length=50, default="")
    reason_at = peewee.DateTimeField(null=True)
    created_by = peewee.CharField(max_length=50)
    created_at = peewee.DateTimeField(default=now)
    updated_at = peewee.DateTimeField(default=now)

    class Meta:
        table_name = "followed_account"
        indexes = ((("account", "platform", "handle"), True), (("platform", "handle"), False),
                   (("account", "kind", "id"), False))


class FollowRegisterEntry(BaseModel):
    """X22: the joint-meeting office's city-wide register of mainstream media and field experts,
    by platform and handle: a follow that matches one is related to the work."""
    platform = peewee.CharField(max_length=20)
    handle = peewee.CharField(max_length=100)
    name = peewee.CharField(max_length=100)
    kind = peewee.CharField(max_length=10)  # media, expert
    url = peewee.CharField(max_length=500, default="")
    note = peewee.CharField(max_length=200, default="")
    updated_by = peewee.CharField(max_length=50)
    updated_at = peewee.DateTimeField(default=now)

    class Meta:
        table_name = "follow_register_entry"
        indexes = ((("platform", "handle"), True), (("kind", "id"), False))
