"""A resolved message's result published on the microblog (X10: results are reported back
and, where fitting, published). Staff ask for it when they resolve the message; publishing
makes a draft of information type "response" on the message's account, which goes through
the normal review chain and is never released by itself; each step of that draft comes
back as `publishing.response.changed`, and the message shows where the post went out."""
from __future__ import annotations

import datetime as dt
import json

from govmb.bus.message import Delivery
from govmb.contracts.publishing import STATUS_NAMES as DRAFT_STATUS_NAMES
from govmb.identity import Identity
from govmb.timefmt import iso_utc, stored
from services.inquiry.models import Message, ResultPost, bus

STATUS_NAMES = {"requested": "已申请发布，待生成稿件", "refused": "未能生成稿件", **DRAFT_STATUS_NAMES}


def request(message: Message, text: str, who: Identity, at: dt.datetime) -> ResultPost:
    """Ask for the result to be published; inside the transaction that resolves the message."""
    post = ResultPost.create(message=message, text=text, asked_by_id=who.person_id, asked_by=who.name, asked_at=at)
    bus.emit("inquiry.message.publication_requested", {
        "message_id": message.id, "account_id": message.account_id, "unit_id": message.unit_id,
        "unit_path": message.unit_path, "text": text, "asked_by_id": who.person_id, "asked_by": who.name,
        "asked_at": iso_utc(at)})
    return post


def apply_response(payload: dict, _delivery: Delivery | None) -> None:
    """`publishing.response.changed`: the draft's step, kept only if newer than what we have
    (a repeated or late message changes nothing)."""
    released = payload["released_at"]
    (ResultPost.update(draft_id=payload["draft_id"], status=payload["status"], reason=payload["reason"],
                       links=json.dumps(payload["links"], ensure_ascii=False),
                       released_at=stored(dt.datetime.fromisoformat(released)) if released else None,
                       revision=payload["revision"])
     .where(ResultPost.message == payload["message_id"], ResultPost.revision < payload["revision"])
     .execute())


def view(message: Message) -> dict | None:
    """What the message's page says of its result post, if one was asked for."""
    post = ResultPost.get_or_none(ResultPost.message == message.id)
    if post is None:
        return None
    return {"status": post.status, "status_name": STATUS_NAMES.get(post.status, post.status), "draft_id": post.draft_id,
            "text": post.text, "reason": post.reason, "links": json.loads(post.links), "released_at": post.released_at,
            "asked_by": post.asked_by, "asked_at": post.asked_at}
