"""Sina Weibo through its open API v2 (https://api.weibo.com/2/…, open.weibo.com/wiki), for an
account whose office authorised the product's app (OAuth 2) and entered the `access_token`.

The documented calls used (each named where it is made):
- statuses/share (POST, the posting interface for third parties since statuses/update closed):
  the text must hold a link of the app's safe domain ("安全域名"). The adapter keeps the text
  as it is when it holds such a link; otherwise it adds the post's own link when that is on the
  safe domain, else the office's `safe_link` credential. At most one picture (`pic`, multipart):
  a draft with more is refused before anything is sent. `rip` is the IP the platform asks for.
- statuses/destroy (POST), statuses/user_timeline (GET: the account's own posts with
  reposts_count, comments_count, attitudes_count; also how `find` looks a lost post up),
  comments/to_me, statuses/mentions, comments/mentions (GET, since_id/max_id/count),
  users/show (followers_count), account/get_uid, account/rate_limit_status (not counted).
- Private messages: only the commercial interface c.api.weibo.com/2/direct_messages reads
  them (blue-V accounts — enterprises, media, government — and an app granted it); without that
  grant the platform answers 10014 and the adapter says so (`Rejected`).

The token goes in the header `Authorization: OAuth2 <token>` (documented beside the
access_token parameter), so that no URL carries it. Errors are the documented JSON
{"error", "error_code", "request"}, mapped into the contract's four errors below.
"""
from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests

from govmb.messages import said
from services.publishing.connectors.contract import (
    Connection,
    CredentialExpired,
    Incoming,
    Outgoing,
    OwnPost,
    Page,
    PlatformError,
    Published,
    RateLimited,
    Rejected,
    Unavailable,
)

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.weibo.com"
COMMERCIAL_BASE_URL = "https://c.api.weibo.com"  # the commercial interfaces (private messages)
POST_URL = "https://m.weibo.cn/status/{id}"
URL = re.compile(r"https?://[^\s\u3000-\u303f\uff00-\uffef]+")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
PAGE = 100  # user_timeline serves 100 at most a page; the comment lists 200
MAX_PAGES = 10  # a poll reads back 1,000 new items at most; past that it says a gap
FIND_PAGES = 5
SKEW = dt.timedelta(minutes=5)  # the platform's clock against ours, when find() looks back

# Error codes (open.weibo.com/wiki/Error_code and the OAuth 2 error table)
EXPIRED = {21301, 21314, 21315, 21316, 21317, 21318, 21319, 21327, 21332, 21501}
RATE_LIMITED = {10022, 10023, 10024, 20016}
UNAVAILABLE = {10001, 10002, 10003, 10009, 10010, 10011, 21331}
NO_SUCH_POST = 20101
NO_PERMISSION = 10014
MEANINGS = {
    10014: "应用没有该接口的权限", 10016: "缺少必填参数", 10017: "参数不合法",
    10022: "IP 请求次数超过上限", 10023: "请求次数超过上限", 10024: "该接口请求次数超过上限",
    20003: "用户不存在", 20005: "图片格式不支持（仅 JPG、GIF、PNG）", 20006: "图片太大（须小于 5M）",
    20012: "正文太长（不超过 140 个汉字）", 20016: "发布太频繁", 20017: "与刚发布的内容相似",
    20018: "含有非法网址", 20019: "不能重复发布相同的内容", 20020: "含有广告信息", 20021: "含有违规内容",
    20101: "微博不存在", 21319: "授权已被解除", 21327: "访问令牌已过期", 21332: "访问令牌无效",
}


@dataclass(frozen=True)
class Feed:
    """One of the API's lists: its path, the key of its items, the most a page holds."""
    path: str
    key: str
    count: int = 200
    commercial: bool = False


USER_TIMELINE = Feed("/2/statuses/user_timeline.json", "statuses", PAGE)
COMMENTS_TO_ME = Feed("/2/comments/to_me.json", "comments")
STATUS_MENTIONS = Feed("/2/statuses/mentions.json", "statuses")
COMMENT_MENTIONS = Feed("/2/comments/mentions.json", "comments")
DIRECT_MESSAGES = Feed("/2/direct_messages.json", "direct_messages", commercial=True)


