"""An account's life, from application to closing: a machine of the workflow core
(`govmb.workflow`): its states (`AccountStatus`), its table (`MACHINE`), who may take each step
and one small effect per action that does more than move. Each step is recorded and the
account's event sent in the step's transaction.

applied → (principal leader) filing | returned → (superior unit) filed | filing_returned
→ platforms registered → active → closing_requested → (principal leader) closing_approved
→ superior_informed → notice_posted → platforms deregistered → closed.
"""
from __future__ import annotations

import datetime as dt
import json

from govmb.contracts.registry import ACTION_NAMES, STATUS_NAMES, AccountStatus
from govmb.domain import Conflict, Invalid, Refused
from govmb.identity import UNIT_STAFF, Identity
from govmb.messages import N_, said, source
from govmb.platforms import platforms
from govmb.timefmt import iso_utc, stored
from govmb.workflow import Machine, Move, Transition, step
from services.registry import account_security, checks, platform_links, platform_rule
from services.registry.models import (
    Account,
    AccountPlatform,
    AccountStep,
    Person,
    SecurityRecord,
    TeamMember,
    Unit,
    audit,
    bus,
    db,
    now,
)
from services.registry.people import identity_of

STAFF = UNIT_STAFF
SUPERIOR_ROLES = ("principal_leader", "leader", "responsible_office")
S = AccountStatus
CHANGED, ACTIVATED, CLOSED = "registry.account.changed", "registry.account.activated", "registry.account.closed"


def snapshot(account: Account) -> dict:
    return {
        "id": account.id, "unit_id": account.unit_id, "unit_path": account.unit.path, "name": account.name,
        "kind": account.kind, "category": account.category, "status": account.status,
        "platforms": [{"platform": p.platform, "handle": p.handle, "url": p.url}
                      for p in account.platforms.order_by(AccountPlatform.platform)],
        "team": [{"person_id": m.person_id, "name": m.person.name, "role": m.role}
                 for m in account.team.join(Person).order_by(TeamMember.id)],
        "activated_at": iso_utc(account.activated_at), "closed_at": iso_utc(account.closed_at),
        "revision": account.revision, "managing_unit_id": account.managing_unit_id,
        "managing_unit_path": account.managing_unit.path if account.managing_unit_id else None,
    }


def publish(account: Account, event_type: str = "registry.account.changed") -> None:
    bus.emit(event_type, snapshot(account))


def _record(account: Account, action: str, from_status: str | None, who: Identity, comment: str = "",
            detail: str = "") -> None:
    actor = Person.get_by_id(who.person_id)  # the registry's own record of the person, not the token's copy
    AccountStep.create(account=account, action=action, from_status=from_status, to_status=account.status,
                       actor=actor, actor_name=actor.name, actor_unit=actor.unit.name, comment=source(comment),
                       detail=source(detail))
    before, after = STATUS_NAMES.get(from_status, "新建"), STATUS_NAMES[account.status]
    change = f"{before} → {after}" if before != after else N_("状态：{after}").format(after=after)
    audit.record(identity_of(actor), f"account.{action}", "account", account.id, account.unit.path,
                 "；".join(x for x in (change, comment and N_("意见：{comment}").format(comment=source(comment)), source(detail)) if x), account.name)


# ----------------------------------------------------------------------------- apply
def _application_problems(data: dict, unit: Unit, owner: Person | None, codes: list[str]) -> dict[str, str]:
    """What an application (or a private account's declaration) gets wrong, by field."""
    kind, errors = data["kind"], {}
    if data.get("owner_id") and owner is None:
        errors["owner_id"] = "人员不存在"
    elif problem := checks.owner_problem(kind, owner, unit):
        errors["owner_id"] = problem
    unknown = [c for c in codes if c not in platforms()]
    if not codes or unknown:
        errors["platforms"] = said("请从已批准的平台中选择：{platforms}", platforms='、'.join(platforms().values()))
    if kind == "private":
        if problem := checks.private_profile_problem(data.get("profile", ""), owner):
            errors["profile"] = problem
        return errors
    return _work_plan_problems(data, unit, codes, errors)


