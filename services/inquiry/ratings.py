"""The citizen's rating of how a message was handled (N19: 满意、基本满意、不满意), once it is
resolved, once only. The optional comment runs the shared checks of what is written
(`wordlists.checked`: a `block` finding, e.g. an ID number or a forbidden word, refuses it,
naming the field). The rating is reported (`inquiry.message.rated`) in its transaction: the
assessment counts it for the unit that handled the message (its satisfaction rate)."""
from __future__ import annotations

import peewee

from govmb.contracts.inquiry import RATING_NAMES
from govmb.domain import Conflict, Invalid
from govmb.messages import said
from govmb.timefmt import iso_utc, utcnow
from services.inquiry import wordlists
from services.inquiry.models import Message, Rating, bus, db

COMMENT_MAX = 500


def rate(message: Message, rating: str, comment: str = "") -> Rating:
    """Record the citizen's rating; `Conflict` before resolution or a second time."""
    if rating not in RATING_NAMES:
        raise Invalid("rating", "请选择满意、基本满意或不满意")
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise Invalid("comment", said("意见不能超过 {n} 字", n=COMMENT_MAX))
    if message.status != "resolved":
        raise Conflict("留言办结后才能评价")
    wordlists.checked({"comment": comment})
    try:
        with db.atomic():
            if Rating.select().where(Rating.message == message.id).exists():
                raise peewee.IntegrityError("rated")
            rated = Rating.create(message=message.id, rating=rating, comment=comment, unit_id=message.unit_id,
                                  rated_at=utcnow())
            bus.emit("inquiry.message.rated", rated_event(rated, message))
    except peewee.IntegrityError:  # rated before, or at the same moment by another request (the unique index)
        raise Conflict("这条留言已经评价过，每条留言只能评价一次") from None
    return rated


def rated_event(rating: Rating, message: Message) -> dict:
    """`inquiry.message.rated`: the rating for the unit that handled the message (not the comment)."""
    return {"message_id": message.id, "account_id": message.account_id, "unit_id": rating.unit_id,
            "unit_path": message.unit_path, "rating": rating.rating, "rated_at": iso_utc(rating.rated_at)}


def view(message: Message) -> dict | None:
    """The rating as the handling unit's page shows it (with the comment), if the citizen gave one."""
    row = Rating.get_or_none(Rating.message == message.id)
    if row is None:
        return None
    return {"rating": row.rating, "rating_name": RATING_NAMES[row.rating], "comment": row.comment, "rated_at": row.rated_at}
