"""Publishing tells of every change of the office's lists (issue 16): one event per entry written
or deleted, in the transaction of the change, its revision the list's version (so a new entry
that takes a deleted one's id still comes after it); the shipped corrections told by the
migration that gave the lists their revisions; a refused write tells nothing."""
from __future__ import annotations

import json

from services.publishing import lexicon, wordlists
from services.publishing.models import Correction, bus
from tests.publishing.conftest import JOINT
from tests.publishing.test_wordlists_api import leaders, shipped


def told(event_type: str) -> list[dict]:
    rows = bus.Outbox.select().where(bus.Outbox.event_type == event_type).order_by(bus.Outbox.id)
    return [json.loads(r.body) for r in rows]


def test_the_migration_tells_of_the_shipped_corrections(app):
    with app.app_context():
        sent = told("publishing.correction.changed")
        assert len(sent) == shipped() == Correction.select().count()
        assert {e["revision"] for e in sent} == {wordlists.version()} and not any(e["deleted"] for e in sent)


def test_each_word_written_or_deleted_is_told_with_the_lexicons_version(app, client):
    word = {"word": "机密", "category": "classified", "severity": "block"}
    assert client.post("/api/lexicon", json={"entries": [word, {**word, "word": "内部资料"}]}, headers=JOINT).status_code == 200
    client.post("/api/lexicon", json={"entries": [{**word, "category": "sensitive", "severity": "warn"}]}, headers=JOINT)
    [entry] = [e for e in client.get("/api/lexicon", headers=JOINT).json if e["word"] == "机密"]
    assert client.delete(f"/api/lexicon/{entry['id']}", headers=JOINT).status_code == 204
    with app.app_context():
        sent = [(e["word"], e["category"], e["deleted"], e["revision"]) for e in told("publishing.lexicon.changed")]
        v = lexicon.version()
    assert sorted(sent[-4:-2]) == [("内部资料", "classified", False, v - 2), ("机密", "classified", False, v - 2)]
    assert sent[-2:] == [("机密", "sensitive", False, v - 1), ("机密", "sensitive", True, v)]


def test_leaders_and_corrections_are_told_and_a_refused_write_tells_nothing(app, client):
    with app.app_context():
        before = len(told("publishing.correction.changed"))
    assert leaders(client, {"name": "张三", "title": "副市长", "rank": 2}).status_code == 200
    r = client.post("/api/corrections", json={"entries": [{"wrong": "安装", "right": "按装", "kind": "typo"}]},
                    headers=JOINT)
    assert r.status_code == 422  # 按装 is itself a wrong form of the list
    [leader] = client.get("/api/leaders", headers=JOINT).json
    assert client.delete(f"/api/leaders/{leader['id']}", headers=JOINT).status_code == 204
    with app.app_context():
        assert len(told("publishing.correction.changed")) == before
        sent = [(e["name"], e["rank"], e["active"], e["deleted"]) for e in told("publishing.leader.changed")]
        assert sent == [("张三", 2, True, False), ("张三", 2, True, True)]
        assert told("publishing.leader.changed")[-1]["revision"] == wordlists.version()
