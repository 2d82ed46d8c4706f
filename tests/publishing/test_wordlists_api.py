"""The office's corrections and leaders over the API (issue 16): the migration seeds the shipped
corrections, the lists page and search, writes are recorded in the trail, bad input is a 422
naming the field and changes nothing, and the drafts' checks follow the lists at once."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from govmb.db import migrate
from services.publishing import wordlists
from services.publishing.models import Correction
from tests.conftest import audit_trail
from tests.publishing.conftest import JOINT, OFFICE, OPERATOR, draft
from tests.system import settings_for, spec_of

SEED = Path(__file__).resolve().parents[2] / "services" / "publishing" / "data" / "corrections.csv"
SUPERVISION = {**JOINT}


def shipped() -> int:
    with SEED.open(encoding="utf-8") as f:
        return sum(1 for _ in csv.DictReader(f))


def leaders(client, *entries, headers=JOINT):
    return client.post("/api/leaders", json={"entries": list(entries)}, headers=headers)


def test_the_migration_seeds_the_shipped_corrections(app, client):
    with app.app_context():
        assert Correction.select().count() == shipped() >= 180
        assert wordlists.version() >= 1
    r = client.get("/api/corrections?q=再接再厉", headers=JOINT)
    assert r.status_code == 200
    assert [(e["wrong"], e["right"], e["kind"]) for e in r.json] == [("再接再励", "再接再厉", "typo")]
    assert "现代汉语词典" in r.json[0]["source"]
    r = client.get("/api/corrections?kind=formulation&page_size=5", headers=JOINT)
    assert len(r.json) == 5 and all(e["kind"] == "formulation" for e in r.json)
    assert '"total": 30' in r.headers["X-Pagination"]


def test_corrections_are_written_recorded_and_checked_at_once(client):
    assert client.post("/api/checks", json={"text": "这件事要做到美伦美奂"}, headers=OPERATOR).json == []
    r = client.post("/api/corrections", json={"entries": [
        {"wrong": "美伦美奂", "right": "美轮美奂", "kind": "typo", "note": "成语", "source": "本办"}]}, headers=JOINT)
    assert r.status_code == 200, r.json
    [hit] = client.post("/api/checks", json={"text": "这件事要做到美伦美奂"}, headers=OPERATOR).json
    assert (hit["check"], hit["severity"], hit["start"], hit["end"]) == ("typo", "warn", 6, 10)
    [row] = audit_trail(client, JOINT, action="correction.write", person_id=30)
    assert (row["subject_id"], row["detail"]) == (str(r.json["version"]), "1 条：美伦美奂→美轮美奂（错别字）")
    entry = client.get("/api/corrections?q=美伦美奂", headers=JOINT).json[0]
    assert client.delete(f"/api/corrections/{entry['id']}", headers=JOINT).status_code == 204
    assert client.post("/api/checks", json={"text": "这件事要做到美伦美奂"}, headers=OPERATOR).json == []
    [row] = audit_trail(client, JOINT, action="correction.delete")
    assert (row["subject_type"], row["subject_name"], row["detail"]) == ("correction", "美伦美奂", "美伦美奂→美轮美奂（错别字）")
    assert client.delete(f"/api/corrections/{entry['id']}", headers=JOINT).status_code == 404


@pytest.mark.parametrize("entry,field", [
    ({"wrong": "", "right": "安装", "kind": "typo"}, "wrong"),
    ({"wrong": "，。", "right": "安装", "kind": "typo"}, "wrong"),
    ({"wrong": "按装x", "right": "", "kind": "typo"}, "right"),
    ({"wrong": "按装x", "right": "安装", "kind": "other"}, "kind"),
    ({"wrong": "按 装", "right": "按装", "kind": "typo"}, "right"),  # the same once spaces go
    ({"wrong": "安装", "right": "按装", "kind": "typo"}, "right"),  # a right form that is a wrong form
    ({"wrong": "x" * 51, "right": "安装", "kind": "typo"}, "wrong"),
    ({"wrong": "按装x", "right": "安装", "kind": "typo", "note": "长" * 201}, "note"),
    ({"right": "安装", "kind": "typo"}, "wrong"),
])
def test_a_bad_correction_is_refused_by_its_field_and_changes_nothing(client, entry, field):
    before = (client.get("/api/corrections?sort=-added", headers=JOINT).json, wordlists_version(client))
    r = client.post("/api/corrections", json={"entries": [entry]}, headers=JOINT)
    assert r.status_code == 422, r.json
    assert field in r.json["errors"]["entries"]["0"], r.json
    assert (client.get("/api/corrections?sort=-added", headers=JOINT).json, wordlists_version(client)) == before
    assert audit_trail(client, JOINT, action="correction.write") == []


def wordlists_version(client) -> int:
    with client.application.app_context():
        return wordlists.version()


def test_leaders_are_written_recorded_and_checked_at_once(client):
    text = "市长韦思齐出席。"
    assert client.post("/api/checks", json={"text": text}, headers=OPERATOR).json == []
    r = leaders(client, {"name": "韦思齐", "title": "副市长", "unit_name": "市政府", "rank": 6},
                {"name": "方志清", "title": "市委副书记、市长", "rank": 2})
    assert r.status_code == 200, r.json
    [hit] = client.post("/api/checks", json={"text": text}, headers=OPERATOR).json
    assert (hit["check"], hit["severity"], hit["start"], hit["end"]) == ("leader_title", "block", 0, 5)
    [hit] = client.post("/api/checks", json={"text": "韦思齐、方志清出席"}, headers=OPERATOR).json
    assert (hit["check"], hit["start"], hit["end"]) == ("leader_order", 4, 7)
    listed = client.get("/api/leaders", headers=JOINT).json
    assert [(x["name"], x["rank"], x["active"]) for x in listed] == [("方志清", 2, True), ("韦思齐", 6, True)]
    [row] = audit_trail(client, JOINT, action="leader.write")
    assert row["detail"] == "2 位：韦思齐（副市长，第 6 位）、方志清（市委副书记、市长，第 2 位）"
    # updated by name and title: no longer active, no longer checked
    assert leaders(client, {"name": "韦思齐", "title": "副市长", "rank": 6, "active": False}).status_code == 200
    assert client.post("/api/checks", json={"text": text}, headers=OPERATOR).json == []
    assert client.get("/api/leaders?active=false", headers=JOINT).json[0]["name"] == "韦思齐"
    leader = client.get("/api/leaders?q=方志清", headers=JOINT).json[0]
    assert client.delete(f"/api/leaders/{leader['id']}", headers=JOINT).status_code == 204
    [row] = audit_trail(client, JOINT, action="leader.delete")
    assert (row["subject_type"], row["subject_name"]) == ("leader", "方志清")


@pytest.mark.parametrize("entry,field", [
    ({"name": "", "title": "副市长", "rank": 1}, "name"),
    ({"name": "张、三", "title": "副市长", "rank": 1}, "name"),
    ({"name": "张三", "title": "、", "rank": 1}, "title"),
    ({"name": "张三", "title": "副市长", "rank": 0}, "rank"),
    ({"name": "张三", "title": "副市长", "rank": "一"}, "rank"),
    ({"name": "张三", "title": "副市长"}, "rank"),
    ({"name": "张" * 21, "title": "副市长", "rank": 1}, "name"),
    ({"name": "张三", "title": "副市长", "rank": 1, "active": "maybe"}, "active"),
])
def test_a_bad_leader_is_refused_by_its_field_and_changes_nothing(client, entry, field):
    r = leaders(client, entry)
    assert r.status_code == 422 and field in r.json["errors"]["entries"]["0"], r.json
    assert client.get("/api/leaders", headers=JOINT).json == []
    assert audit_trail(client, JOINT, action="leader.write") == []


def test_only_the_office_and_the_administrator_write_the_lists(client):
    for headers in (OPERATOR, OFFICE):
        assert client.post("/api/corrections", json={"entries": [{"wrong": "按装x", "right": "安装", "kind": "typo"}]},
                           headers=headers).status_code == 403
        assert leaders(client, {"name": "张三", "title": "副市长", "rank": 1}, headers=headers).status_code == 403
        assert client.get("/api/leaders", headers=headers).status_code == 403


def test_a_draft_with_a_formulation_error_is_not_submitted(client):
    d = draft(client, text="东湖区坚持依法制国，推进基层治理。").json
    r = client.post(f"/api/drafts/{d['id']}/actions/submit", json={}, headers=OPERATOR)
    assert r.status_code == 422 and "依法治国" in str(r.json)
    d = draft(client, text="东湖区大力推进基层治理，再接再励。").json
    r = client.post(f"/api/drafts/{d['id']}/actions/submit", json={}, headers=OPERATOR)
    assert r.status_code == 200 and [f["check"] for f in r.json["findings"]] == ["typo"]


@pytest.mark.integration
def test_the_migration_seeds_the_corrections_on_postgresql(pg_url):
    spec = spec_of("publishing")
    settings = settings_for("publishing", pg_url)
    from govmb.service import ensure_database
    ensure_database(spec, settings)
    migrate(spec.db, spec.migrations, "publishing")
    with spec.db.connection_context():
        assert Correction.select().count() == shipped()
        assert Correction.get(Correction.wrong == "依法制国").kind == "formulation"
        assert wordlists.version() == 1
