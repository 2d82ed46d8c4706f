"""The WeChat Official Accounts adapter (微信公众号, developers.weixin.qq.com/doc/offiaccount).

A post becomes an article: its cover goes up as a permanent image (material/add_material,
type=image), its pictures by media/uploadimg, the article into the draft box (draft/add), and the
draft is submitted (freepublish/submit → publish_id). Publishing is asynchronous on the platform:
`publish` polls freepublish/get for at most PUBLISH_WAIT seconds and answers the article once
its publish_status is 0; 2, 3, 4 (original-check, normal, review failure), 5 and 6 (deleted,
banned) are `Rejected` with the status's meaning; still 1 at the end is `Unavailable`, and the
worker's retry first calls `find`, which never lets a publication still under way be sent again:
the publish_id kept in this process when the same process asks, otherwise the platform's own
traces of the attempt (the cover uploaded under a name made from the idempotency key, see
wechat_article): an article naming that cover in freepublish/batchget is the post; a draft
naming it never went out (it is removed, and the post sent again); neither, while the cover is
younger than IN_FLIGHT seconds, means the platform may still be publishing it (`Unavailable`:
ask again later).

Listening: comments come from comment/list for each article of the last COMMENT_DAYS (its
msg_data_id and index are read from the article's URL, `mid` and `idx`); WeChat has no mentions,
and private messages are pushed by the platform to the office's server URL, not polled, so both
answer an empty page (docs/platforms.md says what receiving them would take). Own posts
come from freepublish/batchget with yesterday's reads and shares from datacube/getarticlesummary;
followers from datacube/getusercumulate (yesterday's total), else cgi-bin/user/get's `total`.
"""
from __future__ import annotations

import datetime as dt
import functools
import json
import time
from urllib.parse import parse_qs, urlsplit

from govmb.messages import N_, said, translate
from govmb.timefmt import beijing_today
from services.publishing.connectors.contract import (
    INCOMING_KINDS,
    Connection,
    Image,
    Incoming,
    Outgoing,
    OwnPost,
    Page,
    Published,
    Rejected,
    Unavailable,
)
from services.publishing.connectors.wechat_article import body_of, extension, marker, plain, plain_cover, title_of
from services.publishing.connectors.wechat_client import DEFAULT_BASE_URL, base_of, call

# freepublish/get's publish_status other than 0 (published) and 1 (publishing)
FAILED = {2: N_("原创声明失败"), 3: N_("常规失败"), 4: N_("平台审核不通过"), 5: N_("发布后已被删除"),
          6: N_("发布后已被平台封禁")}
PAGE = 20  # the most freepublish/batchget, draft/batchget and material/batchget_material give at once
COMMENTS_PAGE = 49  # comment/list refuses 50 and more
NOT_THERE = "88001"  # comment/list: the article's msg_data no longer exists

_pending: dict[tuple[str, str, str], str] = {}  # (API address, AppID, key) → publish_id still being published


def _readable(method):
    """An answer of the wrong shape (a number that is not one, a list that is not) is `Unavailable`."""
    @functools.wraps(method)
    def reading(*args, **kwargs):
        try:
            return method(*args, **kwargs)
        except (ValueError, TypeError, KeyError, AttributeError, IndexError):
            raise Unavailable(said("无法读取微信接口的答复"), "answer") from None
    return reading


