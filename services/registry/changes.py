"""Change filings (变更备案, 国办发〔2018〕123号): a change to an active account's name, platforms,
team, owner, managing unit or work plan is applied for by the staff who run it, approved by the
certified unit's principal leader and filed with its superior (or the joint-meeting office), like
an opening. A machine of the workflow core (`govmb.workflow`) over `AccountChange`:

applied → (principal leader) filing → (superior) filed; returned at either step (with a reason);
withdrawn by the staff while pending.

The account keeps running on its current values while its change is pending (one pending change
at a time); once filed the change applies, the account's revision goes up and its
`registry.account.changed` event carries the new values to the other services' copies. Each filed
change is one version of the account (`version`), with what it changed, who and when.
"""
from __future__ import annotations

import json
from enum import StrEnum

from govmb.contracts.registry import ACTION_NAMES, CHANGE_FIELD_NAMES, CHANGE_STATUS_NAMES, TEAM_ROLE_NAMES
from govmb.db import locked
from govmb.domain import Conflict, Invalid, Refused
from govmb.identity import Identity
from govmb.messages import said, source
from govmb.platforms import platforms
from govmb.workflow import Machine, Move, Transition, step
from services.registry import checks, platform_rule
from services.registry.accounts import CHANGED, GUARDS, WHO, _record, publish, works_on
from services.registry.models import Account, AccountChange, AccountPlatform, Person, TeamMember, Unit, db, now


class ChangeStatus(StrEnum):
    APPLIED = "applied"
    FILING = "filing"
    FILED = "filed"
    RETURNED = "returned"
    FILING_RETURNED = "filing_returned"
    WITHDRAWN = "withdrawn"


C = ChangeStatus
PENDING = (C.APPLIED, C.FILING)
FIELDS = tuple(CHANGE_FIELD_NAMES)  # what a change may touch
TEXTS = ("name", "positioning", "rules", "mechanism")


# ----------------------------------------------------------------------------- values
def current(account: Account) -> dict:
    """The account's values a change may touch, in the form a change gives them."""
    live = account.platforms.where(AccountPlatform.deregistered_at.is_null()).order_by(AccountPlatform.platform)
    return {"name": account.name, "positioning": account.positioning, "rules": account.rules,
            "mechanism": account.mechanism, "owner_id": account.owner_id,
            "managing_unit_id": account.managing_unit_id,
            "platforms": [{"platform": p.platform, "handle": p.handle, "url": p.url} for p in live],
            "team": [{"person_id": m.person_id, "role": m.role} for m in account.team.order_by(TeamMember.id)],
            "omitted_reasons": platform_rule.kept(account)}


def _same(field: str, a, b) -> bool:
    """Are two values of a field the same (a team or the platforms in any order)?"""
    if field == "team":
        return sorted((m["person_id"], m["role"]) for m in a) == sorted((m["person_id"], m["role"]) for m in b)
    if field == "platforms":
        return sorted(tuple(sorted(p.items())) for p in a) == sorted(tuple(sorted(p.items())) for p in b)
    return a == b


def _given(data: dict) -> dict:
    """The fields a change gives, tidied (texts stripped, platforms' handles and addresses too)."""
    given = {f: data[f] for f in FIELDS if f in data}
    for f in TEXTS:
        if f in given:
            given[f] = (given[f] or "").strip()
    if "platforms" in given:
        given["platforms"] = [{"platform": p["platform"], "handle": (p.get("handle") or "").strip(),
                               "url": (p.get("url") or "").strip()} for p in given["platforms"]]
    if "team" in given:
        given["team"] = [{"person_id": m["person_id"], "role": m["role"]} for m in given["team"]]
    if "omitted_reasons" in given:
        given["omitted_reasons"] = {code: str(reason or "").strip() for code, reason in given["omitted_reasons"].items()}
    return given


def _omissions(account: Account, proposed: dict) -> tuple[dict[str, str], dict]:
    """N7: the reasons for the platforms the account would leave out (those given over those it
    keeps), and the platforms missing one while the office's rule is on (`platform_rule`)."""
    live = [p.platform for p in account.platforms if p.deregistered_at is None]
    codes = [p["platform"] for p in proposed["platforms"]] if "platforms" in proposed else live
    reasons = {**platform_rule.kept(account), **proposed.get("omitted_reasons", {})}
    return platform_rule.omissions(account.kind, codes, reasons)


