"""A post as a WeChat article: its title, its HTML, its cover, and the mark that ties it to the
product's idempotency key.

- Title: the post's own; when it has none, the text's 【…】 heading if it opens with one (the
  usual form of a government post), else its first sentence; cut to TITLE_LIMIT characters
  with an ellipsis.
- Body: each line of the text a paragraph, escaped (the text is plain text, never HTML), then
  the pictures (uploaded by media/uploadimg, which the article body requires).
- Cover: draft/add requires a permanent image (thumb_media_id): the post's first image, or a
  plain one made here when the post has none.
- Mark: the cover is uploaded under a file name made from the key (`marker`); material/batchget
  lists images with their names, and an article names its cover, so a retry finds what an
  attempt that died left on the platform.
"""
from __future__ import annotations

import hashlib
import html
import re
import struct
import zlib
from functools import cache

TITLE_LIMIT = 32
HEADING = re.compile(r"^\s*【([^】]{1,64})】")
SENTENCE_END = re.compile(r"[。！？!?；;\n]")
EXTENSIONS = {"image/png": ".png", "image/jpeg": ".jpg", "image/jpg": ".jpg", "image/gif": ".gif",
              "image/bmp": ".bmp"}


def title_of(title: str, text: str) -> str:
    if title.strip():
        return title.strip()
    heading = HEADING.match(text)
    first = heading.group(1) if heading else SENTENCE_END.split(text.strip(), maxsplit=1)[0]
    first = " ".join(first.split())
    return first if len(first) <= TITLE_LIMIT else first[:TITLE_LIMIT - 1] + "…"


def body_of(text: str, picture_urls: list[str]) -> str:
    paragraphs = [f"<p>{html.escape(line.strip())}</p>" for line in text.splitlines() if line.strip()]
    pictures = [f'<p><img src="{html.escape(url, quote=True)}"/></p>' for url in picture_urls]
    return "".join(paragraphs + pictures)


def plain(content: str) -> str:
    """An article's HTML as text (for the product's copy of a post made on the platform)."""
    text = re.sub(r"<\s*(br|/p|/div|/h\d)\s*/?>", "\n", content or "", flags=re.IGNORECASE)
    return html.unescape(re.sub(r"<[^>]+>", "", text)).strip()


def marker(key: str) -> str:
    return "govmb-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:24]


def extension(content_type: str) -> str:
    return EXTENSIONS.get(content_type.lower(), ".jpg")


@cache
def plain_cover() -> bytes:
    """A 900×383 PNG (the platform's 2.35:1 cover) in one colour, for a post with no image."""
    width, height, colour = 900, 383, bytes((0xC8, 0x1E, 0x1E))
    rows = b"".join(b"\x00" + colour * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")
