"""The public Atom feed of released posts (X27, X28: 微博信息可显示在网站), for the government
portal to show: the whole city's, a unit's (with the units below it) or an account's, newest first,
50 entries a page (RFC 5005 paging: each page links the next by the last entry's release).

Atom (RFC 4287), written with xml.etree (never by joining strings): each entry is a released post,
its text as it went out (a correction's apology with it), its platforms' links, its information
type; nothing of who wrote or approved it. Characters XML 1.0 cannot hold are left out."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from email.utils import format_datetime
from urllib.parse import urlencode, urlsplit

import peewee

from govmb.config import options
from govmb.contracts.publishing import INFO_TYPE_NAMES
from govmb.domain import NotFound
from govmb.messages import said
from govmb.platforms import platforms
from services.publishing.models import Account, Draft, Publication, Unit, outgoing_text

ATOM = "http://www.w3.org/2005/Atom"
PAGE = 50
PATH = "/hall/posts.atom"  # where the web app serves it (web/views/hall.py)
EMPTY = dt.datetime(2012, 1, 1)  # an empty feed's `updated`: any fixed instant
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
CURSOR = re.compile(r"^(\d{8}T\d{12})-(\d{1,12})$")
ET.register_namespace("", ATOM)


@dataclass(frozen=True)
class Scope:
    key: str  # "", "unit/3", "account/7": the feed's id and its page's query
    title: str
    where: peewee.Expression
    query: dict


def scope(unit_id: int | None, account_id: int | None) -> Scope:
    """The posts a feed holds; NotFound for a unit or account the public cannot see."""
    released = (Draft.released_at.is_null(False) & (Draft.status == "released")  # a private account's: never
                & Draft.account_id.not_in(Account.select(Account.id).where(Account.kind == "private")))
    if account_id is not None:
        account = Account.get_or_none((Account.id == account_id) & (Account.kind != "private"))
        if account is None:
            raise NotFound(said("账号 {id} 不存在", id=account_id))
        return Scope(f"account/{account.id}", said("{name}：已发布的信息", name=account.name),
                     released & (Draft.account_id == account.id), {"account_id": account.id})
    if unit_id is not None:
        unit = Unit.get_or_none(Unit.id == unit_id)
        if unit is None:
            raise NotFound(said("单位 {id} 不存在", id=unit_id))
        return Scope(f"unit/{unit.id}", said("{name}：已发布的信息", name=unit.name),
                     released & Draft.unit_path.startswith(unit.path), {"unit_id": unit.id})
    return Scope("", "政务微博大厅：已发布的信息", released, {})


def cursor(draft: Draft) -> str:
    return f"{draft.released_at:%Y%m%dT%H%M%S%f}-{draft.id}"


def read_cursor(value: str) -> tuple[dt.datetime, int] | None:
    m = CURSOR.match(value or "")
    if not m:
        return None
    try:
        return dt.datetime.strptime(m.group(1), "%Y%m%dT%H%M%S%f"), int(m.group(2))
    except ValueError:
        return None


def page_of(where: Scope, before: tuple[dt.datetime, int] | None) -> tuple[list[Draft], str | None]:
    """A page of the scope's posts, newest first, from `before` on; and the next page's cursor."""
    query = Draft.select().where(where.where)
    if before is not None:
        at, draft_id = before
        query = query.where((Draft.released_at < at) | ((Draft.released_at == at) & (Draft.id < draft_id)))
    rows = list(query.order_by(Draft.released_at.desc(), Draft.id.desc()).limit(PAGE + 1))
    return rows[:PAGE], (cursor(rows[PAGE - 1]) if len(rows) > PAGE else None)


def updated(draft: Draft) -> dt.datetime:
    return max(draft.released_at, draft.corrected_at or draft.released_at)


def _clean(text: str) -> str:
    return NOT_XML.sub("", text or "")


def _stamp(at: dt.datetime) -> str:
    return at.replace(microsecond=0).isoformat() + "Z"


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", {k: _clean(v) for k, v in attrs.items()})
    if text is not None:
        element.text = _clean(text)
    return element


def _tag(path: str) -> str:
    """A permanent id (RFC 4151 tag URI) on the web app's host."""
    host = urlsplit(options().notify.web_url).hostname or "localhost"
    return f"tag:{host},2012:{path}"


