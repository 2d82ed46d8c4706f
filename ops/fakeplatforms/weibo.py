"""A local Sina Weibo: the open API v2 (https://api.weibo.com/2/…) as open.weibo.com's wiki
documents it, for the adapter's tests and the embedded mode.

It answers the calls `services/publishing/connectors/weibo.py` makes, on the same paths with the
same parameters (form-encoded or multipart POST, query GET; the token as the `access_token`
parameter or the header `Authorization: OAuth2 <token>`), in the documented shapes (statuses,
comments, users, direct messages with `created_at` like "Wed Oct 24 23:49:17 +0800 2012") and
with the documented error JSON `{"error", "error_code", "request"}`. One account (its token, uid
and screen name) and its app's safe domain; posts, comments, mentions, private messages and
followers are kept in memory.

Switches for the tests: `expire_token()` (21327), `revoke_token()` (21319), `rate_limit()`
(10023), `reject_repeats` (20019 for the same text twice), `commercial` (the app may read private
messages, else 10014), `fail_next(kind)` (the next request answers 500, unreadable, slowly, or is
done and its answer lost). Helpers put in what citizens do: `add_comment`, `add_mention`,
`add_comment_mention`, `add_private`, and `add_direct_post` for a post published directly on the
platform. `python -m ops.fakeplatforms.weibo --port N` runs it alone.
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import ipaddress
import itertools
import re
import threading
from urllib.parse import urlsplit

from flask import Flask, jsonify, request
from werkzeug.serving import make_server

from ops.fakeplatforms import until_stopped

DEFAULT_TOKEN = "fake-weibo-access-token"
DEFAULT_UID = 5000000001
BEIJING = dt.timezone(dt.timedelta(hours=8))
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
URL = re.compile(r"https?://[^\s\u3000-\u303f\uff00-\uffef]+")
MAX_TEXT = 140  # Chinese characters; two ASCII characters count as one (statuses/share)
MAX_PIC = 5 * 1024 * 1024  # "上传图片大小限制为<5M"
PIC_MAGIC = (b"\xff\xd8", b"\x89PNG", b"GIF8")  # "仅支持JPEG、GIF、PNG图片"
FAILURES = ("500", "garbage", "slow", "lose")
DEMO_REPLY = "请问这项措施从什么时候开始实行？我们小区也适用吗？"


class WeiboError(Exception):
    """An answer in the documented error JSON (open.weibo.com/wiki/Error_code)."""

    def __init__(self, code: int, error: str, status: int = 400):
        super().__init__(error)
        self.code, self.error, self.status = code, error, status


def weibo_time(at: dt.datetime) -> str:
    """'Wed Oct 24 23:49:17 +0800 2012', in Beijing time as the platform writes it."""
    b = at.astimezone(BEIJING)
    return f"{DAYS[b.weekday()]} {MONTHS[b.month - 1]} {b.day:02d} {b:%H:%M:%S} +0800 {b.year}"


def text_length(text: str) -> float:
    return sum(0.5 if ord(c) < 128 else 1 for c in text)


def shorten(text: str) -> str:
    """The platform rewrites every link of a post into a t.cn short link."""
    return URL.sub(lambda m: "http://t.cn/A" + hashlib.sha1(m.group(0).encode()).hexdigest()[:6], text)


def bad_value(name: str, expect: str, got: str) -> WeiboError:
    return WeiboError(10017, f"Parameter ({name})'s value invalid, expect ({expect}) , but get ({got}) , "
                             "see doc for more info.")


def missing(name: str) -> WeiboError:
    return WeiboError(10016, f"Miss required parameter ({name}) , see doc for more info.")


def arg(name: str, default: str | None = None) -> str | None:
    """A parameter where the API takes it: the form of a POST, the query of a GET."""
    value = (request.form if request.method == "POST" else request.args).get(name)
    return default if value in (None, "") else value


def int_arg(name: str, default: int = 0) -> int:
    value = arg(name)
    if value is None:
        return default
    if not value.isdigit():
        raise bad_value(name, "int64", value)
    return int(value)


class FakeWeibo:
    def __init__(self, token: str = DEFAULT_TOKEN, uid: int = DEFAULT_UID, name: str = "南昌发布",
                 safe_domain: str = "www.nc.gov.cn", followers: int = 1000, first_id: int = 4_980_000_000_000_000):
        self.token, self.uid, self.name, self.safe_domain, self.followers = token, uid, name, safe_domain, followers
        self.statuses: dict[int, dict] = {}  # the account's posts and citizens' posts that mention it
        self.comments: dict[int, dict] = {}  # on the account's posts, or mentioning it
        self.messages: dict[int, dict] = {}  # private messages to the account
        self.calls: list[tuple[str, str]] = []  # (method, path with its query) of every request, in order
        self.token_state = "valid"  # or "expired", "revoked"
        self.limited = False
        self.reset_in = 1415  # account/rate_limit_status: seconds until the hour's limits reset
        self.reject_repeats = True
        self.commercial = True
        self.lose_for = 5.0  # seconds a lost or slow answer keeps the caller waiting
        self.reply_after: float | None = None  # the demo: a citizen comments on each new post this many seconds after
        self._failures: list[str] = []
        self._ids = itertools.count(first_id, 1_000)  # the platform's ids only grow (cursors are since_ids)
        self._citizens = itertools.count(6_000_000_001)
        self._lock = threading.RLock()
        self._release = threading.Event()
        self._server = None
        self.app = self._build()

    # -- switches -------------------------------------------------------------------------------

    def expire_token(self) -> None:
        self.token_state = "expired"

    def revoke_token(self) -> None:
        self.token_state = "revoked"

    def renew_token(self, token: str | None = None) -> None:
        self.token, self.token_state = token or self.token, "valid"

    def rate_limit(self, on: bool = True) -> None:
        self.limited = on

    def fail_next(self, kind: str, times: int = 1) -> None:
        """The next `times` requests: "500" (an HTML 500), "garbage" (200 and no JSON), "slow"
        (nothing done, no answer for `lose_for` seconds), "lose" (done, its answer lost)."""
        if kind not in FAILURES:
            raise ValueError(kind)
        self._failures.extend([kind] * times)

    # -- what citizens (and the office, directly on the platform) do ----------------------------

    def add_direct_post(self, text: str, at: dt.datetime | None = None, repost_of: int | None = None) -> int:
        """A post the office published on the platform itself, not through the product."""
        status = self._status(shorten(text), self._me(), at)
        if repost_of is not None:
            status["retweeted_status"] = self.statuses[repost_of]
        return status["id"]

    def add_comment(self, text: str, post_id: int | None = None, author: str = "热心市民",
                    at: dt.datetime | None = None) -> int:
        """A citizen's comment on one of the account's posts (its newest by default)."""
        with self._lock:
            mine = [s for s in self.statuses.values() if s["user"]["id"] == self.uid]
            if post_id is None and not mine:
                raise ValueError("the account has no post to comment on")
            post = self.statuses[post_id] if post_id is not None else max(mine, key=lambda s: s["id"])
            return self._comment(text, post, self._citizen(author), at)["id"]

    def add_mention(self, text: str, author: str = "热心市民", at: dt.datetime | None = None) -> int:
        """A citizen's post that @-mentions the account."""
        return self._status(self._at_me(text), self._citizen(author), at)["id"]

    def add_comment_mention(self, text: str, author: str = "热心市民", at: dt.datetime | None = None) -> int:
        """A citizen's comment, on another citizen's post, that @-mentions the account."""
        with self._lock:
            post = self._status("随手拍：路灯不亮了", self._citizen("路人"), at)
            return self._comment(self._at_me(text), post, self._citizen(author), at)["id"]

    def add_private(self, text: str, author: str = "热心市民", at: dt.datetime | None = None) -> int:
        with self._lock:
            sender, me = self._citizen(author), self._me()
            mid = next(self._ids)
            self.messages[mid] = {
                "id": mid, "idstr": str(mid), "mid": str(mid), "created_at": weibo_time(at or self._now()),
                "text": text, "sender_id": sender["id"], "recipient_id": self.uid,
                "sender_screen_name": sender["screen_name"], "recipient_screen_name": self.name,
                "status_id": 0, "geo": None, "sender": sender, "recipient": me}
            return mid

    def set_figures(self, post_id: int, reposts: int | None = None, comments: int | None = None,
                    likes: int | None = None) -> None:
        status = self.statuses[post_id]
        for key, value in (("reposts_count", reposts), ("comments_count", comments), ("attitudes_count", likes)):
            if value is not None:
                status[key] = value

    def posts(self) -> list[dict]:
        """The account's own posts, oldest first."""
        return sorted((s for s in self.statuses.values() if s["user"]["id"] == self.uid), key=lambda s: s["id"])

    def seed_demo(self) -> None:
        """A few things to see in the embedded mode: a post made on the platform, a comment on
        it, a mention and a private message."""
        post = self.add_direct_post("【便民】本周六上午市民服务中心照常办公。")
        self.add_comment("周日也能办理社保卡吗？", post)
        self.add_mention("小区门口的井盖松动了，请相关部门看看")
        self.add_private("你好，想咨询一下公租房申请需要哪些材料。")

    # -- the server -----------------------------------------------------------------------------

    def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Serves in a thread; answers the base URL (what GOVMB_PLATFORM_ENDPOINTS names)."""
        self._release.clear()
        self._server = make_server(host, port, self.app, threaded=True)
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-weibo",
                         daemon=True).start()
        return f"http://{host}:{self._server.server_port}"

    def stop(self) -> None:
        self._release.set()  # a slow or lost answer stops waiting
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    # -- inside ---------------------------------------------------------------------------------

    def _now(self) -> dt.datetime:
        return dt.datetime.now(dt.timezone.utc)

    def _user(self, uid: int, name: str, followers: int = 0) -> dict:
        return {"id": uid, "idstr": str(uid), "screen_name": name, "name": name, "followers_count": followers,
                "friends_count": 0, "statuses_count": 0, "verified": uid == self.uid, "domain": "",
                "profile_image_url": f"http://tp1.sinaimg.cn/{uid}/50/0/1"}

    def _me(self) -> dict:
        user = self._user(self.uid, self.name, self.followers)
        user["statuses_count"] = sum(1 for s in self.statuses.values() if s["user"]["id"] == self.uid)
        return user

    def _citizen(self, name: str) -> dict:
        return self._user(next(self._citizens), name)

    def _at_me(self, text: str) -> str:
        return text if f"@{self.name}" in text else f"@{self.name} {text}"

    def _status(self, text: str, user: dict, at: dt.datetime | None, pic: bool = False) -> dict:
        with self._lock:
            sid = next(self._ids)
            status = {"created_at": weibo_time(at or self._now()), "id": sid, "idstr": str(sid), "mid": str(sid),
                      "text": text, "source": "<a href=\"http://weibo.com\" rel=\"nofollow\">新浪微博</a>",
                      "favorited": False, "truncated": False, "in_reply_to_status_id": "",
                      "in_reply_to_user_id": "", "in_reply_to_screen_name": "", "geo": None,
                      "reposts_count": 0, "comments_count": 0, "attitudes_count": 0, "user": user}
            if pic:
                status["original_pic"] = f"http://ww2.sinaimg.cn/large/{sid:x}.jpg"
            self.statuses[sid] = status
            return status

    def _comment(self, text: str, post: dict, user: dict, at: dt.datetime | None) -> dict:
        cid = next(self._ids)
        comment = {"created_at": weibo_time(at or self._now()), "id": cid, "idstr": str(cid), "mid": str(cid),
                   "text": text, "source": "新浪微博", "user": user, "status": post}
        self.comments[cid] = comment
        post["comments_count"] += 1
        return comment

    def _build(self) -> Flask:
        app = Flask("fakeweibo")
        routes = {
            ("POST", "/2/statuses/share.json"): self._share,
            ("POST", "/2/statuses/destroy.json"): self._destroy,
            ("GET", "/2/statuses/user_timeline.json"): self._user_timeline,
            ("GET", "/2/statuses/mentions.json"): self._mentions,
            ("GET", "/2/comments/to_me.json"): self._comments_to_me,
            ("GET", "/2/comments/mentions.json"): self._comment_mentions,
            ("GET", "/2/direct_messages.json"): self._direct_messages,
            ("GET", "/2/users/show.json"): self._users_show,
            ("GET", "/2/account/get_uid.json"): self._get_uid,
            ("GET", "/2/account/rate_limit_status.json"): self._rate_limit_status,
        }
        for (method, path), handler in routes.items():
            app.add_url_rule(path, path, self._answering(handler), methods=[method])
        app.register_error_handler(404, lambda e: self._error(WeiboError(10021, "Request api not found!", 404)))
        app.register_error_handler(405, lambda e: self._error(
            WeiboError(10021, "HTTP method is not suported for this request!", 405)))
        return app

    def _answering(self, handler):
        def answer():
            with self._lock:
                self.calls.append((request.method, request.full_path.rstrip("?")))
                failure = self._failures.pop(0) if self._failures else None
            if failure == "500":
                return "<html><body><h1>500 Internal Server Error</h1></body></html>", 500
            if failure == "garbage":
                return "<html>系统繁忙，请稍后再试</html>", 200
            if failure == "slow":
                self._release.wait(self.lose_for)
                return "", 504
            try:
                with self._lock:
                    self._authorize(handler)
                    body = handler()
            except WeiboError as e:
                return self._error(e)
            if failure == "lose":  # done, but the caller gives up before the answer comes
                self._release.wait(self.lose_for)
            return jsonify(body)
        return answer

    def _error(self, e: WeiboError):
        return jsonify({"error": e.error, "error_code": e.code, "request": request.path}), e.status

    def _authorize(self, handler) -> None:
        header = request.headers.get("Authorization", "")
        token = header[len("OAuth2 "):] if header.startswith("OAuth2 ") else arg("access_token")
        if not token:
            raise WeiboError(10006, "source paramter (appkey) is missing", 400)
        if token != self.token:
            raise WeiboError(21332, "invalid_access_token", 401)
        if self.token_state == "expired":
            raise WeiboError(21327, "expired_token", 401)
        if self.token_state == "revoked":
            raise WeiboError(21319, "Accessor was revoked!", 401)
        if self.limited and handler != self._rate_limit_status:  # rate_limit_status is not counted
            raise WeiboError(10023, "User requests out of rate limit!", 403)

    def _page(self, items, key: str, cap: int) -> dict:
        """since_id, max_id, count and page as every list of the API takes them, newest first."""
        since, max_id = int_arg("since_id"), int_arg("max_id")
        count, page = min(int_arg("count", 20) or 20, cap), max(int_arg("page", 1), 1)
        chosen = sorted((i for i in items if i["id"] > since and (not max_id or i["id"] <= max_id)),
                        key=lambda i: i["id"], reverse=True)
        return {key: chosen[(page - 1) * count:page * count], "total_number": len(chosen),
                "previous_cursor": 0, "next_cursor": 0, "hasvisible": False}

    def _share(self) -> dict:
        """statuses/share: a post with at least one link of the app's safe domain, 140 characters
        at most, at most one picture (JPEG, GIF or PNG under 5 MB), the user's IP (`rip`)."""
        text, rip = arg("status"), arg("rip")
        if text is None:
            raise missing("status")
        if rip is None:
            raise missing("rip")
        try:
            ipaddress.ip_address(rip)
        except ValueError:
            raise bad_value("rip", "ip", rip) from None
        if not any((urlsplit(u).hostname or "").endswith(self.safe_domain) for u in URL.findall(text)):
            raise WeiboError(10017, "text not find domain!")
        if text_length(text) > MAX_TEXT:
            raise WeiboError(20012, "Text too long, please input text less than 140 characters!")
        pic = self._picture()
        text = shorten(text)
        if self.reject_repeats and any(s["text"] == text for s in self.posts()):
            raise WeiboError(20019, "Repeat conetnt!")
        status = self._status(text, self._me(), None, pic=pic)
        if self.reply_after is not None:  # the embedded demo: a post going out brings a comment back
            timer = threading.Timer(self.reply_after, self.add_comment, (DEMO_REPLY, status["id"]))
            timer.daemon = True
            timer.start()
        return status

    def _picture(self) -> bool:
        pic = request.files.get("pic")
        if pic is None:
            return False
        data = pic.read()
        if len(data) >= MAX_PIC:
            raise WeiboError(20006, "Image size too large.")
        if not data.startswith(PIC_MAGIC):
            raise WeiboError(20005, "Unsupported image type, only suport JPG, GIF, PNG!")
        return True

    def _destroy(self) -> dict:
        sid = int_arg("id")
        if not sid:
            raise missing("id")
        status = self.statuses.get(sid)
        if status is None:
            raise WeiboError(20101, "Target weibo does not exist!")
        if status["user"]["id"] != self.uid:
            raise WeiboError(20102, "Not your own weibo!")
        return self.statuses.pop(sid)

    def _user_timeline(self) -> dict:
        """Since 2013 only the authorised user's own posts (uid, when given, must be theirs)."""
        if arg("uid") not in (None, str(self.uid)):
            raise WeiboError(20003, "User does not exists!")
        return self._page(self.posts(), "statuses", 100)

    def _mentions(self) -> dict:
        return self._page([s for s in self.statuses.values()
                           if s["user"]["id"] != self.uid and f"@{self.name}" in s["text"]], "statuses", 200)

    def _comments_to_me(self) -> dict:
        return self._page([c for c in self.comments.values()
                           if c["status"]["user"]["id"] == self.uid and c["user"]["id"] != self.uid], "comments", 200)

    def _comment_mentions(self) -> dict:
        return self._page([c for c in self.comments.values()
                           if c["user"]["id"] != self.uid and f"@{self.name}" in c["text"]], "comments", 200)

    def _direct_messages(self) -> dict:
        """c.api.weibo.com/2/direct_messages: a commercial interface, for blue-V accounts only."""
        if not self.commercial:
            raise WeiboError(10014, "Insufficient app permissions!", 403)
        return self._page(list(self.messages.values()), "direct_messages", 200)

    def _users_show(self) -> dict:
        uid, name = arg("uid"), arg("screen_name")
        if uid is None and name is None:
            raise missing("uid")
        if uid not in (None, str(self.uid)) or name not in (None, self.name):
            raise WeiboError(20003, "User does not exists!")
        return self._me()

    def _get_uid(self) -> dict:
        return {"uid": self.uid}

    def _rate_limit_status(self) -> dict:
        reset = self._now() + dt.timedelta(seconds=self.reset_in)
        return {"ip_limit": 10000, "limit_time_unit": "HOURS", "remaining_ip_hits": 10000,
                "remaining_user_hits": 0 if self.limited else 150, "user_limit": 150,
                "reset_time": f"{reset.astimezone(BEIJING):%Y-%m-%d %H:%M:%S}", "reset_time_in_seconds": self.reset_in}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="A local fake Sina Weibo open API (v2)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8701)
    parser.add_argument("--token", default=DEFAULT_TOKEN, help="the access_token it accepts")
    parser.add_argument("--uid", type=int, default=DEFAULT_UID)
    parser.add_argument("--name", default="南昌发布", help="the account's screen name")
    parser.add_argument("--safe-domain", default="www.nc.gov.cn", help="the app's safe domain")
    parser.add_argument("--demo", action="store_true",
                        help="start with a post, a comment, a mention, a message; a citizen comments on each new post")
    options = parser.parse_args(argv)
    fake = FakeWeibo(options.token, options.uid, options.name, options.safe_domain)
    if options.demo:
        fake.seed_demo()
        fake.reply_after = 5.0
    print(f"fake Weibo API at {fake.start(options.host, options.port)} (Ctrl+C stops it)", flush=True)
    until_stopped()
    fake.stop()


if __name__ == "__main__":
    main()