def weibo_time(text: str) -> dt.datetime:
    """'Wed Oct 24 23:49:17 +0800 2012' (no locale: the month by its English name)."""
    _, month, day, clock, zone, year = text.split()
    return dt.datetime.strptime(f"{year}-{MONTHS.index(month) + 1:02d}-{int(day):02d} {clock} {zone}",
                                "%Y-%m-%d %H:%M:%S %z")


def plain(text: str) -> str:
    """A post's words without its links and spaces: the platform rewrites links into t.cn ones."""
    return re.sub(r"\s+", "", URL.sub("", text))


def host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def on_domain(url: str, domain: str) -> bool:
    return bool(domain) and (host(url) == domain or host(url).endswith("." + domain))


def ident(item: dict) -> str:
    return str(item.get("idstr") or item["id"])


class WeiboAdapter:
    CREDENTIALS = (("access_token", "访问令牌"), ("safe_link", "应用安全域名下的链接"),
                   ("rip", "发布服务器的公网 IP"))
    DEFAULT_BASE_URL = DEFAULT_BASE_URL

    def __init__(self, timeout: float | tuple[float, float] = (5, 30)):
        self.timeout = timeout

    # -- publishing -----------------------------------------------------------------------------

    def publish(self, connection: Connection, post: Outgoing) -> Published:
        """statuses/share, with the picture when there is one."""
        if len(post.images) > 1:
            raise Rejected(said("新浪微博每条只能带一张图片，本稿有 {count} 张：请为微博另备一稿", count=len(post.images)),
                           "images")
        form = {"status": self.text_of(connection, post)}
        if connection.credentials.get("rip"):
            form["rip"] = connection.credentials["rip"]
        files = {"pic": (i.name, i.data, i.content_type) for i in post.images} or None
        return self._published(self._call(connection, "POST", "/2/statuses/share.json", form, files))

    def text_of(self, connection: Connection, post: Outgoing) -> str:
        """The text as sent: with a link of the app's safe domain, which statuses/share requires."""
        text, safe_link = post.text.strip(), connection.credentials.get("safe_link", "").strip()
        domain = host(safe_link)
        if domain and any(on_domain(u, domain) for u in URL.findall(text)):
            return text
        for link in (post.link, safe_link):
            if link and link not in text and (not domain or on_domain(link, domain)):
                return f"{text} {link}"
        return text

    def find(self, connection: Connection, post: Outgoing, since: dt.datetime) -> Published | None:
        """The post if an attempt since `since` made it: the account's own newest posts
        (statuses/user_timeline) read back to `since`, the same words (links aside)."""
        wanted, max_id = plain(self.text_of(connection, post)), 0
        for _ in range(FIND_PAGES):
            statuses = self._list(connection, USER_TIMELINE, {"count": PAGE, "max_id": max_id or None})
            for status in statuses:
                if self._read(weibo_time, status["created_at"]) < since - SKEW:
                    return None
                if plain(status.get("text", "")) == wanted:
                    return self._published(status)
            if len(statuses) < PAGE:
                return None
            max_id = min(int(s["id"]) for s in statuses) - 1
        return None

    def delete(self, connection: Connection, post_id: str) -> None:
        """statuses/destroy; a post already gone (20101) is deleted."""
        try:
            self._call(connection, "POST", "/2/statuses/destroy.json", {"id": post_id})
        except Rejected as e:
            if e.code != str(NO_SUCH_POST):
                raise

    # -- listening ------------------------------------------------------------------------------

    def incoming(self, connection: Connection, kind: str, cursor: str) -> Page:
        """comment: comments/to_me; mention: statuses/mentions and comments/mentions (the cursor
        holds both since_ids); private: the commercial direct_messages."""
        uid = connection.account_uid
        if kind == "comment":
            return self._feed(connection, COMMENTS_TO_ME, cursor, lambda r: comment_item("comment", r, uid))
        if kind == "mention":
            return self._mentions(connection, cursor)
        if kind == "private":
            try:
                return self._feed(connection, DIRECT_MESSAGES, cursor, lambda r: private_item(r, uid))
            except Rejected as e:
                if e.code != str(NO_PERMISSION):
                    raise
                raise Rejected(said("新浪微博的私信只能经商业接口 direct_messages 读取（只对政府、媒体、企业等蓝V账号，"
                                    "须在微博开放平台申请该接口）：{reason}", reason=e.reason), e.code) from None
        raise Rejected(said("新浪微博没有这类消息：{kind}", kind=kind), "kind")

    def own_posts(self, connection: Connection, cursor: str) -> Page:
        """statuses/user_timeline after the cursor, with each post's figures (no reads: the open
        API does not give them)."""
        return self._feed(connection, USER_TIMELINE, cursor, own_post)

    def followers(self, connection: Connection) -> int:
        """users/show's followers_count (the uid from account/get_uid when not known)."""
        uid = connection.account_uid or str(self._call(connection, "GET", "/2/account/get_uid.json").get("uid", ""))
        user = self._call(connection, "GET", "/2/users/show.json", {"uid": uid})
        return self._read(int, user.get("followers_count"))

    # -- inside ---------------------------------------------------------------------------------

    def _mentions(self, connection: Connection, cursor: str) -> Page:
        parts = cursor.split(":") if cursor else ["", ""]
        if len(parts) != 2:
            raise Rejected(said("新浪微博的游标无法识别：{cursor}", cursor=cursor[:40]), "cursor")
        statuses, comments = parts
        uid = connection.account_uid
        first = self._feed(connection, STATUS_MENTIONS, statuses, lambda r: status_item(r, uid))
        second = self._feed(connection, COMMENT_MENTIONS, comments, lambda r: comment_item("mention", r, uid))
        items = tuple(sorted(first.items + second.items, key=lambda i: (i.at, int(i.platform_id))))
        return Page(items, f"{first.cursor}:{second.cursor}", extra={**first.extra, **second.extra})

    def _feed(self, connection: Connection, feed: Feed, cursor: str, convert) -> Page:
        """The items after the cursor (a since_id), oldest first; "" starts from the newest now."""
        if not cursor:
            newest = self._list(connection, feed, {"count": 1})
            return Page((), str(max((int(i["id"]) for i in newest), default=0)))
        if not cursor.isdigit():
            raise Rejected(said("新浪微博的游标无法识别：{cursor}", cursor=cursor[:40]), "cursor")
        raw, gap = self._newer(connection, feed, int(cursor))
        raw.sort(key=lambda i: int(i["id"]))
        items = tuple(item for item in (self._read(convert, r) for r in raw) if item is not None)
        if gap:
            log.warning("more new items on Weibo than one poll reads: the oldest are skipped",
                        extra={"feed": feed.path, "read": len(raw)})
        return Page(items, str(int(raw[-1]["id"])) if raw else cursor, extra={"gap": True} if gap else {})

    def _newer(self, connection: Connection, feed: Feed, since: int) -> tuple[list[dict], bool]:
        """Walks back from the newest with max_id until it meets `since`: nothing skipped
        between pages, however many came (up to MAX_PAGES pages; True when more remained)."""
        found, max_id = [], 0
        for _ in range(MAX_PAGES):
            batch = self._list(connection, feed, {"since_id": since, "max_id": max_id or None, "count": feed.count})
            batch = [i for i in batch if int(i["id"]) > since and (not max_id or int(i["id"]) <= max_id)]
            found += batch
            if len(batch) < feed.count:
                return found, False
            max_id = min(int(i["id"]) for i in batch) - 1
        return found, True

    def _list(self, connection: Connection, feed: Feed, params: dict) -> list[dict]:
        base = None
        if feed.commercial and connection.base_url.rstrip("/") in ("", DEFAULT_BASE_URL):
            base = COMMERCIAL_BASE_URL
        body = self._call(connection, "GET", feed.path, {k: v for k, v in params.items() if v is not None}, base=base)
        items = body.get(feed.key)
        if not isinstance(items, list) or not all(isinstance(i, dict) and "id" in i for i in items):
            raise Unavailable(said("新浪微博的应答无法读取：{path}", path=feed.path), "unreadable")
        return items

    def _published(self, status: dict) -> Published:
        post_id = self._read(ident, status)
        return Published(post_id=post_id, url=POST_URL.format(id=post_id))

    def _read(self, read, value):
        """A part of an answer read, or Unavailable: an answer we cannot read is the platform's fault."""
        try:
            return read(value)
        except (KeyError, ValueError, TypeError, AttributeError):
            raise Unavailable(said("新浪微博的应答无法读取"), "unreadable") from None

    def _call(self, connection: Connection, method: str, path: str, params: dict | None = None,
              files: dict | None = None, base: str | None = None, probe: bool = True) -> dict:
        token = connection.credentials.get("access_token", "")
        if not token:
            raise CredentialExpired(said("没有新浪微博的访问令牌：请重新连接"), "no_token")
        url = (base or connection.base_url or DEFAULT_BASE_URL).rstrip("/") + path
        headers = {"Authorization": f"OAuth2 {token}"}
        try:
            if method == "GET":
                answer = requests.get(url, params=params, headers=headers, timeout=self.timeout)
            else:
                answer = requests.post(url, data=params, files=files, headers=headers, timeout=self.timeout)
        except requests.Timeout:
            raise Unavailable(said("新浪微博没有及时应答"), "timeout") from None
        except requests.RequestException as e:  # its text may hold the URL: only its kind is kept
            raise Unavailable(said("连不上新浪微博：{error}", error=type(e).__name__), "network") from None
        return self._answer(connection, answer, probe)

    def _answer(self, connection: Connection, answer: requests.Response, probe: bool) -> dict:
        try:
            body = answer.json()
        except ValueError:
            body = None
        if isinstance(body, dict) and body.get("error_code"):
            raise self._error(connection, body, probe)
        if answer.status_code >= 400 or not isinstance(body, dict):
            raise Unavailable(said("新浪微博的应答无法读取（HTTP {status}）", status=answer.status_code),
                              str(answer.status_code))
        return body

    def _error(self, connection: Connection, body: dict, probe: bool) -> PlatformError:
        code, error = str(body.get("error_code")), str(body.get("error", ""))[:200]
        number = int(code) if code.isdigit() else 0
        meaning = MEANINGS.get(number, "其他错误")
        if number == 10017 and "domain" in error:
            meaning = "正文须含应用安全域名下的链接"
        reason = said("新浪微博：{meaning}（{code} {error}）", meaning=meaning, code=code, error=error)
        if number in EXPIRED:
            return CredentialExpired(reason, code)
        if number in RATE_LIMITED:
            return RateLimited(reason, code, self._reset_in(connection) if probe else None)
        if number in UNAVAILABLE:
            return Unavailable(reason, code)
        return Rejected(reason, code)

    def _reset_in(self, connection: Connection) -> int | None:
        """account/rate_limit_status (which the limits do not count): seconds until they reset."""
        try:
            body = self._call(connection, "GET", "/2/account/rate_limit_status.json", probe=False)
            return max(int(body["reset_time_in_seconds"]), 1)
        except (PlatformError, KeyError, ValueError, TypeError):
            return None


