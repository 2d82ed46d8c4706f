"""The automatic checks run when a draft is submitted. Each finding has its place in the
text, a severity (`block` stops submission; `warn` needs the reviewer's acknowledgement)
and a message in Chinese.

The checks every text that leaves runs are shared (`govmb.textchecks`, issue 16): the office's
lexicon, personal information, links, and its corrections, leaders and weekdays. A draft's own
are here: form (X12: topic and column tags at the start, series numbering), length per platform,
a repost without its source.
"""
from __future__ import annotations

import re

from govmb.config import options
from govmb.messages import said
from govmb.platforms import platforms as platform_names
from govmb.textchecks.hits import Hit
from govmb.textchecks.lexicon import ALLOWED, Lexicon
from govmb.textchecks.outgoing import scan
from govmb.textchecks.pii import scan as pii_scan
from govmb.textchecks.wording import Wording

__all__ = ["ALLOWED", "DEFAULT_LIMITS", "Hit", "Lexicon", "check", "form_rules", "lengths", "personal_information",
           "platform_limits", "repost_source"]

DEFAULT_LIMITS = {"xinhua": 2000, "people": 2000, "tencent": 2000, "sina": 2000, "ncnews": 5000}


def platform_limits() -> dict[str, int]:
    return {**DEFAULT_LIMITS, **options().platform_limits}  # GOVMB_PLATFORM_LIMITS


def personal_information(text: str, allowed: list[tuple[int, int]] = ()) -> list[Hit]:
    """ID, bank card, passport and permit numbers, phones, addresses (`govmb/textchecks/pii.py`)."""
    return pii_scan(text, allowed)


def form_rules(text: str, topic: str, column: str, series_title: str, series_no: int | None,
               series_total: int | None) -> list[Hit]:
    """X12: a long message over several posts starts each with the same #话题# or is numbered
    【标题+序号】; a regular column starts with #栏目名称#."""
    hits = []
    if topic and not text.startswith(f"#{topic}#"):
        hits.append(Hit("form", "block", 0, 0, "", said("分条发布须以同一话题“#{topic}#”开头", topic=topic)))
    if column and not text.startswith(f"#{column}#"):
        hits.append(Hit("form", "block", 0, 0, "", said("固定栏目须以“#{column}#”开头", column=column)))
    if series_title:
        m = re.match(r"^【" + re.escape(series_title) + r"\s*(\d+)(?:\s*/\s*(\d+))?】", text)
        if not m:
            hits.append(Hit("form", "block", 0, 0, "", said("系列信息须以“【{title}{no}】”开头", title=series_title, no=series_no or 1)))
        elif series_no is not None and int(m.group(1)) != series_no:
            hits.append(Hit("form", "block", m.start(1), m.end(1), m.group(1),
                            said("序号为 {written}，与本条序号 {no} 不一致", written=m.group(1), no=series_no)))
        if series_no is not None and series_total is not None and series_no > series_total:
            hits.append(Hit("form", "block", None, None, "", said("序号 {no} 大于总条数 {total}", no=series_no, total=series_total)))
    if not topic and not column and re.match(r"^#[^#\s]{1,30}#", text):
        hits.append(Hit("form", "warn", 0, text.index("#", 1) + 1, text[: text.index("#", 1) + 1],
                        "以话题标签开头：如为分条发布或固定栏目，请填写话题或栏目名称"))
    return hits


def lengths(text: str, platforms: list[str], limits: dict[str, int]) -> list[Hit]:
    names = platform_names()
    return [Hit("length", "block", limits[p], len(text), "",
                said("共 {n} 字，超过{platform}的 {limit} 字上限", n=len(text), platform=names.get(p, p), limit=limits[p]))
            for p in platforms if p in limits and len(text) > limits[p]]


def repost_source(original: bool, source: str) -> list[Hit]:
    if not original and not source.strip():
        return [Hit("source", "block", None, None, "", "转载内容须注明来源")]
    return []


def check(text: str, lexicon: Lexicon, *, original: bool = True, source: str = "", topic: str = "",
          column: str = "", series_title: str = "", series_no: int | None = None, series_total: int | None = None,
          platforms: list[str] = (), limits: dict[str, int] | None = None, info_type: str = "",
          wording: Wording | None = None, official_hosts: tuple[str, ...] = (),
          more_links: tuple[str, ...] = ()) -> list[Hit]:
    """The shared checks (`govmb.textchecks.outgoing.scan`: `wording`, the office's corrections,
    leaders and the weekday check; `info_type`, the draft's, for the links, with the hosts of its
    account's portal feeds and its media's links) and a draft's own."""
    hits = (scan(text, lexicon, wording, info_type, official_hosts, more_links)
            + form_rules(text, topic, column, series_title, series_no, series_total)
            + lengths(text, list(platforms), limits or platform_limits()) + repost_source(original, source))
    return sorted(hits, key=lambda h: (h.start if h.start is not None else -1, h.check))
