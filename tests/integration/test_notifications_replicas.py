"""Issue 17's "exactly once each, across restarts and replicas", on the real PostgreSQL and
RabbitMQ: two replicas of a reminding job announce each reminder once; two replicas of the
registry's delivery job send each delivery once; a reminder goes from the inquiry worker over
RabbitMQ to the registry's consumer and becomes the notification of the people it names."""
import threading

import pytest

from govmb.account_copy import apply_account_snapshot
from govmb.config import NotifyOptions, ReminderOptions
from govmb.timefmt import utcnow
from services.inquiry import reminders as inquiry_reminders
from services.inquiry.models import Account as InquiryAccount
from services.inquiry.models import bus as inquiry_bus
from services.inquiry.models import db as inquiry_db
from services.registry import delivery, notifications, service
from services.registry.models import Delivery, Notification, Person
from services.registry.models import db as registry_db
from services.registry.people import hash_password
from tests.conftest import wait_for
from tests.inquiry.conftest import message
from tests.publishing.conftest import account
from tests.receivers import RobotServer
from tests.system import migrated_app, settings_for

pytestmark = pytest.mark.integration


def together(db, job, replicas: int = 2) -> list:
    """`job` run by `replicas` threads at once, each on its own connection; what each returned."""
    results, start = [], threading.Barrier(replicas)

    def replica():
        with db.connection_context():
            start.wait()
            results.append(job())
    threads = [threading.Thread(target=replica) for _ in range(replicas)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def reminder(unit_id: int, n: int) -> dict:
    return {"key": f"inquiry:reply_due:{n}:", "kind": "reply_due", "unit_id": unit_id, "roles": ["operator"],
            "title": f"留言 {n} 须在 24 小时内回复网民", "due_at": None, "link_kind": "message", "link_id": n,
            "person_name": "", "urgent": False}


def test_two_replicas_of_the_reminder_job_announce_each_reminder_once(pg_url, monkeypatch):
    app = migrated_app("inquiry", settings_for("inquiry", pg_url))
    with app.app_context():
        apply_account_snapshot(InquiryAccount)(account(1, 4, "/1/3/4/"), None)
    client = app.test_client()
    for i in range(30):
        assert message(client, text=f"第 {i} 条：路灯坏了，请维修。").status_code == 201
    monkeypatch.setattr("govmb.reminders.settings", lambda: ReminderOptions(reply_hours=25))
    said = together(inquiry_db, inquiry_reminders.send_due)
    assert sum(said) == 30, said  # between them, each once
    with inquiry_db.connection_context():
        keys = [r.body for r in inquiry_bus.Outbox.select().where(inquiry_bus.Outbox.event_type == "inquiry.reminder.due")]
        assert len(keys) == 30 and inquiry_reminders.send_due() == 0


def _registry_city(pg_url, robot_host):
    app = migrated_app("registry", settings_for("registry", pg_url))
    with app.app_context():
        city = service.create_unit("南昌市", "region", None)
        dept = service.create_unit("南昌市教育局", "department", city.id)
        person = Person.create(unit=dept, name="马丽", username="mali", password_hash=hash_password("correct-horse-1"),
                               roles="operator")
        notifications.set_preferences(person, {"webhook_kind": "wecom", "webhook_on": True, "quiet_from": "00:00",
                                               "quiet_to": "00:00", "webhook_url":
                                               f"http://{robot_host}/cgi-bin/webhook/send?key=k"}, False, (robot_host,))
    return app, dept


def test_two_replicas_of_the_delivery_job_send_each_delivery_once(pg_url, monkeypatch):
    with RobotServer() as robot:
        app, dept = _registry_city(pg_url, robot.host)
        with app.app_context(), registry_db.atomic():
            for n in range(40):
                notifications.receive(reminder(dept.id, n))
        monkeypatch.setattr(delivery, "settings", lambda: NotifyOptions(webhook_hosts=(robot.host,)))
        sent = together(registry_db, delivery.deliver_due, replicas=3)
        assert sum(sent) == 40, sent
        titles = [body["text"]["content"] for _, _, body in robot.received]
        assert len(titles) == 40 and len(set(titles)) == 40  # each once, none twice
        with registry_db.connection_context():
            assert {d.state for d in Delivery.select()} == {"sent"} and delivery.deliver_due() == 0


def test_a_reminder_crosses_rabbitmq_from_the_inquiry_worker_to_the_registry(distributed, monkeypatch):
    with registry_db.connection_context():
        city = service.create_unit("南昌市", "region", None)
        dept = service.create_unit("南昌市教育局", "department", city.id)
        Person.create(unit=dept, name="马丽", username="mali", password_hash=hash_password("correct-horse-1"),
                      roles="operator")
    with inquiry_db.connection_context():
        apply_account_snapshot(InquiryAccount)(account(1, dept.id, dept.path), None)
    from tests.conftest import auth
    staff = auth(dept.id, dept.path, "operator", person=1)
    created = message(distributed["inquiry"], headers=staff)
    assert created.status_code == 201, created.json
    monkeypatch.setattr("govmb.reminders.settings", lambda: ReminderOptions(reply_hours=25))
    with inquiry_db.connection_context():
        assert inquiry_reminders.send_due() == 1

    def told():
        with registry_db.connection_context():
            return list(Notification.select().where(Notification.link_id == created.json["id"]))
    found = wait_for(told, timeout=30, message="the notification in the registry")
    assert [n.person.username for n in found] == ["mali"] and found[0].kind == "reply_due"
    assert found[0].created_at <= utcnow()