def comment_item(kind: str, raw: dict, uid: str) -> Incoming | None:
    """A comment (comments/to_me or comments/mentions); the account's own are left out."""
    user, post = raw.get("user") or {}, raw.get("status") or {}
    if uid and str(user.get("id")) == uid:
        return None
    owner = str((post.get("user") or {}).get("id", ""))
    answers = ident(post) if post and (not uid or owner == uid) else ""
    return Incoming(kind=kind, platform_id=ident(raw), text=raw.get("text", ""), author_id=ident(user),
                    author_name=user.get("screen_name", ""), at=weibo_time(raw["created_at"]), post_id=answers)


def status_item(raw: dict, uid: str) -> Incoming | None:
    """A post that @-mentions the account (statuses/mentions)."""
    user = raw.get("user") or {}
    if uid and str(user.get("id")) == uid:
        return None
    return Incoming(kind="mention", platform_id=ident(raw), text=raw.get("text", ""), author_id=ident(user),
                    author_name=user.get("screen_name", ""), at=weibo_time(raw["created_at"]))


def private_item(raw: dict, uid: str) -> Incoming | None:
    """A private message (direct_messages): the account's own sent ones are left out."""
    sender = raw.get("sender") or {}
    sender_id = str(raw.get("sender_id") or sender.get("id", ""))
    if uid and sender_id == uid:
        return None
    return Incoming(kind="private", platform_id=ident(raw), text=raw.get("text", ""), author_id=sender_id,
                    author_name=raw.get("sender_screen_name") or sender.get("screen_name", ""),
                    at=weibo_time(raw["created_at"]))


def own_post(raw: dict) -> OwnPost:
    post_id = ident(raw)
    return OwnPost(post_id=post_id, text=raw.get("text", ""), url=POST_URL.format(id=post_id),
                   at=weibo_time(raw["created_at"]), original="retweeted_status" not in raw, reads=None,
                   reposts=int(raw.get("reposts_count") or 0), comments=int(raw.get("comments_count") or 0),
                   likes=int(raw.get("attitudes_count") or 0))
