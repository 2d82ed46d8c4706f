"""The managing unit (管理部门, X6) in publishing's copy of the accounts: its staff write, review and
release the account's posts beside the certified unit's staff, see them in their lists and to-do,
and lose them when the registry names another managing unit; the copy learns the managing unit
through an upgrade by a replay of the same revision."""
import peewee
from playhouse.migrations import Runner

from govmb.account_copy import apply_account_snapshot
from govmb.db import open_database
from services.publishing.models import Account, Draft, ProofreadingSetting, now
from tests.conftest import auth
from tests.publishing.conftest import JOINT, OPERATOR, OTHER_LEADER, account, act, draft
from tests.publishing.test_directives import SOON, lead_post
from tests.system import spec_of

CENTRE, CENTRE_PATH = 6, "/1/3/6/"  # 东湖区融媒体中心: manages account 1 of unit 4 (/1/3/4/)
CENTRE_OPERATOR = auth(CENTRE, CENTRE_PATH, "operator", person=61)
CENTRE_OFFICE = auth(CENTRE, CENTRE_PATH, "responsible_office", person=62)
CENTRE_LEADER = auth(CENTRE, CENTRE_PATH, "leader", person=63)


def managed(revision=2, managing=(CENTRE, CENTRE_PATH)):
    return {**account(1), "managing_unit_id": managing[0], "managing_unit_path": managing[1], "revision": revision}


def test_the_managing_units_staff_write_review_and_release_the_accounts_posts(app, client):
    with app.app_context():
        apply_account_snapshot(Account)(managed(), None)
    assert [a["id"] for a in client.get("/api/accounts", headers=CENTRE_OPERATOR).json] == [1]
    # the pages' account pickers: the accounts the caller's unit runs, its own and those it manages
    assert [a["id"] for a in client.get("/api/accounts?runs=true", headers=CENTRE_OPERATOR).json] == [1]
    assert [a["id"] for a in client.get("/api/accounts?runs=true", headers=OPERATOR).json] == [1, 2, 4]
    assert client.get("/api/accounts?runs=true", headers=auth(3, "/1/3/", "leader", person=21)).json == []
    d = draft(client, headers=CENTRE_OPERATOR).json
    assert d["unit_id"] == 4 and d["runs"] is True  # the post is the certified unit's, whoever wrote it
    assert client.get(f"/api/drafts/{d['id']}", headers=auth(3, "/1/3/", "leader", person=21)).json["runs"] is False
    assert act(client, d["id"], "submit", CENTRE_OPERATOR).json["status"] == "submitted"
    queue = client.get("/api/drafts?queue=true", headers=CENTRE_OFFICE).json
    assert [q["id"] for q in queue] == [d["id"]]
    todo = client.get("/api/todo", headers=CENTRE_OFFICE).json
    assert [k["count"] for k in todo if k["kind"] == "drafts_to_check"] == [1]
    assert act(client, d["id"], "check", CENTRE_OFFICE).json["status"] == "checked"
    assert act(client, d["id"], "approve", CENTRE_LEADER).json["status"] == "approved"
    for platform in ("sina", "xinhua"):
        r = act(client, d["id"], "record_publication", CENTRE_OPERATOR, platform=platform,
                url=f"https://{platform}.example.cn/1/a")
    assert r.json["status"] == "released"
    # the certified unit sees it as its own; another unit sees nothing
    assert [x["id"] for x in client.get("/api/drafts", headers=OPERATOR).json] == [d["id"]]
    assert client.get(f"/api/drafts/{d['id']}", headers=OTHER_LEADER).status_code == 404


def test_the_managing_unit_runs_only_what_it_manages_and_only_while_it_does(app, client):
    with app.app_context():
        apply_account_snapshot(Account)(managed(), None)
    assert draft(client, headers=CENTRE_OPERATOR, account_id=4).status_code == 422  # not managed by it
    d = draft(client).json  # written by the certified unit
    assert client.get(f"/api/drafts/{d['id']}", headers=CENTRE_OPERATOR).status_code == 200
    with app.app_context():  # the registry names no managing unit any more (a filed change)
        apply_account_snapshot(Account)(managed(revision=3, managing=(None, None)), None)
    assert client.get(f"/api/drafts/{d['id']}", headers=CENTRE_OPERATOR).status_code == 404
    assert client.get("/api/drafts", headers=CENTRE_OPERATOR).json == []
    r = draft(client, headers=CENTRE_OPERATOR)
    assert r.status_code == 422 and "account_id" in r.json["errors"]
    assert act(client, d["id"], "submit", CENTRE_OPERATOR).status_code == 404
    assert Draft.select().count() == 1


