"""What the registry's API takes and gives."""
from marshmallow import Schema, ValidationError, fields, pre_dump, validate, validates_schema

from govmb.auth import PERSON_ROLES
from govmb.contracts.registry import ACCOUNT_CATEGORIES, ACCOUNT_KINDS, STATUS_NAMES, TEAM_ROLES, UNIT_KINDS
from govmb.contracts.reminders import link_path
from govmb.copies_api import LEVELS
from govmb.locales import LANGUAGES
from govmb.paging import ListQuerySchema, sort_field
from govmb.schemas import AsAnswered, Integer, RowErrorSchema
from govmb.schemas import StepSchema as BaseStepSchema
from govmb.scripts import folded, is_arabic_letter
from govmb.timefmt import BEIJING, BeijingDateTime
from services.registry.checks import RANKS
from services.registry.clients import ROLES as CLIENT_ROLES
from services.registry.webhooks import KINDS as WEBHOOK_KINDS


class UyghurFolded(fields.String):
    """A name that may be written in Uyghur (issue 21): kept as its letters, without the presentation
    forms, the tatweel or zero-width characters a keyboard or a copied PDF brings; Chinese as given."""

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        return folded(value) if any(map(is_arabic_letter, folded(value))) else value


class UnitSchema(Schema):
    id = Integer(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=100),
                         metadata={"description": "单位名称"})
    name_ug = UyghurFolded(load_default="", validate=validate.Length(max=100),
                           metadata={"description": "单位的维吾尔文名称（可选）：维吾尔文账号名称须包含它"})
    kind = fields.String(required=True, validate=validate.OneOf(UNIT_KINDS),
                         metadata={"description": "单位类别"})
    parent_id = Integer(load_default=None, allow_none=True, validate=validate.Range(min=1),
                               metadata={"description": "上级单位"})
    path = fields.String(dump_only=True)
    revision = Integer(dump_only=True)


class UnitUpdateSchema(Schema):
    name = fields.String(validate=validate.Length(min=1, max=100))
    name_ug = UyghurFolded(validate=validate.Length(max=100), metadata={"description": "维吾尔文名称；空串：删去"})
    parent_id = Integer(allow_none=True, validate=validate.Range(min=1))

    @validates_schema
    def _something(self, data, **_):
        if not data:  # an empty PATCH changes nothing: say so instead of answering 200
            raise ValidationError("请至少给出要修改的一项：名称（name）、维吾尔文名称（name_ug）或上级单位（parent_id）", "name")


class UnitQuerySchema(ListQuerySchema):
    """`unit_id` narrows to that unit and the units below it; `q` in the name."""
    parent_id = Integer(validate=validate.Range(min=1, max=2**31 - 1), metadata={"description": "直属上级单位"})
    kind = fields.String(validate=validate.OneOf(UNIT_KINDS))
    levels = LEVELS


# --------------------------------------------------------------------- people, sign-in
class SignInSchema(Schema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=50), metadata={"description": "用户名"})
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=200),
                             metadata={"description": "密码"})
    captcha_id = fields.String(validate=validate.Length(max=32), metadata={"description": "验证码编号（需要时）"})
    captcha_answer = fields.String(validate=validate.Length(max=10), metadata={"description": "图中的字符（需要时）"})


class CaptchaQuerySchema(Schema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=50), metadata={"description": "用户名"})


class CaptchaSchema(Schema):
    required = fields.Boolean(metadata={"description": "此用户名登录时是否须回答验证码"})
    captcha_id = fields.String()
    image = fields.String(metadata={"description": "验证码图片（data:image/png;base64,…）"})


