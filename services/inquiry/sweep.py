"""The overdue sweep: one `inquiry.message.overdue` event per deadline missed. Safe to run
twice, after a restart or on several replicas: a missed deadline is claimed by inserting its
row, and only the claimant reports it.

    python -m services.inquiry.sweep            # once (the worker runs it every minute)
"""
from __future__ import annotations

from govmb.timefmt import iso_utc, utcnow
from services.inquiry.models import Message, MessageMarks, MissedDeadline, bus, db

INVALID = MessageMarks.select(MessageMarks.message).where(MessageMarks.invalid_kind.is_null(False))  # G19.2: not judged


def sweep() -> int:
    now, reported = utcnow(), 0
    checks = (("reply", Message.reply_due_at, Message.replied_at),
              ("feedback", Message.feedback_due_at, Message.fed_back_at),
              ("verification", Message.verification_due_at, Message.resolved_at))
    for name, due, done in checks:
        # open and past due, or done after it (late work done before the sweep came by counts too)
        missed = (Message.select().where(due.is_null(False), (done.is_null() & (due < now)) | (done > due))
                  .where(~Message.id.in_(MissedDeadline.select(MissedDeadline.message)
                                         .where(MissedDeadline.deadline == name)),
                         ~Message.id.in_(INVALID)))
        for message in missed:
            due_at = getattr(message, f"{name}_due_at")
            with db.atomic():
                claim = (MissedDeadline.insert(message=message.id, deadline=name, due_at=due_at)
                         .on_conflict_ignore())
                if db.execute(claim).rowcount == 1:  # another sweep got there first: nothing to say
                    bus.emit("inquiry.message.overdue", {
                        "message_id": message.id, "unit_id": message.unit_id, "unit_path": message.unit_path,
                        "deadline": name, "due_at": iso_utc(due_at)})
                    reported += 1
    return reported

