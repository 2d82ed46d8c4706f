"""What waits in inquiry (待办, `govmb.todo`): the citizens' messages the unit handles, by how
near their open deadline is (overdue, within 4 hours, today, later); those being verified
(10 working days); transfers to accept; returned transfers to decide; problem notices to answer.
The joint-meeting office also sees what came in to it through the hall and other systems and is
not yet passed on, and every overdue message of the city. Each kind one indexed count (0023)."""
from __future__ import annotations

import datetime as dt

from govmb.account_copy import run_by_unit
from govmb.contracts.inquiry import MessageStatus, TransferStatus
from govmb.identity import UNIT_STAFF, Identity
from govmb.timefmt import utcnow
from govmb.todo import Kind, todo
from services.inquiry.models import Account, Message, PendingReply, ProblemNotice, Transfer, Unit
from services.inquiry.notices import NoticeStatus
from services.inquiry.transfers import ROUTERS

M = MessageStatus
HANDLERS = ("operator", "responsible_office")  # who replies and feeds back
TITLE = 40
_COLUMNS = (Message.id, Message.text, Message.unit_id, Message.status, Message.due_at, Message.received_at)


def _messages(*statuses: str):
    return lambda who: Message.select(*_COLUMNS).where(
        run_by_unit(Message, Account, who.unit_id), Message.status.in_(statuses), Message.due_at.is_null(False))


def _intake(who: Identity):
    """What reached the office itself from the hall or another system, not yet answered or passed on."""
    return Message.select(*_COLUMNS).where(run_by_unit(Message, Account, who.unit_id), Message.status == M.RECEIVED,
                                           Message.source.in_(("hall", "api")))


def _overdue(_who: Identity):
    return Message.select(*_COLUMNS).where(Message.due_at < utcnow())


def _message(m: Message) -> dict:
    return {"id": m.id, "title": m.text[:TITLE], "due_at": m.due_at, "since": m.received_at, "unit_id": m.unit_id,
            "status": m.status}


def _incoming(who: Identity):
    return (Transfer.select(Transfer.id, Transfer.to_unit_id, Transfer.note, Transfer.sent_at, Transfer.status,
                            Message.id, Message.text, Message.due_at)
            .join(Message).where(Transfer.to_unit_id == who.unit_id, Transfer.status == TransferStatus.PENDING))


def _returned(who: Identity):
    rows = (Transfer.select(Transfer.id, Transfer.from_unit_id, Transfer.to_unit_id, Transfer.reason,
                            Transfer.answered_at, Transfer.status, Message.id, Message.text, Message.due_at)
            .join(Message).where(Transfer.status == TransferStatus.RETURNED))
    return rows if who.has("joint_office") else rows.where(Transfer.from_unit_id == who.unit_id)


def _transfer(t: Transfer) -> dict:
    return {"id": t.message.id, "title": t.message.text[:TITLE], "due_at": t.message.due_at,
            "since": t.answered_at or t.sent_at, "unit_id": t.to_unit_id, "status": t.status,
            "detail": t.reason or t.note}


def _notices(who: Identity):
    return ProblemNotice.select(ProblemNotice.id, ProblemNotice.title, ProblemNotice.unit_id, ProblemNotice.issued_at,
                                ProblemNotice.importance, ProblemNotice.status).where(
        ProblemNotice.unit_id == who.unit_id, ProblemNotice.status == NoticeStatus.ISSUED)


def _notice(n: ProblemNotice) -> dict:
    return {"id": n.id, "title": n.title, "due_at": None, "since": n.issued_at, "unit_id": n.unit_id,
            "status": n.status, "detail": {"high": "重要", "medium": "一般", "low": "较低"}.get(n.importance, "")}


def _reviews(stage: str):
    """Replies held for review (N6, X21) at `stage`, of the messages the caller's unit holds
    (its own, or as their account's managing unit: who may decide them, `replies.decide`)."""
    return lambda who: (PendingReply.select(PendingReply.id, PendingReply.unit_id, PendingReply.why,
                                            PendingReply.submitted_at, PendingReply.stage, Message.id, Message.text,
                                            Message.due_at)
                        .join(Message).where(run_by_unit(Message, Account, who.unit_id), PendingReply.status == "pending",
                                             PendingReply.stage == stage))


def _review(p: PendingReply) -> dict:
    return {"id": p.message.id, "title": p.message.text[:TITLE], "due_at": p.message.due_at, "since": p.submitted_at,
            "unit_id": p.unit_id, "status": p.stage, "detail": p.why[:TITLE]}


KINDS = (
    Kind("replies_check", "回复待核稿", ("responsible_office",), _reviews("office"), _review, due=Message.due_at,
         order=(PendingReply.id,)),
    Kind("replies_approve", "回复待审批", ("leader", "principal_leader"), _reviews("leader"), _review,
         due=Message.due_at, order=(PendingReply.id,)),
    Kind("messages", "网民留言待办理", HANDLERS, _messages(M.RECEIVED, M.REPLIED), _message, due=Message.due_at,
         order=(Message.id,)),
    Kind("transfers", "转办待接收", UNIT_STAFF, _incoming, _transfer, due=Message.due_at, order=(Transfer.id,)),
    Kind("notices", "问题通报单待答复", UNIT_STAFF, _notices, _notice,
         order=(ProblemNotice.issued_at, ProblemNotice.id)),
    Kind("verifying", "核实研究中的留言待反馈", HANDLERS, _messages(M.VERIFYING), _message, due=Message.due_at,
         order=(Message.id,)),
    Kind("transfers_returned", "退回的转办待决定", ROUTERS, _returned, _transfer, due=Message.due_at,
         order=(Transfer.id,)),
    Kind("intake", "大厅与其他系统来信待分派", ("joint_office",), _intake, _message, due=Message.due_at,
         order=(Message.id,)),
    Kind("messages_overdue", "全市逾期未办的留言", ("joint_office", "supervision"), _overdue, _message,
         due=Message.due_at, order=(Message.id,)),
)


def waiting(who: Identity, now: dt.datetime | None = None, items: bool = True) -> list[dict]:
    """Inquiry's groups of work waiting for `who`."""
    return todo(KINDS, who, Unit, now, items)