class PersonSchema(Schema):
    id = Integer(dump_only=True)
    unit_id = Integer(required=True)
    unit_name = fields.String(dump_only=True, attribute="unit.name")
    name = fields.String(required=True, validate=validate.Length(min=1, max=50))
    username = fields.String(required=True, validate=validate.Regexp(r"^[A-Za-z0-9_.-]{3,50}$",
                                                                      error="用户名为 3 至 50 位字母、数字或 _ . -"))
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=8, max=200))
    roles = fields.List(fields.String(validate=validate.OneOf(PERSON_ROLES)), load_default=list,
                        validate=validate.Length(max=len(PERSON_ROLES)), metadata={
                            "description": "角色：安全管理员可授予任何角色，联席会议办公室只能授予单位工作人员的角色；"
                                           "系统管理员新增人员时不带角色（空列表），由安全管理员授权"})
    rank = fields.String(load_default="staff", validate=validate.OneOf(tuple(RANKS)))
    title = fields.String(load_default="", validate=validate.Length(max=50))
    active = fields.Boolean(dump_only=True, metadata={"description": "停用的人员不能登录"})
    locale = fields.String(dump_only=True, metadata={
        "description": "本人选择的界面语言（zh_Hans：中文；ug：维吾尔文）：网页登录后以此显示，邮件和群机器人通知以此书写"})

    @pre_dump
    def _roles(self, person, **_):
        return {"id": person.id, "unit_id": person.unit_id, "unit": person.unit, "name": person.name,
                "username": person.username, "roles": sorted(person.role_set), "rank": person.rank,
                "title": person.title, "active": person.active, "locale": person.locale}


class SessionSchema(Schema):
    token = fields.String(metadata={"description": "短期令牌（TOKEN_TTL_SECONDS），凭 refresh 续期"})
    refresh = fields.String(metadata={"description": "续期凭据：只在登录时给出一次，会话结束即失效"})
    expires_in = Integer(metadata={"description": "令牌有效秒数"})
    session = fields.String(metadata={"description": "会话编号"})
    person = fields.Nested(PersonSchema)
    password_change = fields.String(allow_none=True, metadata={
        "description": "reset（被重置）或 expired（已过期）：须先修改密码，令牌只能用于修改密码；null：无须修改"})
    second_factor = fields.String(allow_none=True, metadata={
        "description": "code：密码正确，须再以 challenge 和验证码调用 /api/auth/sign-in/second-factor（此时没有令牌）；"
                       "enrol：角色要求两步验证而尚未绑定，令牌只能用于绑定；null：无须"})
    challenge = fields.String(metadata={"description": "待验证的登录（5 分钟、5 次之内有效）"})


class AlertSchema(Schema):
    at = BeijingDateTime(metadata={"description": "告警时间（北京时间）"})
    username = fields.String(attribute="subject_name", metadata={"description": "被大量尝试的用户名"})
    detail = fields.String(metadata={"description": "失败次数、最近一次的地址"})


class ChallengeAnswerSchema(Schema):
    challenge = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=100))
    code = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=20),
                         metadata={"description": "验证器应用显示的 6 位数字，或一个恢复码"})


class CodeSchema(Schema):
    code = fields.String(required=True, load_only=True,
                         validate=validate.Regexp(r"^\s*[0-9]{6}\s*$", error="验证码为 6 位数字"),
                         metadata={"description": "验证器应用当前显示的 6 位数字"})


class CurrentPasswordSchema(Schema):
    current_password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=200),
                                     metadata={"description": "当前密码（绑定两步验证前再确认一次是本人）"})


class SecondFactorStatusSchema(Schema):
    enrolled = fields.Boolean(metadata={"description": "已启用两步验证"})
    required = fields.Boolean(metadata={"description": "其角色要求两步验证"})
    recovery_codes_left = Integer(metadata={"description": "未用的恢复码"})


class EnrolmentSchema(Schema):
    secret = fields.String(metadata={"description": "密钥（无法扫码时手工输入），只显示这一次"})
    uri = fields.String(metadata={"description": "otpauth:// 地址"})
    qr = fields.String(metadata={"description": "二维码（SVG）"})


class RecoveryCodesSchema(Schema):
    recovery_codes = fields.List(fields.String(), metadata={"description": "恢复码：只显示这一次，每个只能用一次"})
    token = fields.String(metadata={"description": "本会话的新令牌（绑定后带上角色）"})
    expires_in = Integer()


