"""Real local servers for the notifications' tests: an SMTP server (aiosmtpd) that keeps what it
is sent, and an HTTP server that answers as the IM platforms' group robots document (企业微信,
钉钉, 飞书), keeping each request, or with a chosen error code."""
from __future__ import annotations

import json
import threading
from email import message_from_bytes
from email.policy import default as email_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from aiosmtpd.controller import Controller

from tests.infra import free_port


class Mailbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's handler hook
        self.messages.append(message_from_bytes(envelope.content, policy=email_policy))
        return "250 OK"


class SmtpServer:
    """aiosmtpd on a free port of 127.0.0.1: `.port`, `.messages` (email.message objects)."""

    def __init__(self):
        self.box = Mailbox()
        self.port = free_port()
        self.controller = Controller(self.box, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> "SmtpServer":
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()

    @property
    def messages(self) -> list:
        return self.box.messages


class RobotServer:
    """A group robot's server: POSTs kept in `.received` as (path, query, body); it answers
    `{"errcode": 0}` (企业微信, 钉钉) or `{"code": 0}` (飞书, path /open-apis/…), or `.error` when set."""

    def __init__(self):
        self.received: list[tuple[str, dict, dict]] = []
        self.error: int | None = None
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                parts = urlsplit(self.path)
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])) or b"{}")
                outer.received.append((parts.path, parse_qs(parts.query), body))
                key = "code" if parts.path.startswith("/open-apis/") else "errcode"
                answer = json.dumps({key: outer.error or 0, "errmsg" if key == "errcode" else "msg": "ok"}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.host = f"127.0.0.1:{self.port}"

    def __enter__(self) -> "RobotServer":
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
