"""Inquiry's copy of the office's lists (lexicon, corrections, leaders), kept from publishing's
events, and each process's matchers for it (issue 16: the same checks on every text that leaves).
Publishing owns the lists; inquiry never reads its database.

An entry is replaced only by a higher revision (the list's version when it was written), a
deleted one kept as a tombstone: a message that comes twice or late changes nothing. Every
change applied raises `WordListsVersion` in the handler's transaction; `current` rebuilds the
matchers when it has moved, as publishing's own do."""
from __future__ import annotations

import threading
import weakref

import peewee

from govmb.bus.message import Delivery
from govmb.textchecks.corrections import Corrections
from govmb.textchecks.lexicon import Lexicon
from govmb.textchecks.outgoing import vet
from govmb.textchecks.precedence import Leaders
from govmb.textchecks.wording import Wording
from services.inquiry.models import CorrectionCopy, LeaderCopy, LexiconCopy, WordListsVersion, db

_lock = threading.Lock()
_cached: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # database → (version, lexicon, wording)


def _copy(model: type[peewee.Model], fields: tuple[str, ...]):
    def handle(payload: dict, _delivery: Delivery | None) -> None:
        seen = model.select(model.revision).where(model.id == payload["id"]).scalar()
        if seen is not None and seen >= payload["revision"]:
            return  # this revision or a newer one is here already
        values = {name: payload[name] for name in (*fields, "deleted", "revision")}
        (model.insert(id=payload["id"], **values)
         .on_conflict(conflict_target=[model.id], update=values,
                      where=(model.revision < peewee.EXCLUDED.revision))
         .execute())
        WordListsVersion.bump()
    return handle


HANDLERS = {
    "publishing.lexicon.changed": _copy(LexiconCopy, ("word", "category", "severity")),
    "publishing.correction.changed": _copy(CorrectionCopy, ("wrong", "right", "kind")),
    "publishing.leader.changed": _copy(LeaderCopy, ("name", "title", "rank", "active")),
}


def version() -> int:
    return WordListsVersion.select(WordListsVersion.version).where(WordListsVersion.id == 1).scalar() or 0


def current() -> tuple[Lexicon, Wording]:
    """The matchers for the copy as it stands (one small query to know whether it changed)."""
    v, target = version(), db.obj
    with _lock:
        cached = _cached.get(target)
        if cached is None or cached[0] != v:
            words = (LexiconCopy.select(LexiconCopy.word, LexiconCopy.category, LexiconCopy.severity)
                     .where(~LexiconCopy.deleted).tuples())
            corrections = (CorrectionCopy.select(CorrectionCopy.wrong, CorrectionCopy.right, CorrectionCopy.kind)
                           .where(~CorrectionCopy.deleted).tuples())
            leaders = (LeaderCopy.select(LeaderCopy.name, LeaderCopy.title, LeaderCopy.rank)
                       .where(~LeaderCopy.deleted, LeaderCopy.active).tuples())
            cached = (v, Lexicon(words), Wording(Corrections(corrections), Leaders(leaders)))
            _cached[target] = cached
        return cached[1], cached[2]


def checked(texts: dict[str, str]) -> list[dict]:
    """The shared checks on texts about to leave (field → text): `Invalid` for a `block` finding,
    naming its field, its message and where it is; else the warnings, each with its field."""
    lexicon, wording = current()
    return vet(texts, lexicon, wording)