class RefreshSchema(Schema):
    refresh = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=100),
                            metadata={"description": "登录时给出的续期凭据"})


class RenewedSchema(Schema):
    token = fields.String()
    expires_in = Integer(metadata={"description": "令牌有效秒数"})
    second_factor = fields.String(allow_none=True, metadata={
        "description": "enrol：其角色（可能刚被授予）要求两步验证而尚未绑定，令牌不带角色，须先绑定"})


class SignInSessionSchema(Schema):
    session = fields.String(attribute="sid")
    address = fields.String()
    user_agent = fields.String()
    created_at = BeijingDateTime()
    last_seen_at = BeijingDateTime()
    expires_at = BeijingDateTime()
    current = fields.Boolean(metadata={"description": "是否为本次请求所用的会话"})


class PasswordChangeSchema(Schema):
    current_password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=200),
                                     metadata={"description": "当前密码"})
    new_password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=200),
                                 metadata={"description": "新密码：至少 8 位，含小写字母、大写字母、数字、符号中的至少三种，"
                                                          "不能太常见，不能包含用户名，不能与最近 5 次相同"})


class LocaleSchema(Schema):
    locale = fields.String(required=True, validate=validate.OneOf(tuple(LANGUAGES)),
                           metadata={"description": "界面语言：zh_Hans（中文）或 ug（维吾尔文）"})


class PasswordResetSchema(Schema):
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=200),
                             metadata={"description": "新密码（人员下次登录时须修改）"})


class RolesSchema(Schema):
    roles = fields.List(fields.String(validate=validate.OneOf(PERSON_ROLES)), required=True,
                        validate=validate.Length(max=len(PERSON_ROLES)),
                        metadata={"description": "人员此后的全部角色（空列表：收回全部角色）"})


class ActiveSchema(Schema):
    active = fields.Boolean(required=True, metadata={"description": "false：停用；true：重新启用"})


class EndedSchema(Schema):
    ended = Integer(metadata={"description": "结束的会话数"})


class ClientTokenRequestSchema(Schema):
    client_id = fields.String(required=True, validate=validate.Length(min=1, max=40), metadata={"description": "客户端标识"})
    client_secret = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=200),
                                  metadata={"description": "客户端密钥（登记时只显示一次）"})


class WebTokensSchema(Schema):
    web = fields.String(metadata={"description": "网页端自身的令牌：转交登录者的地址，不能打开任何数据"})
    hall = fields.String(metadata={"description": "政务微博大厅的令牌：intake 角色，只能提交留言"})
    expires_in = Integer(metadata={"description": "有效秒数"})


class ClientTokenSchema(Schema):
    token = fields.String()
    token_type = fields.String(metadata={"description": "Bearer"})
    expires_in = Integer(metadata={"description": "有效秒数"})
    roles = fields.List(fields.String())


class ClientInSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=50),
                         metadata={"description": "系统名称，例如“12345 热线”"})
    unit_id = Integer(required=True, validate=validate.Range(min=1, max=2**31),
                             metadata={"description": "可推送留言的范围：该单位及其下级单位的账号"})


class ClientSchema(Schema):
    id = Integer()
    client_id = fields.String()
    name = fields.String()
    unit_id = Integer()
    unit_name = fields.String(attribute="unit.name")
    roles = fields.Constant(sorted(CLIENT_ROLES))
    active = fields.Function(lambda c: c.revoked_at is None)
    created_by = fields.String()
    created_at = BeijingDateTime()
    revoked_by = fields.String()
    revoked_at = BeijingDateTime(allow_none=True)
    last_token_at = BeijingDateTime(allow_none=True)


class ClientCreatedSchema(ClientSchema):
    client_secret = fields.String(metadata={"description": "只在此时显示一次；系统只保存其 Argon2 哈希"})


