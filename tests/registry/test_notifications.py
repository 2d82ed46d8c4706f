"""Issue 17, notifications: a reminder event becomes one notification per person it names (once,
however often it comes), read in the bell; each person's e-mail and IM robot, checked and sealed;
quiet hours; the deliveries sent once each by e-mail (a real SMTP server, aiosmtpd) and by the
robots' documented formats (a real local HTTP server), retried when the server may get over it."""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac

import pytest

from govmb.config import NotifyOptions
from govmb.timefmt import BEIJING, utcnow
from services.registry import delivery, handlers, notifications
from services.registry.models import Delivery, Notification, NotifyPreference, db
from tests.receivers import RobotServer, SmtpServer
from tests.registry.conftest import app, city, client  # noqa: F401 (fixtures)


def reminder(city, key="inquiry:reply_due:7:", **more):  # noqa: F811
    return {"key": key, "kind": "reply_due", "unit_id": city.units["dept"].id,
            "roles": ["operator", "responsible_office"], "title": "留言 7 须在 24 小时内回复网民",
            "due_at": "2026-12-07T02:00:00+00:00", "link_kind": "message", "link_id": 7, "person_name": "",
            "urgent": False, **more}


def receive(app, payload):  # noqa: F811
    with app.app_context(), db.atomic():
        handlers.HANDLERS["inquiry.reminder.due"](payload, None)


def test_a_reminder_tells_the_people_it_names_once_however_often_it_comes(app, city, client):  # noqa: F811
    receive(app, reminder(city))
    receive(app, reminder(city))  # the event delivered twice
    told = {n.person.username for n in Notification.select()}
    assert told == {"dept_operator", "dept_responsible_office"}  # not the leaders, not another unit
    assert Notification.select().count() == 2
    mine = client.get("/api/notifications", headers=city.headers("dept_operator")).json
    assert [(n["title"], n["link"], n["read_at"]) for n in mine] == [("留言 7 须在 24 小时内回复网民", "/inbox/7", None)]
    assert mine[0]["due_at"].startswith("2026-12-07T10:00")  # Beijing
    assert client.get("/api/notifications", headers=city.headers("dept_leader")).json == []


def test_a_shift_reminder_goes_to_the_person_on_duty_by_name(app, city):  # noqa: F811
    receive(app, reminder(city, key="assessment:shift:3:", kind="shift", roles=["operator"],
                          person_name="dept_operator", link_kind="roster", link_id=None))
    assert [n.person.username for n in Notification.select()] == ["dept_operator"]


def test_the_bell_counts_unread_and_each_reads_only_their_own(app, city, client):  # noqa: F811
    receive(app, reminder(city))
    receive(app, reminder(city, key="inquiry:reply_due:8:", link_id=8))
    me, other = city.headers("dept_operator"), city.headers("dept_responsible_office")
    assert client.get("/api/notifications/unread", headers=me).json == {"unread": 2}
    first = client.get("/api/notifications", headers=me).json[0]
    assert client.post(f"/api/notifications/{first['id']}/read", headers=other).status_code == 404
    read = client.post(f"/api/notifications/{first['id']}/read", headers=me)
    assert read.status_code == 200 and read.json["read_at"] and read.json["link"] == "/inbox/8"
    assert client.get("/api/notifications/unread", headers=me).json == {"unread": 1}
    assert client.get("/api/notifications", query_string={"unread": "true"}, headers=me).json[0]["link_id"] == 7
    assert client.post("/api/notifications/read-all", headers=me).json == {"read": 1}
    assert client.get("/api/notifications/unread", headers=other).json == {"unread": 2}


def put(client, city, who="dept_operator", **data):  # noqa: F811
    return client.put("/api/notifications/preferences", json=data, headers=city.headers(who))


