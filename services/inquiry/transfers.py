"""Transfers (转办, N15, X10, X28): the joint-meeting office or a superior routes a message to
the unit responsible. That unit accepts it, or returns it with a reason for the office to
decide; it may not pass the buck silently. The office reassigns (or sends it back). The
deadlines run from the citizen's message: a transfer never restarts the clock. Answering and
deciding are steps of a machine of the workflow core (`govmb.workflow`, `MACHINE`)."""
from __future__ import annotations

import peewee

from govmb.contracts.inquiry import MessageStatus, TransferStatus
from govmb.db import locked
from govmb.domain import Conflict, Invalid, Refused
from govmb.identity import UNIT_STAFF, Identity, under
from govmb.messages import N_
from govmb.timefmt import iso_utc
from govmb.workflow import Machine, Move, step
from services.inquiry import marks
from services.inquiry.handling import publish, record_step
from services.inquiry.models import Message, Transfer, Unit, audit, bus, db

ROUTERS = ("joint_office", "leader", "principal_leader", "responsible_office")


def transfer_event(t: Transfer) -> dict:
    return {"transfer_id": t.id, "message_id": t.message_id, "from_unit_id": t.from_unit_id, "to_unit_id": t.to_unit_id,
            "to_unit_path": t.to_unit_path, "status": t.status, "reason": t.reason,
            "at": iso_utc(t.answered_at or t.sent_at)}


def _event(t: Transfer) -> None:
    bus.emit("inquiry.transfer.changed", transfer_event(t))


def send(message: Message, to_unit_id: int, note: str, who: Identity, audited: bool = True) -> Transfer:
    """The office, or a superior of the unit now handling it, sends the message on (`audited`
    False: the caller writes the audit row of its own decision instead)."""
    if not who.has(*ROUTERS) or not who.may_see(message.unit_path):
        raise Refused("转办须由联席会议办公室或上级单位办理")
    note = _note(note, "请填写转办说明：请承办单位办理什么、注意什么")
    target = _target(to_unit_id, who)
    with db.atomic():
        message = locked(Message, message.id)  # one transfer at a time
        if target.id == message.unit_id:
            raise Invalid("to_unit_id", "留言已在该单位办理")
        if message.status == MessageStatus.RESOLVED:
            raise Conflict("已办结的留言不能转办")
        marks.refuse_transfer(message)
        if Transfer.select().where(Transfer.message == message, Transfer.status == S.PENDING).exists():
            raise Conflict("该留言有尚未答复的转办")
        t = Transfer.create(message=message, from_unit_id=who.unit_id, from_unit_path=who.unit_path,
                            to_unit_id=target.id, to_unit_path=target.path, previous_unit_id=message.unit_id,
                            previous_unit_path=message.unit_path, status="pending", note=note, sent_by=who.name)
        message.unit_id, message.unit_path = target.id, target.path  # the unit responsible now handles it
        message.revision += 1
        message.save(only=[Message.unit_id, Message.unit_path, Message.revision])
        publish(message, "transferred")
        record_step(message, "transfer", who, _route(t.previous_unit_id, target.id, note))
        _event(t)
        if audited:
            audit.record(who, "transfer.send", "transfer", t.id, target.path,
                         _route(t.previous_unit_id, target.id, note), N_("留言 {id}").format(id=message.id))
    return t


def _note(note: str | None, missing: str) -> str:
    """What the sender asks of the unit (issue 17: an empty one left the unit guessing)."""
    note = (note or "").strip()
    if not note:
        raise Invalid("note", missing)
    return note


def _target(to_unit_id: int, who: Identity) -> Unit:
    """A unit to send a message to: in the sender's sight, and not the sender's own unit (a
    router must not take a message over, and with it the citizen's handle)."""
    target = Unit.get_or_none(Unit.id == to_unit_id)
    if target is None or not who.may_see(target.path) or target.id == who.unit_id:
        raise Invalid("to_unit_id", "承办单位须为您管辖范围内的其他单位")
    return target


def _answered(move: Move) -> None:
    move.row.answered_by, move.row.reason = move.who.name, (move.data.get("reason") or "").strip()
    record_step(move.row.message, "transfer_accept", move.who, _route(move.row.from_unit_id, move.row.to_unit_id, ""))


def _returned(move: Move) -> None:
    """Back to the unit that had it, while the sender decides (the return counts against it)."""
    reason = (move.data.get("reason") or "").strip()
    if not reason:
        raise Invalid("reason", "退回须写明理由，由联席会议办公室或上级单位决定")
    t = move.row
    t.answered_by, t.reason = move.who.name, reason
    message = t.message
    message.unit_id, message.unit_path = t.previous_unit_id, t.previous_unit_path
    message.revision += 1
    message.save(only=[Message.unit_id, Message.unit_path, Message.revision])
    publish(message, "transfer_returned")
    move.detail = _route(t.previous_unit_id, t.to_unit_id, N_("退回理由：{reason}").format(reason=reason))
    record_step(message, "transfer_return", move.who, move.detail)