class PersonQuerySchema(ListQuerySchema):
    """`unit_id` with `below=false`: that unit's people only; `q` in the name or the sign-in name."""
    role = fields.String(validate=validate.OneOf(PERSON_ROLES))
    status = fields.String(load_default="active", validate=validate.OneOf(("active", "disabled", "all")),
                           metadata={"description": "active：在职（默认）；disabled：已停用；all：全部"})


# ---------------------------------------------------------------------------- accounts
class TeamMemberSchema(Schema):
    person_id = Integer(required=True, validate=validate.Range(min=1))
    role = fields.String(required=True, validate=validate.OneOf(TEAM_ROLES))
    name = fields.String(dump_only=True)


class PlatformSchema(Schema):
    platform = fields.String()
    platform_name = fields.String()
    handle = fields.String()
    url = fields.String()
    registered_at = BeijingDateTime(allow_none=True)
    deregistered_at = BeijingDateTime(allow_none=True)


class StepSchema(BaseStepSchema):
    actor_unit = fields.String()
    detail = fields.String()


def _omitted_reasons(**kwargs) -> fields.Dict:
    return fields.Dict(keys=fields.String(validate=validate.Length(min=1, max=20)),
                       values=fields.String(validate=validate.Length(max=500)), validate=validate.Length(max=20),
                       metadata={"description": "N7：未在某个平台开通的理由，按平台代码（每条至多 200 字）；"
                                                "联席会议办公室开启“须在全部平台开通”后，机构微博每个未选平台必填"}, **kwargs)


class OmittedSchema(Schema):
    platform = fields.String()
    platform_name = fields.String()
    reason = fields.String()


class PlatformRuleSchema(Schema):
    """N7: whether an institutional account must open on every configured platform."""
    every_platform = fields.Boolean(metadata={"description": "开启：机构微博须在全部平台开通，未开通的平台逐个写明理由"})
    set_by = fields.String(metadata={"description": "最近一次设置的人"})
    set_by_unit = fields.String()
    set_at = BeijingDateTime(allow_none=True)
    may_set = fields.Boolean(metadata={"description": "当前登录人能否设置（联席会议办公室）"})
    platforms = fields.List(fields.Dict(), metadata={"description": "配置的全部平台"})


class PlatformRuleInSchema(Schema):
    every_platform = fields.Boolean(required=True)


class ApplicationSchema(Schema):
    unit_id = Integer(validate=validate.Range(min=1), metadata={"description": "默认为本人单位"})
    name = UyghurFolded(required=True, validate=validate.Length(min=1, max=30), metadata={"description": "账号名称"})
    kind = fields.String(required=True, validate=validate.OneOf(ACCOUNT_KINDS))
    category = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(ACCOUNT_CATEGORIES))
    owner_id = Integer(load_default=None, allow_none=True, validate=validate.Range(min=1))
    platforms = fields.List(fields.String(validate=validate.Length(max=20)), load_default=list,
                            validate=validate.Length(max=20))  # none chosen: the rules say so beside the field
    positioning = fields.String(load_default="", validate=validate.Length(max=2000))
    rules = fields.String(load_default="", validate=validate.Length(max=5000))
    mechanism = fields.String(load_default="", validate=validate.Length(max=5000))
    team = fields.List(fields.Nested(TeamMemberSchema), load_default=list, validate=validate.Length(max=10))
    profile = fields.String(load_default="", validate=validate.Length(max=500))
    exception_reason = fields.String(load_default="", validate=validate.Length(max=1000))
    comment = fields.String(load_default="", validate=validate.Length(max=1000))
    managing_unit_id = Integer(load_default=None, allow_none=True, validate=validate.Range(min=1),
                               metadata={"description": "管理部门（X6）：与主管单位不同时填写，须为同一上级单位所辖"})
    omitted_reasons = _omitted_reasons()


