"""The office's lexicon, and each process's matcher for it, rebuilt when the lexicon changes."""
from __future__ import annotations

import threading

from services.publishing.checks import Lexicon
from services.publishing.models import LexiconEntry, LexiconVersion, db

_lock = threading.Lock()
_cached: tuple[int, Lexicon] | None = None


def version() -> int:
    row = LexiconVersion.get_or_none(LexiconVersion.id == 1)
    return row.version if row else 0


def current() -> Lexicon:
    """The matcher for the lexicon as it stands (one small query to know whether it changed)."""
    global _cached
    v = version()
    with _lock:
        if _cached is None or _cached[0] != v:
            entries = LexiconEntry.select(LexiconEntry.word, LexiconEntry.category, LexiconEntry.severity).tuples()
            _cached = (v, Lexicon(entries))
        return _cached[1]


def _bump() -> None:
    (LexiconVersion.insert(id=1, version=1)
     .on_conflict(conflict_target=[LexiconVersion.id], update={LexiconVersion.version: LexiconVersion.version + 1})
     .execute())


def add(entries: list[dict]) -> int:
    """Add or update words; the number written."""
    with db.atomic():
        for e in entries:
            (LexiconEntry.insert(word=e["word"].strip(), category=e["category"], severity=e["severity"],
                                 note=e.get("note", ""))
             .on_conflict(conflict_target=[LexiconEntry.word],
                          update={LexiconEntry.category: e["category"], LexiconEntry.severity: e["severity"],
                                  LexiconEntry.note: e.get("note", "")})
             .execute())
        _bump()
    return len(entries)


def remove(entry_id: int) -> bool:
    with db.atomic():
        gone = LexiconEntry.delete().where(LexiconEntry.id == entry_id).execute()
        _bump()
    return bool(gone)
