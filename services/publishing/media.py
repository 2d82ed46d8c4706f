"""The pictures of a post, for the platforms' adapters (issue 20): a draft keeps its pictures as
addresses (its `media`, kind `picture`), and the worker fetches each when it sends the post.

Only from the hosts PLATFORM_MEDIA_HOSTS lists (`host`, `host:port`, `.domain`, `http://host:port`,
as PORTAL_FEED_HOSTS; govmb.outbound: no server-side request forgery), no redirect followed, at
most MAX_BYTES, and only what is a JPEG, PNG or GIF by its first bytes. What cannot be fetched for
good (a host not listed, not a picture, too large, not found) is the platform's refusal to the
post (`Rejected`: back to the draft with the reason, a person publishes it by hand); what may pass
(the network, a 5xx) is `Unavailable`: tried again with backoff."""
from __future__ import annotations

import posixpath
from urllib.parse import urlsplit

import requests

from govmb import outbound
from govmb.config import options
from govmb.messages import said
from services.publishing.connectors.contract import Image, Rejected, Unavailable

MAX_BYTES = 5 * 1024 * 1024  # what the platforms take (Weibo: under 5 MB)
KINDS = ((b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"), (b"GIF8", "image/gif"))
TIMEOUT = (5, 20)


def pictures(media: list[dict]) -> tuple[Image, ...]:
    """Each picture of the post's media, fetched, in its order."""
    return tuple(fetch(m.get("url", "")) for m in media if m.get("kind") == "picture")


def fetch(url: str) -> Image:
    target = outbound.target(url)
    if target is None or not outbound.on_list(*target, options().media_hosts):
        raise Rejected(said("图片 {url} 不在可读取的网站之列（须由运维列入 PLATFORM_MEDIA_HOSTS）", url=url[:200]))
    try:
        with requests.get(url, timeout=TIMEOUT, stream=True, allow_redirects=False) as answer:
            if answer.status_code >= 500:
                raise Unavailable(said("图片 {url} 暂时无法读取（{status}）", url=url[:200], status=answer.status_code))
            if answer.status_code != 200:
                raise Rejected(said("图片 {url} 无法读取（{status}）", url=url[:200], status=answer.status_code))
            data = _read(answer, url)
    except requests.RequestException as exc:
        raise Unavailable(said("图片 {url} 暂时无法读取（{error}）", url=url[:200], error=type(exc).__name__)) from None
    kind = next((k for magic, k in KINDS if data.startswith(magic)), None)
    if kind is None:
        raise Rejected(said("{url} 不是 JPEG、PNG 或 GIF 图片", url=url[:200]))
    return Image(name=posixpath.basename(urlsplit(url).path) or "picture", content_type=kind, data=data)


def _read(answer: requests.Response, url: str) -> bytes:
    data = bytearray()
    for chunk in answer.iter_content(64 * 1024):
        data += chunk
        if len(data) > MAX_BYTES:
            raise Rejected(said("图片 {url} 超过 5 MB", url=url[:200]))
    return bytes(data)
