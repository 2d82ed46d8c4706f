"""What staff say of a message beyond its handling (issue 19): marked sensitive (its replies go
through review, `replies`), marked invalid (G19.2: spam, advertising, abuse, nothing to answer),
or merged into the main message of the same matter. Each a step of the message's history and a
row of the audit trail, in the transaction of the change.

Invalid: the message leaves the to-do lists and the overdue sweep (its open deadline cleared),
and its event says `invalid`, so that the assessment takes it out of the three-month veto and
the rates. Staff may take the mark back, with a reason (a message marked by mistake); its open
deadline comes back as it was (the clock ran from receipt all along).

Merged: a duplicate follows its main message: the main's reply, feedback and result are the
duplicate's, each a step of its own history at the time the main took it (`follow`), so that
its citizen reads the same answer through whatever path the message came by. Only messages of
the same handling unit merge (a unit cannot reach into another's); a merge is not undone."""
from __future__ import annotations

from govmb.account_copy import runs_row
from govmb.contracts.inquiry import INVALID_KINDS, MessageStatus
from govmb.db import locked
from govmb.domain import Conflict, Invalid, Refused
from govmb.identity import UNIT_STAFF, Identity
from govmb.messages import N_, said, source
from govmb.timefmt import utcnow
from services.inquiry import handling
from services.inquiry.models import Account, Message, MessageMarks, PendingReply, audit, db

S = MessageStatus


def of(message_id: int) -> MessageMarks | None:
    return MessageMarks.get_or_none(MessageMarks.message == message_id)


def _row(message: Message) -> MessageMarks:
    marks = of(message.id)
    if marks is None:
        marks = MessageMarks.create(message=message.id, unit_id=message.unit_id, unit_path=message.unit_path)
    marks.unit_id, marks.unit_path = message.unit_id, message.unit_path  # a transfer may have moved it
    return marks


def _staff(message: Message, who: Identity) -> None:
    if not who.has(*UNIT_STAFF) or not runs_row(Account, message, who):
        raise Refused("须由承办单位的工作人员办理")


def _reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise Invalid("reason", "请填写理由")
    return reason


def _subject(message: Message) -> str:
    return N_("留言 {id}").format(id=message.id)


def refuse_if_marked(message: Message) -> None:
    """An invalid or merged message takes no step of its own."""
    marks = of(message.id)
    if marks is not None and marks.invalid_kind:
        raise Conflict("该留言已标为无效留言，不再办理（可先撤销无效标记）")
    if marks is not None and marks.duplicate_of:
        raise Conflict(said("该留言已并入留言 {id}，随主留言一并办理", id=marks.duplicate_of))


def refuse_transfer(message: Message) -> None:
    """An invalid or merged message, or a main with duplicates, stays with its unit: a transfer
    would leave the marks (or the duplicates) with the unit it left."""
    refuse_if_marked(message)
    if MessageMarks.select().where(MessageMarks.duplicate_of == message.id).exists():
        raise Conflict("已有重复留言并入该留言，不能转办")


def set_sensitive(message: Message, who: Identity, sensitive: bool, reason: str) -> MessageMarks:
    """Mark (or unmark) the message sensitive: its replies and feedback then go through review."""
    _staff(message, who)
    reason = _reason(reason)
    with db.atomic():
        message = locked(Message, message.id)
        marks = _row(message)
        if marks.sensitive == sensitive:
            raise Conflict("该留言已标为敏感" if sensitive else "该留言未标为敏感")
        marks.sensitive, marks.sensitive_reason = sensitive, reason
        marks.save()
        action = "mark_sensitive" if sensitive else "unmark_sensitive"
        handling.record_step(message, action, who, reason[:200])
        audit.record(who, f"message.{action}", "message", message.id, message.unit_path, reason, _subject(message))
    return marks


def set_invalid(message: Message, who: Identity, kind: str | None, reason: str) -> MessageMarks:
    """Mark the message invalid (`kind` one of INVALID_KINDS), or take the mark back (`kind` None)."""
    _staff(message, who)
    reason = _reason(reason)
    if kind is not None and kind not in INVALID_KINDS:
        raise Invalid("kind", "请选择无效留言的类型")
    with db.atomic():
        message = locked(Message, message.id)
        marks = _row(message)
        if bool(marks.invalid_kind) == (kind is not None):
            raise Conflict("该留言已标为无效留言" if kind else "该留言未标为无效留言")
        if kind is not None:
            _may_invalidate(message, marks)
        marks.invalid_kind, marks.invalid_reason = kind, reason
        marks.invalid_by, marks.invalid_at = who.name, utcnow()
        marks.save()
        message.due_at = None if kind else handling.next_due(message)
        message.revision += 1
        message.save(only=[Message.due_at, Message.revision])
        action = "mark_invalid" if kind else "unmark_invalid"
        comment = f"{INVALID_KINDS[kind]}：{reason}" if kind else reason
        handling.record_step(message, action, who, comment[:200])
        audit.record(who, f"message.{action}", "message", message.id, message.unit_path, comment, _subject(message))
        handling.publish(message, "invalidated" if kind else "validated")
    return marks


