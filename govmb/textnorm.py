"""Text as the checks read it, with the way back to the text as written (issue 16).

A writer who wants a word through disguises it: a zero-width space or a soft hyphen inside it,
a space, a middle dot or an asterisk between its characters, full-width or traditional forms
(機密, 內部資料), a line break in the middle. The checks match a *normalised* text and report
positions in the original:

- format characters (Unicode category Cf: zero-width spaces and joiners, the BOM, the soft
  hyphen, the word joiner, bidirectional controls) are dropped everywhere;
- each character is NFKC-folded (full-width digits and letters, compatibility forms) and case
  folded, then mapped to its simplified form with OpenCC's tables (`t2s`, the maintained
  conversion data, not a list of our own);
- Arabic script (Uyghur, issue 21): the tatweel (U+0640, a stretching stroke) and the Arabic vowel
  marks (U+064B–U+0652, which Uyghur does not write) are dropped like format characters; a
  presentation form (U+FB50–U+FDFF, U+FE70–U+FEFF) is NFKC-folded to its base letter, and a
  ligature of two or more letters (ﻻ, ﯪ) gives each letter, all pointing at the ligature;
- decimal digits of every script (Arabic-Indic ٠–٩, Extended Arabic-Indic ۰–۹, full width) read
  as ASCII 0–9, so the numbers' patterns find an ID number written in either;
- `dense` also drops the separators (spaces of every kind, punctuation, symbols, controls such
  as line breaks), so that 机 · 密 and 机\\n密 read 机密; `spaced` keeps them, for the numbers,
  whose own patterns say which separators a number may hold.

Every kept character remembers where it came from (`at`), so a finding in the normalised text
is a span of the text as written, disguise included. One character in, at most one out: a
character whose folded or simplified form is longer is kept as written, and positions never
drift (but for the Arabic ligatures above, whose letters share the ligature's position).
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

DROP, SEPARATOR, KEEP = 0, 1, 2
_SEPARATING = ("Z", "P", "S", "C")  # separators, punctuation, symbols, controls (Cf is dropped before)
_ARABIC_DROPPED = frozenset("\u0640" + "".join(map(chr, range(0x064B, 0x0653))))  # tatweel, vowel marks


@dataclass(frozen=True)
class Normalised:
    text: str
    at: tuple[int, ...]  # the original index of each character of `text`

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original text that [start, end) of the normalised text came from."""
        return self.at[start], self.at[end - 1] + 1


@lru_cache(maxsize=1)
def _t2s():
    import opencc
    return opencc.OpenCC("t2s")


@lru_cache(maxsize=65536)
def _char(c: str) -> tuple[int, str]:
    """What one character becomes: dropped, a separator, or the character the checks read."""
    category = unicodedata.category(c)
    if category == "Cf" or c in _ARABIC_DROPPED:
        return DROP, ""
    if category == "Nd":
        return KEEP, str(unicodedata.decimal(c))
    folded = unicodedata.normalize("NFKC", c)
    folded = folded.casefold() if len(folded) == 1 else c
    if len(folded) != 1:
        folded = c
    if unicodedata.category(folded)[0] in _SEPARATING:
        return SEPARATOR, folded
    simple = _t2s().convert(folded) if ord(folded) > 0x2E7F else folded  # CJK and beyond: OpenCC
    return KEEP, simple if len(simple) == 1 else folded


def _presentation(c: str) -> bool:
    return "\ufb50" <= c <= "\ufdff" or "\ufe70" <= c <= "\ufeff"


@lru_cache(maxsize=4096)
def _chars(c: str) -> tuple[tuple[int, str], ...]:
    """What one character becomes: one (kind, character) mostly; each letter of an Arabic ligature."""
    if _presentation(c):
        letters = unicodedata.normalize("NFKC", c)
        if len(letters) > 1:
            return tuple(_char(x) for x in letters)
    return (_char(c),)


@lru_cache(maxsize=32)
def normalise(text: str, dense: bool = True) -> Normalised:
    """The text the checks match (`dense`: without separators) and where each character came from.
    Kept for the last few texts: the checks of one draft read it several times (immutable: shared)."""
    out, at = [], []
    for i, c in enumerate(text):
        # one character in, at most one out, but for the Arabic presentation forms (U+FB50 and up),
        # whose ligatures give each letter: the common case stays one cached lookup (the hot path)
        if c < "\ufb50":
            kind, n = _char(c)
            if kind == KEEP or (kind == SEPARATOR and not dense):
                out.append(n)
                at.append(i)
            continue
        for kind, n in _chars(c):
            if kind == KEEP or (kind == SEPARATOR and not dense):
                out.append(n)
                at.append(i)
    return Normalised("".join(out), tuple(at))


def word(text: str) -> str:
    """A lexicon word as the checks match it."""
    return normalise(text).text


def punctuated(text: str, start: int, end: int, allowed: str = "") -> bool:
    """Does text[start:end] hold punctuation, a symbol or a line break (other than the characters
    of `allowed`)? Spaces and format characters do not count: 王  伟 is a name, 王、伟 two names."""
    return any(c not in allowed and (unicodedata.category(c)[0] in "PS" or c in "\n\r\t\v\f\u2028\u2029")
               for c in text[start:end])
