"""Issue 17, reminders: each service announces once what is near its deadline (govmb/reminders.py);
here the inquiry service's (the 24-hour reply, the working-day deadlines), the publishing
service's (a directive's forwarding deadline) and assessment's (dormant accounts, fix deadlines,
duty shifts), each run twice as a restart or a second replica would."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from govmb.account_copy import apply_account_snapshot
from govmb.config import ReminderOptions
from govmb.timefmt import beijing_today, utcnow
from services.assessment import reminders as assessment_reminders
from services.assessment.models import Account as AssessmentAccount
from services.assessment.models import DutyShift, Inspection, LastPost
from services.assessment.models import bus as assessment_bus
from services.inquiry import reminders as inquiry_reminders
from services.inquiry.models import Message
from services.inquiry.models import bus as inquiry_bus
from services.publishing import reminders as publishing_reminders
from services.publishing.models import Account as PublishingAccount
from services.publishing.models import bus as publishing_bus
from tests.assessment.conftest import seeded_app
from tests.inquiry.conftest import app, client, message  # noqa: F401 (fixtures)
from tests.publishing.conftest import JOINT, OPERATOR, account, act, draft
from tests.publishing.test_checks_and_events import release
from tests.system import migrated_app, settings_for


def reminders_in(bus) -> list[dict]:
    return [json.loads(r.body) for r in bus.Outbox.select().where(bus.Outbox.event_type.endswith(".reminder.due"))
            .order_by(bus.Outbox.id)]


def options(monkeypatch, **changes):
    chosen = ReminderOptions(**changes)
    monkeypatch.setattr("govmb.reminders.settings", lambda: chosen)


def test_the_24_hour_reply_is_reminded_once_hours_before_it_passes(app, client, monkeypatch):  # noqa: F811
    first = message(client).json
    with app.app_context():
        assert inquiry_reminders.send_due() == 0  # due in 24 hours: not yet (4 hours before)
        options(monkeypatch, reply_hours=25)
        assert inquiry_reminders.send_due() == 1
        assert inquiry_reminders.send_due() == 0  # the next run, a restart, another replica: said already
        said = reminders_in(inquiry_bus)
    assert len(said) == 1 and said[0]["kind"] == "reply_due" and said[0]["link_id"] == first["id"]
    assert said[0]["unit_id"] == 4 and set(said[0]["roles"]) == {"operator", "responsible_office"}
    assert said[0]["key"] == f"inquiry:reply_due:{first['id']}:4"
    assert said[0]["title"] == f"留言 {first['id']} 须在 24 小时内回复网民"  # never the citizen's words: they leave


def test_a_transferred_message_is_reminded_to_the_unit_that_has_it_now(app, client, monkeypatch):  # noqa: F811
    first = message(client).json
    options(monkeypatch, reply_hours=25)
    with app.app_context():
        assert inquiry_reminders.send_due() == 1
        Message.update(unit_id=5, unit_path="/1/5/").where(Message.id == first["id"]).execute()  # transferred
        assert inquiry_reminders.send_due() == 1 and inquiry_reminders.send_due() == 0
        said = reminders_in(inquiry_bus)
    assert [s["unit_id"] for s in said] == [4, 5]


def test_a_replied_message_is_reminded_of_its_feedback_on_the_deadlines_morning(app, client, monkeypatch):  # noqa: F811
    first = message(client).json
    with app.app_context():
        Message.update(status="replied", due_at=utcnow() + dt.timedelta(hours=10)).where(
            Message.id == first["id"]).execute()  # its last day, after 08:00 Beijing (16 hours before 24:00)
        options(monkeypatch, reply_hours=25, morning_hour=8)
        assert inquiry_reminders.send_due() == 1
        said = reminders_in(inquiry_bus)
    assert [s["kind"] for s in said] == ["feedback_due"]


@pytest.fixture
def assessment(tmp_path):
    return seeded_app(f"sqlite:///{tmp_path / 'a.db'}")


def test_a_quiet_account_an_inspections_fix_and_a_shift_are_each_reminded_once(assessment, monkeypatch):
    today = beijing_today()
    monkeypatch.setattr(assessment_reminders, "narrative_reports", lambda: [])  # near a quarter's deadline (own test)
    with assessment.app_context():
        LastPost.create(account_id=1, day=str(today - dt.timedelta(days=11)))  # quiet for 11 days
        LastPost.create(account_id=2, day=str(today - dt.timedelta(days=2)))
        AssessmentAccount.update(status="closed").where(AssessmentAccount.id == 3).execute()
        Inspection.create(unit_id=4, unit_path="/1/3/4/", inspected_on=today, checked="账号", found="未回复",
                          required="一周内整改", fix_by=today + dt.timedelta(days=1), recorded_by="督查")
        DutyShift.create(unit_id=4, unit_path="/1/3/4/", starts_at=utcnow() + dt.timedelta(hours=3),
                         ends_at=utcnow() + dt.timedelta(hours=11), person_name="马丽", phone="13800000000",
                         entered_by="马丽")
        assert assessment_reminders.send_due() == 3
        assert assessment_reminders.send_due() == 0
        said = {s["kind"]: s for s in reminders_in(assessment_bus)}
        assert set(said) == {"dormant", "fix_due", "shift"}
        assert said["dormant"]["link_id"] == 1 and said["shift"]["person_name"] == "马丽"
        LastPost.update(day=str(today - dt.timedelta(days=10))).where(LastPost.account_id == 1).execute()
        assert assessment_reminders.send_due() == 1  # a new post, a new silence: reminded again


def test_a_directive_near_its_deadline_reminds_the_units_not_yet_forwarded(tmp_path):
    papp = migrated_app("publishing", settings_for("publishing", f"sqlite:///{tmp_path / 'p.db'}"))
    with papp.app_context():
        handle = apply_account_snapshot(PublishingAccount)
        for snapshot in (account(1), account(3, 5, "/1/5/"), account(4, category="policy")):
            handle(snapshot, None)
    pclient = papp.test_client()
    lead = release(pclient, draft(pclient, account_id=4, text="关于近期网传信息的权威发布。").json["id"])
    soon = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=1)).isoformat()
    r = pclient.post("/api/directives", json={"title": "转发权威发布", "lead_draft_id": lead["id"], "due_at": soon},
                    headers=JOINT)
    assert r.status_code == 201
    r = pclient.post(f"/api/directives/{r.json['id']}/forwards", json={"account_id": 1, "url": "https://weibo.com/f/1"},
                    headers=OPERATOR)
    assert r.status_code in (200, 201), r.json
    with papp.app_context():
        assert publishing_reminders.send_due() == 1  # account 3's unit: account 1 has forwarded
        assert publishing_reminders.send_due() == 0
        said = reminders_in(publishing_bus)
    assert said[0]["unit_id"] == 5 and said[0]["kind"] == "directive_due" and "转发权威发布" in said[0]["title"]
    assert "还有 1 个账号未转发" in said[0]["title"] and said[0]["key"].endswith(":5")  # one a unit


def test_an_emergency_post_waiting_in_review_reminds_its_reviewers_urgently(tmp_path):
    papp = migrated_app("publishing", settings_for("publishing", f"sqlite:///{tmp_path / 'p.db'}"))
    with papp.app_context():
        apply_account_snapshot(PublishingAccount)(account(1), None)
    pclient = papp.test_client()
    event = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=90)).isoformat()  # 30 minutes left
    created = draft(pclient, info_type="emergency", event_at=event, text="今天上午某路段发生交通事故，交警已到场处置。")
    assert created.status_code == 201, created.json
    assert act(pclient, created.json["id"], "submit", OPERATOR).status_code == 200
    with papp.app_context():
        assert publishing_reminders.send_due() == 1 and publishing_reminders.send_due() == 0
        said = reminders_in(publishing_bus)
    assert said[0]["kind"] == "emergency_due" and said[0]["urgent"] and said[0]["roles"] == ["responsible_office"]
    assert said[0]["link_kind"] == "draft" and said[0]["link_id"] == created.json["id"]
