"""The registry's HTTP API: units, sign-in, people, accounts, the public hall."""

from base64 import b64encode

import peewee
from flask import current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_smorest import abort

from govmb.audit_api import audit_blueprint
from govmb.auth import (
    PERSON_ROLES,
    UNIT_STAFF,
    WORKING_ROLES,
    AuthError,
    current_identity,
    in_sight,
    person_only,
    read_token,
    requires,
    visible_or_404,
)
from govmb.config import Settings, options
from govmb.contracts.registry import STATUS_NAMES, AccountStatus
from govmb.copies_api import within_levels
from govmb.domain import Invalid, NotFound, Unauthenticated
from govmb.headers import NO_STORE
from govmb.identity import under
from govmb.messages import said
from govmb.paging import Blueprint, narrowed, page, sorted_by
from govmb.platforms import platforms
from govmb.textsearch import contains
from govmb.todo_api import todo_blueprint
from services.registry import (
    account_security,
    changes,
    follows,
    notifications,
    passwords,
    people,
    platform_rule,
    second_factor,
    service,
    sessions,
    signin_guard,
    todo,
)
from services.registry import accounts as life
from services.registry import clients as client_systems
from services.registry import hall as public_hall
from services.registry.models import (
    Account,
    AccountChange,
    AccountPlatform,
    ClientSystem,
    FollowedAccount,
    FollowRegisterEntry,
    Person,
    SecurityRecord,
    SignInSession,
    Unit,
    audit,
)
from services.registry.schemas import (
    AccountDetailSchema,
    AccountQuerySchema,
    AccountSchema,
    ActionSchema,
    ActiveSchema,
    AlertSchema,
    ApplicationSchema,
    CaptchaQuerySchema,
    CaptchaSchema,
    ChallengeAnswerSchema,
    ChangeActionSchema,
    ChangeInSchema,
    ChangeSchema,
    ClientCreatedSchema,
    ClientInSchema,
    ClientSchema,
    ClientTokenRequestSchema,
    ClientTokenSchema,
    CodeSchema,
    CurrentPasswordSchema,
    EndedSchema,
    EnrolmentSchema,
    FollowImportSchema,
    FollowInSchema,
    FollowQuerySchema,
    FollowRecheckSchema,
    FollowSchema,
    HallAccountSchema,
    HallGroupSchema,
    HallGroupsSchema,
    HallQuerySchema,
    ImportFileSchema,
    LocaleSchema,
    NotificationQuerySchema,
    NotificationSchema,
    PasswordChangeSchema,
    PasswordResetSchema,
    PersonQuerySchema,
    PersonSchema,
    PlatformCodeSchema,
    PlatformRuleInSchema,
    PlatformRuleSchema,
    PreferencesSchema,
    ReadAllSchema,
    ReasonSchema,
    RecoveryCodesSchema,
    RefreshSchema,
    RegisterEntryInSchema,
    RegisterEntrySchema,
    RegisterQuerySchema,
    RenewedSchema,
    RolesSchema,
    SecondFactorStatusSchema,
    SecuritySchema,
    SessionSchema,
    SignInSchema,
    SignInSessionSchema,
    TeamSchema,
    UnitQuerySchema,
    UnitSchema,
    UnitUpdateSchema,
    UnreadSchema,
    WebTokensSchema,
)


def _settings() -> Settings:
    """The service's settings, read once at start-up (govmb.config)."""
    return current_app.config["GOVMB_SETTINGS"]


def _from_web_app() -> bool:
    """Does the web app itself call (its own token, which the registry gave it)?"""
    header = request.headers.get("Authorization", "")
    try:
        return header.startswith("Bearer ") and read_token(header[7:], _settings().keys).client == "web"
    except AuthError:
        return False


def _address() -> str:
    """The caller's address; for a sign-in the web app passes on, the address of the person at
    the form (X-Client-Address), believed only beside the web app's own token: otherwise every
    sign-in through the web app would count against one address, the web app's."""
    claimed = request.headers.get("X-Client-Address")
    return claimed[:64] if claimed and _from_web_app() else get_remote_address()


def _user_agent() -> str:
    """The browser of the person at the form (X-Client-User-Agent, from the web app), else the caller's."""
    claimed = request.headers.get("X-Client-User-Agent")
    return (claimed if claimed and _from_web_app() else request.user_agent.string or "")[:200]


limiter = Limiter(key_func=_address, storage_uri=options().ratelimit_storage_uri,
                  headers_enabled=True)
units = Blueprint("units", __name__, url_prefix="/api/units", description="单位树")
auth = Blueprint("auth", __name__, url_prefix="/api/auth", description="登录")
people_bp = Blueprint("people", __name__, url_prefix="/api/people", description="人员")
accounts = Blueprint("accounts", __name__, url_prefix="/api/accounts", description="政务微博账号：开设、备案、关闭")
public = Blueprint("hall", __name__, url_prefix="/api/hall", description="政务微博大厅（公开）")
clients_bp = Blueprint("clients", __name__, url_prefix="/api/clients",
                       description="客户端系统：通过接口推送网民留言的其他系统（12345 热线、平台回调等）")


def init_app(app) -> None:
    limiter.init_app(app)


