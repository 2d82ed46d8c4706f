"""The government portal's pages pulled in as drafts (X28: 网站内容可推送到微博). The office or a
unit registers its portal's Atom or RSS 2.0 feed for an account; the worker reads each feed every
PORTAL_FEEDS_INTERVAL_SECONDS, and each entry not seen before (by its id, else its link) becomes a
draft of the account: the entry's title and summary and the link to its full text on the website,
the portal as its source. The draft goes through review like any other; nothing is released by
itself. A feed registered without `import_existing` drafts nothing of what it holds at its first
read, only what the portal adds after.

The feed's address is checked by `govmb.outbound` (no server-side request forgery): HTTPS on a
host PORTAL_FEED_HOSTS lists (`host`, `host:port`, `.domain` for its subdomains; `http://host:port`
allows plain HTTP on an intranet), checked again at each read and at each redirect (at most 3).
The answer is read within PORTAL_FEED_TIMEOUT_SECONDS and PORTAL_FEED_MAX_BYTES; the XML is
parsed with defusedxml: no DTD, no entity, no external reference (a billion laughs or an XXE fails
the read, saying so). What went wrong is kept on the feed and shown on its page."""
from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import logging
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin

import peewee
import requests
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

from govmb import outbound
from govmb.config import options
from govmb.contracts.registry import AccountStatus
from govmb.domain import Invalid, Refused
from govmb.identity import UNIT_STAFF, Identity
from govmb.messages import N_, said
from services.publishing import review
from services.publishing.models import Account, Draft, PortalEntry, PortalFeed, ReviewStep, audit, db, now

log = logging.getLogger(__name__)
ATOM = "{http://www.w3.org/2005/Atom}"
MOST_ENTRIES = 100  # read of one fetch: a feed holds its latest few dozen
SUMMARY = 120  # characters of the entry's summary in the draft
REDIRECTS = 3
CLAIM = dt.timedelta(minutes=10)
AUTHOR = "门户网站"  # the drafts' author: no person wrote them
WRITERS = (*UNIT_STAFF, "joint_office")


class FeedError(Exception):
    """The feed could not be read; the message is shown on its page."""


@dataclass
class Item:
    key: str
    title: str
    summary: str
    link: str


# ------------------------------------------------------------------------------ the address
def allowed(url: str) -> str | None:
    """What is wrong with a feed's address (a message for the person), or None."""
    target = outbound.target(url)
    if target is None:
        return "网站源地址格式不正确（须为 https:// 网址，不能含用户名、反斜杠、空格或非 ASCII 字符）"
    scheme, host, port = target
    hosts = options().portal.hosts
    if outbound.on_list(scheme, host, port, hosts):
        return None
    if scheme == "http":
        return "网站源地址须以 https:// 开头"
    return said("网站“{host}”不在允许读取的门户网站之列（须由运维列入 PORTAL_FEED_HOSTS）", host=host)


# ------------------------------------------------------------------------------ registering
def register(data: dict, who: Identity) -> PortalFeed:
    account = review.account_for(data["account_id"], who, office_too=True)
    url = data["url"].strip()
    if problem := allowed(url):
        raise Invalid("url", problem)
    if PortalFeed.select().where(PortalFeed.account_id == account.id, PortalFeed.url == url).exists():
        raise Invalid("url", "本账号已登记该网站源")
    with db.atomic():
        feed = PortalFeed.create(account_id=account.id, unit_id=account.unit_id, unit_path=account.unit_path, url=url,
                                 title=data["title"].strip(), info_type=data["info_type"],
                                 import_existing=data["import_existing"], created_by=who.name)
        audit.record(who, "portal_feed.add", "portal_feed", feed.id, feed.unit_path, url, feed.title)
    return feed


def may_change(feed: PortalFeed, who: Identity) -> bool:
    return (who.sees_all and who.has("joint_office")) or (feed.unit_id == who.unit_id and who.has(*UNIT_STAFF))


def set_active(feed: PortalFeed, active: bool, who: Identity) -> PortalFeed:
    if not may_change(feed, who):
        raise Refused("只有本单位人员或联席会议办公室可以停用、恢复网站源")
    with db.atomic():
        PortalFeed.update(active=active, failures=0 if active else PortalFeed.failures).where(
            PortalFeed.id == feed.id).execute()
        audit.record(who, "portal_feed.resume" if active else "portal_feed.stop", "portal_feed", feed.id,
                     feed.unit_path, feed.url, feed.title)
    return PortalFeed.get_by_id(feed.id)


