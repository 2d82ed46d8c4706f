"""Is a lexicon match a word of the sentence, or characters of two words (危机|密切 holds 机密)?
jieba's segmentation of the text around the match says (issue 16): a match that lies inside one
word (国家机密, 机密文件), or that starts where a word starts (本|文件|属|机密, 机|密件), is the
word; a match that starts inside a word and runs into the next (危机|密切, 手机|密码) is not, and is
at most a warning. Only the start counts: that the word's own last character begins another word
(机|密件) is the way disguised words are written as often as not.

One tokenizer per process, loaded at the first match that needs it (half a second), with the
lexicon's words added at the lowest frequency: known as words, never preferred over the
language's own (so 危机 and 密切 still win over 机密)."""
from __future__ import annotations

import threading

WINDOW = 12  # characters each side of a match that the segmenter reads
_lock = threading.Lock()
_tokenizer = None
_known: set[str] = set()


def _segmenter():
    global _tokenizer
    with _lock:
        if _tokenizer is None:
            import jieba
            jieba.setLogLevel(60)
            tokenizer = jieba.Tokenizer()
            tokenizer.initialize()
            _tokenizer = tokenizer
        return _tokenizer


def learn(words: list[str]) -> None:
    """Add a lexicon's words the segmenter does not know yet (once per lexicon version)."""
    tokenizer = _segmenter()
    with _lock:
        for w in words:
            if w not in _known:
                tokenizer.add_word(w, freq=1)
                _known.add(w)


def _may_straddle(tokenizer, text: str, start: int) -> bool:
    """Is there a word of the dictionary that begins before `start` and ends after it? If not,
    no segmentation puts `start` inside a word, and the segmenter need not run (nine lookups
    instead of a segmentation: most findings are words where they stand)."""
    freq = tokenizer.FREQ
    return any(freq.get(text[i:j]) for i in range(max(0, start - 3), start)
               for j in range(start + 1, min(len(text), start + 3) + 1))


def across_words(text: str, start: int, end: int) -> bool:
    """Does [start, end) of `text` start inside a word of the sentence and run beyond it?"""
    tokenizer = _segmenter()
    if not _may_straddle(tokenizer, text, start):
        return False
    lo, hi = max(0, start - WINDOW), min(len(text), end + WINDOW)
    edges, at = {lo}, lo
    inside_one = False
    for token in tokenizer.cut(text[lo:hi], HMM=False):
        if at <= start and end <= at + len(token):
            inside_one = True
        at += len(token)
        edges.add(at)
    return not inside_one and start not in edges


def cuts_into(text: str, start: int, end: int, at_end: bool = False) -> bool:
    """Is the first character of [start, end) the last of a word of the sentence (or, with
    `at_end`, its last character the first of one)? A wrong form or a name found there is
    characters of other words (东北|朝鲜族 holds 北朝鲜, 按|装箱单 holds 按装), not the form itself.
    A word that takes more of it (要从严|冶党) does not count: the form is written there, and the
    segmenter, which knows no wrong form and no name, is only guessing at it."""
    tokenizer = _segmenter()
    points = [p for p in ((start, end) if at_end else (start,)) if 0 < p < len(text)
              and _may_straddle(tokenizer, text, p)]
    if not points:
        return False
    lo, hi = max(0, start - WINDOW), min(len(text), end + WINDOW)
    at = lo
    for token in tokenizer.cut(text[lo:hi], HMM=False):
        if (at < start and at + len(token) == start + 1) or (at_end and at == end - 1 and at + len(token) > end):
            return True
        at += len(token)
    return False
