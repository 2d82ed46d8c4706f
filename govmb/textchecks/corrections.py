"""The office's corrections (issue 16, 错别字 and 严重表述错误): common wrong forms → right forms,
a typo (错别字) a warning, a non-standard political formulation (规范表述) a block.

One Aho-Corasick automaton over the text normalised as `govmb.textnorm` says, positions reported
in the text as written. A wrong form found inside a right form (a right form that contains it) is
none; nor one whose span holds punctuation other than quotes, when the form itself holds none
(人大常委、主任科员 is not 人大常委主任; “一带一路”战略 is 一带一路战略); nor one whose first character is
the last of a word of the sentence as jieba segments the text as written (东北|朝鲜族 holds 北朝鲜),
or, for a formulation or a two-character form, whose last character is the first of one
(按|装箱单 holds 按装)."""
from __future__ import annotations

from collections.abc import Iterable

import ahocorasick

from govmb.messages import said
from govmb.textchecks.hits import Hit
from govmb.textchecks.segments import cuts_into
from govmb.textnorm import Normalised, punctuated, word

TYPO, FORMULATION = "typo", "formulation"
KINDS = {TYPO: "错别字", FORMULATION: "规范表述"}
QUOTES = "“”‘’\"'《》〈〉「」『』"  # a formulation is often quoted: “一带一路”战略


class Corrections:
    """Wrong forms → right forms in one automaton; the right forms ride in it too, so that a
    wrong form inside a right one (a right form that contains it) is passed over."""

    def __init__(self, entries: Iterable[tuple[str, str, str]]):
        table: dict[str, list] = {}  # key: [the correction it is the wrong form of, is it a right form]
        for wrong, right, kind in entries:
            key, right_key = word(wrong or ""), word(right or "")
            if not key or not right_key or key == right_key:
                continue
            slot = table.setdefault(key, [None, False])
            slot[0] = slot[0] or (wrong, right, kind)
            table.setdefault(right_key, [None, False])[1] = True
        self.automaton = ahocorasick.Automaton()
        self.size = sum(1 for found, _ in table.values() if found)
        for key, (found, is_right) in table.items():
            self.automaton.add_word(key, (len(key), found, is_right))
        if table:
            self.automaton.make_automaton()

    def scan(self, text: str, n: Normalised) -> list[Hit]:
        if not self.size:
            return []
        found = [(end - size + 1, end + 1, entry, is_right)
                 for end, (size, entry, is_right) in self.automaton.iter(n.text)]
        rights = [(s, e) for s, e, _, is_right in found if is_right]
        hits = []
        for s, e, entry, _ in found:
            if entry is None or any(a <= s and e <= b and b - a > e - s for a, b in rights):
                continue
            wrong, right, kind = entry
            start, end = n.span(s, e)
            if _not_the_form(text, start, end, wrong, kind == FORMULATION or e - s <= 2):
                continue
            hits.append(_hit(text, start, end, wrong, right, kind))
        return hits


def _not_the_form(text: str, start: int, end: int, wrong: str, at_end: bool) -> bool:
    """Characters of a sentence's other words (two clauses, 东北|朝鲜族), not the wrong form."""
    if punctuated(text, start, end, allowed=QUOTES) and not punctuated(wrong, 0, len(wrong)):
        return True
    return cuts_into(text, start, end, at_end=at_end)


def _hit(text: str, start: int, end: int, wrong: str, right: str, kind: str) -> Hit:
    shown = text[start:end]
    if kind == FORMULATION:
        return Hit(FORMULATION, "block", start, end, shown, said("不规范表述“{wrong}”，应为“{right}”", wrong=wrong, right=right))
    return Hit(TYPO, "warn", start, end, shown, said("疑似错别字“{wrong}”，应为“{right}”", wrong=wrong, right=right))