class AccountSchema(Schema):
    id = Integer()
    unit_id = Integer()
    unit_name = fields.String(attribute="unit.name")
    name = fields.String()
    kind = fields.String()
    category = fields.String(allow_none=True)
    owner_id = Integer(allow_none=True)
    managing_unit_id = Integer(allow_none=True)
    status = fields.String()
    status_name = fields.String()
    revision = Integer()
    applied_at = BeijingDateTime(allow_none=True)
    activated_at = BeijingDateTime(allow_none=True)
    closed_at = BeijingDateTime(allow_none=True)
    unexplained_follows = Integer(metadata={"description": "关注名单中与工作无关且未说明理由的关注数（X22）"})


class PlatformLinkSchema(Schema):
    platform = fields.String()
    platform_name = fields.String()
    status = fields.String(metadata={"description": "connected 已连接、expired 凭据已失效、disabled 已断开"})
    reason = fields.String(metadata={"description": "平台说明的失效原因"})
    changed_at = fields.String()
    warning = fields.String(metadata={"description": "凭据失效时的警示（否则为空）"})


class AccountDetailSchema(AccountSchema):
    profile = fields.String()
    positioning = fields.String()
    rules = fields.String()
    mechanism = fields.String()
    exception_reason = fields.String()
    exception_approved = fields.Boolean()
    close_reason = fields.String()
    notice_url = fields.String()
    platforms = fields.List(fields.Nested(PlatformSchema), attribute="platform_rows")
    team = fields.List(fields.Nested(TeamMemberSchema), attribute="team_rows")
    steps = fields.List(fields.Nested(StepSchema), attribute="step_rows")
    security = fields.Dict(allow_none=True, attribute="security_view")
    actions = fields.List(fields.String(), attribute="available_actions",
                          metadata={"description": "当前登录人现在可以办理的操作"})
    managing_unit_name = fields.String(allow_none=True)
    may_work = fields.Boolean(metadata={"description": "当前登录人是否为运行本账号的单位（主管单位或管理部门）工作人员"})
    may_change = fields.Boolean(metadata={"description": "当前登录人现在能否申请变更备案"})
    pending_change = fields.Nested(lambda: ChangeSchema(), allow_none=True,
                                   metadata={"description": "待办理的变更备案（账号仍按现有内容运行）"})
    omitted = fields.List(fields.Nested(OmittedSchema), metadata={"description": "N7：未开通的平台及理由"})
    every_platform = fields.Boolean(metadata={
        "description": "联席会议办公室已开启“须在全部平台开通”，且本账号为机构微博：未开通的平台须写明理由"})
    connections = fields.List(fields.Nested(PlatformLinkSchema), attribute="connection_rows", metadata={
        "description": "各平台接口连接的状态（由发布审核服务告知）；凭据失效的附警示"})


class ChangeDiffSchema(Schema):
    field = fields.String()
    label = fields.String()
    before = fields.String(allow_none=True)
    after = fields.String(allow_none=True)


class ChangeSchema(Schema):
    id = Integer()
    account_id = Integer()
    status = fields.String()
    status_name = fields.String()
    version = Integer(allow_none=True, metadata={"description": "已备案的第几次变更"})
    reason = fields.String()
    diff = fields.List(fields.Nested(ChangeDiffSchema), metadata={"description": "改变的各项：原内容与新内容"})
    proposed = fields.Dict(attribute="proposed_values")
    applied_by = fields.String(attribute="applied_by_name")
    applied_at = BeijingDateTime()
    approved_by = fields.String()
    approved_at = BeijingDateTime(allow_none=True)
    filed_by = fields.String()
    filed_at = BeijingDateTime(allow_none=True)
    returned_by = fields.String()
    returned_at = BeijingDateTime(allow_none=True)
    return_reason = fields.String()
    withdrawn_at = BeijingDateTime(allow_none=True)
    actions = fields.List(fields.String(), attribute="available_actions")


class ChangePlatformSchema(Schema):
    platform = fields.String(required=True, validate=validate.Length(min=1, max=20))
    handle = fields.String(load_default="", validate=validate.Length(max=100))
    url = fields.String(load_default="", validate=validate.Length(max=500))