def _touches_platforms(account: Account, proposed: dict) -> bool:
    return account.kind != "private" and ("platforms" in proposed or "omitted_reasons" in proposed)


# ----------------------------------------------------------------------------- checks
def _text_problems(account: Account, proposed: dict) -> dict[str, str]:
    errors = {}
    if "name" in proposed and (problem := checks.name_problem(proposed["name"], account.unit)):
        errors["name"] = problem
    for f in ("positioning", "rules", "mechanism"):
        if f in proposed and not proposed[f]:
            errors[f] = said("工作方案的{label}不能为空", label=CHANGE_FIELD_NAMES[f])
    return errors


def _platform_problem(account: Account, rows: list[dict]) -> str | None:
    names = platforms()
    codes = [p["platform"] for p in rows]
    if not codes or any(c not in names for c in codes):
        return said("请从已批准的平台中选择：{names}", names="、".join(names.values()))
    if len(set(codes)) != len(codes):
        return "同一平台只能填写一次"
    if any(not p["handle"] or not p["url"].startswith(("http://", "https://")) for p in rows):
        return "每个平台都须填写账号名和主页网址（http:// 或 https:// 开头）"
    live = {p.platform for p in account.platforms if p.deregistered_at is None}
    added = [c for c in codes if c not in live]  # the platforms it has keep their standing (an exception granted)
    if account.kind == "institutional" and added and (taken := checks.platform_conflicts(account.unit, added,
                                                                                         account.id)):
        return said("本单位在{names}已有机构微博（一个单位一个平台一个账号）：另开须提交开设申请",
                    names="、".join(names[c] for c in taken))
    return None


def problems(account: Account, proposed: dict) -> dict[str, str]:
    """What a change gets wrong, by field (the same rules as an application)."""
    errors = _text_problems(account, proposed)
    if "managing_unit_id" in proposed and (problem := checks.managing_problem(proposed["managing_unit_id"],
                                                                               account.unit)):
        errors["managing_unit_id"] = problem
    if "owner_id" in proposed:
        owner = Person.get_or_none(Person.id == proposed["owner_id"]) if proposed["owner_id"] else None
        if proposed["owner_id"] and owner is None:
            errors["owner_id"] = "人员不存在"
        elif problem := checks.owner_problem(account.kind, owner, account.unit):
            errors["owner_id"] = problem
    if "team" in proposed:
        managing_id = proposed.get("managing_unit_id", account.managing_unit_id)
        managing = Unit.get_or_none(Unit.id == managing_id) if managing_id and "managing_unit_id" not in errors else None
        if account.kind == "private":
            errors["team"] = "私人微博没有工作团队"
        elif problem := checks.team_problem(proposed["team"], account.unit, managing):
            errors["team"] = problem
    if "platforms" in proposed and (problem := _platform_problem(account, proposed["platforms"])):
        errors["platforms"] = problem
    if _touches_platforms(account, proposed) and "platforms" not in errors:
        if missing := _omissions(account, proposed)[1]:
            errors["omitted_reasons"] = missing
    return errors


def pending(account: Account) -> AccountChange | None:
    return AccountChange.get_or_none(AccountChange.account == account, AccountChange.status.in_(PENDING))


