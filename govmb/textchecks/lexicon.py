"""The office's lexicon as one matcher (issue 16): its words in one Aho-Corasick automaton
(pyahocorasick), one pass over the text normalised as `govmb.textnorm` says whatever their number
(no zero-width or separator between a word's characters hides it, nor a traditional form),
positions reported in the text as written. A match that jieba's segmentation splits across a
word boundary (危机|密切 holds 机密) is at most a warning (`segments`); a match inside one of the
office's allowed phrases (category `allowed`) is none."""
from __future__ import annotations

from collections.abc import Iterable

import ahocorasick

from govmb.messages import said
from govmb.textchecks.hits import Hit
from govmb.textchecks.segments import across_words, learn
from govmb.textnorm import normalise, word

ALLOWED = "allowed"  # a lexicon entry of this category is a phrase that holds no finding (危机密切)


class Lexicon:
    """The office's words in one automaton: a 2,000-character text against 10,000 words is
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
            learn(self.words)
            self._learned = True
        return across_words(text, s, e)

    def _hit(self, text, n, s: int, e: int, written: str, category: str, severity: str) -> Hit:
        start, end = n.span(s, e)
        label = "涉密" if category == "classified" else "敏感"
        if e - s > 1 and self._across(n.text, s, e):  # 危机|密切: not the word
            return Hit("lexicon", "warn", start, end, text[start:end],
                       said("含“{written}”的字样，但跨越词语边界（可能是误报），请审核确认", written=written))
        return Hit("lexicon", "block" if category == "classified" else severity, start, end, text[start:end],
                   (said("含{label}词语“{written}”，不得发布", label=label, written=written) if category == "classified"
                    else said("含{label}词语“{written}”，请审核确认", label=label, written=written)))
