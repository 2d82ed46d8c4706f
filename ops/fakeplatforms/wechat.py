"""A local fake of the WeChat Official Accounts API (微信公众号, developers.weixin.qq.com/doc/offiaccount),
for the adapter's tests and the embedded mode: a real HTTP server answering the documented paths,
parameters and answers, with in-memory drafts, publications, comments and followers.

What it follows of the documentation:
- every call but the tokens' takes `access_token` in the query; answers are JSON, HTTP 200 even
  for an error, with {"errcode", "errmsg"}: 41001 missing, 40001 not the latest, 42001 expired;
- cgi-bin/stable_token (POST JSON, normal mode: the same token until it expires) and cgi-bin/token;
- cgi-bin/material/add_material?type=image and cgi-bin/media/uploadimg take the file as the
  multipart field `media`; material/batchget_material lists the images (newest first);
- draft/add, draft/batchget, draft/delete; freepublish/submit removes the draft (as the
  draft box's help says: a published draft leaves the box) and answers publish_id and
  msg_data_id; the publication is asynchronous: freepublish/get answers publish_status 1 until
  `publish_polls` polls or `publish_seconds` have passed, then 0 with article_id and
  article_url (or a failure status, the draft put back as the box keeps a failed one);
- freepublish/batchget (newest first), freepublish/delete; comment/list (count >= 50 refused);
- datacube/getusercumulate (at most 7 days, up to yesterday), datacube/getarticlesummary (1 day);
  cgi-bin/user/get (total, up to 10,000 openids a page).

Switches for tests: `expire_token()`, `revoke_secret()`, `fail_next(errcode, path)` (45009,
45011, -1, 48001 …), `risky_words` (87014 on draft/add), `fail_publication(status)`,
`lose_next_answer(path)` (the call is done, its answer lost). Helpers for tests and the demo:
`add_comment`, `post_directly`, `set_followers`, `set_figures`.

    python -m ops.fakeplatforms.wechat --port 8601 [--appid wxfake --secret s3cret]
"""
from __future__ import annotations

import argparse
import datetime as dt
import html
import itertools
import json
import secrets
import threading
import time
from dataclasses import dataclass, field

from flask import Flask, abort, jsonify, request
from werkzeug.serving import WSGIRequestHandler, make_server

from ops.fakeplatforms import until_stopped

BEIJING = dt.timezone(dt.timedelta(hours=8))
ERRMSG = {41001: "access_token missing", 40001: "invalid credential, access_token is invalid or not latest",
          42001: "access_token expired", 40013: "invalid appid", 40125: "invalid appsecret",
          45009: "reach max api daily quota limit", 45011: "api minute-quota reach limit",
          -1: "system error", 48001: "api unauthorized", 87014: "risky content", 45002: "content size out of limit",
          45003: "title size out of limit", 40007: "invalid media_id", 40097: "invalid args",
          88001: "msg_data is not exists", 53600: "Article ID invalid", 53502: "Publish ID invalid",
          61501: "date range error", 40005: "invalid file type", 53503: "draft did not pass the publish check"}
TITLE_LIMIT, CONTENT_LIMIT = 64, 20000


class WechatError(Exception):
    def __init__(self, errcode: int, errmsg: str = ""):
        super().__init__(errcode)
        self.errcode, self.errmsg = errcode, errmsg or ERRMSG.get(errcode, "error")


@dataclass
class Publication:
    publish_id: str
    msg_data_id: int
    draft: dict
    submitted: float
    polls: int = 0
    status: int = 1
    article_id: str = ""


@dataclass
class Article:
    article_id: str
    msg_data_id: int
    news_item: list
    update_time: int
    order: int
    comments: list = field(default_factory=list)
    figures: dict = field(default_factory=dict)