def _work_plan_problems(data: dict, unit: Unit, codes: list[str], errors: dict[str, str]) -> dict[str, str]:
    """An application's own: its name, category, work plan, team and platforms (one account a
    platform and unit, unless an exception is asked for)."""
    if problem := checks.name_problem(data["name"], unit):
        errors["name"] = problem
    if not data.get("category"):
        errors["category"] = "请选择账号类别：民生类或政策理论类（决定每月发布量要求）"
    for field, label in (("positioning", "功能定位"), ("rules", "规章制度"), ("mechanism", "工作机制")):
        if not (data.get(field) or "").strip():
            errors[field] = said("工作方案须写明{label}", label=label)
    if problem := checks.managing_problem(data.get("managing_unit_id"), unit):
        errors["managing_unit_id"] = problem
    managing = Unit.get_or_none(Unit.id == data.get("managing_unit_id")) if "managing_unit_id" not in errors else None
    if problem := checks.team_problem(data.get("team") or [], unit, managing):
        errors["team"] = problem
    if data["kind"] == "institutional" and not errors.get("platforms"):
        taken = checks.platform_conflicts(unit, codes)
        if taken and not (data.get("exception_reason") or "").strip():
            names = "、".join(platforms()[c] for c in taken)
            errors["platforms"] = said("本单位在{names}已有机构微博（原则上一个单位一个平台一个账号）；"
                                       "确需另开，请填写例外理由，由上级单位审批", names=names)
    if not errors.get("platforms"):
        _, missing = platform_rule.omissions(data["kind"], codes, data.get("omitted_reasons"))
        if missing:
            errors["omitted_reasons"] = missing
    return errors


def apply(actor: Person, data: dict) -> Account:
    """A new account: an application with its work plan, or a declared private account."""
    unit = Unit.get_or_none(Unit.id == (data.get("unit_id") or actor.unit_id))
    if unit is None:
        raise Invalid("unit_id", "单位不存在")
    if unit.id != actor.unit_id:
        raise Invalid("unit_id", "只能为本人所在单位申请开设账号")
    kind = data["kind"]
    owner = Person.get_or_none(Person.id == data["owner_id"]) if data.get("owner_id") else None
    codes = data.get("platforms") or []
    errors = _application_problems(data, unit, owner, codes)
    if errors:
        raise Invalid(errors)

    omitted = {} if kind == "private" else platform_rule.omissions(kind, codes, data.get("omitted_reasons"))[0]
    with db.atomic():
        status = "declared" if kind == "private" else "applied"
        account = Account.create(
            unit=unit, managing_unit=data.get("managing_unit_id") if kind != "private" else None,
            name=data["name"], kind=kind, category=None if kind == "private" else data["category"],
            owner=owner, profile=data.get("profile", ""), positioning=data.get("positioning", ""),
            rules=data.get("rules", ""), mechanism=data.get("mechanism", ""),
            exception_reason=(data.get("exception_reason") or "").strip(), status=status, created_by=actor,
            applied_at=now(), omitted_reasons=json.dumps(omitted, ensure_ascii=False))
        for code in dict.fromkeys(codes):
            AccountPlatform.create(account=account, platform=code)
        for member in data.get("team") or []:
            TeamMember.create(account=account, person=member["person_id"], role=member["role"])
        _record(account, "declare" if kind == "private" else "apply", None, identity_of(actor), data.get("comment", ""))
        publish(account)
    return account


# ------------------------------------------------------------------------ transition
def _reason_required(move: Move) -> None:
    if not move.comment:
        raise Invalid("comment", "退回或不同意时须写明理由")


def _resubmit(move: Move) -> None:
    _revise(move.row, move.data)
    move.row.applied_at = move.at


def _acknowledge_filing(move: Move) -> None:
    if move.row.exception_reason:
        move.row.exception_approved = True
        move.detail = N_("同意例外开设：{reason}").format(reason=move.row.exception_reason)


def _register_platform(move: Move) -> None:
    move.detail = _register(move.row, move.data)


def _activate(move: Move) -> None:
    missing = _platform_names(move.row, lambda p: not p.registered_at)
    if missing:
        raise Conflict(said("还有平台未登记账号：{platforms}；全部登记后才能开通", platforms='、'.join(missing)))


def _request_close(move: Move) -> None:
    reason = (move.data.get("reason") or "").strip()
    if not reason:
        raise Invalid("reason", "请写明关闭理由")
    move.row.close_reason = reason