def _visible_unit(unit_id: int, field: str | None = None) -> Unit:
    """The unit, if the caller sees it; else 404, or 422 on `field` when the id came in a body."""
    unit = Unit.get_or_none(Unit.id == unit_id)
    if unit is None or not current_identity().may_see(unit.path):
        problem = said("单位 {id} 不存在或不在您的管辖范围内", id=unit_id)
        if field:
            abort(422, errors={field: [problem]})
        abort(404, message=problem)
    return unit


def _me() -> Person:
    person = Person.get_or_none(Person.id == current_identity().person_id)
    if person is None or not person.active:
        abort(401, message="登录人已不存在或已停用，请重新登录")
    return person


def _visible_account(account_id: int) -> Account:
    """The account, if the caller sees its unit or its managing unit (X6); else 404."""
    account = Account.get_or_none(Account.id == account_id)
    if account is None or not life.sees(account, current_identity()):
        raise NotFound(said("账号 {id} 不存在或不在您的管辖范围内", id=account_id))
    return account


def _detail(account: Account, who) -> Account:
    """The account as its page shows it, with its pending change filing beside the current values."""
    account = life.detail(account, who)
    change = changes.pending(account)
    account.pending_change = changes.shown(change, who) if change else None
    account.may_change = account.may_work and account.status == AccountStatus.ACTIVE and change is None
    return account


# ------------------------------------------------------------------------------ units
@units.route("")
@requires(*PERSON_ROLES)  # the unit tree: the security and audit administrators' filters too
@units.arguments(UnitQuerySchema, location="query")
@units.response(200, UnitSchema(many=True))
@units.paginate()
def list_units(args, pagination_parameters):
    """本人单位及其下级单位（联席会议办公室、督查和系统管理员可见全部），上级在前、下级随后，分页；
    可按单位（含下级）、直属上级、类型筛选，按名称搜索"""
    query = narrowed(in_sight(Unit.select(), Unit.path), args, unit_model=Unit, path_field=Unit.path,
                     unit_field=Unit.id, search=Unit.name)
    if "parent_id" in args:
        query = query.where(Unit.parent == args["parent_id"])
    if "kind" in args:
        query = query.where(Unit.kind == args["kind"])
    return page(within_levels(query, Unit, args).order_by(Unit.path, Unit.id), pagination_parameters)


@units.route("", methods=["POST"])
@requires("admin", "joint_office")
@units.arguments(UnitSchema)
@units.response(201, UnitSchema)
def create_unit(data):
    """新建单位（系统管理员、联席会议办公室）"""
    return service.create_unit(data["name"], data["kind"], data["parent_id"], current_identity(), name_ug=data["name_ug"])


@units.route("/<int:unit_id>")
@requires(*PERSON_ROLES)  # the unit tree: the security and audit administrators' filters too
@units.response(200, UnitSchema)
def get_unit(unit_id):
    return _visible_unit(unit_id)


@units.route("/<int:unit_id>", methods=["PATCH"])
@requires("admin", "joint_office")
@units.arguments(UnitUpdateSchema)
@units.response(200, UnitSchema)
def update_unit(data, unit_id):
    """改名或调整上级单位；调整时其全部下级单位一并更新"""
    unit = _visible_unit(unit_id)
    return service.update_unit(unit, data.get("name"), data.get("parent_id"), move="parent_id" in data,
                               who=current_identity(), name_ug=data.get("name_ug"))


# ---------------------------------------------------------------------------- sign-in
def _key_of(field: str):
    """A rate limit's key: the name being tried (a user's, a client system's) from the caller's
    address, else the address: a stranger elsewhere cannot spend an official's tries."""
    def key() -> str:
        body = request.get_json(silent=True)
        return f"{field}:{body.get(field)}@{_address()}" if isinstance(body, dict) else _address()
    return key


def _per_address() -> str:
    return options().signin_limit_per_address


def _per_name() -> str:
    return options().signin_limit_per_user


@auth.route("/sign-in", methods=["POST"])
@limiter.limit(_per_address)
@limiter.limit(_per_name, key_func=_key_of("username"))
@auth.arguments(SignInSchema)
@auth.response(200, SessionSchema)
@auth.doc(security=[])  # open to anyone: documented without the bearer token
def sign_in(data):
    """登录：用户名和密码正确时返回令牌（同一用户名自同一地址每分钟至多 5 次尝试；同一用户名 15 分钟内失败 3 次后，
    须同时回答验证码：先 GET /api/auth/captcha）"""
    if signin_guard.needs_captcha(data["username"]) and not signin_guard.solved(data.get("captcha_id"),
                                                                                data.get("captcha_answer")):
        signin_guard.record(data["username"], _address(), _user_agent(), False)  # a try all the same
        raise Invalid("captcha_answer", "请输入图中的验证码（此用户名近期多次登录失败）")
    person = people.authenticate(data["username"], data["password"], _settings().production)
    signin_guard.record(data["username"], _address(), _user_agent(), person is not None, person, "密码错误")
    if person is None:
        abort(401, message="用户名或密码不正确")
    if second_factor.enrolled(person):  # the password was right: now the code
        return {"second_factor": "code", "expires_in": int(second_factor.CHALLENGE_LIFE.total_seconds()),
                "challenge": second_factor.open_challenge(person, _address(), _user_agent())}
    return _opened(person)