class WechatAdapter:
    CREDENTIALS = (("appid", "开发者ID（AppID）"), ("secret", "开发者密码（AppSecret）"))
    DEFAULT_BASE_URL = DEFAULT_BASE_URL
    PUBLISH_WAIT = 30.0  # seconds publish() waits for the platform to finish
    POLL_INTERVAL = 2.0
    IN_FLIGHT = 1800  # seconds after an attempt during which find() still expects it may be publishing
    SCAN_PAGES = 5  # pages of 20 find() and own_posts() read back
    COMMENT_DAYS = 14

    # -- publishing ------------------------------------------------------------------------------
    @_readable
    def publish(self, connection: Connection, post: Outgoing) -> Published:
        mark = marker(post.key)
        cover = self._cover(connection, post, mark)
        pictures = [self._picture(connection, image, n) for n, image in enumerate(post.images, start=1)]
        article = {"title": title_of(post.title, post.text), "author": "", "digest": "",
                   "content": body_of(post.text, pictures), "content_source_url": post.link,
                   "thumb_media_id": cover, "need_open_comment": 1, "only_fans_can_comment": 0}
        media_id = self._draft(connection, article)
        publish_id = str(_need(call(connection, "/cgi-bin/freepublish/submit", {"media_id": media_id}), "publish_id"))
        _pending[_pending_key(connection, post.key)] = publish_id
        deadline = time.monotonic() + self.PUBLISH_WAIT
        while True:
            published = self._status(connection, post.key, publish_id)
            if published is not None:
                return published
            if time.monotonic() + self.POLL_INTERVAL > deadline:
                raise Unavailable(said("微信仍在发布这篇文章，稍后再确认"), "publishing")
            time.sleep(self.POLL_INTERVAL)

    def _cover(self, connection: Connection, post: Outgoing, mark: str) -> str:
        image = post.images[0] if post.images else Image("cover.png", "image/png", plain_cover())
        answer = call(connection, "/cgi-bin/material/add_material", query={"type": "image"},
                      files={"media": (mark + extension(image.content_type), image.data, image.content_type)})
        return str(_need(answer, "media_id"))

    def _picture(self, connection: Connection, image: Image, n: int) -> str:
        answer = call(connection, "/cgi-bin/media/uploadimg",
                      files={"media": (f"picture-{n}{extension(image.content_type)}", image.data, image.content_type)})
        return str(_need(answer, "url"))

    def _draft(self, connection: Connection, article: dict) -> str:
        try:
            answer = call(connection, "/cgi-bin/draft/add", {"articles": [article]})
        except Rejected as error:  # 88000: the account may not open comments; publish it without them
            if error.code != "88000":
                raise
            answer = call(connection, "/cgi-bin/draft/add", {"articles": [{**article, "need_open_comment": 0}]})
        return str(_need(answer, "media_id"))

    def _status(self, connection: Connection, key: str, publish_id: str) -> Published | None:
        """freepublish/get: the article when published, None while publishing, `Rejected` if it failed."""
        answer = call(connection, "/cgi-bin/freepublish/get", {"publish_id": publish_id})
        status = int(_need(answer, "publish_status"))
        if status == 1:
            return None
        _pending.pop(_pending_key(connection, key), None)
        if status == 0:
            items = (answer.get("article_detail") or {}).get("item") or [{}]
            return Published(post_id=str(_need(answer, "article_id")), url=str(items[0].get("article_url", "")))
        meaning = translate(FAILED.get(status, N_("发布失败")))
        raise Rejected(said("微信发布失败：{meaning}（publish_status {status}）", meaning=meaning, status=status),
                       f"publish_status {status}")

    @_readable
    def find(self, connection: Connection, post: Outgoing, since: dt.datetime) -> Published | None:
        pending = _pending.get(_pending_key(connection, post.key))
        if pending is not None:
            try:
                published = self._status(connection, post.key, pending)
            except Rejected:
                published = None  # that attempt failed on the platform: sending again is right
            else:
                if published is None:
                    raise Unavailable(said("微信仍在发布这篇文章，稍后再确认"), "publishing")
                return published
        start = since.timestamp() - 60
        covers = self._covers(connection, post.key, start)
        if not covers:
            return None  # no attempt reached the platform
        for item in self._listed(connection, "/cgi-bin/freepublish/batchget", start, {"no_content": 1}):
            for news in _news(item):
                if news.get("thumb_media_id") in covers:
                    return Published(post_id=str(item.get("article_id", "")), url=str(news.get("url", "")))
        if self._drop_drafts(connection, covers, start):
            return None
        if time.time() - max(int(m.get("update_time") or 0) for m in covers.values()) < self.IN_FLIGHT:
            raise Unavailable(said("上次发布可能仍在微信处理中，稍后再确认"), "publishing")
        return None

    def _covers(self, connection: Connection, key: str, start: float) -> dict[str, dict]:
        """The covers uploaded for this key since `start`, by media_id (material/batchget_material)."""
        listed = self._listed(connection, "/cgi-bin/material/batchget_material", start, {"type": "image"})
        return {m["media_id"]: m for m in listed if str(m.get("name", "")).startswith(marker(key)) and m.get("media_id")}

    def _listed(self, connection: Connection, path: str, start: float, extra: dict) -> list[dict]:
        """Up to SCAN_PAGES pages of a newest-first list, down to the first item older than `start`."""
        found: list[dict] = []
        for page in range(self.SCAN_PAGES):
            items = call(connection, path, {**extra, "offset": page * PAGE, "count": PAGE}).get("item") or []
            found += items
            if len(items) < PAGE or min(int(i.get("update_time") or 0) for i in items) < start:
                break
        return found

    def _drop_drafts(self, connection: Connection, covers: dict, start: float) -> bool:
        """A draft of an earlier attempt, never submitted (or its failed publication's copy): removed."""
        drafts = [d for d in self._listed(connection, "/cgi-bin/draft/batchget", start, {"no_content": 1})
                  if any(n.get("thumb_media_id") in covers for n in _news(d))]
        for draft in drafts:
            call(connection, "/cgi-bin/draft/delete", {"media_id": draft.get("media_id")})
        return bool(drafts)

    @_readable
    def delete(self, connection: Connection, post_id: str) -> None:
        call(connection, "/cgi-bin/freepublish/delete", {"article_id": post_id, "index": 0})  # 0: the whole message

    # -- listening -------------------------------------------------------------------------------
    @_readable
    def incoming(self, connection: Connection, kind: str, cursor: str) -> Page:
        if kind not in INCOMING_KINDS:
            raise Rejected(said("未知的消息类别：{kind}", kind=kind), "kind")
        if kind != "comment":  # no mentions on WeChat; private messages are pushed, not polled
            return Page(cursor=cursor, extra={"unsupported": kind})
        mark = _read_mark(cursor)
        if mark is None:
            return Page(cursor=_write_mark((int(time.time()), set())))  # from now on
        items = []
        for article_id, mid, index in self._recent_articles(connection):
            items += [c for c in self._comments(connection, article_id, mid, index) if _after(mark, c)]
        items.sort(key=lambda c: (c.at, c.platform_id))
        return Page(items=tuple(items), cursor=_write_mark(_moved(mark, items)))

    def _recent_articles(self, connection: Connection) -> list[tuple[str, int, int]]:
        """(article_id, msg_data_id, index) of the articles published in the last COMMENT_DAYS."""
        answer = call(connection, "/cgi-bin/freepublish/batchget", {"offset": 0, "count": PAGE, "no_content": 1})
        start = time.time() - self.COMMENT_DAYS * 86400
        found = []
        for item in answer.get("item") or []:
            if int(item.get("update_time") or 0) < start:
                continue
            for news in _news(item):
                mid, idx = _message_of(str(news.get("url", "")))
                if mid and not news.get("is_deleted"):
                    found.append((str(item.get("article_id", "")), mid, idx - 1))
        return found

    def _comments(self, connection: Connection, article_id: str, mid: int, index: int) -> list[Incoming]:
        found: list[Incoming] = []
        while True:
            body = {"msg_data_id": mid, "index": index, "begin": len(found), "count": COMMENTS_PAGE, "type": 0}
            try:
                answer = call(connection, "/cgi-bin/comment/list", body)
            except Unavailable as error:
                if error.code == NOT_THERE:
                    return found
                raise
            page = answer.get("comment") or []
            # msg_data_id and user_comment_id are numbered per account: the account's id makes it unique
            owner = connection.account_uid or connection.credentials.get("appid", "")
            found += [Incoming(kind="comment", platform_id=f"{owner}:{mid}_{index}_{c.get('user_comment_id')}",
                               text=str(c.get("content", "")), author_id=str(c.get("openid", "")), author_name="",
                               at=_when(c.get("create_time")), post_id=article_id) for c in page]
            if len(page) < COMMENTS_PAGE or len(found) >= int(answer.get("total") or 0):
                return found

    @_readable
    def own_posts(self, connection: Connection, cursor: str) -> Page:
        """Articles after the cursor (the newest page when there is none yet), oldest first."""
        mark = _read_mark(cursor)
        fresh: list[dict] = []
        for page in range(self.SCAN_PAGES if mark else 1):
            answer = call(connection, "/cgi-bin/freepublish/batchget", {"offset": page * PAGE, "count": PAGE,
                                                                          "no_content": 0})
            items = answer.get("item") or []
            fresh += [i for i in items if mark is None or _after(mark, _stamped(i))]
            if len(items) < PAGE or (mark and min(int(i.get("update_time") or 0) for i in items) < mark[0]):
                break
        figures = self._figures(connection) if fresh else {}
        posts = sorted((_own_post(item, figures) for item in fresh), key=lambda p: (p.at, p.post_id))
        moved = _moved(mark or (0, set()), [_stamped(i) for i in fresh])
        return Page(items=tuple(posts), cursor=_write_mark(moved))

    def _figures(self, connection: Connection) -> dict[str, dict]:
        """Yesterday's figures by msgid ("msg_data_id_idx"); none when the account may not read them."""
        day = (beijing_today() - dt.timedelta(days=1)).isoformat()
        try:
            answer = call(connection, "/datacube/getarticlesummary", {"begin_date": day, "end_date": day})
        except (Rejected, Unavailable):
            return {}
        return {str(row.get("msgid")): row for row in answer.get("list") or []}

    @_readable
    def followers(self, connection: Connection) -> int:
        day = (beijing_today() - dt.timedelta(days=1)).isoformat()
        answer = call(connection, "/datacube/getusercumulate", {"begin_date": day, "end_date": day})
        rows = answer.get("list") or []
        if rows:
            return int(rows[-1].get("cumulate_user") or 0)
        return int(_need(call(connection, "/cgi-bin/user/get", query={"next_openid": ""}, method="GET"), "total"))