# ------------------------------------------------------------------------------ reading
def fetch(feed: PortalFeed) -> bytes | None:
    """The feed's document, or None when unchanged since the last read (304)."""
    settings, url = options().portal, feed.url
    headers = {"Accept": "application/atom+xml, application/rss+xml, application/xml;q=0.9, */*;q=0.1",
               "User-Agent": "govmb-portal-feeds/1"}
    if feed.etag:
        headers["If-None-Match"] = feed.etag
    if feed.last_modified:
        headers["If-Modified-Since"] = feed.last_modified
    for _ in range(REDIRECTS + 1):
        if problem := allowed(url):
            raise FeedError(said("地址不允许读取：{problem}", problem=problem))
        try:
            r = requests.get(url, headers=headers, timeout=settings.timeout, allow_redirects=False, stream=True)
        except requests.RequestException as exc:
            raise FeedError(said("无法连接网站：{error}", error=type(exc).__name__)) from None
        with r:
            if r.status_code in (301, 302, 303, 307, 308) and r.headers.get("Location"):
                url = urljoin(url, r.headers["Location"])
                continue
            if r.status_code == 304:
                return None
            if r.status_code != 200:
                raise FeedError(said("网站回答 HTTP {status}", status=r.status_code))
            feed.etag, feed.last_modified = r.headers.get("ETag", "")[:200], r.headers.get("Last-Modified", "")[:100]
            return _body(r, settings.max_bytes)
    raise FeedError(said("跳转超过 {n} 次", n=REDIRECTS))


def _body(r: requests.Response, most: int) -> bytes:
    if int(r.headers.get("Content-Length") or 0) > most:
        raise FeedError(said("网站源超过 {n} 字节", n=most))
    chunks, size = [], 0
    try:
        for chunk in r.iter_content(65536):
            size += len(chunk)
            if size > most:
                raise FeedError(said("网站源超过 {n} 字节", n=most))
            chunks.append(chunk)
    except requests.RequestException as exc:
        raise FeedError(said("读取网站源中断：{error}", error=type(exc).__name__)) from None
    return b"".join(chunks)


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def plain(markup: str) -> str:
    """The text of a summary that may be HTML, on one line."""
    reader = _Text()
    reader.feed(markup or "")
    reader.close()
    return " ".join(html.unescape("".join(reader.parts)).split())


def _web_link(href: str, base: str) -> str:
    link = urljoin(base, (href or "").strip())
    return link[:500] if re.match(r"^https?://[^\s]+$", link) else ""


