"""Posts released through the platforms' adapters (issue 20), in the publishing worker, never in a
person's request.

An approval (or a fast track) sends `publishing.draft.approved` in its transaction. The worker's
handler (`queue_posts`) makes one `platform_post` row per platform of the draft that has an
adapter and a connected account there (a second delivery finds them made); the rest wait for an
operator's record by hand, as before. A row waits (`waiting`) until its `next_attempt_at`: at
once, or at the draft's planned time (a scheduled post: it is in the database, a restart keeps
it). The job (`send_due`, every PLATFORM_POSTS_INTERVAL_SECONDS) claims the due rows whose
account is connected and whose unit no freeze holds (freezes.py), each claim committed before
the platform is called, and publishes through the adapter:

- published: recorded through the draft's machine (`record_publication`, by 自动发布, in the
  same transaction as the row), which releases the draft once every platform has its record;
- `RateLimited`, `Unavailable` (or an adapter's own error): waits again, 1, 2, 4 … minutes (at
  most BACKOFF_CAP; a platform's `retry_after` honoured), failed after MAX_ATTEMPTS;
- `CredentialExpired`: the connection is marked expired (connections.expired: the registry warns
  the account's security record and operators); the post waits, not failed, and goes out once
  the account is connected again;
- `Rejected`: failed with the platform's reason, and a step "平台退回" on the draft's record for
  its writer and reviewers; the operator may still publish by hand and record it.

A row found `sending` longer than LEASE belongs to a worker that died, perhaps after the platform
answered: it waits again with `uncertain_since`, and the next attempt first asks the platform
(`adapter.find`) for the post sent since then: found, it is recorded; not found, it is sent.
"""
from __future__ import annotations

import datetime as dt
import json
import logging

from peewee import fn

from govmb.domain import Conflict, DomainError
from govmb.identity import Identity
from govmb.messages import said
from govmb.platforms import platforms
from govmb.timefmt import utcnow
from services.publishing import connections, freezes
from services.publishing.adapters import adapter_for, has_adapter
from services.publishing.connectors.contract import (
    CredentialExpired,
    Outgoing,
    Published,
    RateLimited,
    Rejected,
)
from services.publishing.media import pictures
from services.publishing.models import (
    Draft,
    PlatformConnection,
    PlatformPost,
    Publication,
    ReviewStep,
    db,
    outgoing_text,
)

log = logging.getLogger(__name__)
BATCH = 100  # rows claimed a run; the rest wait for the next
LEASE = dt.timedelta(minutes=5)  # a post `sending` longer than this: its worker died
MAX_ATTEMPTS = 8  # tries before a post is failed (about two hours of backoff)
BACKOFF_BASE = dt.timedelta(minutes=1)
BACKOFF_CAP = dt.timedelta(minutes=60)
RETRY_AFTER_CAP = dt.timedelta(hours=6)  # a platform's retry_after beyond this is taken as this
TITLE_LIMIT = 64
SYSTEM_NAME = "自动发布"
POST_STATUS_NAMES = {"waiting": "待发布", "sending": "发布中", "published": "已发布",
                     "failed": "发布失败", "cancelled": "已人工登记"}


def queue_posts(payload: dict, _delivery=None) -> None:
    """The event's handler: a waiting post for each of the draft's platforms that an adapter serves,
    the account is connected on, and no one has recorded yet."""
    draft = Draft.get_or_none(Draft.id == payload["draft_id"])
    if draft is None:
        return
    recorded = {p for (p,) in Publication.select(Publication.platform).where(Publication.draft == draft.id).tuples()}
    connected = {p for (p,) in PlatformConnection.select(PlatformConnection.platform).where(
        PlatformConnection.account_id == draft.account_id, PlatformConnection.status == "connected").tuples()}
    at = utcnow()
    scheduled = draft.planned_at if draft.planned_at and draft.planned_at > at else None
    for platform in payload["platforms"]:
        if platform not in recorded and platform in connected and has_adapter(platform):
            PlatformPost.insert(draft_id=draft.id, account_id=draft.account_id, unit_path=draft.unit_path,
                                platform=platform, not_before=scheduled, next_attempt_at=scheduled or at,
                                ).on_conflict_ignore().execute()


def recorded_by_hand(draft_id: int, platform: str) -> None:
    """An operator records a platform's publication (in that transaction): a post the worker has
    not claimed, or one that failed, is cancelled; one it is sending refuses the record."""
    post = PlatformPost.get_or_none(PlatformPost.draft_id == draft_id, PlatformPost.platform == platform)
    if post is not None and post.status == "sending":
        raise Conflict("该平台正由平台接口自动发布，请稍候刷新，不要手工重复发布")
    if post is not None and post.status in ("waiting", "failed"):
        cancelled = PlatformPost.update(status="cancelled", error="已由工作人员登记发布").where(
            PlatformPost.id == post.id, PlatformPost.status.in_(("waiting", "failed"))).execute()
        if not cancelled:  # the worker claimed it between the read and the update: it is posting
            raise Conflict("该平台正由平台接口自动发布，请稍候刷新，不要手工重复发布")


