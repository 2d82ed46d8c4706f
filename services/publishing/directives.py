"""Unified messaging (统一口径, N12, N22): the joint-meeting office (or supervision, which drafts
the line for a major event, N22) picks a released post of a
lead account and the accounts that must forward it, with a deadline; each account's forward
is recorded; who is late is visible at every moment."""
from __future__ import annotations

import datetime as dt

from peewee import Case, fn

from govmb.account_copy import account_rows_in_sight, runs_row
from govmb.contracts.publishing import DraftStatus
from govmb.contracts.registry import AccountStatus
from govmb.domain import Conflict, Invalid, Refused
from govmb.identity import Identity
from govmb.messages import said
from govmb.timefmt import iso_utc, stored, to_beijing
from services.publishing.models import Account, Directive, DirectiveTarget, Draft, audit, bus, db, now
from services.publishing.review import STAFF

ISSUERS = ("joint_office", "supervision")  # N12: the office; N22: supervision sets the line for a major event


def issue(data: dict, who: Identity) -> Directive:
    errors = {}
    lead = Draft.get_or_none(Draft.id == data["lead_draft_id"])
    if lead is None or lead.status != DraftStatus.RELEASED:
        errors["lead_draft_id"] = "须选择一条已发布的信息作为统一口径的源头"
    due = stored(data["due_at"])
    if due <= now():
        errors["due_at"] = "转发时限须晚于现在"
    query = Account.select().where(Account.status == AccountStatus.ACTIVE, Account.kind != "private")
    if data.get("account_ids"):
        query = query.where(Account.id.in_(data["account_ids"]))
        missing = set(data["account_ids"]) - {a.id for a in query}
        if missing:
            errors["account_ids"] = said("这些账号不存在或未开通：{ids}", ids='、'.join(map(str, sorted(missing))))
    targets = [a for a in query if lead is None or a.id != lead.account_id]
    if not targets and "account_ids" not in errors:
        errors["account_ids"] = "没有需要转发的账号"
    if errors:
        raise Invalid(errors)
    with db.atomic():
        directive = Directive.create(title=data["title"], lead_draft=lead, due_at=due, issued_by=who.name)
        DirectiveTarget.insert_many([{"directive": directive.id, "account_id": a.id, "unit_id": a.unit_id,
                                      "unit_path": a.unit_path} for a in targets]).execute()
        bus.emit("publishing.directive.issued", issued_event(directive, [a.id for a in targets]))
        audit.record(who, "directive.issue", "directive", directive.id, "/",
                     said("转发 {n} 个账号，时限 {due:%Y-%m-%d %H:%M}", n=len(targets), due=to_beijing(due)), directive.title)
    return directive


def issued_event(directive: Directive, account_ids: list[int]) -> dict:
    return {"directive_id": directive.id, "title": directive.title, "lead_draft_id": directive.lead_draft_id,
            "due_at": iso_utc(directive.due_at), "account_ids": account_ids}


def forwarded_event(directive: Directive, target: DirectiveTarget) -> dict:
    return {"directive_id": directive.id, "account_id": target.account_id, "unit_id": target.unit_id,
            "unit_path": target.unit_path, "forwarded_at": iso_utc(target.forwarded_at),
            "on_time": target.forwarded_at <= directive.due_at}


def forward(directive: Directive, account_id: int, url: str, who: Identity) -> DirectiveTarget:
    target = DirectiveTarget.get_or_none(DirectiveTarget.directive == directive, DirectiveTarget.account_id == account_id)
    if target is None:
        raise Invalid("account_id", "该账号不在本次统一口径的转发范围内")
    if not who.has(*STAFF) or not runs_row(Account, target, who):
        raise Refused("只能由账号所在单位（或其管理部门）的工作人员登记转发")
    if not url.strip().startswith(("http://", "https://")):
        raise Invalid("url", "请填写转发后的网址（http:// 或 https:// 开头）")
    with db.atomic():
        stamp = now()
        claimed = (DirectiveTarget.update(forwarded_at=stamp, url=url.strip(), recorded_by=who.name)
                   .where(DirectiveTarget.id == target.id, DirectiveTarget.forwarded_at.is_null()).execute())
        if not claimed:  # someone recorded it first (the condition makes the race safe)
            raise Conflict("该账号已登记转发")
        target = DirectiveTarget.get_by_id(target.id)
        bus.emit("publishing.directive.forwarded", forwarded_event(directive, target))
    return target