def _pending_key(connection: Connection, key: str) -> tuple[str, str, str]:
    return base_of(connection), connection.credentials.get("appid", ""), key


def _need(answer: dict, name: str):
    if answer.get(name) in (None, ""):
        raise Unavailable(said("微信接口的答复缺少 {name}", name=name), "answer")
    return answer[name]


def _news(item: dict) -> list[dict]:
    return (item.get("content") or {}).get("news_item") or []


def _message_of(url: str) -> tuple[int, int]:
    """An article URL's msg_data_id (`mid`) and position (`idx`, from 1); (0, 0) for a short URL."""
    query = parse_qs(urlsplit(url).query)
    try:
        return int(query["mid"][0]), int(query.get("idx", ["1"])[0])
    except (KeyError, ValueError):
        return 0, 0


def _when(stamp) -> dt.datetime:
    return dt.datetime.fromtimestamp(int(stamp or 0), dt.timezone.utc)


def _own_post(item: dict, figures: dict[str, dict]) -> OwnPost:
    news = (_news(item) or [{}])[0]
    mid, idx = _message_of(str(news.get("url", "")))
    row = figures.get(f"{mid}_{idx}")
    text = "\n".join(part for part in (str(news.get("title", "")), plain(str(news.get("content", "")))) if part)
    return OwnPost(post_id=str(item.get("article_id", "")), text=text, url=str(news.get("url", "")),
                   at=_when(item.get("update_time")), original=True,
                   reads=int(row.get("int_page_read_count") or 0) if row else None,
                   reposts=int(row.get("share_count") or 0) if row else 0)