# ------------------------------------------------------------------------------ the job
def send_due() -> int:
    """The job: give back the posts of workers that died, then send what is due, each post
    claimed (committed) before its platform is called; the number published."""
    release_stale()
    sent = 0
    for post_id in due_ids():
        with db.atomic():
            claimed = (PlatformPost.update(status="sending", attempted_at=utcnow(), attempts=PlatformPost.attempts + 1)
                       .where(PlatformPost.id == post_id, PlatformPost.status == "waiting", freezes.not_frozen())
                       .execute())  # a freeze made since due_ids read is kept
        if claimed:  # committed: another worker will not take it, this one after a crash asks first
            sent += _send(PlatformPost.get_by_id(post_id))
    return sent


def due_ids(at: dt.datetime | None = None) -> list[int]:
    """The posts to claim now: waiting and due, their account connected, no freeze over their
    unit (index platform_post (status, next_attempt_at); the connection by its unique key)."""
    at = at or utcnow()
    on = ((PlatformConnection.account_id == PlatformPost.account_id)
          & (PlatformConnection.platform == PlatformPost.platform))
    return [i for (i,) in PlatformPost.select(PlatformPost.id).join(PlatformConnection, on=on)
            .where(PlatformPost.status == "waiting", PlatformPost.next_attempt_at <= at,
                   PlatformConnection.status == "connected", freezes.not_frozen())
            .order_by(PlatformPost.next_attempt_at, PlatformPost.id).limit(BATCH).tuples()]


def release_stale() -> int:
    """Posts left `sending` by a worker that died: waiting again, to be looked up before any resend."""
    return (PlatformPost.update(status="waiting", next_attempt_at=utcnow(),
                                uncertain_since=fn.COALESCE(PlatformPost.uncertain_since, PlatformPost.attempted_at),
                                error="上次发送中断：先向平台核实是否已发出，未发出再发送")
            .where(PlatformPost.status == "sending", PlatformPost.attempted_at < utcnow() - LEASE).execute())


def outgoing_of(draft: Draft, platform: str) -> Outgoing:
    """What goes to the platform: the text as it goes out, a title for the platforms whose posts
    are articles, the pictures of the media fetched from their addresses (media.py: a picture that
    cannot be fetched is the post's refusal, or a wait), the first link. Videos are kept as
    addresses only: none is uploaded."""
    media = json.loads(draft.media or "[]")
    links = [m.get("url", "") for m in media if m.get("kind") == "link"]
    return Outgoing(key=f"draft-{draft.id}-{platform}", text=outgoing_text(draft, platform), title=_title(draft),
                    images=pictures(media), link=links[0] if links else "")


def _title(draft: Draft) -> str:
    if draft.series_title:
        number = f"（{draft.series_no}）" if draft.series_no else ""
        return f"{draft.series_title}{number}"[:TITLE_LIMIT]
    first = draft.text.strip().replace("\n", " ")
    for stop in "。！？!?":
        first = first.split(stop)[0]
    return first[:TITLE_LIMIT]


def _send(post: PlatformPost) -> int:
    draft = Draft.get_by_id(post.draft_id)
    if Publication.select().where(Publication.draft == draft.id, Publication.platform == post.platform).exists():
        return _finish(post, "cancelled", "已由工作人员登记发布")  # recorded by hand meanwhile: not sent
    row = PlatformConnection.get_or_none(PlatformConnection.account_id == post.account_id,
                                         PlatformConnection.platform == post.platform)
    if row is None or row.status != "connected":  # changed since the claim's query
        return _wait(post, "账号在该平台的连接已失效：重新连接后自动发布", utcnow(), counted=False)
    try:
        published = _publish_once(post, draft, row)
    except Exception as exc:  # noqa: BLE001  every failure is mapped: the post is never left claimed
        return _failure(post, draft, row, exc)
    connections.worked(row)
    return _record(post, draft, published)


def _publish_once(post: PlatformPost, draft: Draft, row: PlatformConnection) -> Published:
    adapter, connection, outgoing = adapter_for(post.platform), connections.connection_of(row), outgoing_of(draft, post.platform)
    if post.uncertain_since is not None:  # an attempt died after calling the platform: did it post?
        since = (post.uncertain_since - dt.timedelta(minutes=1)).replace(tzinfo=dt.timezone.utc)  # stored naive UTC
        found = adapter.find(connection, outgoing, since=since)
        if found is not None:
            return found
    return adapter.publish(connection, outgoing)


def _failure(post: PlatformPost, draft: Draft, row: PlatformConnection, exc: Exception) -> int:
    """What each of the contract's errors means for the post (the module's docstring)."""
    reason = getattr(exc, "reason", "") or f"{type(exc).__name__}: {exc}"
    if isinstance(exc, CredentialExpired):
        connections.expired(row, reason)
        return _wait(post, said("平台凭据失效（{reason}）：重新连接后自动发布", reason=reason), utcnow(), counted=False)
    if isinstance(exc, Rejected):
        return _rejected(post, draft, reason)
    if not isinstance(exc, RateLimited):
        log.warning("platform post failed", extra={"draft": post.draft_id, "platform": post.platform,
                                                   "error": reason[:200]})
    connections.failed(row, reason)
    if post.attempts >= MAX_ATTEMPTS:
        return _finish(post, "failed", said("{n} 次尝试均未发出：{reason}", n=post.attempts, reason=reason))
    delay = backoff(post.attempts, getattr(exc, "retry_after", None))
    # a timeout or a broken answer may hide a post the platform made: the next attempt asks it first
    return _wait(post, said("暂未发出（{reason}），将自动重试", reason=reason), utcnow() + delay,
                 uncertain=not isinstance(exc, RateLimited))


