"""Events the registry publishes."""
from enum import StrEnum

from marshmallow import Schema, fields, validate

from govmb.contracts.base import Contract

UNIT_KINDS = ("region", "prefecture", "county", "district", "zone", "department", "office")
UNIT_KIND_NAMES = {"region": "省、自治区", "prefecture": "市、地区、州", "county": "县", "district": "区", "zone": "开发区",
                   "department": "部门", "office": "办公室"}


class UnitSnapshot(Schema):
    """A unit as it now stands. Consumers keep the highest revision they have seen, so a
    late or repeated message can never roll a unit back."""

    id = fields.Integer(required=True, validate=validate.Range(min=1))
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    kind = fields.String(required=True, validate=validate.OneOf(UNIT_KINDS))
    parent_id = fields.Integer(required=True, allow_none=True)
    path = fields.String(required=True, validate=validate.Regexp(r"^/(\d+/)+$"))
    revision = fields.Integer(required=True, validate=validate.Range(min=1))
    # issue 21: its name in Uyghur ("" when it has none); older messages lack it
    name_ug = fields.String(load_default="", validate=validate.Length(max=100))


ACCOUNT_KINDS = ("institutional", "official", "leader", "private")
ACCOUNT_CATEGORIES = ("livelihood", "policy")
TEAM_ROLES = ("leader_in_charge", "responsible_office", "operator")


# The words the registry, the pages and the reports use for an account's states and steps.
class AccountStatus(StrEnum):
    """An account's states (services/registry/accounts.py: the machine that moves them)."""
    DECLARED = "declared"
    APPLIED = "applied"
    RETURNED = "returned"
    FILING = "filing"
    FILING_RETURNED = "filing_returned"
    FILED = "filed"
    ACTIVE = "active"
    CLOSING_REQUESTED = "closing_requested"
    CLOSING_APPROVED = "closing_approved"
    SUPERIOR_INFORMED = "superior_informed"
    NOTICE_POSTED = "notice_posted"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


STATUS_NAMES = {
    "declared": "已申报（私人微博）", "applied": "待主要领导审批", "returned": "主要领导退回",
    "filing": "报上级备案中", "filing_returned": "上级退回备案", "filed": "已备案，待平台注册",
    "active": "正常运行", "closing_requested": "申请关闭", "closing_approved": "主要领导已批准关闭",
    "superior_informed": "已抄告上级", "notice_posted": "已发布关闭公告", "closed": "已关闭", "withdrawn": "已撤回",
}
ACTION_NAMES = {
    "apply": "提交开设申请", "declare": "申报私人微博", "approve": "主要领导批准", "return": "主要领导退回",
    "resubmit": "修改后重新提交", "withdraw": "撤回申请", "acknowledge_filing": "上级单位确认备案",
    "return_filing": "上级单位退回备案", "register_platform": "登记平台账号", "activate": "开通运行",
    "request_close": "申请关闭", "order_close": "责令关闭（僵尸号整改逾期）", "approve_close": "主要领导批准关闭", "reject_close": "主要领导不同意关闭",
    "inform_superior": "抄告上级单位", "post_notice": "发布关闭公告", "deregister_platform": "平台注销",
    "close": "完成关闭", "change_team": "调整工作团队", "update_security": "更新安全登记",
    # change filings (变更备案): services/registry/changes.py
    "change_apply": "申请变更备案", "change_approve": "主要领导批准变更", "change_return": "主要领导退回变更",
    "change_file": "上级单位确认变更备案", "change_return_filing": "上级单位退回变更备案",
    "change_withdraw": "撤回变更申请",
}
CHANGE_STATUS_NAMES = {"applied": "变更待主要领导审批", "filing": "变更报上级备案中", "filed": "变更已备案",
                       "returned": "主要领导退回变更", "filing_returned": "上级退回变更备案", "withdrawn": "变更已撤回"}
CHANGE_ACTION_NAMES = {k.removeprefix("change_"): v for k, v in ACTION_NAMES.items()
                       if k.startswith("change_") and k != "change_team"}  # the change machine's own steps
CHANGE_FIELD_NAMES = {"name": "账号名称", "platforms": "平台", "team": "工作团队", "owner_id": "本人",
                      "managing_unit_id": "管理部门", "positioning": "功能定位", "rules": "规章制度",
                      "mechanism": "工作机制", "omitted_reasons": "未开通平台的理由"}
KIND_NAMES = {"institutional": "机构微博", "official": "公务人员微博", "leader": "领导公务微博", "private": "私人微博"}
CATEGORY_NAMES = {"livelihood": "民生类", "policy": "政策理论类"}
TEAM_ROLE_NAMES = {"leader_in_charge": "分管领导", "responsible_office": "责任处室", "operator": "微博操作员"}


class PlatformEntry(Schema):
    platform = fields.String(required=True)
    handle = fields.String(required=True)
    url = fields.String(required=True)


class TeamEntry(Schema):
    person_id = fields.Integer(required=True)
    name = fields.String(required=True)
    role = fields.String(required=True, validate=validate.OneOf(TEAM_ROLES))


class AccountSnapshot(Schema):
    """An account as it now stands; consumers keep the highest revision they have seen."""

    id = fields.Integer(required=True, validate=validate.Range(min=1))
    unit_id = fields.Integer(required=True)
    unit_path = fields.String(required=True, validate=validate.Regexp(r"^/(\d+/)+$"))
    name = fields.String(required=True, validate=validate.Length(min=1, max=30))
    kind = fields.String(required=True, validate=validate.OneOf(ACCOUNT_KINDS))
    category = fields.String(required=True, allow_none=True, validate=validate.OneOf(ACCOUNT_CATEGORIES))
    status = fields.String(required=True)
    platforms = fields.List(fields.Nested(PlatformEntry), required=True)
    team = fields.List(fields.Nested(TeamEntry), required=True)
    activated_at = fields.String(required=True, allow_none=True)
    closed_at = fields.String(required=True, allow_none=True)
    revision = fields.Integer(required=True, validate=validate.Range(min=1))
    # X6 (issue 18): the managing unit (管理部门) when not the certified unit; older messages lack it
    managing_unit_id = fields.Integer(load_default=None, allow_none=True)
    managing_unit_path = fields.String(load_default=None, allow_none=True,
                                       validate=validate.Regexp(r"^/(\d+/)+$"))


CONTRACTS = (
    Contract("registry.unit.changed", 1, UnitSnapshot,
             "A unit was created, renamed or moved; one message per unit whose path changed."),
    Contract("registry.account.activated", 1, AccountSnapshot,
             "An account was registered on its platforms and became active."),
    Contract("registry.account.changed", 1, AccountSnapshot,
             "An account moved a step in its life, or its platforms or details changed."),
    Contract("registry.account.team_changed", 1, AccountSnapshot, "An account's team changed."),
    Contract("registry.account.closed", 1, AccountSnapshot, "An account was deregistered everywhere and closed."),
)
ACCOUNT_EVENTS = tuple(c.event_type for c in CONTRACTS if c.event_type.startswith("registry.account."))