@pytest.mark.parametrize("data, field", [
    ({"email": "not-an-address"}, "email"),
    ({"webhook_kind": "wecom", "webhook_url": "https://evil.example.com/cgi-bin/webhook/send?key=1"}, "webhook_url"),
    ({"webhook_kind": "wecom", "webhook_url": "http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=1"}, "webhook_url"),
    ({"webhook_kind": "dingtalk", "webhook_url": "https://169.254.169.254/latest/meta-data"}, "webhook_url"),
    ({"webhook_kind": "feishu", "webhook_url": "https://qyapi.weixin.qq.com/x"}, "webhook_url"),
    # what requests would read as another host than the check: the review's SSRF bypass
    ({"webhook_kind": "wecom", "webhook_url": "https://127.0.0.1:9\\@qyapi.weixin.qq.com/cgi-bin/webhook/send"},
     "webhook_url"),
    ({"webhook_kind": "wecom", "webhook_url": "https://evil.example.com\\@qyapi.weixin.qq.com/x"}, "webhook_url"),
    ({"webhook_kind": "wecom", "webhook_url": "https://user@qyapi.weixin.qq.com/cgi-bin/webhook/send"}, "webhook_url"),
    ({"webhook_kind": "wecom", "webhook_url": "https://qyapi.weixin.qq.com:8443/cgi-bin/webhook/send"}, "webhook_url"),
    ({"webhook_kind": "wecom", "webhook_url": "https://qyapi.weixin.qq.com%2e169.254.169.254/x"}, "webhook_url"),
    ({"email": "a,b@nc.gov.cn"}, "email"),
    ({"email": "张三 <zhangsan@nc.gov.cn>"}, "email"),
    ({"webhook_on": True}, "webhook_on"),
    ({"quiet_from": "25:00"}, "quiet_from"),
    ({"webhook_kind": "slack"}, "webhook_kind"),
])
def test_a_wrong_preference_is_refused_by_its_field_and_changes_nothing(app, city, client, data, field):  # noqa: F811
    r = put(client, city, **data)
    assert r.status_code == 422 and field in str(r.json["errors"]), r.json
    assert NotifyPreference.select().count() == 0


def test_the_address_and_the_robot_are_sealed_and_never_shown_again(app, city, client, monkeypatch):  # noqa: F811
    monkeypatch.setattr("services.registry.api._email_ready", lambda: True)
    url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc-secret-key"
    r = put(client, city, email="zhangsan@nc.gov.cn", email_on=True, webhook_kind="wecom", webhook_url=url,
            webhook_on=True, quiet_from="23:00", quiet_to="06:30")
    assert r.status_code == 200, r.json
    assert "abc-secret-key" not in r.get_data(as_text=True) and "zhangsan@nc.gov.cn" not in r.get_data(as_text=True)
    assert r.json["webhook_set"] and r.json["email"].startswith("z") and r.json["email_on"]
    row = NotifyPreference.get()
    assert "abc-secret-key" not in row.webhook and "zhangsan" not in row.email  # sealed (AES-GCM)
    assert notifications.webhook_of(row)["url"] == url and notifications.email_of(row) == "zhangsan@nc.gov.cn"
    again = client.get("/api/notifications/preferences", headers=city.headers("dept_operator"))
    assert "abc-secret-key" not in again.get_data(as_text=True) and again.json["quiet_to"] == "06:30"


def test_e_mail_cannot_be_turned_on_without_a_mail_server(app, city, client):  # noqa: F811
    r = put(client, city, email="zhangsan@nc.gov.cn", email_on=True)
    assert r.status_code == 422 and "email_on" in r.json["errors"]


def at_beijing(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 12, 6, hour, minute) - dt.timedelta(hours=8)  # naive UTC


@pytest.mark.parametrize("quiet, when, wakes", [
    (("22:00", "07:00"), at_beijing(23), at_beijing(7) + dt.timedelta(days=1)),
    (("22:00", "07:00"), at_beijing(3), at_beijing(7)),
    (("22:00", "07:00"), at_beijing(12), at_beijing(12)),
    (("12:00", "14:00"), at_beijing(13), at_beijing(14)),
    (("00:00", "00:00"), at_beijing(23), at_beijing(23)),
])
def test_quiet_hours_hold_a_delivery_until_they_end(quiet, when, wakes):
    pref = NotifyPreference(quiet_from=quiet[0], quiet_to=quiet[1])
    assert notifications.after_quiet(pref, when) == wakes