# A cursor: the time of the newest item taken (unix seconds) and the ids taken at that second.
def _read_mark(cursor: str) -> tuple[int, set[str]] | None:
    try:
        data = json.loads(cursor) if cursor else None
        return (int(data["t"]), set(map(str, data.get("ids", [])))) if data else None
    except (ValueError, TypeError, KeyError):
        return None


def _write_mark(mark: tuple[int, set[str]]) -> str:
    return json.dumps({"t": mark[0], "ids": sorted(mark[1])}, separators=(",", ":"))


def _stamped(item: dict) -> Incoming:
    """A batchget item in the shape the cursor functions read (its time and id)."""
    return Incoming(kind="", platform_id=str(item.get("article_id", "")), text="", author_id="", author_name="",
                    at=_when(item.get("update_time")))


def _after(mark: tuple[int, set[str]], item: Incoming) -> bool:
    stamp = int(item.at.timestamp())
    return stamp > mark[0] or (stamp == mark[0] and item.platform_id not in mark[1])


def _moved(mark: tuple[int, set[str]], items: list[Incoming]) -> tuple[int, set[str]]:
    newest = max([mark[0], *(int(i.at.timestamp()) for i in items)])
    ids = {i.platform_id for i in items if int(i.at.timestamp()) == newest}
    return newest, (ids | mark[1]) if newest == mark[0] else ids