def _order_close(move: Move) -> None:
    """A closure order (责令关闭) of a dormant account, from assessment's event: the closing request
    is opened in the office's name; the principal leader and the rest of the steps follow."""
    move.row.close_reason = said("责令关闭（整改通知 {order}）：{reason}", order=move.data["order_id"],
                                 reason=move.data["reason"])[:2000]
    move.detail = said("整改通知 {order} 到期仍为僵尸号", order=move.data["order_id"])


def _reject_close(move: Move) -> None:
    """The principal leader may disagree with the unit's own request, not with an order to close."""
    _reason_required(move)
    last = (AccountStep.select(AccountStep.action).where(AccountStep.account == move.row,
                                                          AccountStep.action.in_(("request_close", "order_close")))
            .order_by(AccountStep.id.desc()).first())
    if last is not None and last.action == "order_close":
        raise Conflict("该账号是被责令关闭的，主要领导不能不同意关闭，请批准后继续办理关闭")


def _inform_superior(move: Move) -> None:
    parent = move.row.unit.parent
    move.detail = N_("已抄告 {unit}").format(unit=parent.name if parent else '上级单位')


def _post_notice(move: Move) -> None:
    url = (move.data.get("notice_url") or "").strip()
    if not url.startswith(("http://", "https://")):
        raise Invalid("notice_url", "请填写关闭公告在账号上的网址（http:// 或 https:// 开头）")
    move.row.notice_url = url


def _deregister_platform(move: Move) -> None:
    move.detail = _deregister(move.row, move.data)


def _close(move: Move) -> None:
    left = _platform_names(move.row, lambda p: not p.deregistered_at)
    if left:
        raise Conflict(said("还有平台未注销：{platforms}；全部注销后才能关闭", platforms='、'.join(left)))


TRANSITIONS = (
    step("approve", {S.APPLIED}, S.FILING, "principal", stamp="approved_at"),
    step("return", {S.APPLIED}, S.RETURNED, "principal", effect=_reason_required),
    step("resubmit", {S.RETURNED, S.FILING_RETURNED}, S.APPLIED, "staff", effect=_resubmit),
    step("withdraw", {S.APPLIED, S.RETURNED, S.FILING_RETURNED}, S.WITHDRAWN, "staff"),
    step("acknowledge_filing", {S.FILING}, S.FILED, "superior", stamp="filed_at", effect=_acknowledge_filing),
    step("return_filing", {S.FILING}, S.FILING_RETURNED, "superior", effect=_reason_required),
    step("register_platform", {S.FILED}, None, "staff", effect=_register_platform),
    step("activate", {S.FILED}, S.ACTIVE, "staff", stamp="activated_at", effect=_activate, event=ACTIVATED),
    step("request_close", {S.ACTIVE}, S.CLOSING_REQUESTED, "staff", stamp="closing_requested_at",
         effect=_request_close),
    step("approve_close", {S.CLOSING_REQUESTED}, S.CLOSING_APPROVED, "principal", stamp="closing_approved_at"),
    step("order_close", {S.ACTIVE}, S.CLOSING_REQUESTED, "office", stamp="closing_requested_at",
         effect=_order_close),
    step("reject_close", {S.CLOSING_REQUESTED}, S.ACTIVE, "principal", effect=_reject_close),
    step("inform_superior", {S.CLOSING_APPROVED}, S.SUPERIOR_INFORMED, "staff", stamp="superior_informed_at",
         effect=_inform_superior),
    step("post_notice", {S.SUPERIOR_INFORMED}, S.NOTICE_POSTED, "staff", stamp="notice_posted_at",
         effect=_post_notice),
    step("deregister_platform", {S.NOTICE_POSTED}, None, "staff", effect=_deregister_platform),
    step("close", {S.NOTICE_POSTED}, S.CLOSED, "staff", stamp="closed_at", effect=_close, event=CLOSED),
)
WHO = {"principal": "本单位主要领导", "staff": "本单位或其管理部门的工作人员", "superior": "上级单位或联席会议办公室",
       "office": "联席会议办公室或督查部门（僵尸号责令关闭）"}