def backoff(attempts: int, retry_after: int | None = None) -> dt.timedelta:
    """1, 2, 4 … minutes after the 1st, 2nd, 3rd … attempt, at most BACKOFF_CAP; never sooner than
    the platform asked (`retry_after` seconds, at most RETRY_AFTER_CAP)."""
    return connections.backoff(BACKOFF_BASE, attempts, BACKOFF_CAP, retry_after, RETRY_AFTER_CAP)


def _rejected(post: PlatformPost, draft: Draft, reason: str) -> int:
    """The platform refused the post: failed with its reason, and a step on the draft's record."""
    name = platforms().get(post.platform, post.platform)
    with db.atomic():
        _finish(post, "failed", said("平台退回：{reason}", reason=reason))
        ReviewStep.create(draft=draft.id, action="platform_return", from_status=draft.status, to_status=draft.status,
                          actor_id=0, actor_name=SYSTEM_NAME,
                          comment=said("{platform}平台退回：{reason}（可修改后人工发布并登记）", platform=name, reason=reason))
    return 0


def _record(post: PlatformPost, draft: Draft, published: Published) -> int:
    """The publication, through the draft's machine, with the row's status in one transaction."""
    if not published.url.startswith(("http://", "https://")):
        return _finish(post, "failed", said("平台已发出（编号 {id}）但未给出网址：请查到网址后人工登记", id=published.post_id),
                       post_id=published.post_id)
    from services.publishing.review import MACHINE  # review asks this module about hand-recorded posts
    system = Identity(0, SYSTEM_NAME, draft.unit_id, draft.unit_path, frozenset({"operator"}), client="system:adapter")
    try:
        with db.atomic():
            MACHINE.apply(draft, "record_publication", system,
                          {"platform": post.platform, "url": published.url, "comment": SYSTEM_NAME})
            PlatformPost.update(status="published", url=published.url[:500], post_id=published.post_id[:100], error="",
                                uncertain_since=None).where(PlatformPost.id == post.id).execute()
            # the platform's id on the publication: the listening worker reads this post back and knows it
            _keep_post_id(draft, post.platform, published.post_id)
    except DomainError as exc:  # recorded by hand first
        return _finish(post, "cancelled", exc.message or "；".join(map(str, (exc.errors or {}).values())),
                       post_id=published.post_id)
    return 1


def _keep_post_id(draft: Draft, platform: str, post_id: str) -> None:
    """The platform's id on the draft's publication, so that listening knows the post as ours.
    Listening does not import while a post of the account is being sent or may have been made
    (own_posts._sending); should another publication hold the id all the same, it is left to it
    (logged) rather than the release refused."""
    if not post_id:
        return
    if Publication.select().where(Publication.platform == platform, Publication.post_id == post_id[:100],
                                  Publication.draft != draft.id).exists():
        log.warning("a platform post id is held by another publication", extra={"draft": draft.id, "platform": platform})
        return
    Publication.update(post_id=post_id[:100]).where(Publication.draft == draft.id, Publication.platform == platform).execute()


def _wait(post: PlatformPost, why: str, until: dt.datetime, counted: bool = True, uncertain: bool = False) -> int:
    """Waiting again until `until`; `uncertain`: the platform may have made the post (a timeout, an
    answer lost), so the next attempt looks it up (`find`) before it sends."""
    changes = {"uncertain_since": fn.COALESCE(PlatformPost.uncertain_since, PlatformPost.attempted_at)} if uncertain else {}
    PlatformPost.update(status="waiting", error=why[:200], next_attempt_at=until, **changes,
                        attempts=PlatformPost.attempts - (0 if counted else 1)).where(PlatformPost.id == post.id).execute()
    return 0


def _finish(post: PlatformPost, status: str, error: str, post_id: str = "") -> int:
    PlatformPost.update(status=status, error=error[:200], post_id=post_id[:100]).where(PlatformPost.id == post.id).execute()
    return 0


# ------------------------------------------------------------------------------ the draft's view
def state_of(draft: Draft) -> list[PlatformPost]:
    """The draft's platform posts as the answers show them (a handful: one per platform)."""
    frozen = freezes.covering(draft.unit_path)
    rows = list(PlatformPost.select().where(PlatformPost.draft_id == draft.id).order_by(PlatformPost.platform))
    for p in rows:
        p.frozen = frozen is not None and p.status == "waiting"
        p.status_name = "暂停发布" if p.frozen else POST_STATUS_NAMES[p.status]
        p.platform_name = platforms().get(p.platform, p.platform)
    return rows
