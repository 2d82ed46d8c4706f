"""Inquiry's state as events, for rebuilding a consumer (see ops.replay)."""
from peewee import JOIN

from govmb.timefmt import iso_utc
from services.inquiry.archived import message_text, notice_text
from services.inquiry.handling import message_event
from services.inquiry.models import Message, MessageMarks, MissedDeadline, ProblemNotice, Rating, Transfer
from services.inquiry.notices import notice_event
from services.inquiry.ratings import rated_event
from services.inquiry.transfers import transfer_event


def events():
    marked = (Message.select(Message, MessageMarks.invalid_kind.alias("invalid_kind"))
              .join(MessageMarks, JOIN.LEFT_OUTER, on=(MessageMarks.message == Message.id)).order_by(Message.id))
    for message in marked.objects():  # an invalid message stays out of the consumer's figures (G19.2)
        yield "inquiry.message.changed", {**message_event(message, "replayed"), "invalid": bool(message.invalid_kind)}
        yield "inquiry.message.archive_text", message_text(message)
    for missed in MissedDeadline.select(MissedDeadline, Message).join(Message).order_by(MissedDeadline.id):
        yield "inquiry.message.overdue", {"message_id": missed.message.id, "unit_id": missed.message.unit_id,
                                          "unit_path": missed.message.unit_path, "deadline": missed.deadline,
                                          "due_at": iso_utc(missed.due_at)}
    for transfer in Transfer.select().order_by(Transfer.id):
        yield "inquiry.transfer.changed", transfer_event(transfer)
    for notice in ProblemNotice.select().order_by(ProblemNotice.id):
        yield "inquiry.notice.changed", notice_event(notice)
        yield "inquiry.notice.archive_text", notice_text(notice)
    for rating in Rating.select(Rating, Message).join(Message).order_by(Rating.id):
        yield "inquiry.message.rated", rated_event(rating, rating.message)
