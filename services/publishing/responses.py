"""Drafts that publish the result of a citizen's message (X10): inquiry asks for one when
staff resolve a message; a draft of information type "response" is made on the message's
account, authored by whoever asked, and goes through the review chain like any other (it
is never released by itself). Each of its steps goes back to inquiry as
`publishing.response.changed`, with the draft's revision, so that redelivered or late
messages change nothing there; a request for a message already drafted is ignored."""
from __future__ import annotations

import json

from govmb.bus.message import Delivery
from govmb.contracts.registry import AccountStatus
from govmb.messages import N_
from govmb.timefmt import iso_utc
from services.publishing.models import Account, Draft, Publication, ReviewStep, bus


def draft_from_message(payload: dict, _delivery: Delivery | None) -> None:
    """`inquiry.message.publication_requested`: a draft on the message's account, once."""
    if Draft.select().where(Draft.answers_message_id == payload["message_id"]).exists():
        return  # drafted before: the request came twice
    account = Account.get_or_none(Account.id == payload["account_id"])
    if account is None or account.status != AccountStatus.ACTIVE:
        bus.emit("publishing.response.changed", {
            "message_id": payload["message_id"], "draft_id": None, "account_id": payload["account_id"],
            "status": "refused", "reason": "账号未在正常运行，不能发布", "links": [], "released_at": None, "revision": 1})
        return
    draft = Draft.create(account_id=account.id, unit_id=account.unit_id, unit_path=account.unit_path,
                         author_id=payload["asked_by_id"], author_name=payload["asked_by"], text=payload["text"],
                         info_type="response", original=True, status="draft",
                         platforms=json.dumps([p["platform"] for p in account.platform_list]),
                         answers_message_id=payload["message_id"])
    ReviewStep.create(draft=draft, action="write", from_status=None, to_status="draft", actor_id=payload["asked_by_id"],
                      actor_name=payload["asked_by"], comment=N_("网民留言 {id} 的办理结果，申请在本账号发布").format(id=payload['message_id']))
    report(draft)


def report(draft: Draft) -> None:
    """Tell inquiry where the draft of a message's result stands (inside the step's transaction)."""
    links = [{"platform": p.platform, "url": p.url} for p in draft.publications.order_by(Publication.platform)]
    bus.emit("publishing.response.changed", {
        "message_id": draft.answers_message_id, "draft_id": draft.id, "account_id": draft.account_id,
        "status": draft.status, "reason": "", "links": links, "released_at": iso_utc(draft.released_at),
        "revision": draft.revision})