@pytest.fixture
def robot(monkeypatch):
    """A group robot's local server, its host listed as WEBHOOK_HOSTS would list it."""
    with RobotServer() as server:
        monkeypatch.setattr(delivery, "settings", lambda: NotifyOptions(webhook_hosts=(server.host,)))
        yield server


def choose(app, city, **data):  # noqa: F811
    with app.app_context():
        notifications.set_preferences(city.people["dept_operator"], data, True, data.pop("hosts", ()))


def test_deliveries_go_once_by_e_mail_and_by_robot_and_not_again(app, city, monkeypatch, robot):  # noqa: F811
    with SmtpServer() as smtp:
        monkeypatch.setattr(delivery, "settings", lambda: NotifyOptions(smtp_host="127.0.0.1", smtp_port=smtp.port,
                                                                        web_url="https://wb.nc.gov.cn",
                                                                        webhook_hosts=(robot.host,)))
        monkeypatch.setattr(notifications, "email_ready", lambda: True)
        choose(app, city, email="caozuo@nc.gov.cn", email_on=True, webhook_kind="wecom", webhook_on=True,
               webhook_url=f"http://{robot.host}/cgi-bin/webhook/send?key=k1", quiet_from="00:00", quiet_to="00:00",
               hosts=(robot.host,))
        receive(app, reminder(city))
        with app.app_context():
            assert delivery.deliver_due() == 2
            assert delivery.deliver_due() == 0  # a second run, a restart, another replica: sent is sent
        assert len(smtp.messages) == 1 and len(robot.received) == 1
        mail = smtp.messages[0]
        assert mail["To"] == "caozuo@nc.gov.cn" and "留言 7" in mail["Subject"]
        assert "https://wb.nc.gov.cn/inbox/7" in mail.get_content() and "2026-12-07 10:00" in mail.get_content()
        path, query, body = robot.received[0]
        assert path == "/cgi-bin/webhook/send" and query == {"key": ["k1"]}
        assert body["msgtype"] == "text" and "留言 7" in body["text"]["content"]  # plain text: no markdown links
        assert {d.state for d in Delivery.select()} == {"sent"}


def test_quiet_hours_hold_the_robot_but_not_an_urgent_reminder(app, city, robot):  # noqa: F811
    local = dt.datetime.now(BEIJING)
    quiet = [f"{(local + dt.timedelta(hours=h)):%H}:00" for h in (-1, 2)]  # now is in them
    choose(app, city, webhook_kind="wecom", webhook_on=True, hosts=(robot.host,),
           webhook_url=f"http://{robot.host}/cgi-bin/webhook/send?key=k1", quiet_from=quiet[0], quiet_to=quiet[1])
    due = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=3)).isoformat()  # after the quiet hours, whenever run
    receive(app, reminder(city, due_at=due))
    receive(app, reminder(city, key="publishing:directive_due:1:", urgent=True, due_at=due))
    with app.app_context():
        assert delivery.deliver_due() == 1  # the urgent one; the other waits for the quiet hours' end
    assert len(robot.received) == 1 and Delivery.select().where(Delivery.state == "pending").count() == 1


@pytest.mark.parametrize("kind, path", [("dingtalk", "/robot/send?access_token=t1"), ("feishu", "/open-apis/bot/v2/hook/h1")])
def test_dingtalk_and_feishu_robots_get_their_formats_signed(app, city, kind, path, robot):  # noqa: F811
    choose(app, city, webhook_kind=kind, webhook_on=True, hosts=(robot.host,), webhook_secret="SEC",
           webhook_url=f"http://{robot.host}{path}", quiet_from="00:00", quiet_to="00:00")
    receive(app, reminder(city))
    with app.app_context():
        assert delivery.deliver_due() == 1
    _, query, body = robot.received[0]
    if kind == "dingtalk":
        stamp, sign = query["timestamp"][0], query["sign"][0]
        expected = base64.b64encode(hmac.new(b"SEC", f"{stamp}\nSEC".encode(), hashlib.sha256).digest()).decode()
        assert sign == expected and body["text"]["content"].startswith("【政务微博】")
    else:
        expected = base64.b64encode(hmac.new(f"{body['timestamp']}\nSEC".encode(), b"", hashlib.sha256).digest())
        assert body["sign"] == expected.decode() and "留言 7" in body["content"]["text"]


