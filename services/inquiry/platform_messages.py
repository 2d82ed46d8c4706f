"""Citizens' messages read from the platforms' APIs (issue 20, listening): each comment, mention
or private message the publishing worker read (`publishing.platform.incoming`) becomes a message
of the connection's account, by the intake every message goes through (`handling.receive`,
source `platform`): its deadlines computed from the platform's time as the receipt time, its
category and sentiment suggested, the author's handle sealed as every citizen's handle is.

Taken once: the platform's id is the message's `platform_message_id`, unique per platform (an
index); a second delivery of the event, or the same item read again after a worker died before
its cursor was kept, finds the message and changes nothing. A comment on one of the account's
posts keeps which post (`MessagePost`), and its draft when publishing knew it."""
from __future__ import annotations

import peewee

from govmb.domain import Conflict
from govmb.identity import Identity
from govmb.timefmt import utc, utcnow
from services.inquiry import handling
from services.inquiry.models import Account, Message, MessagePost, db

WHO = "平台接口"  # the steps' actor: no person entered these
NO_TEXT = "（无文字内容）"  # a comment of pictures or stickers alone
NO_HANDLE = "（平台未提供）"


def _known(platform: str, platform_id: str) -> bool:
    return Message.select().where(Message.platform == platform, Message.platform_message_id == platform_id).exists()


def take(payload: dict, _delivery) -> None:
    """The event's handler: the message, unless it was taken before. An account this service does
    not know yet raises: the event comes again after the account's own (or goes to the
    dead-letter queue, visible to ops)."""
    if _known(payload["platform"], payload["platform_id"]):
        return
    account = Account.get_or_none(Account.id == payload["account_id"])
    if account is None:
        raise LookupError(f"account {payload['account_id']} is not in inquiry's copy yet")
    who = Identity(0, WHO, account.unit_id, account.unit_path, frozenset(), client="system:platform")
    data = {"account_id": account.id, "platform": payload["platform"], "platform_message_id": payload["platform_id"],
            "kind": payload["kind"], "citizen_handle": (payload["author_name"] or payload["author_id"] or NO_HANDLE)[:100],
            "text": (payload["text"] or "").strip()[:5000] or NO_TEXT,
            "received_at": min(utc(payload["at"]), utcnow())}  # a platform's clock ahead of ours is not the future
    try:
        with db.atomic():
            message = handling.receive(data, who, "platform")
            if payload.get("post_id"):
                MessagePost.create(message=message.id, platform_post_id=payload["post_id"][:100],
                                   draft_id=payload.get("draft_id"))
    except (Conflict, peewee.IntegrityError):  # another consumer took it a moment ago
        if not _known(payload["platform"], payload["platform_id"]):
            raise