def _may_invalidate(message: Message, marks: MessageMarks) -> None:
    if message.status == S.RESOLVED:
        raise Conflict("已办结的留言不能标为无效")
    if marks.duplicate_of:
        raise Conflict("已并入其他留言的留言不能标为无效")
    _no_reply_waiting(message)


def merge(duplicate: Message, main_id: int, who: Identity, reason: str) -> Message:
    """Merge `duplicate` into the main message `main_id` of the same handling unit; it takes the
    main's answers at once and then with each of the main's steps."""
    _staff(duplicate, who)
    reason = (reason or "").strip()
    main = Message.get_or_none(Message.id == main_id)
    if main is None or not who.may_see(main.unit_path):
        raise Invalid("main_id", said("留言 {id} 不存在或不在您的管辖范围内", id=main_id))
    if main.id == duplicate.id:
        raise Invalid("main_id", "不能并入自身")
    if main.unit_id != duplicate.unit_id:
        raise Invalid("main_id", "只能并入本单位承办的留言")
    with db.atomic():
        duplicate = locked(Message, duplicate.id)
        _may_merge(duplicate, main)
        marks = _row(duplicate)
        marks.duplicate_of, marks.merged_by, marks.merged_at = main.id, who.name, utcnow()
        marks.save()
        comment = source(said("并入留言 {id}，随主留言一并答复", id=main.id)) + (f"：{reason}" if reason else "")
        handling.record_step(duplicate, "merge", who, comment[:200])
        handling.record_step(main, "merge_main", who, said("留言 {id} 并入本留言", id=duplicate.id))
        audit.record(who, "message.merge", "message", duplicate.id, duplicate.unit_path, comment, _subject(duplicate))
        return follow(duplicate, main, who)


def _may_merge(duplicate: Message, main: Message) -> None:
    marks, main_marks = of(duplicate.id), of(main.id)
    if marks is not None and (marks.invalid_kind or marks.duplicate_of):
        raise Conflict("该留言已标为无效或已并入其他留言")
    if main_marks is not None and (main_marks.invalid_kind or main_marks.duplicate_of):
        raise Invalid("main_id", "主留言已标为无效或本身已并入其他留言")
    if duplicate.status == S.RESOLVED:
        raise Conflict("已办结的留言不能并入其他留言")
    if MessageMarks.select().where(MessageMarks.duplicate_of == duplicate.id).exists():
        raise Conflict("已有其他留言并入该留言，不能再并入别的留言")
    _no_reply_waiting(duplicate)


def _no_reply_waiting(message: Message) -> None:
    if PendingReply.select().where(PendingReply.message == message.id, PendingReply.status == "pending").exists():
        raise Conflict("该留言有待审核的回复，请先处理")


def _next_step(duplicate: Message, main: Message) -> tuple[str, dict] | None:
    """The step that brings the duplicate one nearer the main's state, with the main's text."""
    if duplicate.status == S.RECEIVED and main.replied_at:
        return "reply", {"text": main.reply_text}
    if duplicate.status == S.REPLIED and main.fed_back_at:
        return "feedback", {"text": main.feedback_text, "needs_verification": main.verification_due_at is not None}
    if duplicate.status in (S.ACCEPTED, S.VERIFYING) and main.resolved_at:
        return "resolve", {"text": main.result_text}
    return None


def follow(duplicate: Message, main: Message, who: Identity) -> Message:
    """Bring the duplicate to the main's state, a step at a time (each recorded and reported);
    its own deadline cleared: it waits on the main, not in the to-do lists."""
    while (step := _next_step(duplicate, main)) is not None:
        duplicate = handling.transition(duplicate, step[0], who, step[1])
    duplicate.due_at = None
    duplicate.save(only=[Message.due_at])
    return duplicate


def carry(main: Message, who: Identity) -> None:
    """After a step of the main: each of its duplicates (still in its unit) follows."""
    ids = MessageMarks.select(MessageMarks.message).where(MessageMarks.duplicate_of == main.id)
    for duplicate in Message.select().where(Message.id.in_(ids), Message.unit_id == main.unit_id):
        follow(duplicate, main, who)


NONE = {"sensitive": False, "sensitive_reason": "", "invalid_kind": None, "invalid_name": "", "invalid_reason": "",
        "invalid_by": "", "invalid_at": None, "duplicate_of": None, "duplicates": []}  # a message without marks


def view(message: Message) -> dict:
    """The marks one message's page shows, and the messages merged into it (at most 50 listed)."""
    marks = of(message.id)
    merged = [m for (m,) in MessageMarks.select(MessageMarks.message).where(MessageMarks.duplicate_of == message.id)
              .order_by(MessageMarks.message).limit(50).tuples()]
    if marks is None:
        return {**NONE, "duplicates": merged}
    return {"sensitive": marks.sensitive, "sensitive_reason": marks.sensitive_reason, "invalid_kind": marks.invalid_kind,
            "invalid_name": INVALID_KINDS.get(marks.invalid_kind or "", ""), "invalid_reason": marks.invalid_reason,
            "invalid_by": marks.invalid_by, "invalid_at": marks.invalid_at, "duplicate_of": marks.duplicate_of,
            "duplicates": merged}
