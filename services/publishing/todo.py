"""What waits in publishing (待办, `govmb.todo`): drafts to proof-read (校对, by unit staff other
than their writer, where 三审三校's proof-reading is on), drafts for the responsible office to check
(核稿) and for the leaders to approve, drafts returned to the one who wrote them, unified
messaging (统一口径) the unit's accounts must forward before its deadline, and emergencies whose
two hours run (N11), and the unit's posts of today its principal leader has not yet marked read
(X18). The joint-meeting office sees the directives not yet forwarded and the open
emergencies of the whole city. Each kind is one indexed count (migration 0016)."""
from __future__ import annotations

import datetime as dt

from govmb.account_copy import run_by_unit
from govmb.contracts.publishing import DraftStatus
from govmb.identity import UNIT_STAFF, Identity
from govmb.timefmt import beijing_today, utcnow
from govmb.todo import Kind, end_of, todo
from services.publishing import emergency_work, reading
from services.publishing.models import Account, Directive, DirectiveTarget, Draft, Unit

S = DraftStatus
OPEN = (S.DRAFT, S.PROOFREADING, S.SUBMITTED, S.CHECKED, S.APPROVED, S.RETURNED)  # an emergency not yet out
TITLE = 40  # the characters of a draft's text that name it


def _drafts(status: str, mine: bool = False):
    """The unit's drafts in `status` (`mine`: those the caller wrote)."""
    def query(who: Identity):
        rows = Draft.select(Draft.id, Draft.text, Draft.unit_id, Draft.status, Draft.due_at, Draft.submitted_at,
                            Draft.created_at).where(Draft.status == status,
                                                    run_by_unit(Draft, Account, who.unit_id))
        return rows.where(Draft.author_id == who.person_id) if mine else rows
    return query


def _to_proofread(who: Identity):
    """The unit's drafts waiting for proof-reading, but those the caller wrote (another proof-reads them)."""
    return _drafts(S.PROOFREADING)(who).where(Draft.author_id != who.person_id)


def _emergencies(who: Identity):
    rows = Draft.select(Draft.id, Draft.text, Draft.unit_id, Draft.status, Draft.due_at, Draft.submitted_at,
                        Draft.created_at).where(Draft.info_type == "emergency", Draft.status.in_(OPEN))
    return rows if who.has("joint_office") else rows.where(run_by_unit(Draft, Account, who.unit_id))


def _draft(d: Draft) -> dict:
    return {"id": d.id, "title": d.text[:TITLE], "due_at": d.due_at, "since": d.submitted_at or d.created_at,
            "unit_id": d.unit_id, "status": d.status}


STALE = dt.timedelta(days=7)  # a directive a week past its deadline waits on nobody any more (its page keeps it)


def _targets(who: Identity):
    """Accounts that have not forwarded a directive yet, of the directives not yet a week past their
    deadline (without that bound the count grew with every directive ever missed): the unit's own
    (the office: the city's)."""
    rows = (DirectiveTarget.select(DirectiveTarget.id, DirectiveTarget.unit_id, DirectiveTarget.account_id,
                                   Directive.id, Directive.title, Directive.due_at, Directive.issued_at)
            .join(Directive).where(DirectiveTarget.forwarded_at.is_null(), Directive.due_at > utcnow() - STALE))
    return rows if who.has("joint_office") else rows.where(
        run_by_unit(DirectiveTarget, Account, who.unit_id))


def _target(t: DirectiveTarget) -> dict:
    account = Account.get_or_none(Account.id == t.account_id)
    return {"id": t.directive.id, "title": t.directive.title, "due_at": t.directive.due_at,
            "since": t.directive.issued_at, "unit_id": t.unit_id, "detail": account.name if account else ""}


def _to_read(unit: Unit) -> dict:
    return {"id": unit.id, "title": "今日本单位博文", "due_at": end_of(beijing_today()), "since": None,
            "unit_id": unit.id}


KINDS = (
    Kind("emergencies", "突发事件信息待发布（2 小时内）", (*UNIT_STAFF, "joint_office"), _emergencies, _draft,
         due=Draft.due_at, order=(Draft.id,)),
    Kind("directives", "统一口径待转发", ("operator", "responsible_office", "joint_office"), _targets, _target,
         due=Directive.due_at, order=(DirectiveTarget.id,)),
    Kind("drafts_to_proofread", "稿件待校对", ("operator", "responsible_office"), _to_proofread, _draft,
         due=Draft.due_at, order=(Draft.submitted_at, Draft.id)),
    Kind("drafts_to_check", "稿件待核稿", ("responsible_office",), _drafts(S.SUBMITTED), _draft,
         due=Draft.due_at, order=(Draft.submitted_at, Draft.id)),
    Kind("drafts_to_approve", "稿件待审批", ("leader", "principal_leader"), _drafts(S.CHECKED), _draft,
         due=Draft.due_at, order=(Draft.submitted_at, Draft.id)),
    Kind("drafts_returned", "退回修改的稿件", UNIT_STAFF, _drafts(S.RETURNED, mine=True), _draft,
         due=Draft.due_at, order=(Draft.id,)),
    *emergency_work.kinds(),  # the clocks of declared emergencies (X20.6)
    Kind("posts_to_read", "今日博文待阅", (reading.READER,), reading.unread_today, _to_read, order=(Unit.id,)),
)


def waiting(who: Identity, now: dt.datetime | None = None, items: bool = True) -> list[dict]:
    """Publishing's groups of work waiting for `who`."""
    return todo(KINDS, who, Unit, now, items)
