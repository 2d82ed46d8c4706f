"""Posts the platforms' adapters send, in the publishing worker, never in a person's request.

An approval (or a fast-track) sends `publishing.draft.approved` in its transaction. The
worker's handler (`queue_posts`) makes one `platform_post` row per platform that has an
adapter (a second delivery of the event finds them made). The worker's job (`send_pending`,
every PLATFORM_POSTS_INTERVAL_SECONDS) claims each pending row — the claim is committed before
the platform is called — asks the adapter, and records the publication through the draft's
machine (`record_publication`, by "自动发布"), which releases the draft once every platform
has one. A platform that fails, or a worker that dies after its claim, leaves the row failed or
sending, never pending: the post is not sent again, and the operator publishes by hand and
records it, as for a platform without an adapter. At most once per draft and platform.
"""
from __future__ import annotations

import json
import logging

from govmb.bus.message import Delivery
from govmb.domain import Conflict, DomainError
from govmb.identity import Identity
from govmb.timefmt import utcnow
from services.publishing.adapters import ManualAdapter, adapter_for
from services.publishing.models import Account, Draft, PlatformPost, Publication, db, outgoing_text

log = logging.getLogger(__name__)
BATCH = 100  # rows claimed a run; the rest wait for the next


def queue_posts(payload: dict, _delivery: Delivery | None) -> None:
    """The event's handler: a pending post for each of the draft's platforms an adapter serves
    and no one has recorded yet."""
    recorded = {p for (p,) in Publication.select(Publication.platform)
                .where(Publication.draft == payload["draft_id"]).tuples()}
    for platform in payload["platforms"]:
        if platform not in recorded and not isinstance(adapter_for(platform), ManualAdapter):
            PlatformPost.insert(draft_id=payload["draft_id"], platform=platform).on_conflict_ignore().execute()


def recorded_by_hand(draft_id: int, platform: str) -> None:
    """An operator records a platform's publication (in that transaction): a post the worker has
    not claimed yet is cancelled; one it is sending refuses the record (the adapter is posting)."""
    post = PlatformPost.get_or_none(PlatformPost.draft_id == draft_id, PlatformPost.platform == platform)
    if post is not None and post.status == "sending":
        raise Conflict("该平台正由平台接口自动发布，请稍候刷新，不要手工重复发布")
    if post is not None and post.status == "pending":
        PlatformPost.update(status="cancelled", error="已由工作人员登记发布").where(
            PlatformPost.id == post.id, PlatformPost.status == "pending").execute()


def state_of(draft_id: int) -> list[dict]:
    """The draft's platform posts as the pages show them."""
    return [{"platform": p.platform, "status": p.status, "status_name": POST_STATUS_NAMES[p.status], "error": p.error}
            for p in PlatformPost.select().where(PlatformPost.draft_id == draft_id).order_by(PlatformPost.platform)]


POST_STATUS_NAMES = {"pending": "待自动发布", "sending": "自动发布中", "published": "已自动发布",
                     "failed": "自动发布失败，请人工发布并登记", "cancelled": "已人工登记，未自动发布"}


def send_pending() -> int:
    """The job: send what is pending, each post claimed before its platform is called; the
    number sent."""
    sent = 0
    for post_id in [p for (p,) in PlatformPost.select(PlatformPost.id).where(PlatformPost.status == "pending")
                    .order_by(PlatformPost.id).limit(BATCH).tuples()]:
        with db.atomic():
            claimed = (PlatformPost.update(status="sending", attempted_at=utcnow())
                       .where(PlatformPost.id == post_id, PlatformPost.status == "pending").execute())
        if claimed:  # committed: another worker, or this one after a crash, will not send it again
            sent += _send(PlatformPost.get_by_id(post_id))
    return sent


def _send(post: PlatformPost) -> int:
    draft = Draft.get_by_id(post.draft_id)
    if Publication.select().where(Publication.draft == draft.id, Publication.platform == post.platform).exists():
        return _failed(post, "已由工作人员登记发布", status="cancelled")  # recorded by hand meanwhile: not sent
    handles = {p["platform"]: p["handle"] for p in Account.get_by_id(draft.account_id).platform_list}
    try:
        url = adapter_for(post.platform).publish(post.platform, outgoing_text(draft), json.loads(draft.media),
                                                 handles.get(post.platform, ""))
    except Exception as exc:  # the platform failed: a person publishes by hand
        log.exception("adapter failed", extra={"draft": draft.id, "platform": post.platform})
        return _failed(post, f"{type(exc).__name__}: {exc}")
    if not url:
        return _failed(post, "平台未返回发布地址，请人工发布并登记")
    from services.publishing.review import MACHINE  # review asks this module about hand-recorded posts
    system = Identity(0, "自动发布", draft.unit_id, draft.unit_path, frozenset({"operator"}), client="system:adapter")
    try:
        MACHINE.apply(draft, "record_publication", system, {"platform": post.platform, "url": url, "comment": "自动发布"})
    except DomainError as exc:  # withdrawn meanwhile, or recorded by hand first
        return _failed(post, exc.message or str(exc.errors))
    PlatformPost.update(status="published", url=url).where(PlatformPost.id == post.id).execute()
    return 1


def _failed(post: PlatformPost, error: str, status: str = "failed") -> int:
    PlatformPost.update(status=status, error=error[:200]).where(PlatformPost.id == post.id).execute()
    return 0
