"""Scheduled posts and the stop switch (issue 20): a post planned for later goes out then (it is
in the database: a restarted worker sends it), never before; a freeze (暂停发布) by the
joint-meeting office holds every scheduled and automatic release of the city or of a part of the
unit tree, and after it is lifted each post goes out once."""
import datetime as dt

import pytest

from services.publishing.models import PlatformPost, ReleaseFreeze, Unit
from tests.conftest import audit_trail, auth
from tests.publishing.autopublish_kit import approved, detail, later, running_platform, worker_runs
from tests.publishing.conftest import JOINT, LEADER, OPERATOR
from tests.system import migrated_app, settings_for

ADMIN = auth(1, "/1/", "admin", person=40)
SUPERVISION = auth(2, "/1/2/", "supervision", person=31)


@pytest.fixture
def fake(monkeypatch, app):
    with app.app_context():
        for id, name, parent, path in ((1, "南昌市", None, "/1/"), (3, "东湖区", 1, "/1/3/"), (4, "东湖区教育局", 3, "/1/3/4/"),
                                       (5, "西湖区", 1, "/1/5/")):
            Unit.create(id=id, name=name, kind="unit", parent_id=parent, path=path, revision=1)
    with running_platform(monkeypatch, app) as fake:
        yield fake


def beijing(at: dt.datetime) -> str:
    return at.replace(tzinfo=dt.timezone.utc).astimezone(dt.timezone(dt.timedelta(hours=8))).isoformat()


def freeze(client, headers=JOINT, **body):
    return client.post("/api/release-freezes", json=body, headers=headers)


def test_a_scheduled_post_waits_for_its_time_and_a_restarted_worker_sends_it_then(client, fake, monkeypatch, tmp_path):
    planned = later(120).replace(second=0, microsecond=0)
    d = approved(client, planned_at=beijing(planned))
    assert worker_runs(client) == 0 and worker_runs(client, at=later(119), monkeypatch=monkeypatch) == 0
    assert fake.calls == []  # not a minute early
    [sina] = detail(client, d["id"])["platform_posts"]
    assert sina["status"] == "waiting" and sina["not_before"] == beijing(planned)
    page = client.application.test_client().get(f"/api/drafts/{d['id']}", headers=OPERATOR)
    assert page.json["planned_at"] == beijing(planned)
    # the worker restarts: a new process on the same database knows the post and its time
    restarted = migrated_app("publishing", settings_for("publishing", f"sqlite:///{tmp_path / 'publishing.db'}"))
    assert worker_runs(restarted.test_client(), at=planned + dt.timedelta(seconds=30), monkeypatch=monkeypatch) == 1
    assert worker_runs(restarted.test_client(), at=planned + dt.timedelta(minutes=5), monkeypatch=monkeypatch) == 0
    assert len(fake.posts) == 1 and fake.sent() == 1


def test_a_post_planned_for_a_time_already_past_goes_out_at_once(client, fake):
    approved(client, planned_at=beijing(later(-30)))
    assert worker_runs(client) == 1 and len(fake.posts) == 1


def test_a_freeze_stops_a_scheduled_post_and_after_it_is_lifted_the_post_goes_out_once(client, fake, monkeypatch):
    planned = later(60)
    d = approved(client, planned_at=beijing(planned))
    r = freeze(client, reason="全国哀悼日，暂停发布")
    assert r.status_code == 201 and r.json["scope_name"] == "全市" and r.json["active"] is True
    assert worker_runs(client, at=planned + dt.timedelta(minutes=1), monkeypatch=monkeypatch) == 0
    assert worker_runs(client, at=planned + dt.timedelta(hours=5), monkeypatch=monkeypatch) == 0 and fake.calls == []
    got = detail(client, d["id"])
    assert got["release_frozen"]["reason"] == "全国哀悼日，暂停发布"
    assert got["platform_posts"][0]["frozen"] is True and got["platform_posts"][0]["status_name"] == "暂停发布"
    lifted = client.post(f"/api/release-freezes/{r.json['id']}/lift", headers=JOINT)
    assert lifted.status_code == 200 and lifted.json["active"] is False and lifted.json["lifted_by"]
    assert worker_runs(client, at=planned + dt.timedelta(hours=6), monkeypatch=monkeypatch) == 1
    assert worker_runs(client, at=planned + dt.timedelta(hours=7), monkeypatch=monkeypatch) == 0
    assert len(fake.posts) == 1 and fake.sent() == 1
    assert detail(client, d["id"])["release_frozen"] is None
    actions = [row["action"] for row in audit_trail(client, JOINT, subject_type="release_freeze")]
    assert actions == ["release_freeze.lift", "release_freeze.freeze"]