def test_the_upgrade_lets_a_replay_of_the_same_revision_fill_the_managing_unit(tmp_path):
    db = open_database(f"sqlite:///{tmp_path / 'p.db'}")
    runner = Runner(db, str(spec_of("publishing").migrations))
    with db.connection_context():
        runner.up(target="0018_reading_marks")
        db.execute_sql("INSERT INTO account (id, unit_id, unit_path, name, kind, status, platforms, team, revision, "
                       "updated_at) VALUES (1, 4, '/1/3/4/', '账号1', 'institutional', 'active', '[]', '[]', 5, "
                       "'2026-01-01 00:00:00')")
        assert "0019_account_copy_managing_unit" in runner.up()

        class Copy(peewee.Model):  # the copy as the migrated service reads it
            class Meta:
                database, table_name = db, "account"
        Copy._meta.add_field("id", peewee.IntegerField(primary_key=True))
        for name in [f for f in Account._meta.fields if f != "id"]:
            Copy._meta.add_field(name, Account._meta.fields[name].clone())
        apply_account_snapshot(Copy)(managed(revision=5), None)  # `ops.cli replay registry`: the revision it had
        row = Copy.get_by_id(1)
        assert (row.managing_unit_id, row.managing_unit_path, row.revision) == (CENTRE, CENTRE_PATH, 5)
        apply_account_snapshot(Copy)(managed(revision=4, managing=(None, None)), None)  # an older one: ignored
        assert Copy.get_by_id(1).managing_unit_id == CENTRE


def test_the_managing_units_staff_record_the_accounts_forwards_and_proofread_its_drafts(app, client):
    with app.app_context():
        apply_account_snapshot(Account)(managed(), None)
        ProofreadingSetting.create(unit_id=4, unit_path="/1/3/4/", enabled=True, set_by="x", set_at=now())
    r = client.post("/api/forwards", headers=CENTRE_OPERATOR,
                    json={"account_id": 1, "platform": "sina", "source_account": "南昌发布",
                          "source_url": "https://weibo.com/nanchang/1", "url": "https://weibo.com/donghu/9"})
    assert r.status_code == 201 and r.json["unit_id"] == 4  # the account's, whoever recorded it
    assert [f["id"] for f in client.get("/api/forwards", headers=CENTRE_OFFICE).json] == [r.json["id"]]
    month = r.json["forwarded_at"][:7]
    counted = client.get("/api/forwards/counts", query_string={"month": month}, headers=CENTRE_OFFICE).json
    assert [(c["account_id"], c["forwards"]) for c in counted] == [(1, 1)]
    d = draft(client, headers=CENTRE_OPERATOR).json
    assert act(client, d["id"], "submit", CENTRE_OPERATOR).json["status"] == "proofreading"
    assert act(client, d["id"], "proofread", CENTRE_OFFICE).json["status"] == "submitted"


def test_the_managing_unit_sees_and_answers_a_directive_to_the_account(app, client):
    with app.app_context():
        apply_account_snapshot(Account)(managed(), None)
    lead = lead_post(client)
    d = client.post("/api/directives", json={"title": "转发权威发布", "lead_draft_id": lead["id"], "due_at": SOON},
                    headers=JOINT).json
    assert [x["id"] for x in client.get("/api/directives", headers=CENTRE_OPERATOR).json] == [d["id"]]
    assert [t["account_id"] for t in client.get(f"/api/directives/{d['id']}/targets", headers=CENTRE_OPERATOR).json] == [1]
    r = client.post(f"/api/directives/{d['id']}/forwards", json={"account_id": 1, "url": "https://weibo.com/f/1"},
                    headers=CENTRE_OPERATOR)
    assert r.status_code == 200 and r.json["counts"]["on_time"] == 1