def _opened(person: Person, second: str = "") -> dict:
    """A new session for a person who has proved who they are (`second`: with which second factor)."""
    session, refresh = sessions.open_session(person, _settings(), _address(), _user_agent(), second)
    settings = _settings()
    return {"token": sessions.token_of(person, session, settings), "refresh": refresh, "session": session.sid,
            "expires_in": settings.token_ttl_seconds, "person": person,
            "password_change": passwords.must_change(person, settings),
            "second_factor": "enrol" if second_factor.must_enrol(person, settings) else None}


@auth.route("/sign-in/second-factor", methods=["POST"])
@limiter.limit(_per_address)
@auth.arguments(ChallengeAnswerSchema)
@auth.response(200, SessionSchema)
@auth.doc(security=[])
def sign_in_second_factor(data):
    """登录第二步：以第一步给出的 challenge 和验证器应用的 6 位验证码（或一个恢复码）换取会话；验证码错误 5 次或超过
    5 分钟须重新输入密码"""
    asked = second_factor.person_of(data["challenge"])
    try:
        person, kind = second_factor.answer(data["challenge"], data["code"])
    except Unauthenticated:
        if asked is not None:  # a wrong code counts as a failed sign-in under the name (the captcha, the burst)
            signin_guard.record(asked.username, _address(), _user_agent(), False, asked, "两步验证码错误")
        raise
    return _opened(person, "恢复码" if kind == "recovery" else "验证码")


@auth.route("/alerts")
@requires("security_admin")
@auth.response(200, AlertSchema(many=True))
@auth.paginate()
def security_alerts(pagination_parameters):
    """安全告警（安全管理员）：近 7 日同一用户名短时间内大量登录失败的告警，新的在前，分页"""
    return page(signin_guard.alerts(), pagination_parameters)


@auth.route("/second-factor")
@person_only
@auth.response(200, SecondFactorStatusSchema)
def my_second_factor():
    """本人的两步验证：是否已启用、角色是否要求、剩余恢复码"""
    return second_factor.status(_me(), _settings())


def _per_person() -> str:
    return f"person:{current_identity().person_id}"


@auth.route("/second-factor", methods=["POST"])
@person_only
@limiter.limit(_per_name, key_func=_per_person)
@auth.arguments(CurrentPasswordSchema)
@auth.response(201, EnrolmentSchema)
def start_second_factor(data):
    """开始绑定两步验证（须再输入当前密码）：生成新密钥，返回二维码（用验证器应用扫描）和密钥文本，只显示这一次；
    以 confirm 确认后启用"""
    return second_factor.start(_me(), data["current_password"]), 201, NO_STORE  # the secret: shown once, kept nowhere


@auth.route("/second-factor/confirm", methods=["POST"])
@person_only
@limiter.limit(_per_name, key_func=_per_person)
@auth.arguments(CodeSchema)
@auth.response(200, RecoveryCodesSchema)
def confirm_second_factor(data):
    """以验证器应用显示的验证码确认绑定：启用两步验证，返回 10 个恢复码（只显示这一次）和本会话的新令牌"""
    who, person = current_identity(), _me()
    codes = second_factor.confirm(person, data["code"], who)
    return {"recovery_codes": codes, **_renewed_token(who, person)}, 200, NO_STORE


@auth.route("/second-factor/recovery-codes", methods=["POST"])
@person_only
@limiter.limit(_per_name, key_func=_per_person)
@auth.arguments(CodeSchema)
@auth.response(200, RecoveryCodesSchema)
def new_recovery_codes(data):
    """重新生成恢复码（须输入当前验证码）：原有的恢复码全部作废"""
    return {"recovery_codes": second_factor.new_recovery_codes(_me(), data["code"], current_identity())}, 200, NO_STORE


@auth.route("/second-factor/off", methods=["POST"])
@person_only
@limiter.limit(_per_name, key_func=_per_person)
@auth.arguments(CodeSchema)
@auth.response(204)
def turn_off_second_factor(data):
    """停用本人的两步验证（须输入当前验证码）；角色要求两步验证时不能停用"""
    second_factor.turn_off(_me(), data["code"], current_identity(), _settings())


def _renewed_token(who, person: Person) -> dict:
    session = SignInSession.get_by_id(who.session)
    return {"token": sessions.token_of(person, session, _settings()), "expires_in": _settings().token_ttl_seconds}


@auth.route("/password", methods=["POST"])
@person_only
@auth.arguments(PasswordChangeSchema)
@auth.response(200, RenewedSchema)
def change_password(data):
    """修改本人密码（须提供当前密码；新密码须符合密码策略，且不能与最近 5 次相同）；本人的其他登录随之结束，
    返回本会话的新令牌。密码被重置或已过期时，令牌只能用于此操作"""
    who = current_identity()
    person = passwords.change_own(Person.get_by_id(who.person_id), data["current_password"], data["new_password"],
                                  who, _settings())
    return _renewed_token(who, person)


@auth.route("/captcha")
@limiter.limit(_per_address)
@auth.arguments(CaptchaQuerySchema, location="query")
@auth.response(200, CaptchaSchema)
@auth.doc(security=[])
def captcha(args):
    """登录验证码：此用户名近期多次登录失败时 required 为 true，并给出一张验证码图片（PNG，5 分钟内有效，只能用一次）"""
    if not signin_guard.needs_captcha(args["username"]):
        return {"required": False}
    captcha_id, png = signin_guard.new_captcha()
    return {"required": True, "captcha_id": captcha_id, "image": "data:image/png;base64," + b64encode(png).decode()}


