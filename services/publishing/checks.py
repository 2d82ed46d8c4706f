"""The automatic checks run when a draft is submitted. Each finding has its place in the
text, a severity (`block` stops submission; `warn` needs the reviewer's acknowledgement)
and a message in Chinese.

Lexicon: Aho-Corasick (pyahocorasick) over the office's words, one pass whatever their
number. Personal information: mainland ID numbers with a valid check digit (python-stdnum),
mobile numbers. Form (X12): topic and column tags at the start, series numbering. Length
per platform. A repost without its source.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import ahocorasick
from stdnum.cn import ric

from govmb.config import options

DEFAULT_LIMITS = {"xinhua": 2000, "people": 2000, "tencent": 2000, "sina": 2000, "ncnews": 5000}
_ID = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<![0-9])1[3-9]\d{9}(?![0-9])")


def fold(text: str) -> str:
    """Full-width digits and letters as ASCII, letters in lower case, character for
    character, so positions in the folded text are positions in the draft: １１０１… is found
    as an ID number, ＸＸ as xx."""
    out = []
    for c in text:
        n = unicodedata.normalize("NFKC", c)
        n = n.lower() if len(n) == 1 else c
        out.append(n if len(n) == 1 else c)
    return "".join(out)


@dataclass(frozen=True)
class Hit:
    check: str
    severity: str
    start: int | None
    end: int | None
    excerpt: str
    message: str


class Lexicon:
    """The office's words in one automaton: a 2,000-character draft against 10,000 words is
    one pass over the text."""

    def __init__(self, entries: Iterable[tuple[str, str, str]]):
        self.automaton = ahocorasick.Automaton()
        self.size = 0
        for word, category, severity in entries:
            if word and fold(word) not in self.automaton:
                self.automaton.add_word(fold(word), (word, category, severity))
                self.size += 1
        if self.size:
            self.automaton.make_automaton()

    def scan(self, text: str) -> list[Hit]:
        if not self.size:
            return []
        hits = []
        for end, (word, category, severity) in self.automaton.iter(fold(text)):
            start = end - len(word) + 1
            label = "涉密" if category == "classified" else "敏感"
            hits.append(Hit("lexicon", "block" if category == "classified" else severity, start, end + 1, text[start:end + 1],
                            f"含{label}词语“{word}”" + ("，不得发布" if category == "classified" else "，请审核确认")))
        return hits


def platform_limits() -> dict[str, int]:
    return {**DEFAULT_LIMITS, **options().platform_limits}  # GOVMB_PLATFORM_LIMITS


def personal_information(text: str) -> list[Hit]:
    folded = fold(text)  # matched folded, shown as written
    hits = [Hit("id_number", "block", m.start(), m.end(), _mask(text[m.start():m.end()]),
                "含居民身份证号码（个人信息），不得发布")
            for m in _ID.finditer(folded) if ric.is_valid(m.group().upper())]
    hits += [Hit("mobile", "warn", m.start(), m.end(), _mask(text[m.start():m.end()]),
                 "含手机号码：如非公开的工作电话，请删除（个人信息）") for m in _MOBILE.finditer(folded)]
    return hits


def _mask(number: str) -> str:
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


def form_rules(text: str, topic: str, column: str, series_title: str, series_no: int | None,
               series_total: int | None) -> list[Hit]:
    """X12: a long message over several posts starts each with the same #话题# or is numbered
    【标题+序号】; a regular column starts with #栏目名称#."""
    hits = []
    if topic and not text.startswith(f"#{topic}#"):
        hits.append(Hit("form", "block", 0, 0, "", f"分条发布须以同一话题“#{topic}#”开头"))
    if column and not text.startswith(f"#{column}#"):
        hits.append(Hit("form", "block", 0, 0, "", f"固定栏目须以“#{column}#”开头"))
    if series_title:
        m = re.match(r"^【" + re.escape(series_title) + r"\s*(\d+)(?:\s*/\s*(\d+))?】", text)
        if not m:
            hits.append(Hit("form", "block", 0, 0, "", f"系列信息须以“【{series_title}{series_no or 1}】”开头"))
        elif series_no is not None and int(m.group(1)) != series_no:
            hits.append(Hit("form", "block", m.start(1), m.end(1), m.group(1),
                            f"序号为 {m.group(1)}，与本条序号 {series_no} 不一致"))
        if series_no is not None and series_total is not None and series_no > series_total:
            hits.append(Hit("form", "block", None, None, "", f"序号 {series_no} 大于总条数 {series_total}"))
    if not topic and not column and re.match(r"^#[^#\s]{1,30}#", text):
        hits.append(Hit("form", "warn", 0, text.index("#", 1) + 1, text[: text.index("#", 1) + 1],
                        "以话题标签开头：如为分条发布或固定栏目，请填写话题或栏目名称"))
    return hits


def lengths(text: str, platforms: list[str], limits: dict[str, int]) -> list[Hit]:
    return [Hit("length", "block", limits[p], len(text), "", f"共 {len(text)} 字，超过{p}的 {limits[p]} 字上限")
            for p in platforms if p in limits and len(text) > limits[p]]


def repost_source(original: bool, source: str) -> list[Hit]:
    if not original and not source.strip():
        return [Hit("source", "block", None, None, "", "转载内容须注明来源")]
    return []


def check(text: str, lexicon: Lexicon, *, original: bool = True, source: str = "", topic: str = "",
          column: str = "", series_title: str = "", series_no: int | None = None, series_total: int | None = None,
          platforms: list[str] = (), limits: dict[str, int] | None = None) -> list[Hit]:
    hits = (lexicon.scan(text) + personal_information(text)
            + form_rules(text, topic, column, series_title, series_no, series_total)
            + lengths(text, list(platforms), limits or platform_limits()) + repost_source(original, source))
    return sorted(hits, key=lambda h: (h.start if h.start is not None else -1, h.check))
