"""The automatic checks run when a draft is submitted. Each finding has its place in the
text, a severity (`block` stops submission; `warn` needs the reviewer's acknowledgement)
and a message in Chinese.

Lexicon: Aho-Corasick (pyahocorasick) over the office's words, one pass whatever their
number, on the text normalised as `govmb.textnorm` says (no zero-width or separator between a
word's characters hides it, nor a traditional form), positions reported in the text as written.
A match that jieba's segmentation splits across a word boundary (危机|密切 holds 机密) is at
most a warning; a match inside one of the office's allowed phrases is none. Personal
information: mainland ID numbers with a valid check digit (python-stdnum), mobile numbers, each
read through spaces, hyphens, dots, zero-width characters, full-width digits and +86 / 0086;
bank cards, travel documents, landlines, addresses (`pii.py`). Links: well formed, answering
where the network is allowed, the government website's on a policy post (`links.py`).
Form (X12): topic and column tags at the start, series numbering. Length per platform. A repost
without its source.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import ahocorasick

from govmb.config import options
from govmb.platforms import platforms as platform_names
from govmb.textnorm import normalise, word
from services.publishing import links, pii, segments

DEFAULT_LIMITS = {"xinhua": 2000, "people": 2000, "tencent": 2000, "sina": 2000, "ncnews": 5000}
ALLOWED = "allowed"  # a lexicon entry of this category is a phrase that holds no finding (危机密切)


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
    one pass over the normalised text. Allowed phrases ride in the same automaton."""

    def __init__(self, entries: Iterable[tuple[str, str, str]]):
        self.automaton = ahocorasick.Automaton()
        self.size = 0
        self.words: list[str] = []
        self._learned = False  # the segmenter knows our words (at the first match that needs it)
        for written, category, severity in entries:
            key = word(written or "")
            if key and key not in self.automaton:
                self.automaton.add_word(key, (written, category, severity, len(key)))
                self.size += 1
                self.words.append(key)
        if self.size:
            self.automaton.make_automaton()

    def _found(self, text: str):
        n = normalise(text)
        found = [(end - size + 1, end + 1, written, category, severity)
                 for end, (written, category, severity, size) in self.automaton.iter(n.text)]
        return n, found, [(s, e) for s, e, _, category, _ in found if category == ALLOWED]

    def allowed(self, text: str) -> list[tuple[int, int]]:
        """The spans of `text` (as written) that the office's allowed phrases cover."""
        if not self.size:
            return []
        n, _, allowed = self._found(text)
        return [n.span(s, e) for s, e in allowed]

    def scan(self, text: str) -> list[Hit]:
        if not self.size:
            return []
        n, found, allowed = self._found(text)
        hits = []
        for s, e, written, category, severity in found:
            if category == ALLOWED or any(a <= s and e <= b for a, b in allowed):
                continue
            hits.append(self._hit(text, n, s, e, written, category, severity))
        return hits

    def _across(self, text: str, s: int, e: int) -> bool:
        if not self._learned:
            segments.learn(self.words)
            self._learned = True
        return segments.across_words(text, s, e)

    def _hit(self, text, n, s: int, e: int, written: str, category: str, severity: str) -> Hit:
        start, end = n.span(s, e)
        label = "涉密" if category == "classified" else "敏感"
        if e - s > 1 and self._across(n.text, s, e):  # 危机|密切: not the word
            return Hit("lexicon", "warn", start, end, text[start:end],
                       f"含“{written}”的字样，但跨越词语边界（可能是误报），请审核确认")
        return Hit("lexicon", "block" if category == "classified" else severity, start, end, text[start:end],
                   f"含{label}词语“{written}”" + ("，不得发布" if category == "classified" else "，请审核确认"))


def platform_limits() -> dict[str, int]:
    return {**DEFAULT_LIMITS, **options().platform_limits}  # GOVMB_PLATFORM_LIMITS


def personal_information(text: str, allowed: list[tuple[int, int]] = ()) -> list[Hit]:
    """ID, bank card, passport and permit numbers, phones, addresses (`services/publishing/pii.py`)."""
    return pii.scan(text, allowed)


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
    names = platform_names()
    return [Hit("length", "block", limits[p], len(text), "",
                f"共 {len(text)} 字，超过{names.get(p, p)}的 {limits[p]} 字上限")
            for p in platforms if p in limits and len(text) > limits[p]]


def repost_source(original: bool, source: str) -> list[Hit]:
    if not original and not source.strip():
        return [Hit("source", "block", None, None, "", "转载内容须注明来源")]
    return []


def check(text: str, lexicon: Lexicon, *, original: bool = True, source: str = "", topic: str = "",
          column: str = "", series_title: str = "", series_no: int | None = None, series_total: int | None = None,
          platforms: list[str] = (), limits: dict[str, int] | None = None, info_type: str = "",
          wording=None) -> list[Hit]:
    """`wording`: the office's corrections, leaders and the weekday check (`services.publishing.wording`);
    `info_type`: the draft's, for the links (X27)."""
    hits = (lexicon.scan(text) + personal_information(text, lexicon.allowed(text)) + links.scan(text, info_type)
            + (wording.scan(text) if wording is not None else [])
            + form_rules(text, topic, column, series_title, series_no, series_total)
            + lengths(text, list(platforms), limits or platform_limits()) + repost_source(original, source))
    return sorted(hits, key=lambda h: (h.start if h.start is not None else -1, h.check))