@auth.route("/refresh", methods=["POST"])  # not limited per address: every person's renewals come from the web app's
@auth.arguments(RefreshSchema)
@auth.response(200, RenewedSchema)
@auth.doc(security=[])  # the token may have run out: the refresh secret is the credential
def refresh(data):
    """续期：凭登录时给出的续期凭据换取新的短期令牌；会话已退出、超时（空闲或超过时限）或人员被停用时 401"""
    session, token = sessions.renew(data["refresh"], _settings())
    enrol = second_factor.must_enrol(session.person, _settings())  # a role granted since that needs one
    return {"token": token, "expires_in": _settings().token_ttl_seconds, "second_factor": "enrol" if enrol else None}


@auth.route("/sign-out", methods=["POST"])
@person_only
@auth.response(200, EndedSchema)
def sign_out():
    """退出登录：结束本会话，其令牌在所有服务立即失效"""
    who = current_identity()
    session = SignInSession.get_or_none(SignInSession.sid == who.session)
    return {"ended": int(bool(session) and sessions.end(session, "sign_out", _settings(), who))}


@auth.route("/sessions")
@person_only
@auth.response(200, SignInSessionSchema(many=True))
def my_sessions():
    """本人仍有效的登录会话（地址、浏览器、登录与最近使用时间），最新的在前"""
    who = current_identity()
    rows = list(sessions.open_of(who.person_id, _settings()).limit(100))
    for row in rows:
        row.current = row.sid == who.session
    return rows


@auth.route("/sessions/end-all", methods=["POST"])
@person_only
@auth.response(200, EndedSchema)
def end_all_sessions():
    """退出全部登录：结束本人的所有会话（包括本会话）"""
    who = current_identity()
    return {"ended": sessions.end_all(Person.get_by_id(who.person_id), "everywhere", _settings(), who)}


@auth.route("/token", methods=["POST"])
@limiter.limit(_per_address)
@limiter.limit(_per_name, key_func=_key_of("client_id"))
@auth.arguments(ClientTokenRequestSchema)
@auth.response(200, ClientTokenSchema)
@auth.doc(security=[])
def client_token(data):
    """客户端系统以标识和密钥换取短期令牌（intake 角色：只能为其范围内的账号推送留言）；与登录一样限制尝试次数"""
    client = client_systems.authenticate(data["client_id"], data["client_secret"])
    return {"token": client_systems.token_for(client, _settings()), "token_type": "Bearer",
            "expires_in": _settings().client_token_ttl_seconds, "roles": sorted(client_systems.ROLES)}


@auth.route("/web-tokens", methods=["POST"])
@limiter.limit(_per_address)
@auth.response(200, WebTokensSchema)
@auth.doc(security=[{"web_client_secret": []}])
def web_tokens():
    """网页端以其密钥换取自己的短期令牌（web：转交登录者地址；hall：政务微博大厅提交留言）；令牌只能由登记服务签发"""
    return client_systems.web_tokens(request.headers.get("X-Web-Client-Secret", ""), _settings())


@auth.route("/me")
@person_only
@auth.response(200, PersonSchema)
def me():
    """登录人本人：单位、角色、选择的界面语言（locale）"""
    return _me()


@auth.route("/me/locale", methods=["PUT"])
@person_only
@auth.arguments(LocaleSchema)
@auth.response(200, PersonSchema)
def set_my_locale(data):
    """选择本人的界面语言（zh_Hans 或 ug）：此后登录时网页以此显示，邮件和群机器人通知以此书写"""
    return people.set_locale(_me(), data["locale"])


# ----------------------------------------------------------------------------- people
@people_bp.route("")
@requires(*WORKING_ROLES, "security_admin")
@people_bp.arguments(PersonQuerySchema, location="query")
@people_bp.response(200, PersonSchema(many=True))
@people_bp.paginate()
def list_people(args, pagination_parameters):
    """本单位及下级单位的人员（默认只列在职人员，用于组建工作团队；status=disabled：已停用，all：全部），按单位排列，
    分页；可按单位（below=false：只看该单位）、角色筛选，按姓名或用户名搜索"""
    query = in_sight(Person.select(Person, Unit).join(Unit), Unit.path)
    if args["status"] != "all":
        query = query.where(Person.active == (args["status"] == "active"))
    query = narrowed(query, args, unit_model=Unit, path_field=Unit.path, unit_field=Person.unit,
                     search=(Person.name, Person.username))
    if "role" in args:  # roles are stored comma-separated; a whole role matches, never a part of another
        query = query.where(contains(peewee.Value(",").concat(Person.roles).concat(","), f",{args['role']},"))
    return page(query.order_by(Person.unit, Person.id), pagination_parameters)


@people_bp.route("", methods=["POST"])
@requires("admin", "joint_office")
@people_bp.arguments(PersonSchema)
@people_bp.response(201, PersonSchema)
def create_person(data):
    """新增人员（系统管理员、联席会议办公室）"""
    unit = _visible_unit(data["unit_id"])
    return people.create_person(unit, data["name"], data["username"], data["password"], data["roles"],
                                data["rank"], data["title"], current_identity(), _settings().production)


@people_bp.route("/<int:person_id>")
@requires(*WORKING_ROLES, "security_admin")
@people_bp.response(200, PersonSchema)
def get_person(person_id):
    return _person(person_id)


