"""The office's leaders in a draft (issue 16, 严重表述错误): a leader's name with a title that
is not theirs (市长张三 when 张三 is 副市长, 张三副书记), and leaders named in one sentence out of
their order of precedence (a lower number first). Both block: the inspections of 国办秘函〔2019〕19号
count them as serious errors of expression.

Names and titles are found in the normalised text (`govmb.textnorm`). A title is one of the
list's titles (a title such as 市委常委、常务副市长 is two) or a generic tail of one (书记 of 市委书记,
市长 of 常务副市长); next to a name means with nothing but spaces between. The longest title wins
(副市长 over the 市长 it ends with). A shorter form of a leader's own title is theirs (书记 for
市委书记, 副市长 for 常务副市长), except one that drops 副 or 代 (市长 for 副市长). A title before the
name says whose it is; one after counts only when none is before and no other leader's name
follows it (张三副市长李四: 副市长 is 李四's). 原副市长张三 is a former title, not checked."""
from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterable

import ahocorasick

from govmb.messages import said
from govmb.textchecks.hits import Hit
from govmb.textchecks.segments import cuts_into
from govmb.textnorm import Normalised, punctuated, word

# Tails a writer uses for a full title (书记 for 市委书记): found as titles when a title of the list ends so.
GENERIC = ("书记", "副书记", "市长", "副市长", "区长", "副区长", "县长", "副县长", "州长", "副州长", "省长",
           "副省长", "主任", "副主任", "主席", "副主席", "部长", "副部长", "局长", "副局长", "秘书长",
           "副秘书长", "院长", "副院长", "检察长", "副检察长", "厅长", "副厅长", "常委", "委员", "政委")
NOT_DROPPED = ("副", "代")  # a title without these is another title (市长 is not 副市长)
FORMER = "原前"  # 原副市长张三: what he was
_SENTENCE = re.compile(r"[。！？!?；;\n\r]")
_PARTS = re.compile(r"[、，,；;/\s]+")


def title_parts(title: str) -> list[str]:
    """市委常委、常务副市长 → [市委常委, 常务副市长], each as matched."""
    return [p for p in (word(t) for t in _PARTS.split(title or "")) if p]


def fits(title: str, parts: set[str]) -> bool:
    """Is `title` (as matched) one of a leader's titles, or a shorter form of one?"""
    return any(p == title or (p.endswith(title) and not p[: -len(title)].endswith(NOT_DROPPED)) for p in parts)


class Leaders:
    """The active leaders: names and titles in two automata, each name's titles and rank."""

    def __init__(self, entries: Iterable[tuple[str, str, int]]):
        self.parts: dict[str, set[str]] = {}
        self.rank: dict[str, int] = {}
        self.shown: dict[str, tuple[str, list[str]]] = {}  # key: the name as written, its titles
        titles: set[str] = set()
        for name, title, rank in entries:
            key, parts = word(name or ""), title_parts(title)
            if not key or not parts:
                continue
            self.parts.setdefault(key, set()).update(parts)
            self.rank[key] = min(rank, self.rank.get(key, rank))
            shown = self.shown.setdefault(key, (name.strip(), []))
            shown[1].append(title.strip())
            titles.update(parts)
            titles.update(g for p in parts for g in GENERIC if p.endswith(g))
        self.names, self.titles = _automaton(self.rank), _automaton(titles)
        self.size = len(self.rank)

    def scan(self, text: str, n: Normalised) -> list[Hit]:
        if not self.size:
            return []
        named = self._names(text, n)
        if not named:
            return []
        return self._titles(text, n, named) + self._order(text, n, named)

    def _names(self, text: str, n: Normalised) -> list[tuple[int, int, str]]:
        found = sorted(((end - len(key) + 1, end + 1, key) for end, key in self.names.iter(n.text)),
                       key=lambda f: (f[0], -f[1]))
        kept, reach = [], -1
        for s, e, key in found:  # the longest at each place; none inside another (张三 in 张三丰)
            if e <= reach:
                continue
            start, end = n.span(s, e)
            if punctuated(text, start, end) or cuts_into(text, start, end, at_end=e - s <= 2):
                continue
            kept.append((s, e, key))
            reach = e
        return kept

    def _titles(self, text: str, n: Normalised, named: list[tuple[int, int, str]]) -> list[Hit]:
        ending, starting = {}, {}
        for end, key in self.titles.iter(n.text):  # the longest title ending, and starting, at each place
            s, e = end - len(key) + 1, end + 1
            if len(key) > len(ending.get(e, "")):
                ending[e] = key
            if len(key) > len(starting.get(s, "")):
                starting[s] = key
        begins = {s for s, _, _ in named}
        hits = []
        for s, e, key in named:
            title = ending.get(s)
            if title and _next_to(text, n, s - 1, s):
                at = (s - len(title), e)
                if s - len(title) > 0 and n.text[s - len(title) - 1] in FORMER:
                    continue
            else:
                title = starting.get(e)
                if not title or not _next_to(text, n, e - 1, e) or e + len(title) in begins:
                    continue
                at = (s, e + len(title))
            if not fits(title, self.parts[key]):
                hits.append(self._wrong_title(text, n, at, key, title))
        return hits

    def _wrong_title(self, text: str, n: Normalised, at: tuple[int, int], key: str, title: str) -> Hit:
        start, end = n.span(*at)
        name, titles = self.shown[key]
        return Hit("leader_title", "block", start, end, text[start:end],
                   said("领导职务有误：{name}的职务为{titles}，文中写作“{title}”", name=name, titles='、'.join(titles), title=title))

    def _order(self, text: str, n: Normalised, named: list[tuple[int, int, str]]) -> list[Hit]:
        stops = [m.start() for m in _SENTENCE.finditer(text)]
        by_sentence: dict[int, list[tuple[int, int, str]]] = {}
        for s, e, key in named:
            sentence = by_sentence.setdefault(bisect.bisect(stops, n.at[s]), [])
            if all(k != key for _, _, k in sentence):
                sentence.append((s, e, key))
        hits = []
        for sentence in by_sentence.values():
            for i, (s, e, key) in enumerate(sentence):
                before = max(sentence[:i], key=lambda f: self.rank[f[2]], default=None)
                if before and self.rank[before[2]] > self.rank[key]:
                    start, end = n.span(s, e)
                    hits.append(Hit("leader_order", "block", start, end, text[start:end],
                                    said("领导排名顺序有误：{name}应排在{before}之前", name=self.shown[key][0],
                                         before=self.shown[before[2]][0])))
                    break
        return hits


def _next_to(text: str, n: Normalised, left: int, right: int) -> bool:
    """Are the normalised characters `left` and `right` next to each other as written (nothing
    but spaces and format characters between)?"""
    return all(unicodedata.category(c) in ("Zs", "Cf") or c == "\t" for c in text[n.at[left] + 1:n.at[right]])


def _automaton(keys: Iterable[str]) -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for key in keys:
        automaton.add_word(key, key)
    if len(automaton):
        automaton.make_automaton()
    return automaton