# ----------------------------------------------------------------------------- apply
def apply_change(account: Account, who: Identity, data: dict) -> AccountChange:
    """A change filing of an active account, by the staff who run it: only the fields that differ
    from the account's current values are kept; at least one must."""
    if not works_on(account, who):
        raise Refused(said("“{action}”须由{who}办理", action=ACTION_NAMES["change_apply"], who=WHO["staff"]))
    reason = (data.get("reason") or "").strip()
    given = _given(data)
    if account.kind == "private":
        given.pop("omitted_reasons", None)
    errors = problems(account, given)
    if not reason:
        errors["reason"] = "请写明变更理由"
    if errors:
        raise Invalid(errors)
    if _touches_platforms(account, given):  # the version keeps one reason per platform left out
        given["omitted_reasons"] = _omissions(account, given)[0]
    with db.atomic():
        account = locked(Account, account.id)  # one pending change at a time, even when two apply at once
        if account.status != "active":
            raise Conflict("只有正常运行的账号才能申请变更备案（开设中的账号请退回修改，关闭中的账号不再变更）")
        if pending(account) is not None:
            raise Conflict("本账号已有一项变更待办理：请待其备案、退回或撤回后再申请")
        now_values = current(account)
        proposed = {f: v for f, v in given.items() if not _same(f, v, now_values[f])}
        if not proposed:
            raise Invalid("name", "变更申请须至少改变一项：账号名称、平台、未开通平台的理由、工作团队、本人、管理部门或工作方案")
        change = AccountChange.create(
            account=account, status=C.APPLIED, reason=reason, applied_by=who.person_id,
            proposed=json.dumps(proposed, ensure_ascii=False),
            before=json.dumps({f: now_values[f] for f in proposed}, ensure_ascii=False))
        _record(account, "change_apply", account.status, who, reason, summary(change))
    return change


# ------------------------------------------------------------------------- the machine
def _reason_required(move: Move) -> None:
    if not move.comment:
        raise Invalid("comment", "退回变更时须写明理由")
    move.row.returned_by = _signed(move.who)
    move.row.return_reason = move.comment


def _signed(who: Identity) -> str:
    person = Person.get_by_id(who.person_id)
    return f"{person.unit.name} {person.name}"


def _approve(move: Move) -> None:
    move.row.approved_by = Person.get_by_id(move.who.person_id).name


def _file(move: Move) -> None:
    """The change applies to the account: checked again (a team member may have left meanwhile)."""
    change = move.row
    account = locked(Account, change.account_id)
    if account.status != "active":
        raise Conflict("账号已不在正常运行状态（正在关闭）：这项变更不能再备案，请退回")
    proposed = json.loads(change.proposed)
    if errors := problems(account, proposed):
        raise Conflict(said("变更内容已不再符合规定（{problems}）：请退回，由申请单位重新申请",
                            problems="；".join(errors.values())))
    _apply(account, proposed)
    account.revision += 1
    account.save()
    change.account = account
    change.filed_by = _signed(move.who)
    change.version = AccountChange.select().where(AccountChange.account == account,
                                                  AccountChange.status == C.FILED).count() + 1
    move.detail = summary(change)


def _apply(account: Account, proposed: dict) -> None:
    for f in TEXTS:
        if f in proposed:
            setattr(account, f, proposed[f])
    if "owner_id" in proposed:
        account.owner = proposed["owner_id"]
    if "managing_unit_id" in proposed:
        account.managing_unit = proposed["managing_unit_id"]
    if "team" in proposed:
        TeamMember.delete().where(TeamMember.account == account).execute()
        for m in proposed["team"]:
            TeamMember.create(account=account, person=m["person_id"], role=m["role"])
    if "platforms" in proposed:
        _apply_platforms(account, proposed["platforms"])
    if "omitted_reasons" in proposed:
        account.omitted_reasons = json.dumps(proposed["omitted_reasons"], ensure_ascii=False)


def _apply_platforms(account: Account, rows: list[dict]) -> None:
    """The account's platforms become `rows`: one left is deregistered, a new one registered (or
    registered again), a changed handle or address updated."""
    wanted = {p["platform"]: p for p in rows}
    at = now()
    for row in AccountPlatform.select().where(AccountPlatform.account == account):
        p = wanted.pop(row.platform, None)
        if p is None:
            if row.deregistered_at is None:
                row.deregistered_at = at
        else:
            row.handle, row.url, row.deregistered_at = p["handle"], p["url"], None
            row.registered_at = row.registered_at or at
        row.save()
    for code, p in wanted.items():
        AccountPlatform.create(account=account, platform=code, handle=p["handle"], url=p["url"], registered_at=at)


def _emit(move: Move) -> None:
    if move.action == "file":  # only a filed change changes the account
        publish(move.row.account, CHANGED)


def _record_move(move: Move) -> None:
    change = move.row
    account = Account.get_by_id(change.account_id)
    _record(account, f"change_{move.action}", account.status, move.who, move.comment,
            move.detail or CHANGE_STATUS_NAMES[change.status])