class ChangeInSchema(Schema):
    """A change filing: only the fields given are compared with the account's current values."""
    reason = fields.String(load_default="", validate=validate.Length(max=2000), metadata={"description": "变更理由"})
    name = UyghurFolded(validate=validate.Length(min=1, max=30))
    positioning = fields.String(validate=validate.Length(max=2000))
    rules = fields.String(validate=validate.Length(max=5000))
    mechanism = fields.String(validate=validate.Length(max=5000))
    owner_id = Integer(allow_none=True, validate=validate.Range(min=1))
    managing_unit_id = Integer(allow_none=True, validate=validate.Range(min=1),
                               metadata={"description": "null：改回由主管单位自行管理"})
    platforms = fields.List(fields.Nested(ChangePlatformSchema), validate=validate.Length(max=20),
                            metadata={"description": "变更后的全部平台（含账号名与网址）"})
    team = fields.List(fields.Nested(TeamMemberSchema), validate=validate.Length(max=10),
                       metadata={"description": "变更后的全部团队成员"})
    omitted_reasons = _omitted_reasons()


class ChangeActionSchema(Schema):
    comment = fields.String(load_default="", validate=validate.Length(max=1000))


class AccountQuerySchema(ListQuerySchema):
    """`from`/`to` on the time the account was applied for; `q` in the name."""
    status = fields.String(validate=validate.OneOf(tuple(STATUS_NAMES)))
    kind = fields.String(validate=validate.OneOf(ACCOUNT_KINDS))
    category = fields.String(validate=validate.OneOf(ACCOUNT_CATEGORIES))
    platform = fields.String(validate=validate.Length(min=1, max=20))
    sort = sort_field("unit", "name", "activated", "follows", default="unit")
    awaiting = fields.String(validate=validate.OneOf(("filing",)),
                             metadata={"description": "filing：待本单位确认备案的下级单位账号"})
    change = fields.String(validate=validate.OneOf(("applied", "filing")),
                           metadata={"description": "有待办理变更备案的账号：applied 待主要领导审批，filing 报上级备案中"})
    password = fields.String(validate=validate.OneOf(("due",)),
                             metadata={"description": "due：平台密码超过规定天数未修改的正常运行账号"})
    follows = fields.String(validate=validate.OneOf(("unexplained",)),
                            metadata={"description": "unexplained：关注名单中有与工作无关且未说明理由的关注的账号（X22），多的在前"})


class ActionSchema(Schema):
    comment = fields.String(load_default="", validate=validate.Length(max=1000))
    platform = fields.String(validate=validate.Length(max=20))
    handle = fields.String(validate=validate.Length(max=100))
    url = fields.String(validate=validate.Length(max=500))
    reason = fields.String(validate=validate.Length(max=2000))
    notice_url = fields.String(validate=validate.Length(max=500))
    name = UyghurFolded(validate=validate.Length(min=1, max=30))
    positioning = fields.String(validate=validate.Length(max=2000))
    rules = fields.String(validate=validate.Length(max=5000))
    mechanism = fields.String(validate=validate.Length(max=5000))
    exception_reason = fields.String(validate=validate.Length(max=1000))
    omitted_reasons = _omitted_reasons()


class TeamSchema(Schema):
    members = fields.List(fields.Nested(TeamMemberSchema), required=True, validate=validate.Length(max=10))
    comment = fields.String(load_default="", validate=validate.Length(max=1000))


class DeviceSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    kind = fields.String(required=True, validate=validate.OneOf(("phone", "tablet", "computer")))


class SecuritySchema(Schema):
    """No platform password, ever: an unknown field such as `password` is refused."""
    credential_holder_id = Integer(required=True, validate=validate.Range(min=1))
    devices = fields.List(fields.Nested(DeviceSchema), load_default=list, validate=validate.Length(max=20))
    password_changed_at = fields.AwareDateTime(load_default=None, allow_none=True, default_timezone=BEIJING)
    comment = fields.String(load_default="", validate=validate.Length(max=1000))


class HallGroupsSchema(Schema):
    group = fields.String(load_default="region", validate=validate.OneOf(("region", "system")),
                          metadata={"description": "region：按地区；system：按系统"})


