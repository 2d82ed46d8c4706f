"""Replies through review (N6, X21, issue 19). Every reply and feedback to a citizen runs the
shared checks (a `block` still refuses it). One the checks flag (any warning: a sensitive word,
a phone number …) or one on a message marked sensitive is held (`PendingReply`): the unit's
responsible office checks it (核稿), then its leader in charge or principal leader approves it
(审批); either may edit the text or return it with a reason. Approved, it is sent: the message
takes its step then (its reply time is the approval's; the 24-hour and 3-working-day clocks
judge that), and only then does its event go out, so the assessment sees the reply once sent.
An ordinary reply goes straight, as before. Each step is in the history and the audit trail."""
from __future__ import annotations

from govmb.account_copy import runs_row
from govmb.db import locked
from govmb.domain import Conflict, Invalid, NotFound, Refused
from govmb.identity import Identity
from govmb.messages import N_, said, source
from govmb.timefmt import utcnow
from services.inquiry import handling, marks, wordlists
from services.inquiry.models import Account, Message, PendingReply, audit, db

REVIEWED = ("reply", "feedback")  # what goes to the citizen and may be held
OFFICE, LEADERS = ("responsible_office",), ("leader", "principal_leader")
STAGE_NAMES = {"office": "待责任处室核稿", "leader": "待领导审批"}


def open_review(message_id: int) -> PendingReply | None:
    return (PendingReply.select().where(PendingReply.message == message_id, PendingReply.status == "pending")
            .order_by(PendingReply.id.desc()).first())


def take(message: Message, action: str, who: Identity, data: dict) -> Message:
    """A step of the message (`handling.transition`), or, for a reply or feedback the checks flag
    or on a sensitive message, the text held for review. Duplicates merged into it follow."""
    marks.refuse_if_marked(message)
    if action in REVIEWED:
        if open_review(message.id) is not None:
            raise Conflict("已有回复待审核，审核通过或退回后才能再发")
        t = handling.MACHINE.transition(action)
        if not handling.MACHINE.may(message, who, t):
            raise Refused("须由承办单位的工作人员办理")
        if handling.MACHINE.state_of(message) not in t.sources:
            raise Conflict(handling._conflict(message, t))
        text = (data.get("text") or "").strip()
        if not text:
            raise Invalid("text", "请填写回复内容" if action == "reply" else "请填写受理和办理情况")
        findings = wordlists.checked({"text": text})  # a block refuses here, nothing written
        mark = marks.of(message.id)
        why = "；".join(f["message"] for f in findings)[:500] or ("留言已标为敏感" if mark and mark.sensitive else "")
        if why:
            return _submit(message, action, who, text, bool(data.get("needs_verification")), why, findings)
    with db.atomic():
        message = handling.transition(message, action, who, data)
        marks.carry(message, who)
    return message


def _submit(message: Message, action: str, who: Identity, text: str, verify: bool, why: str,
            findings: list[dict]) -> Message:
    with db.atomic():
        message = locked(Message, message.id)
        if open_review(message.id) is not None:
            raise Conflict("已有回复待审核，审核通过或退回后才能再发")
        PendingReply.create(message=message.id, unit_id=message.unit_id, action=action, text=text,
                            needs_verification=verify, why=why, stage="office", submitted_by_id=who.person_id,
                            submitted_by=who.name)
        handling.record_step(message, "review_submit", who, source(said("送审：{why}", why=why))[:200])
        audit.record(who, "message.review_submit", "message", message.id, message.unit_path, why,
                     N_("留言 {id}").format(id=message.id))
    message.findings = findings
    return message


def decide(message: Message, who: Identity, decision: str, text: str, reason: str) -> Message:
    """The office's check or the leader's approval (`approve`), or a return (`return`, with a
    reason); `text`, if given, is the reviewer's edit (checked again)."""
    pending = open_review(message.id)
    if pending is None:
        raise NotFound("该留言没有待审核的回复")
    roles = OFFICE if pending.stage == "office" else LEADERS
    if not who.has(*roles) or not runs_row(Account, message, who):
        raise Refused("须由承办单位的责任处室核稿" if pending.stage == "office" else "须由承办单位的分管领导或主要领导审批")
    if decision == "return":  # the reply goes back to be written again: an edit is not kept, nor checked
        if not (reason or "").strip():
            raise Invalid("reason", "退回须填写理由")
        return _close(message, pending, who, "returned", reason.strip())
    text = (text or "").strip()
    findings = wordlists.checked({"text": text}) if text else []
    with db.atomic():
        pending = locked(PendingReply, pending.id)
        if pending.status != "pending":
            raise Conflict("该回复已审核")
        pending.text = text or pending.text
        if pending.stage == "office":
            pending.stage, pending.checked_by, pending.checked_at = "leader", who.name, utcnow()
            pending.save()
            handling.record_step(message, "review_check", who, _edited(text))
            audit.record(who, "message.review_check", "message", message.id, message.unit_path, pending.text[:200],
                         N_("留言 {id}").format(id=message.id))
            message.findings = findings
            return message
        data = {"text": pending.text, "needs_verification": pending.needs_verification}
        message = handling.transition(message, pending.action, who, data)  # sent now: its time is the approval's
        marks.carry(message, who)
        _close(message, pending, who, "approved", _edited(text))
    return message


def _edited(text: str) -> str:
    return "审核时修改了文字" if text else ""


def _close(message: Message, pending: PendingReply, who: Identity, status: str, comment: str) -> Message:
    with db.atomic():
        updated = (PendingReply.update(status=status, stage="done", closed_by=who.name, closed_at=utcnow(),
                                       reason=comment if status == "returned" else "")
                   .where(PendingReply.id == pending.id, PendingReply.status == "pending").execute())
        if not updated:
            raise Conflict("该回复已审核")
        action = "review_return" if status == "returned" else "review_approve"
        handling.record_step(message, action, who, comment[:200])
        audit.record(who, f"message.{action}", "message", message.id, message.unit_path, comment,
                     N_("留言 {id}").format(id=message.id))
    return message


def view(message: Message) -> dict | None:
    """The reply waiting for review, as the message's page shows it."""
    p = open_review(message.id)
    if p is None:
        return None
    return {"id": p.id, "action": p.action, "text": p.text, "why": p.why, "stage": p.stage,
            "stage_name": STAGE_NAMES[p.stage], "needs_verification": p.needs_verification,
            "submitted_by": p.submitted_by, "submitted_at": p.submitted_at, "checked_by": p.checked_by,
            "checked_at": p.checked_at}


def waiting_ids(ids: list[int]) -> set[int]:
    """Which of a page's messages have a reply waiting for review (one query)."""
    if not ids:
        return set()
    return {m for (m,) in PendingReply.select(PendingReply.message).where(
        PendingReply.message.in_(ids), PendingReply.status == "pending").tuples()}
