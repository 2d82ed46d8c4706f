"""The office's corrections (错别字 and 规范表述) and its list of leaders, and each process's
matchers for them (`wording.Wording`), rebuilt when either list changes (`wording_version`).
Every entry written or deleted goes out (`publishing.correction.changed`, `publishing.leader.changed`)
in the same transaction, its revision the lists' version (the copies of the services that check
texts leaving them)."""
from __future__ import annotations

import threading

from govmb.domain import Invalid
from govmb.identity import Identity
from govmb.messages import N_, said
from govmb.textchecks.corrections import KINDS, Corrections
from govmb.textchecks.precedence import Leaders
from govmb.textchecks.wording import Wording
from govmb.textnorm import word
from services.publishing.models import Correction, Leader, WordingVersion, audit, bus, db

_lock = threading.Lock()
_cached: tuple[tuple[str, int], Wording] | None = None  # (the database, its lists' version), the matchers


def version() -> int:
    row = WordingVersion.get_or_none(WordingVersion.id == 1)
    return row.version if row else 0


def current() -> Wording:
    """The matchers for the lists as they stand (one small query to know whether they changed)."""
    global _cached
    key = (str(db.obj.database), version())  # as lexicon.current: a version numbers one database's lists
    with _lock:
        if _cached is None or _cached[0] != key:
            corrections = Correction.select(Correction.wrong, Correction.right, Correction.kind).tuples()
            leaders = (Leader.select(Leader.name, Leader.title, Leader.rank).where(Leader.active).tuples())
            _cached = (key, Wording(Corrections(corrections), Leaders(leaders)))
        return _cached[1]


def _bump() -> None:
    (WordingVersion.insert(id=1, version=1)
     .on_conflict(conflict_target=[WordingVersion.id], update={WordingVersion.version: WordingVersion.version + 1})
     .execute())


def correction_event(row: Correction, deleted: bool = False, revision: int | None = None) -> dict:
    return {"id": row.id, "wrong": row.wrong, "right": row.right, "kind": row.kind, "deleted": deleted,
            "revision": revision or row.revision}


def leader_event(row: Leader, deleted: bool = False, revision: int | None = None) -> dict:
    return {"id": row.id, "name": row.name, "title": row.title, "rank": row.rank, "active": row.active,
            "deleted": deleted, "revision": revision or row.revision}


EVENTS = {Correction: ("publishing.correction.changed", correction_event),
          Leader: ("publishing.leader.changed", leader_event)}


def _written(model, v: int) -> None:
    """The rows of this change (written at version `v`) go out, each as its event."""
    event_type, event = EVENTS[model]
    for row in model.select().where(model.revision == v).order_by(model.id):
        bus.emit(event_type, event(row))


def add_corrections(entries: list[dict], who: Identity | None = None) -> int:
    """Add or update corrections (by their wrong form); the number written."""
    _refuse_circles(entries)
    with db.atomic():
        _bump()
        rev = version()
        for e in entries:
            values = {"right": e["right"].strip(), "kind": e["kind"], "note": e.get("note", "").strip(),
                      "source": e.get("source", "").strip(), "revision": rev}
            (Correction.insert(wrong=e["wrong"].strip(), **values)
             .on_conflict(conflict_target=[Correction.wrong],
                          update={getattr(Correction, k): v for k, v in values.items()})
             .execute())
        _written(Correction, rev)
        audit.record(who, "correction.write", "corrections", version(), "/", N_("{n} 条：").format(n=len(entries)) + "、".join(
            f"{e['wrong'].strip()}→{e['right'].strip()}（{KINDS[e['kind']]}）" for e in entries), "错别字与规范表述")
    return len(entries)


def _refuse_circles(entries: list[dict]) -> None:
    """A right form that is another entry's wrong form would have the checks send a writer round
    in a circle (A → B, B → A): refused, naming the entry."""
    wrong = {word(e["wrong"]): i for i, e in enumerate(entries)}
    for i, e in enumerate(entries):
        right = word(e["right"])
        if right in wrong or Correction.select().where(Correction.wrong == e["right"].strip()).exists():
            raise Invalid({"entries": {str(i): {"right": [said("“{right}”本身是一个错误写法", right=e['right'].strip())]}}})


def remove_correction(entry_id: int, who: Identity | None = None) -> bool:
    return _remove(Correction, entry_id, who, "correction", lambda e: (
        e.wrong, f"{e.wrong}→{e.right}（{KINDS.get(e.kind, e.kind)}）"))


def add_leaders(entries: list[dict], who: Identity | None = None) -> int:
    """Add or update leaders (by name and title); the number written."""
    with db.atomic():
        _bump()
        rev = version()
        for e in entries:
            values = {"unit_name": e.get("unit_name", "").strip(), "rank": e["rank"], "active": e.get("active", True),
                      "revision": rev}
            (Leader.insert(name=e["name"].strip(), title=e["title"].strip(), **values)
             .on_conflict(conflict_target=[Leader.name, Leader.title],
                          update={getattr(Leader, k): v for k, v in values.items()})
             .execute())
        _written(Leader, rev)
        audit.record(who, "leader.write", "leaders", version(), "/", N_("{n} 位：").format(n=len(entries)) + "、".join(
            (N_("{name}（{title}，第 {rank} 位）") if e.get('active', True) else N_("{name}（{title}，第 {rank} 位，停用）"))
            .format(name=e['name'].strip(), title=e['title'].strip(), rank=e['rank']) for e in entries), "领导名单")
    return len(entries)


def remove_leader(leader_id: int, who: Identity | None = None) -> bool:
    return _remove(Leader, leader_id, who, "leader", lambda e: (e.name, N_("{title}，{unit}，第 {rank} 位").format(title=e.title, unit=e.unit_name, rank=e.rank)))


def _remove(model, row_id: int, who: Identity | None, subject: str, described) -> bool:
    """Delete one row of a list and record it (`<subject>.delete`: its name and what it said)."""
    with db.atomic():
        row = model.get_or_none(model.id == row_id)
        if row is None:
            return False
        model.delete().where(model.id == row_id).execute()
        _bump()
        event_type, event = EVENTS[model]
        bus.emit(event_type, event(row, deleted=True, revision=version()))
        name, detail = described(row)
        audit.record(who, f"{subject}.delete", subject, row_id, "/", detail, name)
    return True