def test_a_freeze_of_a_part_of_the_tree_holds_only_the_units_below_it(client, fake):
    approved(client)  # of 东湖区教育局 (/1/3/4/)
    assert freeze(client, unit_id=5, reason="西湖区突发事件").status_code == 201
    assert worker_runs(client) == 1  # another district's freeze: not this one
    approved(client, text="东湖区今日开展垃圾分类宣传活动，欢迎市民参加。")
    assert freeze(client, unit_id=3, reason="东湖区突发事件").status_code == 201
    assert worker_runs(client) == 0
    with client.application.app_context():
        assert PlatformPost.select().where(PlatformPost.status == "waiting").count() == 1


def test_only_the_joint_meeting_office_and_the_admin_freeze_and_lift(client, fake):
    for who in (OPERATOR, LEADER, SUPERVISION):
        assert freeze(client, who, reason="试图暂停").status_code == 403
    assert client.get("/api/release-freezes", headers=OPERATOR).status_code == 403
    r = freeze(client, ADMIN, unit_id=3, reason="东湖区突发事件")
    assert r.status_code == 201 and r.json["scope_name"] == "东湖区及下级单位"
    assert client.post(f"/api/release-freezes/{r.json['id']}/lift", headers=OPERATOR).status_code == 403
    listed = client.get("/api/release-freezes", query_string={"active": "true"}, headers=SUPERVISION)
    assert listed.status_code == 200 and [f["id"] for f in listed.json] == [r.json["id"]]
    assert client.post(f"/api/release-freezes/{r.json['id']}/lift", headers=JOINT).status_code == 200
    assert client.get("/api/release-freezes", query_string={"active": "true"}, headers=JOINT).json == []
    assert len(client.get("/api/release-freezes", query_string={"active": "false"}, headers=JOINT).json) == 1


@pytest.mark.parametrize("body, field", [({}, "reason"), ({"reason": " "}, "reason"), ({"reason": "x" * 201}, "reason"),
                                         ({"reason": "突发事件", "unit_id": 999}, "unit_id"),
                                         ({"reason": "突发事件", "unit_id": "东湖区"}, "unit_id"),
                                         ({"reason": "突发事件", "unit_id": 0}, "unit_id")])
def test_bad_input_names_its_field_and_freezes_nothing(client, fake, body, field):
    r = freeze(client, **body)
    assert r.status_code == 422 and field in r.json["errors"], r.json
    with client.application.app_context():
        assert ReleaseFreeze.select().count() == 0


def test_a_scope_is_frozen_once_and_lifted_once(client, fake):
    first = freeze(client, reason="哀悼日")
    again = freeze(client, reason="哀悼日")
    assert again.status_code == 409 and "已暂停发布" in again.json["detail"]
    assert client.post(f"/api/release-freezes/{first.json['id']}/lift", headers=JOINT).status_code == 200
    r = client.post(f"/api/release-freezes/{first.json['id']}/lift", headers=JOINT)
    assert r.status_code == 409 and "已经解除" in r.json["detail"]
    assert client.post("/api/release-freezes/9999/lift", headers=JOINT).status_code == 404
    assert freeze(client, reason="哀悼日").status_code == 201  # lifted: the city may be frozen again