def test_a_busy_robot_is_tried_again_later_and_a_refusal_fails_with_its_reason(app, city, robot):  # noqa: F811
    choose(app, city, webhook_kind="wecom", webhook_on=True, hosts=(robot.host,),
           webhook_url=f"http://{robot.host}/cgi-bin/webhook/send?key=k1", quiet_from="00:00", quiet_to="00:00")
    receive(app, reminder(city))
    robot.error = 45009  # 企业微信: too many messages this minute
    with app.app_context():
        assert delivery.deliver_due() == 0
        row = Delivery.get()
        assert row.state == "pending" and row.not_before > utcnow() and "45009" in row.error
        Delivery.update(not_before=utcnow()).execute()
        robot.error = 93000  # an invalid key: no later try helps
        assert delivery.deliver_due() == 0
        assert Delivery.get().state == "failed" and "93000" in Delivery.get().error


def test_a_delivery_left_sending_by_a_dead_worker_is_sent_after_its_lease(app, city, robot):  # noqa: F811
    choose(app, city, webhook_kind="wecom", webhook_on=True, hosts=(robot.host,),
           webhook_url=f"http://{robot.host}/cgi-bin/webhook/send?key=k1", quiet_from="00:00", quiet_to="00:00")
    receive(app, reminder(city))
    with app.app_context():
        Delivery.update(state="sending", claimed_at=utcnow()).execute()  # claimed, then the worker died
        assert delivery.deliver_due() == 0 and robot.received == []  # within the lease: maybe on its way
        Delivery.update(claimed_at=utcnow() - delivery.LEASE - dt.timedelta(seconds=1)).execute()
        assert delivery.deliver_due() == 1 and len(robot.received) == 1


def test_a_key_rotation_reseals_the_addresses_and_robots(app, city, client, tmp_path, monkeypatch):  # noqa: F811
    from govmb import personal
    from ops.cli import main as cli
    from tests.keys import PERSONAL
    from tests.system import beside
    choose(app, city, email="caozuo@nc.gov.cn", webhook_kind="feishu", webhook_url="https://open.feishu.cn/open-apis/bot/v2/hook/x")
    rotated = PERSONAL.rotated()
    (tmp_path / "rotated.keys").write_bytes(rotated.text())
    monkeypatch.setenv("PERSONAL_DATA_KEY_FILE", str(tmp_path / "rotated.keys"))
    monkeypatch.setenv("REGISTRY_DATABASE_URL", app.config["GOVMB_SETTINGS"].database_url)
    beside(monkeypatch, tmp_path, "inquiry", "publishing")
    with personal.using(rotated.retired()):  # not resealed yet: shown as unreadable, never a 500
        r = client.get("/api/notifications/preferences", headers=city.headers("dept_operator"))
        assert r.status_code == 200 and "无法读取" in r.json["email"]
    with personal.using(rotated):
        assert cli(["reseal", "--page", "1"]) == 0
        row = NotifyPreference.get()
        assert {personal.kid_of(row.email), personal.kid_of(row.webhook)} == {rotated.current}
    with personal.using(rotated.retired()):
        assert notifications.email_of(NotifyPreference.get()) == "caozuo@nc.gov.cn"


def test_a_host_struck_from_webhook_hosts_gets_nothing_more(app, city, monkeypatch, robot):  # noqa: F811
    choose(app, city, webhook_kind="wecom", webhook_on=True, hosts=(robot.host,),
           webhook_url=f"http://{robot.host}/cgi-bin/webhook/send?key=k1", quiet_from="00:00", quiet_to="00:00")
    receive(app, reminder(city))
    monkeypatch.setattr(delivery, "settings", lambda: NotifyOptions(webhook_hosts=()))  # the ops team struck it
    with app.app_context():
        assert delivery.deliver_due() == 0
    assert robot.received == [] and Delivery.get().state == "failed"