class HallQuerySchema(HallGroupsSchema):
    key = fields.String(validate=validate.Length(min=1, max=100), metadata={"description": "只看这一组（地区或系统的名称）"})
    q = fields.String(validate=validate.Length(min=1, max=50), metadata={"description": "按账号或单位名称搜索"})
    account_id = Integer(validate=validate.Range(min=1, max=2**31 - 1), metadata={"description": "只看这一个账号"})


# ------------------------------------------------------------------------------ notifications
class NotificationSchema(Schema):
    id = Integer()
    kind = fields.String(metadata={"description": "类别（govmb.contracts.reminders.KINDS）"})
    title = fields.Function(lambda n: n.title_shown(), metadata={"description": "标题，以请求的语言"})
    link_kind = fields.String(metadata={"description": "所涉事项：message、directive、account、inspection、roster"})
    link_id = Integer(allow_none=True)
    link = fields.Function(lambda n: link_path(n.link_kind, n.link_id), metadata={"description": "处理页面的路径"})
    due_at = BeijingDateTime(allow_none=True, metadata={"description": "截止时间"})
    urgent = fields.Boolean(metadata={"description": "紧急（免打扰时段也发送）"})
    created_at = BeijingDateTime()
    read_at = BeijingDateTime(allow_none=True)


class NotificationQuerySchema(Schema):
    unread = fields.Boolean(load_default=False, metadata={"description": "只看未读"})


class UnreadSchema(Schema):
    unread = Integer(metadata={"description": "未读通知数"})


class ReadAllSchema(Schema):
    read = Integer(metadata={"description": "标为已读的通知数"})


class DeliveryFailureSchema(Schema):
    channel = fields.String(metadata={"description": "email 或 webhook"})
    error = fields.String(metadata={"description": "失败原因"})
    at = BeijingDateTime(allow_none=True)


_CLOCK = {"validate": validate.Regexp(r"^([01]\d|2[0-3]):[0-5]\d$", error="请填写 24 小时制时间，例如 22:00")}


class PreferencesSchema(Schema):
    email_on = fields.Boolean(metadata={"description": "以邮件通知"})
    email = fields.String(validate=validate.Length(max=254), metadata={"description": "邮箱（读出时遮盖；空串删除）"})
    email_available = fields.Boolean(dump_only=True, metadata={"description": "本系统已配置邮件服务器"})
    webhook_on = fields.Boolean(metadata={"description": "以群机器人通知"})
    webhook_kind = fields.String(validate=validate.OneOf(("", *WEBHOOK_KINDS)),
                                 metadata={"description": "群机器人类型：wecom（企业微信/政务微信）、dingtalk、feishu；空串：未选"})
    webhook_url = fields.String(load_only=True, validate=validate.Length(max=500),
                                metadata={"description": "群机器人地址（只写，保存后不再显示；空串删除）"})
    webhook_secret = fields.String(load_only=True, validate=validate.Length(max=200),
                                   metadata={"description": "加签密钥（钉钉、飞书；只写）"})
    webhook_set = fields.Boolean(dump_only=True, metadata={"description": "已填写群机器人地址"})
    quiet_from = fields.String(**_CLOCK, metadata={"description": "免打扰开始（北京时间）"})
    quiet_to = fields.String(**_CLOCK, metadata={"description": "免打扰结束（北京时间）；与开始相同即不设免打扰"})
    last_failure = fields.Nested(DeliveryFailureSchema, dump_only=True, allow_none=True,
                                 metadata={"description": "最近一次发送失败（地址有误、机器人拒收等），没有则为空"})


# ------------------------------------------------------------------------- follow lists (X22)
_HANDLE = {"validate": validate.Length(min=1, max=100), "metadata": {"description": "账号名（平台上的用户名或昵称）"}}
_URL = {"load_default": "", "validate": validate.Length(max=500), "metadata": {"description": "主页网址，http(s)://"}}


