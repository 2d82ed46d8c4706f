"""Listening (issue 20): the publishing worker polls each connected account on the platforms'
APIs, every LISTEN_INTERVAL_SECONDS.

Each run takes a batch of `connected` connections whose platform has an adapter that listens,
least recently polled first, each claimed by an UPDATE of its `claimed_until` before its
platform is called (two workers never poll the same one). For each kind of INCOMING_KINDS it
asks for what came after the kept cursor; each page's items become `publishing.platform.incoming`
events (inquiry makes citizens' messages of them) written in the SAME transaction as the page's
new cursor: a worker that dies between the platform's answer and the commit has moved nothing,
and the next poll reads the page again (inquiry dedupes by the platform's id). Then the
account's own posts (`own_posts.py`: those published directly on the platform are imported) and
once a day its figures.

The platform's failures: an expired credential marks the connection expired (polling stops until
someone connects it again); a rate limit or an outage counts a failure and the connection waits
(`claimed_until`) for a backoff that doubles with each failure in a row (or what the platform
asked for); a `Rejected` call is a kind the platform does not offer: skipped quietly."""
from __future__ import annotations

import datetime as dt
import logging

from govmb.config import options
from govmb.timefmt import iso_utc, stored
from services.publishing import connections, own_posts
from services.publishing.adapters import adapter_for
from services.publishing.connectors.contract import (
    INCOMING_KINDS,
    CredentialExpired,
    Incoming,
    RateLimited,
    Rejected,
    Unavailable,
)
from services.publishing.cursors import PAGES, cursors_of, save_cursor
from services.publishing.models import Account, PlatformConnection, Publication, bus, db, now

log = logging.getLogger(__name__)
BATCH = 50  # connections a run; the rest wait for the next
CLAIM = dt.timedelta(minutes=10)  # a worker that dies leaves its claim; another takes the connection after it
MOST_BACKOFF = dt.timedelta(hours=6)
_not_offered: set[tuple[str, str]] = set()  # (platform, call) logged once per process


def listener_for(platform: str):
    """The platform's adapter when it speaks the listening calls (the contract's), else None."""
    adapter = adapter_for(platform)
    return adapter if callable(getattr(adapter, "incoming", None)) else None


def poll_all() -> int:
    """The periodic job: a batch of connections, each claimed before it is polled; the items taken."""
    platforms = [code for code in options().platform_adapters if listener_for(code) is not None]
    if not platforms:
        return 0
    at = now()
    batch = list(PlatformConnection.select(PlatformConnection.id)
                 .where(PlatformConnection.status == "connected", PlatformConnection.platform.in_(platforms),
                        PlatformConnection.claimed_until.is_null() | (PlatformConnection.claimed_until < at))
                 .order_by(PlatformConnection.polled_at.asc(nulls="FIRST"), PlatformConnection.id).limit(BATCH))
    taken = 0
    for row in batch:
        if _claim(row.id, at):  # committed: no other worker polls it until it is released or the claim lapses
            taken += _poll_safely(PlatformConnection.get_by_id(row.id))
    return taken


def _poll_safely(row: PlatformConnection) -> int:
    """`poll`, an adapter's own failure (a bug, an answer it could not map) counted as an outage of
    this connection alone: the batch goes on."""
    try:
        return poll(row)
    except Exception as exc:  # noqa: BLE001 (the adapters are outside the product's control)
        log.exception("listening failed", extra={"platform": row.platform, "connection": row.id})
        connections.failed(row, f"{type(exc).__name__}: {exc}")
        _back_off(row, None)
        return 0


def _claim(connection_id: int, at: dt.datetime) -> bool:
    return PlatformConnection.update(claimed_until=at + CLAIM).where(
        PlatformConnection.id == connection_id, PlatformConnection.status == "connected",
        PlatformConnection.claimed_until.is_null() | (PlatformConnection.claimed_until < at)).execute() == 1