@people_bp.route("/<int:person_id>/roles", methods=["PUT"])
@requires("security_admin", "joint_office")
@people_bp.arguments(RolesSchema)
@people_bp.response(200, PersonSchema)
def set_person_roles(data, person_id):
    """授予或收回人员的角色（三员分立）：安全管理员可授予任何角色；联席会议办公室只能授予或收回单位工作人员的角色；
    系统管理员、安全管理员、审计管理员各自不能兼任其他角色；收回角色时其所有登录立即结束"""
    return people.set_roles(_person(person_id), data["roles"], current_identity(), _settings())


@people_bp.route("/<int:person_id>/second-factor")
@requires("security_admin", "admin")
@people_bp.response(200, SecondFactorStatusSchema)
def person_second_factor(person_id):
    """人员的两步验证状态（安全管理员、系统管理员）"""
    return second_factor.status(_person(person_id), _settings())


@people_bp.route("/<int:person_id>/second-factor", methods=["DELETE"])
@requires("security_admin")
@people_bp.response(204)
def reset_second_factor(person_id):
    """重置人员的两步验证（安全管理员；手机丢失或更换时）：其所有登录结束，下次登录时（角色要求的）须重新绑定"""
    second_factor.reset(_person(person_id), current_identity(), _settings())


@people_bp.route("/<int:person_id>/password", methods=["PUT"])
@requires("admin")
@people_bp.arguments(PasswordResetSchema)
@people_bp.response(200, PersonSchema)
def reset_password(data, person_id):
    """重置人员密码（系统管理员）：其所有登录结束，下次登录须先修改密码"""
    return passwords.reset(_person(person_id), data["password"], current_identity(), _settings())


@people_bp.route("/<int:person_id>/active", methods=["PUT"])
@requires("admin")
@people_bp.arguments(ActiveSchema)
@people_bp.response(200, PersonSchema)
def set_person_active(data, person_id):
    """停用人员（active=false：其所有登录会话立即结束、令牌在各服务失效，不能再登录）或重新启用（系统管理员）"""
    return people.set_active(_person(person_id), data["active"], current_identity(), _settings())


def _person(person_id: int) -> Person:
    return visible_or_404(Person, person_id, "人员", lambda p: p.unit.path)


# --------------------------------------------------------------------------- accounts
@accounts.route("/platforms")
@accounts.response(200, PlatformCodeSchema(many=True))
@accounts.doc(security=[])
def list_platforms():
    """可开设账号的平台（配置项）"""
    return [{"code": code, "name": name} for code, name in platforms().items()]


@accounts.route("")
@requires()
@accounts.arguments(AccountQuerySchema, location="query")
@accounts.response(200, AccountSchema(many=True))
@accounts.paginate()
def list_accounts(args, pagination_parameters):
    """本单位及下级单位的账号，分页；可按单位（含下级）、状态、类型、类别、平台、申请日期筛选，按名称搜索，
    按单位、名称或开通时间排序；awaiting=filing：待本单位确认备案的直属下级单位账号"""
    who = current_identity()
    query = Account.select(Account, Unit).join(Unit, on=(Account.unit == Unit.id))
    if not who.sees_all:  # its unit in sight, or its managing unit (X6)
        managed = Unit.select(Unit.id).where(under(Unit.path, who.unit_path))
        query = query.where(under(Unit.path, who.unit_path) | Account.managing_unit.in_(managed))
    query = narrowed(query, args, unit_model=Unit, path_field=Unit.path, unit_field=Account.unit,
                     at=Account.applied_at, search=Account.name)
    if args.get("awaiting") == "filing":
        query = query.where(Account.status == AccountStatus.FILING)
        if not who.has("joint_office"):
            query = query.where(Unit.parent == who.unit_id)
    for name in ("status", "kind", "category"):
        if name in args:
            query = query.where(getattr(Account, name) == args[name])
    if "change" in args:
        query = query.where(Account.id.in_(AccountChange.select(AccountChange.account).where(
            AccountChange.status == args["change"])))
    if "password" in args:
        query = query.where(Account.id.in_(SecurityRecord.select(SecurityRecord.account).join(Account).where(
            account_security.due())))
    if "follows" in args:
        query = query.where(Account.unexplained_follows > 0)
    if "platform" in args:
        query = query.where(Account.id.in_(AccountPlatform.select(AccountPlatform.account).where(
            AccountPlatform.platform == args["platform"], AccountPlatform.deregistered_at.is_null())))
    query = sorted_by(query, args["sort"], {"unit": (Account.unit,), "name": (Account.name,),
                                            "activated": (Account.activated_at,),
                                            "follows": (Account.unexplained_follows,)}, Account.id)
    rows = page(query, pagination_parameters)
    for a in rows:
        a.status_name = STATUS_NAMES.get(a.status, a.status)
    return rows


@accounts.route("", methods=["POST"])
@requires(*UNIT_STAFF)
@accounts.arguments(ApplicationSchema)
@accounts.response(201, AccountDetailSchema)
def apply(data):
    """提交开设申请（附工作方案与工作团队），或申报私人微博"""
    return _detail(life.apply(_me(), data), current_identity())


@accounts.route("/<int:account_id>")
@requires()
@accounts.response(200, AccountDetailSchema)
def get_account(account_id):
    """账号详情：平台、团队、安全登记、每一步记录，以及当前登录人可办理的操作"""
    return _detail(_visible_account(account_id), current_identity())