class FollowInSchema(Schema):
    platform = fields.String(required=True, validate=validate.Length(min=1, max=20),
                             metadata={"description": "平台（须为该账号开设的平台）"})
    handle = fields.String(required=True, **_HANDLE)
    name = fields.String(load_default="", validate=validate.Length(max=100), metadata={"description": "名称"})
    url = fields.String(**_URL)


class FollowSchema(Schema):
    id = Integer()
    account_id = Integer()
    platform = fields.String()
    platform_name = fields.String()
    handle = fields.String()
    name = fields.String()
    url = fields.String()
    kind = fields.String(metadata={"description": "判定：government 政务账号、media 主流媒体、expert 行业专家、unrelated 与工作无关"})
    kind_name = fields.String()
    matched = fields.String(metadata={"description": "与之相符的本市账号或名录条目的名称"})
    reason = fields.String()
    reason_by = fields.String()
    reason_at = BeijingDateTime(allow_none=True)
    unexplained = fields.Boolean(metadata={"description": "与工作无关且未说明理由"})
    created_by = fields.String()
    created_at = BeijingDateTime()


class FollowQuerySchema(Schema):
    kind = fields.String(validate=validate.OneOf(("government", "media", "expert", "unrelated")))
    unexplained = fields.Boolean(metadata={"description": "只看与工作无关且未说明理由的关注"})


class ReasonSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(max=500), metadata={"description": "保留该关注的理由"})


class ImportFileSchema(Schema):
    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary"})


class RegisterEntryInSchema(Schema):
    platform = fields.String(required=True, validate=validate.Length(min=1, max=20))
    handle = fields.String(required=True, **_HANDLE)
    name = fields.String(required=True, validate=validate.Length(min=1, max=100), metadata={"description": "媒体或专家的名称"})
    kind = fields.String(required=True, validate=validate.OneOf(("media", "expert")),
                         metadata={"description": "media 主流媒体、expert 行业专家"})
    url = fields.String(**_URL)
    note = fields.String(load_default="", validate=validate.Length(max=200), metadata={"description": "备注（领域、单位）"})


class RegisterEntrySchema(Schema):
    id = Integer()
    platform = fields.String()
    platform_name = fields.String()
    handle = fields.String()
    name = fields.String()
    kind = fields.String()
    kind_name = fields.String()
    url = fields.String()
    note = fields.String()
    updated_by = fields.String()
    updated_at = BeijingDateTime()


class RegisterQuerySchema(Schema):
    q = fields.String(validate=validate.Length(min=1, max=50), metadata={"description": "名称或账号名包含"})
    kind = fields.String(validate=validate.OneOf(("media", "expert")))
    platform = fields.String(validate=validate.Length(min=1, max=20))


class PlatformCodeSchema(AsAnswered):
    code = fields.String(metadata={"description": "平台代码（配置项 GOVMB_PLATFORMS）"})
    name = fields.String()


class FollowImportSchema(AsAnswered):
    added = fields.Integer()
    updated = fields.Integer()
    errors = fields.List(fields.Nested(RowErrorSchema), metadata={"description": "未保存的行，按行号"})


class FollowRecheckSchema(AsAnswered):
    changed = fields.Integer(metadata={"description": "判定改变的关注个数"})


class HallPlatformSchema(Schema):
    platform = fields.String()
    platform_name = fields.String()
    handle = fields.String()
    url = fields.String()


class HallAccountSchema(AsAnswered):
    """An account as the public hall shows it (no one signed in)."""
    id = fields.Integer()
    name = fields.String()
    kind = fields.String()
    category = fields.String(allow_none=True)
    unit = fields.String(metadata={"description": "开设单位"})
    managing_unit = fields.String(allow_none=True, metadata={"description": "代管单位（有的话）"})
    group = fields.String(metadata={"description": "所在的组（地区或系统）"})
    platforms = fields.List(fields.Nested(HallPlatformSchema))


class HallGroupSchema(AsAnswered):
    group = fields.String()
    count = fields.Integer()