TRANSITIONS = (
    step("approve", {C.APPLIED}, C.FILING, "principal", stamp="approved_at", effect=_approve),
    step("return", {C.APPLIED}, C.RETURNED, "principal", stamp="returned_at", effect=_reason_required),
    step("file", {C.FILING}, C.FILED, "superior", stamp="filed_at", effect=_file),
    step("return_filing", {C.FILING}, C.FILING_RETURNED, "superior", stamp="returned_at",
         effect=_reason_required),
    step("withdraw", set(PENDING), C.WITHDRAWN, "staff", stamp="withdrawn_at"),
)


def _of_account(guard):
    return lambda change, who: guard(change.account, who)


def _conflict(change: AccountChange, t: Transition) -> str:
    return said("变更当前状态为“{now}”，不能{action}", now=CHANGE_STATUS_NAMES[change.status],
                action=ACTION_NAMES[f"change_{t.action}"])


MACHINE = Machine("change", AccountChange, ChangeStatus, TRANSITIONS,
                  guards={k: _of_account(g) for k, g in GUARDS.items()},
                  refused=lambda t: said("“{action}”须由{who}办理", action=ACTION_NAMES[f"change_{t.action}"],
                                         who=WHO[t.who]),
                  conflict=_conflict, record=_record_move, emit=_emit, who_names=WHO)


def transition(change: AccountChange, action: str, who: Identity, data: dict) -> AccountChange:
    return MACHINE.apply(change, action, who, data)


# ----------------------------------------------------------------------------- views
def _text(field: str, value, people: dict, units: dict) -> str:
    names = platforms()
    if field == "team":
        return "、".join(said("{role}：{name}", role=TEAM_ROLE_NAMES.get(m["role"], m["role"]),
                              name=people.get(m["person_id"], m["person_id"])) for m in value)
    if field == "platforms":
        return "；".join(said("{platform}：{handle} {url}", platform=names.get(p["platform"], p["platform"]),
                              handle=p["handle"], url=p["url"]) for p in value)
    if field == "omitted_reasons":
        return "；".join(said("{platform}：{reason}", platform=names.get(code, code), reason=reason)
                        for code, reason in (value or {}).items()) or "—"
    if field == "owner_id":
        return people.get(value, "—") if value else "—"
    if field == "managing_unit_id":
        return units.get(value, "") if value else "（主管单位自行管理）"
    return value


def diff(change: AccountChange) -> list[dict]:
    """What the change changes, field by field: its label, the value before and after, as text."""
    proposed, before = json.loads(change.proposed), json.loads(change.before)
    people_ids, unit_ids = set(), set()
    for values in (proposed, before):
        people_ids |= {m["person_id"] for m in values.get("team", [])} | {values.get("owner_id")}
        unit_ids.add(values.get("managing_unit_id"))
    people = {p.id: p.name for p in Person.select(Person.id, Person.name).where(Person.id.in_(
        [i for i in people_ids if i] or [0]))}
    units = {u.id: u.name for u in Unit.select(Unit.id, Unit.name).where(Unit.id.in_([i for i in unit_ids if i] or [0]))}
    return [{"field": f, "label": CHANGE_FIELD_NAMES[f], "before": _text(f, before.get(f), people, units),
             "after": _text(f, proposed[f], people, units)} for f in FIELDS if f in proposed]


def summary(change: AccountChange) -> str:
    """What a change alters, as the step and the audit trail record it (in the record's language)."""
    return "；".join(source(said("{label}：{before} → {after}", **d)) for d in diff(change))


def shown(change: AccountChange, who: Identity) -> AccountChange:
    """A change with what its views show: its status' name, its fields' diff, the steps `who` may take."""
    change.status_name = CHANGE_STATUS_NAMES[change.status]
    change.diff = diff(change)
    change.applied_by_name = change.applied_by.name
    change.proposed_values = json.loads(change.proposed)
    change.available_actions = MACHINE.available(change, who)
    return change


def history(account: Account):
    """The account's change filings, the newest first (a query: the API pages it)."""
    return (AccountChange.select(AccountChange, Person).join(Person, on=(AccountChange.applied_by == Person.id))
            .where(AccountChange.account == account).order_by(AccountChange.id.desc()))
