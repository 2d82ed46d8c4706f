"""Which script a text is written in (issue 21: Uyghur beside Chinese).

Uyghur is written in the Arabic script (U+0600–U+06FF: ئ ې ۆ ۈ ڭ ھ ۇ ى and the rest of its 32
letters); an old keyboard or a PDF copy may give the presentation forms (U+FB50–U+FEFF) and
stretch a word with the tatweel. `folded` reads a name through them as `govmb.textnorm` reads a
post: NFKC, no tatweel, no zero-width or other format character, runs of spaces as one."""
from __future__ import annotations

import re
import unicodedata

_TATWEEL = "\u0640"


def is_han(c: str) -> bool:
    return "\u4e00" <= c <= "\u9fff" or "\u3400" <= c <= "\u4dbf"


def is_arabic_letter(c: str) -> bool:
    """A letter of the Arabic block (the Uyghur alphabet's and the rest), not a digit, mark or tatweel."""
    return "\u0600" <= c <= "\u06ff" and unicodedata.category(c) == "Lo"


def folded(text: str) -> str:
    """`text` NFKC-folded (presentation forms → letters, Arabic-Indic digits stay), without the
    tatweel or format characters (ZWNJ, ZWJ, bidirectional marks), spaces collapsed and trimmed."""
    text = "".join(c for c in unicodedata.normalize("NFKC", text)
                   if c != _TATWEEL and unicodedata.category(c) != "Cf")
    return re.sub(r"\s+", " ", text).strip()


def han_share(text: str) -> float:
    """The share of Han characters among the letters of `text` (1.0 when it has no letter: nothing
    says it is in another script)."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 1.0
    return sum(1 for c in letters if is_han(c)) / len(letters)
