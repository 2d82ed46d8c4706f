"""The office's lexicon, and each process's matcher for it, rebuilt when the lexicon changes.
Every entry written or deleted goes out as `publishing.lexicon.changed` in the same transaction,
its revision the lexicon's version (the copies of the services that check texts leaving them)."""
from __future__ import annotations

import threading

from govmb.identity import Identity
from govmb.messages import N_
from govmb.textchecks.lexicon import Lexicon
from services.publishing.models import LexiconEntry, LexiconVersion, audit, bus, db

_lock = threading.Lock()
_KINDS = {"sensitive": "敏感", "classified": "涉密", "allowed": "允许的短语", "block": "禁止", "warn": "提示"}
_cached: tuple[tuple[str, int], Lexicon] | None = None  # (the database, its lexicon's version), the matcher


def version() -> int:
    row = LexiconVersion.get_or_none(LexiconVersion.id == 1)
    return row.version if row else 0


def current() -> Lexicon:
    """The matcher for the lexicon as it stands (one small query to know whether it changed)."""
    global _cached
    # the version numbers one database's lexicon: a process that has served another database (the
    # tests, one per app) must not take that one's matcher for this one's at the same number
    key = (str(db.obj.database), version())
    with _lock:
        if _cached is None or _cached[0] != key:
            entries = LexiconEntry.select(LexiconEntry.word, LexiconEntry.category, LexiconEntry.severity).tuples()
            _cached = (key, Lexicon(entries))
        return _cached[1]


def _bump() -> None:
    (LexiconVersion.insert(id=1, version=1)
     .on_conflict(conflict_target=[LexiconVersion.id], update={LexiconVersion.version: LexiconVersion.version + 1})
     .execute())


def entry_event(entry: LexiconEntry, deleted: bool = False, revision: int | None = None) -> dict:
    return {"id": entry.id, "word": entry.word, "category": entry.category, "severity": entry.severity,
            "deleted": deleted, "revision": revision or entry.revision}


def add(entries: list[dict], who: Identity | None = None) -> int:
    """Add or update words; the number written. Each goes out with the lexicon's new version."""
    with db.atomic():
        _bump()
        v = version()
        for e in entries:
            (LexiconEntry.insert(word=e["word"].strip(), category=e["category"], severity=e["severity"],
                                 note=e.get("note", ""), revision=v)
             .on_conflict(conflict_target=[LexiconEntry.word],
                          update={LexiconEntry.category: e["category"], LexiconEntry.severity: e["severity"],
                                  LexiconEntry.note: e.get("note", ""), LexiconEntry.revision: v})
             .execute())
        for entry in LexiconEntry.select().where(LexiconEntry.revision == v).order_by(LexiconEntry.id):
            bus.emit("publishing.lexicon.changed", entry_event(entry))
        audit.record(who, "lexicon.write", "lexicon", version(), "/", N_("{n} 个：").format(n=len(entries)) + "、".join(
            f"{e['word'].strip()}（{_kind(e['category'], e['severity'])}）" for e in entries), "词库")
    return len(entries)


def _kind(category: str, severity: str) -> str:
    if category == "allowed":
        return _KINDS[category]
    return f"{_KINDS[category]}、{_KINDS['block' if category == 'classified' else severity]}"


def remove(entry_id: int, who: Identity | None = None) -> bool:
    with db.atomic():
        entry = LexiconEntry.get_or_none(LexiconEntry.id == entry_id)
        if entry is None:
            return False
        LexiconEntry.delete().where(LexiconEntry.id == entry_id).execute()
        _bump()
        bus.emit("publishing.lexicon.changed", entry_event(entry, deleted=True, revision=version()))
        audit.record(who, "lexicon.delete", "lexicon_entry", entry_id, "/",
                     _kind(entry.category, entry.severity) + (f"；{entry.note}" if entry.note else ""), entry.word)
    return True
