"""A small platform for the listening worker's tests: a real local HTTP server (a thread of
http.server) with an account's comments, mentions, private messages, timeline and followers,
paged two at a time after a `since` id, and the three failures a platform answers (an expired
token: 401; a rate limit: 429 with Retry-After; a call it does not offer: 400). `ListenAdapter`
speaks it as a real adapter speaks its platform (GOVMB_PLATFORM_ADAPTERS names it, and
GOVMB_PLATFORM_ENDPOINTS the server). The real Weibo and WeChat fakes are separate."""
from __future__ import annotations

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import requests

from services.publishing.connectors.contract import (
    Connection,
    CredentialExpired,
    Incoming,
    OwnPost,
    Page,
    RateLimited,
    Rejected,
    Unavailable,
)

PAGE = 2


class ListenPlatform:
    """`.items[kind]` and `.timeline`: lists of dicts with an integer `id`; `.followers`; `.token`
    the one that works; `.limited` (seconds of Retry-After) or `.down` to fail every call;
    `.unsupported` the kinds answered 400; `.calls` the paths asked, in order."""

    def __init__(self):
        self.items = {"comment": [], "mention": [], "private": []}
        self.timeline: list[dict] = []
        self.followers, self.token, self.limited, self.down = 0, "token-1", None, False
        self.unsupported: set[str] = set()
        self.calls: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                outer.calls.append(parts.path + (f"?kind={query['kind']}" if "kind" in query else ""))
                status, body, headers = outer.answer(parts.path, query)
                data = json.dumps(body).encode()
                self.send_response(status)
                for name, value in {"Content-Type": "application/json", "Content-Length": str(len(data)),
                                    **headers}.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> "ListenPlatform":
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def answer(self, path: str, query: dict) -> tuple[int, dict, dict]:
        if self.down:
            return 503, {"error": "service unavailable"}, {}
        if query.get("token") != self.token:
            return 401, {"error": "expired_token", "error_description": "access token expired"}, {}
        if self.limited is not None:
            return 429, {"error": "rate limit exceeded"}, {"Retry-After": str(self.limited)}
        if path == "/followers":
            return 200, {"count": self.followers}, {}
        if path == "/items" and query.get("kind") in self.unsupported:
            return 400, {"error": "unsupported kind"}, {}
        rows = self.timeline if path == "/timeline" else self.items.get(query.get("kind"), [])
        since = int(query.get("since") or 0)
        after = [r for r in rows if r["id"] > since]
        page = after[:PAGE]
        return 200, {"items": page, "next": page[-1]["id"] if page else since, "more": len(after) > PAGE}, {}


class ListenAdapter:
    """The listening calls of the contract, spoken to `ListenPlatform`."""
    CREDENTIALS = (("access_token", "访问令牌"),)
    DEFAULT_BASE_URL = "http://127.0.0.1:9"

    def _get(self, connection: Connection, path: str, **params) -> dict:
        try:
            r = requests.get(connection.base_url + path, timeout=5,
                             params={**params, "token": connection.credentials.get("access_token", "")})
        except requests.RequestException as exc:
            raise Unavailable(str(exc)) from exc
        if r.status_code == 401:
            raise CredentialExpired(r.json()["error_description"], "401")
        if r.status_code == 429:
            raise RateLimited(r.json()["error"], "429", int(r.headers["Retry-After"]))
        if r.status_code == 400:
            raise Rejected(r.json()["error"], "400")
        if r.status_code != 200:
            raise Unavailable(f"HTTP {r.status_code}", str(r.status_code))
        return r.json()

    def incoming(self, connection: Connection, kind: str, cursor: str) -> Page:
        body = self._get(connection, "/items", kind=kind, since=cursor)
        return Page(tuple(Incoming(kind=kind, platform_id=str(i["id"]), text=i["text"], author_id=i["uid"],
                                   author_name=i["name"], at=dt.datetime.fromisoformat(i["at"]),
                                   post_id=i.get("post", "")) for i in body["items"]),
                    str(body["next"]) if body["items"] else cursor, body["more"])

    def own_posts(self, connection: Connection, cursor: str) -> Page:
        body = self._get(connection, "/timeline", since=cursor)
        return Page(tuple(OwnPost(post_id=p["mid"], text=p["text"], url=p["url"], at=dt.datetime.fromisoformat(p["at"]),
                                  original=p["original"], reads=p.get("reads"), reposts=p["reposts"],
                                  comments=p["comments"], likes=p["likes"]) for p in body["items"]),
                    str(body["next"]) if body["items"] else cursor, body["more"])

    def followers(self, connection: Connection) -> int:
        return self._get(connection, "/followers")["count"]

    def publish(self, connection, post):
        raise Rejected("本测试平台不发布")

    def find(self, connection, post, since):
        return None

    def delete(self, connection, post_id):
        raise Rejected("本测试平台不删除")