def _reassign(move: Move) -> None:
    """The sender decides: the message goes to another unit, or stays where it is."""
    _target(move.data["to_unit_id"], move.who)  # a bad target changes nothing
    _note(move.data.get("note"), "请写明决定：改派的理由和对承办单位的要求")


S = TransferStatus
STAFF = UNIT_STAFF
TRANSITIONS = (
    step("accept", {S.PENDING}, S.ACCEPTED, "receiver", stamp="answered_at", effect=_answered),
    step("return", {S.PENDING}, S.RETURNED, "receiver", stamp="answered_at", effect=_returned),
    step("reassign", {S.RETURNED}, S.REASSIGNED, "sender", effect=_reassign),
)
WHO = {"receiver": "接收转办的单位", "sender": "转办单位或联席会议办公室"}
REFUSED = {"receiver": "须由接收转办的单位答复", "sender": "由转办单位或联席会议办公室决定"}
CONFLICT = {"accept": "该转办已答复", "return": "该转办已答复", "reassign": "只有被退回、尚未决定的转办才需要决定"}


def _finish(move: Move) -> None:
    """The transfer's event; on a decision to send it elsewhere, the new transfer after it; then
    the audit row (which names the new transfer)."""
    t = move.row
    _event(t)
    path, detail = t.to_unit_path, move.detail or _route(t.previous_unit_id, t.to_unit_id, "")
    if move.action == "reassign":
        to_unit_id, note = move.data["to_unit_id"], (move.data.get("note") or "").strip()
        message = Message.get_by_id(t.message_id)
        if message.unit_id == to_unit_id:  # the office decides it stays where it is
            path, detail = message.unit_path, N_("仍交{unit}办理；{note}").format(unit=_name(to_unit_id), note=note)
            record_step(message, "reassign", move.who, detail)
        else:
            sent = send(message, to_unit_id, note, move.who, audited=False)
            path = sent.to_unit_path
            detail = N_("改派（新转办 {id}）：").format(id=sent.id) + _route(sent.previous_unit_id, to_unit_id, note)
    audit.record(move.who, f"transfer.{move.action}", "transfer", t.id, path, detail, N_("留言 {id}").format(id=t.message_id))


MACHINE = Machine("transfer", Transfer, TransferStatus, TRANSITIONS,
                  guards={"receiver": lambda t, who: t.to_unit_id == who.unit_id and who.has(*STAFF),
                          "sender": lambda t, who: who.unit_id == t.from_unit_id or who.has("joint_office")},
                  refused=lambda t: REFUSED[t.who], conflict=lambda _row, t: CONFLICT[t.action],
                  record=lambda move: None, emit=_finish, who_names=WHO)  # the audit row: in _finish


def answer(transfer: Transfer, accept: bool, reason: str, who: Identity) -> Transfer:
    """The receiving unit accepts, or returns with a reason (counted against it)."""
    return MACHINE.apply(transfer, "accept" if accept else "return", who, {"reason": reason})


def reassign(transfer: Transfer, to_unit_id: int, note: str, who: Identity) -> Transfer:
    """The sender decides on a return; the transfer that now stands (a new one if sent on)."""
    MACHINE.apply(transfer, "reassign", who, {"to_unit_id": to_unit_id, "note": note})
    return Transfer.select().where(Transfer.message == transfer.message_id).order_by(Transfer.id.desc()).first()


def _name(unit_id: int) -> str:
    unit = Unit.get_or_none(Unit.id == unit_id)
    return unit.name if unit else N_("单位 {id}").format(id=unit_id)


def _route(from_unit_id: int, to_unit_id: int, note: str) -> str:
    """What an audit row says of a transfer: from which unit to which, and the note or reason."""
    return f"{_name(from_unit_id)} → {_name(to_unit_id)}" + (f"；{note}" if note else "")


def with_messages(rows: list[Transfer]) -> list[Transfer]:
    """Each transfer of a page with its message's text and open deadline (one query by the
    messages' ids): what the receiving unit is asked to handle, and by when (issue 17)."""
    messages = {m.id: m for m in Message.select(Message.id, Message.text, Message.due_at, Message.status)
                .where(Message.id.in_({t.message_id for t in rows}))} if rows else {}
    for t in rows:
        m = messages.get(t.message_id)
        t.message_text, t.message_due_at = (m.text, m.due_at) if m else ("", None)
        t.message_status = m.status if m else ""
    return rows


def returns_by_unit(path: str | None = None) -> list[dict]:
    """Returns counted per receiving unit (推诿: what the office looks at)."""
    query = (Transfer.select(Transfer.to_unit_id, Unit.name, peewee.fn.COUNT(Transfer.id))
             .join(Unit, peewee.JOIN.LEFT_OUTER, on=(Unit.id == Transfer.to_unit_id))
             .where(Transfer.status.in_((S.RETURNED, S.REASSIGNED)), Transfer.reason != "")
             .group_by(Transfer.to_unit_id, Unit.name))  # the units' names with the counts, not every unit's
    if path:
        query = query.where(under(Transfer.to_unit_path, path))
    return sorted(({"unit_id": unit_id, "unit_name": name or "", "returns": n} for unit_id, name, n in query.tuples()),
                  key=lambda r: -r["returns"])