@accounts.route("/<int:account_id>/actions/<action>", methods=["POST"])
@requires()
@accounts.arguments(ActionSchema)
@accounts.response(200, AccountDetailSchema)
def take_action(data, account_id, action):
    """办理一步：approve、return、resubmit、withdraw、acknowledge_filing、return_filing、register_platform、
    activate、request_close、approve_close、reject_close、inform_superior、post_notice、deregister_platform、close"""
    account, who = _visible_account(account_id), current_identity()
    _me()  # the person still exists and is active (a token outlives a deactivation)
    return _detail(life.transition(account, action, who, data), who)


@accounts.route("/<int:account_id>/team", methods=["PUT"])
@requires()
@accounts.arguments(TeamSchema)
@accounts.response(200, AccountDetailSchema)
def change_team(data, account_id):
    """调整工作团队（3 至 5 人：分管领导、责任处室、操作员）"""
    account, who = _visible_account(account_id), current_identity()
    _me()
    return _detail(life.change_team(account, who, data["members"], data["comment"]), who)


@accounts.route("/<int:account_id>/security", methods=["PUT"])
@requires()
@accounts.arguments(SecuritySchema)
@accounts.response(200, AccountDetailSchema)
def update_security(data, account_id):
    """安全登记：密码保管人、允许操作的设备、最近一次修改密码的时间（本系统不保存任何平台密码）"""
    account, who = _visible_account(account_id), current_identity()
    _me()
    life.update_security(account, who, data)
    return _detail(account, who)


@accounts.route("/<int:account_id>/changes")
@requires()
@accounts.response(200, ChangeSchema(many=True))
@accounts.paginate()
def list_changes(account_id, pagination_parameters):
    """账号的变更备案，新的在前，分页：每一次改变了什么（原内容与新内容）、谁申请、谁批准、谁备案、何时；
    已备案的依次为第 1、2…次变更（账号的各个版本）"""
    account, who = _visible_account(account_id), current_identity()
    return [changes.shown(c, who) for c in page(changes.history(account), pagination_parameters)]


@accounts.route("/<int:account_id>/changes", methods=["POST"])
@requires(*UNIT_STAFF)
@accounts.arguments(ChangeInSchema)
@accounts.response(201, ChangeSchema)
def apply_change(data, account_id):
    """申请变更备案（国办发〔2018〕123号）：正常运行账号的名称、平台、工作团队、本人、管理部门或工作方案的变更，
    由运行账号的单位工作人员申请，报主要领导审批、上级单位备案；备案前账号按现有内容运行。只给出要改的项；
    与现有内容相同的项不算变更，至少须改变一项，须写明理由"""
    account, who = _visible_account(account_id), current_identity()
    _me()
    return changes.shown(changes.apply_change(account, who, data), who)


@accounts.route("/<int:account_id>/changes/<int:change_id>/actions/<action>", methods=["POST"])
@requires()
@accounts.arguments(ChangeActionSchema)
@accounts.response(200, ChangeSchema)
def take_change_action(data, account_id, change_id, action):
    """办理变更备案的一步：approve（主要领导批准）、return（主要领导退回，须写理由）、file（上级单位确认备案：
    变更生效，发出账号变更事件）、return_filing（上级单位退回，须写理由）、withdraw（申请单位撤回）"""
    account, who = _visible_account(account_id), current_identity()
    change = AccountChange.get_or_none(AccountChange.id == change_id, AccountChange.account == account)
    if change is None:
        abort(404, message=said("账号 {id} 没有变更申请 {change}", id=account_id, change=change_id))
    _me()
    return changes.shown(changes.transition(change, action, who, data), who)


# ------------------------------------------------------------------------ the platform rule (N7)
rule_bp = Blueprint("platform_rule", __name__, url_prefix="/api/platform-rule",
                    description="N7：政务微博须在全部平台开通（联席会议办公室设置，默认关闭）")


@rule_bp.route("")
@requires(*PERSON_ROLES)
@rule_bp.response(200, PlatformRuleSchema)
def get_platform_rule():
    """是否开启“政务微博须在全部平台开通”：开启后，机构微博的开设申请、重新提交和变更备案未选的每个平台须写明理由；
    谁在何时设置"""
    return platform_rule.state(current_identity())


@rule_bp.route("", methods=["PUT"])
@requires(*platform_rule.SETTERS)
@rule_bp.arguments(PlatformRuleInSchema)
@rule_bp.response(200, PlatformRuleSchema)
def set_platform_rule(data):
    """联席会议办公室开启或关闭“政务微博须在全部平台开通”（南昌发布厅，N7；默认关闭）"""
    _me()
    return platform_rule.set_rule(data["every_platform"], current_identity())


# ------------------------------------------------------------------------ follow lists (X22)
def _follow(account: Account, follow_id: int) -> FollowedAccount:
    follow = FollowedAccount.get_or_none(FollowedAccount.id == follow_id, FollowedAccount.account == account)
    if follow is None:
        raise NotFound(said("账号 {id} 的关注名单中没有 {follow}", id=account.id, follow=follow_id))
    return follow


