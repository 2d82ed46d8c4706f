"""The web app's own tokens, which the registry issues to it (the web app signs nothing): `web`
proves to the registry that a sign-in's address is the person's, `hall` posts the public hall's
messages. Asked for with the secret the two share (WEB_CLIENT_SECRET) and kept per app until a
minute before they run out."""
from __future__ import annotations

import logging
import threading
import time

from flask import current_app

from web.client import ServiceUnavailable, client

log = logging.getLogger(__name__)
_lock = threading.Lock()


def own_token(kind: str) -> str:
    """The app's `web` or `hall` token; ServiceUnavailable if the registry gives none."""
    held = current_app.extensions.setdefault("govmb_own_tokens", {})
    with _lock:
        if held.get("until", 0.0) <= time.monotonic() or kind not in held:
            secret = current_app.config["GOVMB_SETTINGS"].web_client_secret
            r = client("registry").call("POST", "/api/auth/web-tokens", headers={"X-Web-Client-Secret": secret})
            if r.status_code != 200:  # WEB_CLIENT_SECRET differs between the two, most likely
                log.error("the registry gave the web app no token", extra={"status": r.status_code})
                raise ServiceUnavailable(f"the registry gave the web app no token ({r.status_code})")
            body = r.json()
            held.update(web=body["web"], hall=body["hall"], until=time.monotonic() + body["expires_in"] - 60)
        return held[kind]