def poll(row: PlatformConnection) -> int:
    """Poll one claimed connection now: the items taken. Failures are kept on the connection."""
    adapter, connection = listener_for(row.platform), connections.connection_of(row)
    account = Account.get_or_none(Account.id == row.account_id)
    if adapter is None or account is None:
        _release(row, now())
        return 0
    taken = 0
    try:
        for kind in INCOMING_KINDS:
            taken += offered(row, kind, lambda k=kind: _incoming(row, adapter, connection, account, k))
        # the day before's figures first: they read its posts again from the cursor kept at its start
        offered(row, "figures", lambda: own_posts.daily_figures(row, adapter, connection, account))
        taken += offered(row, "own_posts", lambda: own_posts.take(row, adapter, connection, account))
    except CredentialExpired as exc:
        connections.expired(row, exc.reason or exc.code)
        _release(row, now())
        return taken
    except (RateLimited, Unavailable) as exc:
        connections.failed(row, exc.reason or exc.code)
        _back_off(row, getattr(exc, "retry_after", None))
        return taken
    connections.worked(row)
    _release(row, now())
    return taken


def offered(row: PlatformConnection, call: str, do) -> int:
    """`do()`, or 0 when the platform does not offer the call (Rejected: logged once a process)."""
    try:
        return do() or 0
    except Rejected as exc:
        if (row.platform, call) not in _not_offered:
            _not_offered.add((row.platform, call))
            log.info("platform does not offer the call", extra={"platform": row.platform, "call": call,
                                                                  "reason": exc.reason})
        return 0


def _release(row: PlatformConnection, at: dt.datetime) -> None:
    PlatformConnection.update(polled_at=at, claimed_until=None).where(PlatformConnection.id == row.id).execute()


def backoff(failures: int, retry_after: int | None = None) -> dt.timedelta:
    """How long a connection waits after `failures` failures in a row: the interval doubled each
    time, at most six hours, and never less than the platform asked for."""
    interval = dt.timedelta(seconds=options().job_intervals["LISTEN_INTERVAL_SECONDS"])
    return connections.backoff(interval * 2, failures, MOST_BACKOFF, retry_after, retry_cap=dt.timedelta.max)


def _back_off(row: PlatformConnection, retry_after: int | None) -> None:
    failures = PlatformConnection.select(PlatformConnection.failures).where(PlatformConnection.id == row.id).scalar()
    at = now()
    PlatformConnection.update(polled_at=at, claimed_until=at + backoff(failures or 1, retry_after)).where(
        PlatformConnection.id == row.id).execute()


def _incoming(row: PlatformConnection, adapter, connection, account: Account, kind: str) -> int:
    """The kind's pages after the kept cursor, each with its events and its new cursor in one
    transaction; the items taken."""
    taken = 0
    for _ in range(PAGES):
        cursor = cursors_of(row).get(kind, "")
        page = adapter.incoming(connection, kind, cursor)
        items = [i for i in page.items if isinstance(i, Incoming) and i.platform_id]
        drafts = _drafts_of(row.platform, {i.post_id for i in items if i.post_id})
        with db.atomic():
            for item in items:
                bus.emit("publishing.platform.incoming", incoming_event(row, account, item, drafts.get(item.post_id)))
            if page.cursor != cursor:
                save_cursor(row, kind, page.cursor)
        taken += len(items)
        if not page.more or page.cursor == cursor:
            break
    return taken


def _drafts_of(platform: str, post_ids: set[str]) -> dict[str, int]:
    """The drafts of the account's posts the items answer, by the platform's post id."""
    if not post_ids:
        return {}
    return {p: d for p, d in Publication.select(Publication.post_id, Publication.draft).where(
        Publication.platform == platform, Publication.post_id.in_(post_ids)).tuples()}


def incoming_event(row: PlatformConnection, account: Account, item: Incoming, draft_id: int | None) -> dict:
    return {"account_id": account.id, "unit_id": account.unit_id, "unit_path": account.unit_path,
            "platform": row.platform, "kind": item.kind, "platform_id": item.platform_id[:100], "text": item.text,
            "author_id": item.author_id, "author_name": item.author_name, "at": iso_utc(stored(item.at)),
            "post_id": item.post_id, "draft_id": draft_id}