@accounts.route("/<int:account_id>/follows")
@requires()
@accounts.arguments(FollowQuerySchema, location="query")
@accounts.response(200, FollowSchema(many=True))
@accounts.paginate()
def list_follows(args, account_id, pagination_parameters):
    """账号的关注名单（X22），新登记的在前，分页；每个关注的判定：政务账号（本市正常运行的账号）、主流媒体或
    行业专家（联席会议办公室的名录）、与工作无关（须说明理由或移除）；可按判定筛选"""
    account = _visible_account(account_id)
    query = follows.listed(account, args.get("kind"), args.get("unexplained", False))
    return [follows.shown(f) for f in page(query, pagination_parameters)]


@accounts.route("/<int:account_id>/follows", methods=["POST"])
@requires(*UNIT_STAFF)
@accounts.arguments(FollowInSchema)
@accounts.response(201, FollowSchema)
def record_follow(data, account_id):
    """登记一个关注：平台（该账号开设的平台）、账号名、名称、网址；系统随即判定是否与工作相关"""
    account = _visible_account(account_id)
    _me()
    return follows.shown(follows.record(account, current_identity(), data))


@accounts.route("/<int:account_id>/follows/import", methods=["POST"])
@requires(*UNIT_STAFF)
@accounts.arguments(ImportFileSchema, location="files")
@accounts.response(200, FollowImportSchema)
def import_follows(files, account_id):
    """导入关注名单（CSV 或 XLSX；表头：平台、账号、名称、网址）：同一平台同一账号名已在名单中的更新，
    不重复；正确的行保存，错误的行按行号报告"""
    account = _visible_account(account_id)
    _me()
    upload = files["file"]
    return follows.import_file(account, current_identity(), upload.filename or "", upload.read())


@accounts.route("/<int:account_id>/follows/check", methods=["POST"])
@requires(*UNIT_STAFF)
@accounts.response(200, FollowRecheckSchema)
def recheck_follows(account_id):
    """按本市现有账号和名录重新判定整个关注名单；返回判定改变的个数"""
    account = _visible_account(account_id)
    _me()
    return {"changed": follows.recheck(account, current_identity())}


@accounts.route("/<int:account_id>/follows/<int:follow_id>/reason", methods=["PUT"])
@requires(*UNIT_STAFF)
@accounts.arguments(ReasonSchema)
@accounts.response(200, FollowSchema)
def give_follow_reason(data, account_id, follow_id):
    """说明保留一个与工作无关的关注的理由（记下说明人和时间）"""
    account = _visible_account(account_id)
    _me()
    return follows.shown(follows.give_reason(account, _follow(account, follow_id), current_identity(), data["reason"]))


@accounts.route("/<int:account_id>/follows/<int:follow_id>", methods=["DELETE"])
@requires(*UNIT_STAFF)
@accounts.response(204)
def remove_follow(account_id, follow_id):
    """从关注名单中移除（在平台上取消关注后）"""
    account = _visible_account(account_id)
    _me()
    follows.remove(account, _follow(account, follow_id), current_identity())


register_bp = Blueprint("follow_register", __name__, url_prefix="/api/follow-register",
                        description="媒体与专家名录（X22）：联席会议办公室维护，关注名单据此判定主流媒体、行业专家")


def _entry(entry_id: int) -> FollowRegisterEntry:
    entry = FollowRegisterEntry.get_or_none(FollowRegisterEntry.id == entry_id)
    if entry is None:
        raise NotFound(said("名录中没有条目 {id}", id=entry_id))
    return entry


@register_bp.route("")
@requires()
@register_bp.arguments(RegisterQuerySchema, location="query")
@register_bp.response(200, RegisterEntrySchema(many=True))
@register_bp.paginate()
def list_register(args, pagination_parameters):
    """名录，按平台和账号名排序，分页；可按类别、平台筛选，按名称或账号名搜索"""
    query = FollowRegisterEntry.select()
    for name in ("kind", "platform"):
        if name in args:
            query = query.where(getattr(FollowRegisterEntry, name) == args[name])
    if args.get("q", "").strip():
        query = query.where(contains(FollowRegisterEntry.name, args["q"]) | contains(FollowRegisterEntry.handle, args["q"]))
    query = query.order_by(FollowRegisterEntry.platform, FollowRegisterEntry.handle, FollowRegisterEntry.id)
    return [follows.shown_entry(e) for e in page(query, pagination_parameters)]


@register_bp.route("", methods=["POST"])
@requires("joint_office")
@register_bp.arguments(RegisterEntryInSchema)
@register_bp.response(201, RegisterEntrySchema)
def add_register_entry(data):
    """名录新增一个主流媒体或行业专家；与之相符的关注随即改判"""
    _me()
    return follows.shown_entry(follows.write_entry(current_identity(), data))


@register_bp.route("/<int:entry_id>")
@requires()
@register_bp.response(200, RegisterEntrySchema)
def get_register_entry(entry_id):
    """名录中的一个条目"""
    return follows.shown_entry(_entry(entry_id))


@register_bp.route("/<int:entry_id>", methods=["PUT"])
@requires("joint_office")
@register_bp.arguments(RegisterEntryInSchema)
@register_bp.response(200, RegisterEntrySchema)
def change_register_entry(data, entry_id):
    """修改名录中的一个条目；原来和现在与之相符的关注随即改判"""
    _me()
    return follows.shown_entry(follows.write_entry(current_identity(), data, _entry(entry_id)))


@register_bp.route("/<int:entry_id>", methods=["DELETE"])
@requires("joint_office")
@register_bp.response(204)
def delete_register_entry(entry_id):
    """删除名录中的一个条目；与之相符的关注随即改判"""
    _me()
    follows.delete_entry(current_identity(), _entry(entry_id))