class FakeWechat:
    """The platform's state; `app()` is its HTTP face. Every change holds `lock`."""

    def __init__(self, appid: str = "wxfake0000000001", secret: str = "fake-secret", publish_polls: int = 1,
                 publish_seconds: float = 5.0, token_ttl: int = 7200):
        self.appid, self.secret, self.token_ttl = appid, secret, token_ttl
        self.publish_polls, self.publish_seconds = publish_polls, publish_seconds
        self.lock = threading.RLock()
        self.ids = itertools.count(1)
        self.tokens: dict[str, float] = {}  # token → when it expires
        self.stable = ""  # stable_token's current token
        self.materials: list[dict] = []
        self.drafts: dict[str, dict] = {}
        self.publications: dict[str, Publication] = {}
        self.articles: dict[str, Article] = {}
        self.followers, self.datacube_ready = 0, True
        self.risky_words: set[str] = set()
        self.failures: list[tuple[str | None, int]] = []  # (path or None for any, errcode), in order
        self.lost: set[str] = set()
        self.publication_failure = 0
        self.calls: list[tuple[str, dict]] = []  # (path, the request's JSON or form) of every API call
        self.raw: list[bytes] = []  # every JSON body as it came
        self.base_url = ""
        self._server = None

    # -- switches and helpers for tests and the demo --------------------------------------------
    def expire_token(self) -> None:
        """Every token handed out so far expires now (the next call answers 42001)."""
        with self.lock:
            self.tokens = {t: 0.0 for t in self.tokens}

    def revoke_secret(self) -> None:
        """The office reset its AppSecret on the platform: the one we hold answers 40125."""
        with self.lock:
            self.secret = secrets.token_hex(8)
            self.tokens.clear()

    def fail_next(self, errcode: int, path: str | None = None, times: int = 1) -> None:
        with self.lock:
            self.failures += [(path, errcode)] * times

    def lose_next_answer(self, path: str) -> None:
        """The next call of `path` is carried out, but its answer never arrives (HTTP 502)."""
        with self.lock:
            self.lost.add(path)

    def fail_publication(self, status: int) -> None:
        """The next publication ends with this publish_status (2 original, 3 normal, 4 review …)."""
        with self.lock:
            self.publication_failure = status

    def set_followers(self, count: int) -> None:
        with self.lock:
            self.followers = count

    def set_figures(self, article_id: str, reads: int, shares: int) -> None:
        """Yesterday's figures of an article in datacube/getarticlesummary."""
        with self.lock:
            self.articles[article_id].figures = {"reads": reads, "shares": shares}

    def add_comment(self, article_id: str, content: str, openid: str = "oReader0000001",
                    at: dt.datetime | None = None) -> int:
        """A reader's comment on a published article; its user_comment_id."""
        with self.lock:
            article = self.articles[article_id]
            comment_id = len(article.comments) + 1
            created = int((at or dt.datetime.now(dt.timezone.utc)).timestamp())
            article.comments.append({"user_comment_id": comment_id, "openid": openid, "create_time": created,
                                     "content": content, "comment_type": 0})
            return comment_id

    def post_directly(self, title: str, content: str, at: dt.datetime | None = None) -> str:
        """An article the office published on the platform's own site; its article_id."""
        with self.lock:
            news = {"title": title, "author": "", "digest": "", "content": content, "content_source_url": "",
                    "thumb_media_id": "", "need_open_comment": 1, "only_fans_can_comment": 0}
            publication = Publication(self._id("p"), 2247480000 + next(self.ids), {"articles": [news]}, time.time())
            return self._published(publication, int((at or dt.datetime.now(dt.timezone.utc)).timestamp()))

    def published(self) -> list[Article]:
        with self.lock:
            self._settle()
            return sorted(self.articles.values(), key=lambda a: a.order)

    # -- the server ------------------------------------------------------------------------------
    def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Serves in a thread; answers the base URL (what GOVMB_PLATFORM_ENDPOINTS names)."""
        self._server = make_server(host, port, self.app(), threaded=True, request_handler=_Quiet)
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        self.base_url = f"http://{host}:{self._server.server_port}"
        return self.base_url

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def app(self) -> Flask:
        app = Flask(__name__)
        for path, method, handler in self._routes():
            app.add_url_rule(path, path, self._answering(path, handler), methods=[method])
        app.add_url_rule("/s", "article", self._article_page)
        return app

    def _routes(self) -> list[tuple[str, str, object]]:
        return [("/cgi-bin/token", "GET", self._token), ("/cgi-bin/stable_token", "POST", self._stable_token),
                ("/cgi-bin/material/add_material", "POST", self._add_material),
                ("/cgi-bin/material/batchget_material", "POST", self._batchget_material),
                ("/cgi-bin/media/uploadimg", "POST", self._uploadimg), ("/cgi-bin/draft/add", "POST", self._draft_add),
                ("/cgi-bin/draft/batchget", "POST", self._draft_batchget),
                ("/cgi-bin/draft/delete", "POST", self._draft_delete),
                ("/cgi-bin/freepublish/submit", "POST", self._submit), ("/cgi-bin/freepublish/get", "POST", self._get),
                ("/cgi-bin/freepublish/batchget", "POST", self._batchget),
                ("/cgi-bin/freepublish/delete", "POST", self._delete),
                ("/cgi-bin/comment/list", "POST", self._comments),
                ("/datacube/getusercumulate", "POST", self._usercumulate),
                ("/datacube/getarticlesummary", "POST", self._articlesummary), ("/cgi-bin/user/get", "GET", self._users)]

    def _answering(self, path: str, handler):
        def view():
            raw = b"" if request.mimetype.startswith("multipart/") else request.get_data()
            with self.lock:
                try:
                    body = _json_of(raw)
                    self.calls.append((path, body if body is not None else dict(request.form)))
                    self.raw += [raw] if raw else []
                    if not path.endswith("token"):
                        self._check_token()
                        self._injected(path)
                    self._settle()
                    answer = handler(body or {})
                except WechatError as error:
                    return jsonify(errcode=error.errcode, errmsg=error.errmsg)
                if path in self.lost:
                    self.lost.discard(path)
                    abort(502)
                return jsonify(answer)
        return view

    def _check_token(self) -> None:
        token = request.args.get("access_token", "")
        if not token:
            raise WechatError(41001)
        if token not in self.tokens:
            raise WechatError(40001)
        if self.tokens[token] <= time.time():
            raise WechatError(42001)

    def _injected(self, path: str) -> None:
        for i, (where, code) in enumerate(self.failures):
            if where in (None, path):
                del self.failures[i]
                raise WechatError(code)

    def _id(self, prefix: str) -> str:
        return f"{prefix}{next(self.ids):06d}{secrets.token_hex(6)}"

    # -- access tokens ---------------------------------------------------------------------------
    def _issue(self, appid: str, secret: str, reuse: bool) -> dict:
        if appid != self.appid:
            raise WechatError(40013)
        if secret != self.secret:
            raise WechatError(40125)
        if not (reuse and self.tokens.get(self.stable, 0) > time.time()):
            self.stable = self._id("TOKEN")
            self.tokens[self.stable] = time.time() + self.token_ttl
        return {"access_token": self.stable, "expires_in": int(self.tokens[self.stable] - time.time())}

    def _token(self, _body: dict) -> dict:
        if request.args.get("grant_type") != "client_credential":
            raise WechatError(40002, "invalid grant_type")
        return self._issue(request.args.get("appid", ""), request.args.get("secret", ""), reuse=False)

    def _stable_token(self, body: dict) -> dict:
        if body.get("grant_type") != "client_credential":
            raise WechatError(40002, "invalid grant_type")
        return self._issue(body.get("appid", ""), body.get("secret", ""), reuse=not body.get("force_refresh"))

    # -- images ----------------------------------------------------------------------------------
    def _upload(self) -> tuple[str, bytes]:
        media = request.files.get("media")
        if media is None:
            raise WechatError(41005, "media data missing")
        name, data = media.filename or "", media.read()
        if not name.lower().endswith((".png", ".jpg", ".jpeg", ".gif", ".bmp")):
            raise WechatError(40005)
        return name, data

    def _add_material(self, _body: dict) -> dict:
        if request.args.get("type") != "image":
            raise WechatError(40004, "invalid media type")
        name, data = self._upload()
        media_id = self._id("MEDIA")
        url = f"{self.base_url}/mmbiz/{media_id}"
        self.materials.insert(0, {"media_id": media_id, "name": name, "update_time": int(time.time()), "url": url})
        return {"media_id": media_id, "url": url}

    def _batchget_material(self, body: dict) -> dict:
        if body.get("type") != "image":
            raise WechatError(40004, "invalid media type")
        offset, count = _window(body, 20)
        return {"total_count": len(self.materials), "item_count": len(self.materials[offset:offset + count]),
                "item": self.materials[offset:offset + count]}

    def _uploadimg(self, _body: dict) -> dict:
        name, _data = self._upload()
        if not name.lower().endswith((".png", ".jpg", ".jpeg")):
            raise WechatError(40005)
        return {"url": f"{self.base_url}/mmbiz_img/{self._id('IMG')}"}

    # -- drafts ----------------------------------------------------------------------------------
    def _draft_add(self, body: dict) -> dict:
        articles = body.get("articles")
        if not isinstance(articles, list) or not articles:
            raise WechatError(40097)
        known = {m["media_id"] for m in self.materials}
        for news in articles:
            text = f"{news.get('title', '')}{news.get('content', '')}"
            if not news.get("title") or not news.get("content"):
                raise WechatError(40097, "invalid args: title and content are required")
            if news.get("thumb_media_id") not in known:
                raise WechatError(40007)
            if len(news["title"]) > TITLE_LIMIT:
                raise WechatError(45003)
            if len(news["content"]) > CONTENT_LIMIT:
                raise WechatError(45002)
            if any(word in text for word in self.risky_words):
                raise WechatError(87014)
        media_id = self._id("DRAFT")
        self.drafts[media_id] = {"articles": [dict(a) for a in articles], "update_time": int(time.time())}
        return {"media_id": media_id}

    def _draft_batchget(self, body: dict) -> dict:
        offset, count = _window(body, 20)
        listed = sorted(self.drafts.items(), key=lambda d: -d[1]["update_time"])[offset:offset + count]
        items = [{"media_id": media_id, "content": {"news_item": draft["articles"]},
                  "update_time": draft["update_time"]} for media_id, draft in listed]
        return {"total_count": len(self.drafts), "item_count": len(items), "item": items}

    def _draft_delete(self, body: dict) -> dict:
        if self.drafts.pop(str(body.get("media_id")), None) is None:
            raise WechatError(40007)
        return {"errcode": 0, "errmsg": "ok"}

    # -- publishing ------------------------------------------------------------------------------
    def _submit(self, body: dict) -> dict:
        draft = self.drafts.pop(str(body.get("media_id")), None)
        if draft is None:
            raise WechatError(40007)
        publication = Publication(self._id(""), 2247480000 + next(self.ids), draft, time.time())
        self.publications[publication.publish_id] = publication
        return {"errcode": 0, "errmsg": "ok", "publish_id": publication.publish_id,
                "msg_data_id": str(publication.msg_data_id)}

    def _settle(self) -> None:
        """Publications whose time has come are done (also when nobody polls them)."""
        for publication in self.publications.values():
            if publication.status == 1 and time.time() - publication.submitted >= self.publish_seconds:
                self._finish(publication)

    def _finish(self, publication: Publication) -> None:
        if self.publication_failure:
            publication.status, self.publication_failure = self.publication_failure, 0
            if publication.status in (2, 3, 4):  # the draft box keeps a copy of a failed one
                self.drafts[self._id("DRAFT")] = publication.draft
            return
        publication.status = 0
        publication.article_id = self._published(publication, int(time.time()))

    def _published(self, publication: Publication, at: int) -> str:
        article_id = self._id("ART")
        news_items = []
        for idx, news in enumerate(publication.draft["articles"], start=1):
            url = (f"{self.base_url}/s?__biz=MzFAKE&mid={publication.msg_data_id}&idx={idx}"
                   f"&sn={secrets.token_hex(8)}#rd")
            news_items.append({**news, "url": url, "is_deleted": False})
        self.articles[article_id] = Article(article_id, publication.msg_data_id, news_items, at, next(self.ids))
        return article_id

    def _get(self, body: dict) -> dict:
        publication = self.publications.get(str(body.get("publish_id")))
        if publication is None:
            raise WechatError(53502)
        publication.polls += 1
        if publication.status == 1 and publication.polls > self.publish_polls:
            self._finish(publication)
        answer = {"publish_id": publication.publish_id, "publish_status": publication.status, "fail_idx": []}
        if publication.status == 0:
            article = self.articles[publication.article_id]
            answer |= {"article_id": article.article_id, "article_detail": {"count": len(article.news_item), "item": [
                {"idx": i, "article_url": n["url"]} for i, n in enumerate(article.news_item, start=1)]}}
        elif publication.status in (2, 3, 4):
            answer["fail_idx"] = [1]
        return answer

    def _batchget(self, body: dict) -> dict:
        offset, count = _window(body, 20)
        listed = sorted(self.articles.values(), key=lambda a: (-a.update_time, -a.order))[offset:offset + count]
        strip = body.get("no_content") in (1, "1")
        items = [{"article_id": a.article_id, "update_time": a.update_time, "content": {"news_item": [
            {k: v for k, v in n.items() if not (strip and k == "content")} for n in a.news_item]}} for a in listed]
        return {"total_count": len(self.articles), "item_count": len(items), "item": items}

    def _delete(self, body: dict) -> dict:
        article = self.articles.get(str(body.get("article_id")))
        if article is None or all(n["is_deleted"] for n in article.news_item):
            raise WechatError(53600)
        index = int(body.get("index") or 0)
        for i, news in enumerate(article.news_item, start=1):
            if index in (0, i):
                news["is_deleted"] = True
        return {"errcode": 0, "errmsg": "ok"}

    # -- comments, followers, figures ------------------------------------------------------------
    def _comments(self, body: dict) -> dict:
        begin, count = int(body.get("begin", -1)), int(body.get("count", 0))
        if begin < 0 or not 0 < count < 50 or body.get("type") not in (0, 1, 2):
            raise WechatError(40097)
        article = next((a for a in self.articles.values() if a.msg_data_id == int(body.get("msg_data_id") or 0)), None)
        if article is None or int(body.get("index") or 0) >= len(article.news_item):
            raise WechatError(88001)
        wanted = [c for c in article.comments if body["type"] == 0 or c["comment_type"] == body["type"] - 1]
        return {"errcode": 0, "errmsg": "ok", "total": len(wanted), "comment": wanted[begin:begin + count]}

    def _days(self, body: dict, span: int) -> list[dt.date]:
        try:
            begin, end = dt.date.fromisoformat(body["begin_date"]), dt.date.fromisoformat(body["end_date"])
        except (KeyError, TypeError, ValueError):
            raise WechatError(61500, "date format error") from None
        if end < begin or (end - begin).days >= span or end >= dt.datetime.now(BEIJING).date():
            raise WechatError(61501)
        return [begin + dt.timedelta(days=n) for n in range((end - begin).days + 1)]

    def _usercumulate(self, body: dict) -> dict:
        days = self._days(body, 7)
        return {"list": [{"ref_date": d.isoformat(), "user_source": 0, "cumulate_user": self.followers}
                         for d in days] if self.datacube_ready else []}

    def _articlesummary(self, body: dict) -> dict:
        day = self._days(body, 1)[0].isoformat()
        return {"list": [{"ref_date": day, "msgid": f"{a.msg_data_id}_1", "title": a.news_item[0]["title"],
                          "int_page_read_user": a.figures["reads"], "int_page_read_count": a.figures["reads"],
                          "ori_page_read_user": 0, "ori_page_read_count": 0, "share_user": a.figures["shares"],
                          "share_count": a.figures["shares"], "add_to_fav_user": 0, "add_to_fav_count": 0}
                         for a in self.articles.values() if a.figures]}

    def _users(self, _body: dict) -> dict:
        shown = min(self.followers, 100)  # the platform sends up to 10,000 a page; a sample is enough here
        return {"total": self.followers, "count": shown,
                "data": {"openid": [f"oFollower{n:07d}" for n in range(shown)]}, "next_openid": ""}

    def _article_page(self):
        """The reader's page of a published article (what article_url opens)."""
        mid, idx = request.args.get("mid", type=int), request.args.get("idx", 1, type=int)
        with self.lock:
            article = next((a for a in self.articles.values() if a.msg_data_id == mid), None)
            if article is None or not 0 < idx <= len(article.news_item) or article.news_item[idx - 1]["is_deleted"]:
                abort(404)
            news = article.news_item[idx - 1]
        return f"<!doctype html><meta charset=utf-8><title>{html.escape(news['title'])}</title>" \
               f"<h1>{html.escape(news['title'])}</h1>{news['content']}"


class _Quiet(WSGIRequestHandler):
    def log_request(self, *args, **kwargs) -> None:  # the access token is in every request's query
        pass


def _json_of(raw: bytes) -> dict | None:
    """A JSON body whatever its Content-Type says (the platform reads it so)."""
    try:
        body = json.loads(raw) if raw else None
    except ValueError:
        raise WechatError(47001, "data format error") from None
    return body if isinstance(body, dict) or body is None else {}


def _window(body: dict, largest: int) -> tuple[int, int]:
    try:
        offset, count = int(body.get("offset", 0)), int(body.get("count", 0))
    except (TypeError, ValueError):
        raise WechatError(40097) from None
    if offset < 0 or not 1 <= count <= largest:
        raise WechatError(40097)
    return offset, count


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="A local fake of the WeChat Official Accounts API")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8601)
    parser.add_argument("--appid", default="wxfake0000000001")
    parser.add_argument("--secret", default="fake-secret")
    args = parser.parse_args(argv)
    fake = FakeWechat(appid=args.appid, secret=args.secret)
    fake.set_followers(1280)
    print(f"fake WeChat API on {fake.start(args.host, args.port)} (appid {args.appid})", flush=True)
    until_stopped()
    fake.stop()


if __name__ == "__main__":
    main()