GUARDS = {
    "principal": lambda account, who: account.unit_id == who.unit_id and who.has("principal_leader"),
    "staff": lambda account, who: works_on(account, who),
    "office": lambda _account, who: who.has("joint_office", "supervision"),
    "superior": lambda account, who: who.has("joint_office") or (account.unit.parent_id == who.unit_id
                                                                  and who.has(*SUPERIOR_ROLES)),
}


def works_on(account: Account, who: Identity) -> bool:
    """The staff of the certified unit, or of its managing unit (X6): they run the account (its
    platforms, team, security record, change and closing applications); approvals stay with the
    certified unit's principal leader, filings with its superior."""
    return who.has(*STAFF) and who.unit_id in (account.unit_id, account.managing_unit_id)


def sees(account: Account, who: Identity) -> bool:
    """May `who` see the account: its unit's sight, or its managing unit's (X6)."""
    return who.may_see(account.unit.path) or (account.managing_unit_id is not None
                                              and who.may_see(account.managing_unit.path))


def _conflict(account: Account, t: Transition) -> str:
    return (said("账号当前状态为“{status}”，不能{action}（须在“{sources}”时进行）", status=STATUS_NAMES[account.status],
                     action=ACTION_NAMES[t.action], sources='、'.join(STATUS_NAMES[s] for s in sorted(t.sources))))


def _record_move(move: Move) -> None:
    _record(move.row, move.action, move.before.value, move.who, move.comment, move.detail)


MACHINE = Machine("account", Account, AccountStatus, TRANSITIONS, guards=GUARDS,
                  refused=lambda t: said("“{action}”须由{who}办理", action=ACTION_NAMES[t.action], who=WHO[t.who]), conflict=_conflict,
                  record=_record_move, emit=lambda move: publish(move.row, move.event), event=CHANGED,
                  who_names=WHO)


def transition(account: Account, action: str, who: Identity, data: dict) -> Account:
    """Take the step `action` (a row of TRANSITIONS) on the account for `who`."""
    return MACHINE.apply(account, action, who, data)


def _platform_names(account: Account, which) -> list[str]:
    names = platforms()
    return [names.get(p.platform, p.platform) for p in account.platforms if which(p)]


def _check_staff(account: Account, who: Identity, action: str) -> None:
    if not GUARDS["staff"](account, who):
        raise Refused(said("“{action}”须由{who}办理", action=ACTION_NAMES[action], who=WHO['staff']))


def _revise(account: Account, data: dict) -> None:
    """Changes made before resubmitting; the same checks as an application."""
    errors = {}
    if "name" in data and (problem := checks.name_problem(data["name"], account.unit)):
        errors["name"] = problem
    for field in ("positioning", "rules", "mechanism"):
        if field in data and not (data[field] or "").strip():
            errors[field] = "工作方案的这一项不能为空"
    reasons = {**platform_rule.kept(account), **(data.get("omitted_reasons") or {})}
    omitted, missing = platform_rule.omissions(account.kind, [p.platform for p in account.platforms], reasons)
    if missing:
        errors["omitted_reasons"] = missing
    if errors:
        raise Invalid(errors)
    for field in ("name", "positioning", "rules", "mechanism", "exception_reason"):
        if field in data and data[field] is not None:
            setattr(account, field, data[field].strip())
    account.omitted_reasons = json.dumps(omitted, ensure_ascii=False)


def _platform_row(account: Account, data: dict) -> AccountPlatform:
    code = data.get("platform")
    row = AccountPlatform.get_or_none(AccountPlatform.account == account, AccountPlatform.platform == code)
    if row is None:
        raise Invalid("platform", said("本账号未申请在“{code}”开设", code=code))
    return row


def _register(account: Account, data: dict) -> str:
    row = _platform_row(account, data)
    handle, url = (data.get("handle") or "").strip(), (data.get("url") or "").strip()
    errors = {}
    if not handle:
        errors["handle"] = "请填写平台上的账号名"
    if not url.startswith(("http://", "https://")):
        errors["url"] = "请填写账号主页网址（http:// 或 https:// 开头）"
    if errors:
        raise Invalid(errors)
    row.handle, row.url, row.registered_at = handle, url, now()
    row.save()
    return f"{platforms().get(row.platform, row.platform)}：{handle} {url}"