# ---------------------------------------------------------------------- client systems
def _client(client_pk: int) -> ClientSystem:
    client = ClientSystem.get_or_none(ClientSystem.id == client_pk)
    if client is None:
        abort(404, message=said("客户端系统 {id} 不存在", id=client_pk))
    return client


@clients_bp.route("")
@requires("admin")
@clients_bp.response(200, ClientSchema(many=True))
@clients_bp.paginate()
def list_clients(pagination_parameters):
    """已登记的客户端系统（不含密钥），分页"""
    query = ClientSystem.select(ClientSystem, Unit).join(Unit).order_by(ClientSystem.id)
    return page(query, pagination_parameters)


@clients_bp.route("", methods=["POST"])
@requires("admin")
@clients_bp.arguments(ClientInSchema)
@clients_bp.response(201, ClientCreatedSchema)
def register_client(data):
    """登记客户端系统（系统管理员）：返回客户端标识和密钥，密钥只显示这一次"""
    client, secret = client_systems.register(_visible_unit(data["unit_id"], "unit_id"), data["name"], current_identity())
    client.client_secret = secret
    return client


@clients_bp.route("/<int:client_pk>")
@requires("admin")
@clients_bp.response(200, ClientSchema)
def get_client(client_pk):
    return _client(client_pk)


@clients_bp.route("/<int:client_pk>/revoke", methods=["POST"])
@requires("admin")
@clients_bp.response(200, ClientSchema)
def revoke_client(client_pk):
    """撤销客户端系统：此后不再签发令牌（已签发的令牌至多在有效期内继续有效）"""
    return client_systems.revoke(_client(client_pk), current_identity(), _settings())


# ------------------------------------------------------------------------------- hall
@public.route("")
@public.arguments(HallQuerySchema, location="query")
@public.response(200, HallAccountSchema(many=True))
@public.paginate()
@public.doc(security=[])
def hall(args, pagination_parameters):
    """政务微博大厅：正常运行的政务账号，按单位排列，分页（无需登录）；key：只看某个地区或系统；q：按名称搜索；
    每个账号注明其所在的组（group=region 按地区，system 按系统）"""
    rows = page(public_hall.accounts(args["group"], args.get("key"), args.get("q"), args.get("account_id")),
                pagination_parameters)
    return public_hall.shown(rows, args["group"])


@public.route("/groups")
@public.arguments(HallGroupsSchema, location="query")
@public.response(200, HallGroupSchema(many=True))
@public.doc(security=[])
def hall_groups(args):
    """政务微博大厅的分组（地区或系统）及各组账号数（无需登录）"""
    return public_hall.groups(args["group"])


# ------------------------------------------------------------------------------ notifications
notify = Blueprint("notifications", __name__, url_prefix="/api/notifications",
                   description="本人的通知：截止前的提醒（铃铛），及邮件、群机器人的通知设置")


@notify.route("")
@person_only
@notify.arguments(NotificationQuerySchema, location="query")
@notify.response(200, NotificationSchema(many=True))
@notify.paginate()
def my_notifications(args, pagination_parameters):
    """本人的通知，新的在前，分页；unread=true 只看未读"""
    return page(notifications.of(_me(), args["unread"]), pagination_parameters)


@notify.route("/unread")
@person_only
@notify.response(200, UnreadSchema)
def my_unread():
    """本人的未读通知数（铃铛上的数字）"""
    return {"unread": notifications.unread(_me())}


@notify.route("/<int:notification_id>/read", methods=["POST"])
@person_only
@notify.response(200, NotificationSchema)
def read_notification(notification_id):
    """把本人的一条通知标为已读，返回它（其 link 为处理页面）"""
    return notifications.read(_me(), notification_id)


@notify.route("/read-all", methods=["POST"])
@person_only
@notify.response(200, ReadAllSchema)
def read_all_notifications():
    """把本人的通知全部标为已读"""
    return {"read": notifications.read_all(_me())}


def _email_ready() -> bool:
    return bool(options().notify and options().notify.smtp_host)


@notify.route("/preferences")
@person_only
@notify.response(200, PreferencesSchema)
def my_preferences():
    """本人的通知设置：邮件、群机器人（企业微信/政务微信、钉钉、飞书）、免打扰时段；邮箱遮盖，机器人地址不再显示"""
    return notifications.preferences(_me(), _email_ready()), 200, NO_STORE


@notify.route("/preferences", methods=["PUT"])
@person_only
@notify.arguments(PreferencesSchema)
@notify.response(200, PreferencesSchema)
def set_my_preferences(data):
    """更改本人的通知设置：未给出的项不变；群机器人地址只能是企业微信、钉钉、飞书的官方地址（或运维列入
    WEBHOOK_HOSTS 的政务微信地址），须 https"""
    hosts = options().notify.webhook_hosts if options().notify else ()
    return notifications.set_preferences(_me(), data, _email_ready(), hosts), 200, NO_STORE


BLUEPRINTS = [units, auth, people_bp, accounts, rule_bp, public, clients_bp, notify, register_bp, audit_blueprint(audit),
              todo_blueprint(todo.waiting, "applications（开设申请待主要领导审批）、filings（下级账号待确认备案）、"
                             "closings（关闭申请待审批）、applications_returned（退回的开设申请）")]
