"""A small platform for the publishing worker's tests: a real HTTP server on 127.0.0.1 that keeps
the posts it is sent, and the adapter that speaks to it (the contract's HTTP side, as the real
Weibo and WeChat adapters do with theirs). Like Weibo it takes no idempotency key: the adapter's
`find` looks for the post's text on the account's timeline since a time.

The server answers, in order, the failures queued in `.failures` (status, body, headers) before
it publishes again: 429 with Retry-After (rate limited), 401 (the token expired), 400 with the
platform's reason (rejected), 503 (down). `.on_publish` is called with each post it keeps, before
it answers (the kill test locks the database there)."""
from __future__ import annotations

import datetime as dt
import json
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, urlsplit

from services.publishing.connectors.contract import (
    Connection,
    CredentialExpired,
    Outgoing,
    Published,
    RateLimited,
    Rejected,
    Unavailable,
)

TOKEN = "token-of-account-1"


class FakePlatform:
    def __init__(self, token: str = TOKEN):
        self.token = token
        self.posts: list[dict] = []
        self.calls: list[tuple[str, str]] = []  # (method, path) of every request
        self.failures: list[tuple[int, dict, dict]] = []
        self.on_publish = None
        self.lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self, status: int, body: dict, headers: dict | None = None) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):  # noqa: N802 (http.server's name)
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])) or b"{}")
                self._answer(*outer.publish(self.path, self.headers.get("Authorization", ""), body))

            def do_GET(self):  # noqa: N802
                parts = urlsplit(self.path)
                self._answer(*outer.timeline(self.path, self.headers.get("Authorization", ""), parse_qs(parts.query)))

            def log_message(self, *args):  # quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def publish(self, path: str, authorization: str, body: dict) -> tuple:
        with self.lock:
            self.calls.append(("POST", path))
            if authorization != f"Bearer {self.token}":
                return 401, {"error": "expired_token", "error_code": 21327}, {}
            if self.failures:
                return self.failures.pop(0)
            post = {"id": str(1000 + len(self.posts)), "text": body["text"], "title": body.get("title", ""),
                    "at": dt.datetime.now(dt.timezone.utc).isoformat()}
            post["url"] = f"https://fake.example.cn/p/{post['id']}"
            self.posts.append(post)
        if self.on_publish is not None:
            self.on_publish(post)
        return 200, {"id": post["id"], "url": post["url"]}, {}

    def timeline(self, path: str, authorization: str, query: dict) -> tuple:
        with self.lock:
            self.calls.append(("GET", path))
            if authorization != f"Bearer {self.token}":
                return 401, {"error": "expired_token", "error_code": 21327}, {}
            since = dt.datetime.fromisoformat(query["since"][0])
            return 200, {"posts": [p for p in self.posts if dt.datetime.fromisoformat(p["at"]) >= since]}, {}

    def sent(self) -> int:
        """How many times a post was sent (kept or refused)."""
        return sum(1 for method, _ in self.calls if method == "POST")

    def __enter__(self) -> "FakePlatform":
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


class FakeAdapter:
    """The adapter of the fake platform: every answer mapped to the contract's types and errors."""
    CREDENTIALS = (("access_token", "访问令牌"),)
    DEFAULT_BASE_URL = "http://127.0.0.1:9"

    def _call(self, connection: Connection, method: str, path: str, body: dict | None = None) -> dict:
        request = urllib.request.Request(
            (connection.base_url or self.DEFAULT_BASE_URL) + path, method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Authorization": f"Bearer {connection.credentials.get('access_token', '')}",
                     "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=5) as answer:
                return json.loads(answer.read())
        except urllib.error.HTTPError as exc:
            said = json.loads(exc.read() or b"{}").get("error", "")
            if exc.code == 429:
                after = exc.headers.get("Retry-After")
                raise RateLimited(said or "rate limited", str(exc.code), int(after) if after else None) from None
            if exc.code == 401:
                raise CredentialExpired(said, str(exc.code)) from None
            if exc.code == 400:
                raise Rejected(said, str(exc.code)) from None
            raise Unavailable(said or f"HTTP {exc.code}", str(exc.code)) from None
        except OSError as exc:
            raise Unavailable(str(exc)) from None

    def publish(self, connection: Connection, post: Outgoing) -> Published:
        answer = self._call(connection, "POST", "/posts", {"text": post.text, "title": post.title, "link": post.link})
        return Published(answer["id"], answer["url"])

    def find(self, connection: Connection, post: Outgoing, since: dt.datetime) -> Published | None:
        since = since if since.tzinfo else since.replace(tzinfo=dt.timezone.utc)
        answer = self._call(connection, "GET", f"/posts?since={quote(since.isoformat())}")
        return next((Published(p["id"], p["url"]) for p in answer["posts"] if p["text"] == post.text), None)

    def delete(self, connection, post_id):
        raise Rejected("not in the fake platform")

    def incoming(self, connection, kind, cursor):
        raise Rejected("not in the fake platform")

    def own_posts(self, connection, cursor):
        raise Rejected("not in the fake platform")

    def followers(self, connection):
        raise Rejected("not in the fake platform")