def _entry(feed: ET.Element, draft: Draft, accounts: dict[int, str], links: dict[int, list[Publication]]) -> None:
    entry = _sub(feed, "entry")
    name = accounts.get(draft.account_id, "")
    first_line = " ".join(draft.text.split())
    _sub(entry, "id", _tag(f"post/{draft.id}"))
    _sub(entry, "title", f"{name}：{first_line[:40]}{'…' if len(first_line) > 40 else ''}")
    _sub(entry, "updated", _stamp(updated(draft)))
    _sub(entry, "published", _stamp(draft.released_at))
    _sub(_sub(entry, "author"), "name", name)
    names = platforms()
    for i, p in enumerate(links.get(draft.id, [])):
        _sub(entry, "link", rel="alternate" if i == 0 else "related", href=p.url, type="text/html",
             title=names.get(p.platform, p.platform))
    for m in json.loads(draft.media or "[]"):
        if m.get("kind") == "link" and str(m.get("url", "")).startswith(("http://", "https://")):
            _sub(entry, "link", rel="related", href=m["url"])
    _sub(entry, "category", term=draft.info_type, label=INFO_TYPE_NAMES.get(draft.info_type, draft.info_type))
    text = outgoing_text(draft)
    if draft.corrected_by_id:
        text += "\n" + said("（此信息已更正，更正信息见 {id}）", id=_tag(f"post/{draft.corrected_by_id}"))
    _sub(entry, "content", text, type="text")


def atom(where: Scope, rows: list[Draft], next_cursor: str | None, before: str | None = None) -> tuple[bytes, dt.datetime]:
    """The feed document of a page, and its `updated` (the newest entry's, or a fixed instant)."""
    base = options().notify.web_url.rstrip("/")
    accounts = dict(Account.select(Account.id, Account.name).where(Account.id.in_({d.account_id for d in rows}))
                    .tuples()) if rows else {}
    links: dict[int, list[Publication]] = {}
    if rows:
        for p in Publication.select().where(Publication.draft.in_([d.id for d in rows])).order_by(Publication.platform):
            links.setdefault(p.draft_id, []).append(p)
    newest = max((updated(d) for d in rows), default=EMPTY)
    feed = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": "zh-CN"})
    _sub(feed, "id", _tag("posts" + (f"/{where.key}" if where.key else "")))
    _sub(feed, "title", where.title)
    _sub(feed, "subtitle", "各政务微博账号经审核后发布的信息（先审后发）")
    _sub(feed, "updated", _stamp(newest))
    _sub(_sub(feed, "author"), "name", "政务微博大厅")
    _sub(feed, "generator", "政务微博管理平台")
    first = f"{base}{PATH}" + (f"?{urlencode(where.query)}" if where.query else "")
    this = f"{base}{PATH}?{urlencode({**where.query, 'before': before})}" if before else first
    _sub(feed, "link", rel="self", href=this, type="application/atom+xml")
    _sub(feed, "link", rel="first", href=first, type="application/atom+xml")
    if next_cursor:
        _sub(feed, "link", rel="next", href=f"{base}{PATH}?{urlencode({**where.query, 'before': next_cursor})}",
             type="application/atom+xml")
    _sub(feed, "link", rel="alternate", href=f"{base}/hall", type="text/html")
    for draft in rows:
        _entry(feed, draft, accounts, links)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True), newest


def answer(unit_id: int | None, account_id: int | None, before: str | None) -> dict:
    """The feed's page: its body, ETag (of the body) and Last-Modified (HTTP date)."""
    where = scope(unit_id, account_id)
    rows, next_cursor = page_of(where, read_cursor(before) if before else None)
    body, newest = atom(where, rows, next_cursor, before)
    return {"body": body, "etag": f'W/"{hashlib.sha256(body).hexdigest()[:32]}"',
            "last_modified": format_datetime(newest.replace(tzinfo=dt.timezone.utc), usegmt=True), "updated": newest}