def test_changing_the_robot_kind_alone_checks_the_kept_address(app, city, client):  # noqa: F811
    choose(app, city, webhook_kind="wecom", webhook_url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=1")
    r = put(client, city, webhook_kind="feishu")
    assert r.status_code == 422 and "webhook_url" in r.json["errors"]


def test_colleagues_sharing_a_group_robot_get_one_message_there(app, city, robot):  # noqa: F811
    url = f"http://{robot.host}/cgi-bin/webhook/send?key=group"
    with app.app_context():
        for who in ("dept_operator", "dept_responsible_office"):
            notifications.set_preferences(city.people[who], {"webhook_kind": "wecom", "webhook_on": True,
                                                             "webhook_url": url, "quiet_from": "00:00",
                                                             "quiet_to": "00:00"}, True, (robot.host,))
    receive(app, reminder(city))
    with app.app_context():
        assert delivery.deliver_due() == 1
    assert len(robot.received) == 1 and Notification.select().count() == 2  # both have it in the bell


def test_a_shift_goes_to_the_named_person_whatever_their_role(app, city):  # noqa: F811
    receive(app, reminder(city, key="assessment:shift:4:", kind="shift", roles=["operator"],
                          person_name="dept_leader", link_kind="roster", link_id=None))
    assert [n.person.username for n in Notification.select()] == ["dept_leader"]


def test_quiet_hours_never_hold_a_reminder_past_its_deadline():
    pref = NotifyPreference(quiet_from="22:00", quiet_to="07:00")
    assert notifications.after_quiet(pref, at_beijing(1), due=at_beijing(5)) == at_beijing(1)  # 05:00 < 07:00
    assert notifications.after_quiet(pref, at_beijing(1), due=at_beijing(9)) == at_beijing(7)


def test_a_failure_for_good_is_shown_on_the_settings(app, city, client, robot):  # noqa: F811
    choose(app, city, webhook_kind="wecom", webhook_on=True, hosts=(robot.host,),
           webhook_url=f"http://{robot.host}/cgi-bin/webhook/send?key=k1", quiet_from="00:00", quiet_to="00:00")
    receive(app, reminder(city))
    robot.error = 93000
    with app.app_context():
        delivery.deliver_due()
    shown = client.get("/api/notifications/preferences", headers=city.headers("dept_operator")).json
    assert shown["last_failure"]["channel"] == "webhook" and "93000" in shown["last_failure"]["error"]


def test_read_notifications_are_purged_after_the_retention_and_unread_ones_kept(app, city):  # noqa: F811
    receive(app, reminder(city))
    receive(app, reminder(city, key="inquiry:reply_due:8:", link_id=8))
    with app.app_context():
        first = Notification.select().order_by(Notification.id).first()
        Notification.update(read_at=utcnow() - dt.timedelta(days=91)).where(Notification.id == first.id).execute()
        assert notifications.purge(90) == 1
        assert Notification.select().count() == 3 and Notification.get_or_none(Notification.id == first.id) is None


def test_the_bell_counts_up_to_its_cap(app, city, client):  # noqa: F811
    for n in range(notifications.BELL_CAP + 5):
        receive(app, reminder(city, key=f"inquiry:reply_due:{n}:", link_id=n))
    assert client.get("/api/notifications/unread", headers=city.headers("dept_operator")).json == {
        "unread": notifications.BELL_CAP}


def test_a_busy_robot_is_tried_eight_times_waiting_one_minute_then_twice_as_long(app, city, robot):  # noqa: F811
    choose(app, city, webhook_kind="wecom", webhook_on=True, hosts=(robot.host,),
           webhook_url=f"http://{robot.host}/cgi-bin/webhook/send?key=k1", quiet_from="00:00", quiet_to="00:00")
    receive(app, reminder(city))
    robot.error = 45009
    waits = []
    with app.app_context():
        while Delivery.get().state == "pending":
            before = utcnow()
            delivery.deliver_due()
            row = Delivery.get()
            if row.state == "pending":
                waits.append(round((row.not_before - before).total_seconds() / 60))
                Delivery.update(not_before=utcnow()).execute()
    assert len(robot.received) == delivery.MAX_ATTEMPTS == 8 and Delivery.get().state == "failed"
    assert waits == [1, 2, 4, 8, 16, 32, 64]