def _deregister(account: Account, data: dict) -> str:
    row = _platform_row(account, data)
    if row.deregistered_at:
        raise Conflict(said("{platform} 已注销", platform=platforms().get(row.platform, row.platform)))
    row.deregistered_at = now()
    row.save()
    return N_("{platform} 已注销").format(platform=platforms().get(row.platform, row.platform))


# --------------------------------------------------------------- team and security
def change_team(account: Account, who: Identity, team: list[dict], comment: str = "") -> Account:
    _check_staff(account, who, "change_team")
    if account.kind == "private" or account.status in (S.CLOSED, S.WITHDRAWN):
        raise Conflict("私人微博和已关闭的账号没有工作团队")
    if problem := checks.team_problem(team, account.unit, account.managing_unit):
        raise Invalid("team", problem)
    with db.atomic():
        TeamMember.delete().where(TeamMember.account == account).execute()
        for member in team:
            TeamMember.create(account=account, person=member["person_id"], role=member["role"])
        account.revision += 1
        account.save()
        _record(account, "change_team", account.status, who, comment,
                "、".join(f"{m['person_id']}:{m['role']}" for m in team))
        publish(account, "registry.account.team_changed")
    return account


def update_security(account: Account, who: Identity, data: dict) -> SecurityRecord:
    _check_staff(account, who, "update_security")
    holder = Person.get_or_none(Person.id == data["credential_holder_id"])
    errors = {}
    if holder is None or not checks.within(holder, account.unit, account.managing_unit):
        errors["credential_holder_id"] = "密码保管人须为本单位人员"
    changed = data.get("password_changed_at")
    if changed and changed.replace(tzinfo=None) > dt.datetime.now(dt.timezone.utc).replace(tzinfo=None):
        errors["password_changed_at"] = "修改时间不能晚于现在"
    if errors:
        raise Invalid(errors)
    with db.atomic():
        record = SecurityRecord.get_or_none(SecurityRecord.account == account) or SecurityRecord(account=account)
        record.credential_holder = holder
        record.devices = json.dumps(data.get("devices") or [], ensure_ascii=False)
        if changed and stored(changed) != record.password_changed_at:
            record.password_changed_at = stored(changed)
            record.password_reminded_at = None  # a new password: its own reminder in 90 days
        record.updated_at = now()
        record.save()
        _record(account, "update_security", account.status, who, data.get("comment", ""),
                N_("保管人：{holder}；设备 {n} 台").format(holder=holder.name, n=len(data.get('devices') or [])))
    return record


def detail(account: Account, who: Identity) -> Account:
    """The account with what the detail view shows, loaded once."""
    names = platforms()
    account.status_name = STATUS_NAMES.get(account.status, account.status)
    account.platform_rows = [
        {"platform": p.platform, "platform_name": names.get(p.platform, p.platform), "handle": p.handle,
         "url": p.url, "registered_at": p.registered_at, "deregistered_at": p.deregistered_at}
        for p in account.platforms.order_by(AccountPlatform.platform)]
    account.team_rows = [{"person_id": m.person_id, "name": m.person.name, "role": m.role}
                         for m in account.team.join(Person).order_by(TeamMember.id)]
    account.step_rows = [{**s.__data__, "action_name": ACTION_NAMES.get(s.action, s.action)}
                         for s in account.steps.order_by(AccountStep.id)]
    record = SecurityRecord.get_or_none(SecurityRecord.account == account)
    account.security_view = None if record is None else {
        "credential_holder": record.credential_holder.name, "credential_holder_id": record.credential_holder_id,
        "devices": json.loads(record.devices), "password_changed_at": iso_utc(record.password_changed_at),
        "updated_at": iso_utc(record.updated_at),
        "password_due": account.status == S.ACTIVE and account_security.is_due(record.password_changed_at)}
    account.available_actions = MACHINE.available(account, who)
    account.managing_unit_name = account.managing_unit.name if account.managing_unit_id else None
    account.may_work = works_on(account, who)  # the pages' links: the team, the security record, a change
    account.connection_rows = platform_links.shown(account)  # issue 20: an expired credential warned of
    account.omitted = platform_rule.listed(platform_rule.kept(account))  # N7: the platforms left out, why
    account.every_platform = account.kind == "institutional" and platform_rule.required()
    return account
