"""An account's own posts read back from a platform's API (issue 20, listening; `listening.py`
polls; `cursors.py` keeps where it got to).

A post on the account's timeline that the product did not publish (no publication with its
platform id or its address) was published directly on the platform: it is imported as a draft
released at the platform's time, marked `imported` (not reviewed in the product: supervision
sees it marked 未经平台审核), with its publication, and the same `publishing.post.released` event
as a reviewed post (with `imported`), so it counts for quotas, originality and dormancy. The
unique index on (platform, post_id) makes a second import of it fail, never count twice. While
the adapters' worker is sending a post on the platform (a row `sending`), the timeline waits
for the next poll: the worker's post is then recorded and not mistaken for a direct one.

Once a Beijing day, at its first poll, the day before's figures are read (the posts of that day
again from the cursor kept at its start, with what the platform counts of them now, and the
followers) and sent as `publishing.platform.figures`: assessment fills the duty log with them."""
from __future__ import annotations

import datetime as dt
import json
import re

import peewee

from govmb.messages import N_
from govmb.platforms import platforms
from govmb.timefmt import beijing_day, beijing_today, iso_utc, stored
from services.publishing.connectors.contract import OwnPost, Rejected
from services.publishing.cursors import PAGES, cursors_of, save_cursor
from services.publishing.models import (
    Account,
    Draft,
    PlatformConnection,
    PlatformPost,
    Publication,
    ReviewStep,
    bus,
    db,
    now,
    outgoing_text,
)

OWN, DAY, DAY_FROM = "own", "day", "day_from"  # the worker's keys in the connection's `cursors`
AUTHOR = "平台直接发布"  # the imported drafts' author: written on the platform, not in the product
FIGURE_PAGES = 20  # pages of a day's posts read again for its figures
HAND_SPAN = dt.timedelta(days=1)  # how far a post's time and its hand-recorded publication's may be apart


def take(row: PlatformConnection, adapter, connection, account: Account) -> int:
    """The timeline's pages after the kept cursor: each post not published by the product
    imported, the new cursor kept in the same transaction; the posts imported."""
    imported = 0
    for _ in range(PAGES):
        cursor = cursors_of(row).get(OWN, "")
        page = adapter.own_posts(connection, cursor)
        posts = [p for p in page.items if isinstance(p, OwnPost) and p.post_id]
        if _sending(row):  # asked after the page was read: a post of the worker on it is known or in hand
            break
        known = _known(row.platform, posts)
        with db.atomic():
            for post in posts:
                if post.post_id in known or (post.url and post.url in known):
                    continue
                if not _hand_recorded(row, post):
                    imported += _import(row, account, post)
            if page.cursor != cursor:
                save_cursor(row, OWN, page.cursor)
        if not page.more or page.cursor == cursor:
            break
    return imported


def _sending(row: PlatformConnection) -> bool:
    """Is a post of the account being sent to this platform by the adapters' worker now?"""
    in_hand = (PlatformPost.status == "sending") | (
        (PlatformPost.status == "waiting") & PlatformPost.uncertain_since.is_null(False))  # may be on the platform
    return (PlatformPost.select().where(PlatformPost.account_id == row.account_id, PlatformPost.platform == row.platform,
                                        in_hand).exists())


def _known(platform: str, posts: list[OwnPost]) -> set[str]:
    """The post ids and addresses among `posts` that the product has a publication of."""
    ids, urls = [p.post_id for p in posts], [p.url for p in posts if p.url]
    if not ids:
        return set()
    where = Publication.post_id.in_(ids) | (Publication.url.in_(urls) if urls else False)
    known = {v for row in Publication.select(Publication.post_id, Publication.url)
             .where(Publication.platform == platform, where).tuples() for v in row if v}
    # and what the adapters' worker sent, recorded or not (a post sent without an address is still ours)
    return known | {i for (i,) in PlatformPost.select(PlatformPost.post_id)
                    .where(PlatformPost.platform == platform, PlatformPost.post_id.in_(ids)).tuples()}


def _words(text: str) -> str:
    """A post's words for a comparison: no links (the platforms rewrite them), no spaces or punctuation."""
    return re.sub(r"[\W_]+", "", re.sub(r"https?://\S+", "", text or ""))