def state(target: DirectiveTarget, due_at: dt.datetime) -> str:
    """on_time, late (forwarded after the deadline), overdue (not forwarded, deadline past), pending."""
    if target.forwarded_at is not None:
        return "on_time" if target.forwarded_at <= due_at else "late"
    return "overdue" if now() > due_at else "pending"


def visible(directive: Directive, who: Identity) -> bool:
    return who.sees_all or targets_in_sight(directive, who).exists()


def with_targets_in_sight(query, who: Identity):
    """The directives (`query`) asking an account in the caller's sight to forward (X6: a managed
    one too)."""
    if who.sees_all:
        return query
    targets = account_rows_in_sight(DirectiveTarget.select(DirectiveTarget.directive), DirectiveTarget, Account, who)
    return query.where(Directive.id.in_(targets))


SHOWN = 20  # targets listed with a directive: all of the caller's own unit's, then the first others


def targets_in_sight(directive: Directive, who: Identity):
    """The directive's targets in the caller's units and of the accounts managed from them (X6;
    city-wide roles: all), as a query."""
    return account_rows_in_sight(DirectiveTarget.select().where(DirectiveTarget.directive == directive),
                                 DirectiveTarget, Account, who)


def shown_targets(directive: Directive, targets: list) -> list[dict]:
    """Target rows as the API shows them, with their accounts' names (read for these alone)."""
    ids = [t.account_id for t in targets]
    names = dict(Account.select(Account.id, Account.name).where(Account.id.in_(ids)).tuples()) if ids else {}
    return [{"account_id": t.account_id, "account_name": names.get(t.account_id, str(t.account_id)),
             "unit_id": t.unit_id, "forwarded_at": t.forwarded_at, "url": t.url, "state": state(t, directive.due_at)}
            for t in targets]


def compliance(directive: Directive, who: Identity, shown: int | None = None) -> dict:
    """The directive, how many of its targets in sight are in each state (counted by the
    database), and the targets of the caller's own unit with the first others up to `shown`:
    a city's directive asks two thousand accounts (all of them: `/targets`, paged)."""
    shown = SHOWN if shown is None else shown
    targets = targets_in_sight(directive, who)
    forwarded, due = DirectiveTarget.forwarded_at, directive.due_at
    total, on_time, late = targets.select(
        fn.COUNT(DirectiveTarget.id), fn.SUM(Case(None, [(forwarded <= due, 1)], 0)),
        fn.SUM(Case(None, [(forwarded > due, 1)], 0))).tuples().get()
    on_time, late = on_time or 0, late or 0
    waiting = total - on_time - late
    counts = {"on_time": on_time, "late": late, "overdue": waiting if now() > due else 0,
              "pending": 0 if now() > due else waiting}
    own = list(targets.where(DirectiveTarget.unit_id == who.unit_id).order_by(DirectiveTarget.account_id))
    others = list(targets.where(DirectiveTarget.unit_id != who.unit_id).order_by(DirectiveTarget.account_id)
                  .limit(max(0, shown - len(own)))) if shown > len(own) else []
    return {"id": directive.id, "title": directive.title, "lead_draft_id": directive.lead_draft_id,
            "lead_text": directive.lead_draft.text[:100], "due_at": directive.due_at, "issued_by": directive.issued_by,
            "issued_at": directive.issued_at, "targets": shown_targets(directive, own + others), "targets_total": total,
            "counts": counts}