def parse(document: bytes, base: str) -> list[Item]:
    """The entries of an Atom or RSS 2.0 document, first as the feed lists them (at most MOST_ENTRIES)."""
    try:
        root = fromstring(document, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise FeedError("网站源含不允许的 DTD、实体或外部引用，已拒绝") from None
    except (ParseError, LookupError, ValueError) as exc:  # LookupError: an encoding Python does not know
        raise FeedError(said("网站源不是有效的 XML：{error}", error=str(exc)[:100])) from None
    if root.tag == f"{ATOM}feed":
        items = [_atom_item(e, base) for e in root.findall(f"{ATOM}entry")[:MOST_ENTRIES]]
    elif root.tag == "rss" and root.find("channel") is not None:
        items = [_rss_item(e, base) for e in root.find("channel").findall("item")[:MOST_ENTRIES]]
    else:
        raise FeedError("网站源既不是 Atom 也不是 RSS 2.0")
    return [i for i in items if i.key]


def _text_of(element) -> str:
    return "" if element is None else "".join(element.itertext())


def _atom_item(entry, base: str) -> Item:
    links = entry.findall(f"{ATOM}link")
    href = next((a.get("href", "") for a in links if a.get("rel", "alternate") == "alternate"), "")
    link = _web_link(href, base)
    summary = entry.find(f"{ATOM}summary")
    summary = summary if summary is not None else entry.find(f"{ATOM}content")
    key = _text_of(entry.find(f"{ATOM}id")).strip() or link
    return Item(key, plain(_text_of(entry.find(f"{ATOM}title"))), plain(_text_of(summary)), link)


def _rss_item(item, base: str) -> Item:
    link = _web_link(_text_of(item.find("link")), base)
    key = _text_of(item.find("guid")).strip() or link
    return Item(key, plain(_text_of(item.find("title"))), plain(_text_of(item.find("description"))), link)


# ------------------------------------------------------------------------------ drafting
def draft_text(item: Item) -> str:
    summary = item.summary if len(item.summary) <= SUMMARY else item.summary[:SUMMARY] + "…"
    head = (N_("【{title}】").format(title=item.title[:60]) if item.title else "") + summary
    return " ".join(p for p in (head, N_("详见：{link}").format(link=item.link) if item.link else "") if p)


def _key(item: Item) -> str:
    return hashlib.sha256(item.key.encode()).hexdigest()


def _take(feed: PortalFeed, account: Account | None, item: Item, draft: bool) -> bool:
    """Record the entry (once: its key is unique in the feed) and, with `draft`, its draft."""
    key = _key(item)
    try:
        with db.atomic():
            made = _draft(feed, account, item) if draft and account is not None else None
            PortalEntry.create(feed=feed.id, key=key, link=item.link, title=item.title[:200],
                               draft_id=made.id if made else None)
    except peewee.IntegrityError:  # another worker took it a moment ago
        return False
    return made is not None


def _draft(feed: PortalFeed, account: Account, item: Item) -> Draft:
    media = [{"kind": "link", "url": item.link}] if item.link else []
    draft = Draft.create(account_id=account.id, unit_id=account.unit_id, unit_path=account.unit_path, author_id=0,
                         author_name=AUTHOR, text=draft_text(item), media=json.dumps(media, ensure_ascii=False),
                         info_type=feed.info_type, original=False, source=feed.title[:200], status="draft",
                         platforms=json.dumps([p["platform"] for p in account.platform_list]))
    ReviewStep.create(draft=draft, action="write", from_status=None, to_status="draft", actor_id=0, actor_name=AUTHOR,
                      comment=N_("自网站源“{title}”导入：{link}").format(title=feed.title, link=item.link or item.key[:200]))
    return draft


def read(feed: PortalFeed) -> int:
    """Read one feed now: the drafts it made. Failures are kept on the feed, never raised."""
    first = feed.ok_at is None
    try:
        document = fetch(feed)
        items = [] if document is None else parse(document, feed.url)
    except FeedError as exc:
        PortalFeed.update(read_at=now(), error=str(exc)[:300], failures=PortalFeed.failures + 1,
                          claimed_until=None).where(PortalFeed.id == feed.id).execute()
        return 0
    account = Account.get_or_none(Account.id == feed.account_id)
    if account is not None and account.status != AccountStatus.ACTIVE:
        account = None  # a closed account gets no drafts; its entries are still marked seen
    wanted = not first or feed.import_existing
    seen = {k for (k,) in PortalEntry.select(PortalEntry.key).where(  # one query, not one an entry
        PortalEntry.feed == feed.id, PortalEntry.key.in_([_key(i) for i in items])).tuples()} if items else set()
    made = sum(_take(feed, account, item, wanted) for item in reversed(items)  # oldest first: ids in order
               if _key(item) not in seen)
    PortalFeed.update(read_at=now(), ok_at=now(), error="", failures=0, claimed_until=None, etag=feed.etag,
                      last_modified=feed.last_modified, drafted=PortalFeed.drafted + made).where(
        PortalFeed.id == feed.id).execute()
    return made


def _claim(feed_id: int) -> bool:
    """Take the feed for this worker (competing workers read each feed once)."""
    at = now()
    return PortalFeed.update(claimed_until=at + CLAIM).where(
        PortalFeed.id == feed_id, (PortalFeed.claimed_until.is_null()) | (PortalFeed.claimed_until < at)).execute() == 1


def read_all() -> int:
    """The periodic job: every active feed, 100 at a time; the drafts made."""
    made, last = 0, 0
    while True:
        batch = list(PortalFeed.select().where(PortalFeed.active, PortalFeed.id > last)
                     .order_by(PortalFeed.id).limit(100))
        for feed in batch:
            if _claim(feed.id):
                made += read(feed)
        if len(batch) < 100:
            return made
        last = batch[-1].id