def _hand_recorded(row: PlatformConnection, post: OwnPost) -> bool:
    """Is the post one a person published and recorded by its address (no platform id: the address
    typed may be another form of the platform's, e.g. weibo.com/<uid>/<mid>)? The account's
    publications on the platform without an id, within a day of the post, whose text begins as the
    post's does; the one found keeps the post's id from now on."""
    words, at = _words(post.text)[:40], stored(post.at)
    if len(words) < 6:
        return False
    near = (Publication.select(Publication.id, Draft).join(Draft)
            .where(Draft.account_id == row.account_id, Publication.platform == row.platform,
                   Publication.post_id.is_null(), Publication.published_at.between(at - HAND_SPAN, at + HAND_SPAN))
            .order_by(Publication.published_at.desc()).limit(50))
    for publication in near:
        mine = _words(outgoing_text(publication.draft, row.platform))
        if mine[:len(words)] == words or words[:len(mine)] == mine:
            Publication.update(post_id=post.post_id[:100]).where(Publication.id == publication.id).execute()
            return True
    return False


def _import(row: PlatformConnection, account: Account, post: OwnPost) -> int:
    """The post as a released, imported draft with its publication and its release event (1),
    or 0 when another import took it first."""
    from services.publishing.review import released_event  # review imports the modules the worker runs
    at = min(stored(post.at), now())
    try:
        with db.atomic():
            draft = Draft.create(account_id=account.id, unit_id=account.unit_id, unit_path=account.unit_path,
                                 author_id=0, author_name=AUTHOR, text=post.text, info_type="other",
                                 original=post.original, platforms=json.dumps([row.platform]), status="released",
                                 imported=True, created_at=at, released_at=at)
            Publication.create(draft=draft, platform=row.platform, url=post.url[:500], published_at=at,
                               recorded_by=AUTHOR, post_id=post.post_id[:100])
            name = platforms().get(row.platform, row.platform)
            ReviewStep.create(draft=draft, action="record_publication", from_status=None, to_status="released",
                              actor_id=0, actor_name=AUTHOR, at=at,
                              comment=N_("在{platform}直接发布，由平台接口读回，未经平台审核").format(platform=name))
            bus.emit("publishing.post.released", {**released_event(draft), "imported": True})
    except peewee.IntegrityError:  # its publication is there already
        return 0
    return 1


def daily_figures(row: PlatformConnection, adapter, connection, account: Account) -> int:
    """At the first poll of a Beijing day, the day before's figures as an event (1), and the
    cursor the new day's posts start from, in one transaction."""
    today, kept = beijing_today(), cursors_of(row)
    if kept.get(DAY) == today.isoformat():
        return 0
    event = _figures(row, adapter, connection, account, dt.date.fromisoformat(kept[DAY]),
                     kept.get(DAY_FROM, "")) if kept.get(DAY) else None
    with db.atomic():
        if event is not None:
            bus.emit("publishing.platform.figures", event)
        save_cursor(row, DAY, today.isoformat(), **{DAY_FROM: kept.get(OWN, "")})
    return int(event is not None)


def _figures(row: PlatformConnection, adapter, connection, account: Account, day: dt.date, cursor: str) -> dict | None:
    """The day's figures: its posts read again from the cursor kept at its start, the followers now."""
    posts = [p for p in _posts_from(adapter, connection, cursor) if beijing_day(stored(p.at)) == day.isoformat()]
    try:
        followers = adapter.followers(connection)
    except Rejected:
        followers = None
    reads = [p.reads for p in posts if p.reads is not None]
    return {"account_id": account.id, "unit_id": account.unit_id, "unit_path": account.unit_path,
            "platform": row.platform, "day": day.isoformat(), "followers": followers, "posts": len(posts),
            "reads": sum(reads) if reads or not posts else None, "reposts": sum(p.reposts for p in posts),
            "comments": sum(p.comments for p in posts), "likes": sum(p.likes for p in posts), "at": iso_utc(now())}


def _posts_from(adapter, connection, cursor: str) -> list[OwnPost]:
    posts: list[OwnPost] = []
    try:
        for _ in range(FIGURE_PAGES):
            page = adapter.own_posts(connection, cursor)
            posts += [p for p in page.items if isinstance(p, OwnPost)]
            if not page.more or page.cursor == cursor:
                break
            cursor = page.cursor
    except Rejected:  # the platform shows no timeline: followers alone
        return []
    return posts
