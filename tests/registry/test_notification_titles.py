"""Issue 21: a reminder's title reaches each person in their own language. The service that owns the
deadline sends the title's message and values with it (govmb.reminders.payload), the registry keeps
them beside the Chinese title (notification.title_said), and the bell, the e-mails and the robots say
it in the reader's language, values and all (`留言 7 …` → `ئۇچۇر 7 …`); a value that is a message
itself (首条信息) is said in that language too. What is stored stays Chinese; an event of an older
producer, without the message, keeps its Chinese title. The services' real catalogues; a real SMTP
server (aiosmtpd)."""
from __future__ import annotations

import datetime as dt

import pytest

from govmb.config import NotifyOptions
from govmb.contracts import validate_outgoing
from govmb.locales import GOVMB_CATALOGUES
from govmb.messages import N_, Catalogued, said
from govmb.reminders import Reminder, payload
from services.registry import delivery, notifications
from services.registry.models import Notification, Person
from tests.receivers import SmtpServer
from tests.registry.conftest import app, city, client  # noqa: F401 (fixtures)
from tests.registry.test_notifications import receive

REPLY = "ئۇچۇر 7 ئۈچۈن 24 سائەت ئىچىدە تور ئەھلىگە جاۋاب قايتۇرۇش كېرەك"  # govmb/translations/ug


def reply_due(city) -> dict:  # noqa: F811
    """The event inquiry's reminder job sends for message 7 (its own title and payload code)."""
    reminder = Reminder("reply_due", 7, city.units["dept"].id, ("operator", "responsible_office"),
                        said("留言 {id} 须在 24 小时内回复网民", id=7), "message", 7,
                        dt.datetime(2026, 12, 7, 2, 0))
    return validate_outgoing("inquiry.reminder.due", payload(reminder, "inquiry"))


def emergency_clock(city) -> dict:  # noqa: F811
    reminder = Reminder("emergency_clock", 4, city.units["dept"].id, ("operator",),
                        said("突发事件“{title}”的{what}发布时限将到", title="暴雨", what=Catalogued(N_("首条信息"))),
                        "emergency", 4, urgent=True)
    return validate_outgoing("publishing.reminder.due", payload(reminder, "publishing"))


@pytest.fixture
def smtp(app, city, monkeypatch):  # noqa: F811
    """dept_operator reads Uyghur, dept_responsible_office Chinese; both told by e-mail."""
    with SmtpServer() as server:
        monkeypatch.setattr(delivery, "settings", lambda: NotifyOptions(
            smtp_host="127.0.0.1", smtp_port=server.port, web_url="https://wb.nc.gov.cn", catalogues=GOVMB_CATALOGUES))
        monkeypatch.setattr(notifications, "email_ready", lambda: True)
        with app.app_context():
            Person.update(locale="ug").where(Person.username == "dept_operator").execute()
            for username in ("dept_operator", "dept_responsible_office"):
                notifications.set_preferences(Person.get(Person.username == username), {
                    "email": f"{username}@nc.gov.cn", "email_on": True, "quiet_from": "00:00", "quiet_to": "00:00"},
                    True, ())
        yield server


def subject_to(smtp, username: str) -> str:
    [mail] = [m for m in smtp.messages if m["To"] == f"{username}@nc.gov.cn"]
    return mail["Subject"]


def test_the_event_carries_the_title_in_chinese_and_its_message_with_its_values(city):  # noqa: F811
    event = reply_due(city)
    assert event["title"] == "留言 7 须在 24 小时内回复网民"
    assert event["title_said"] == {"message": "留言 {id} 须在 24 小时内回复网民", "values": {"id": 7}, "catalogued": []}
    clock = emergency_clock(city)["title_said"]
    assert clock["values"] == {"title": "暴雨", "what": "首条信息"} and clock["catalogued"] == ["what"]


def test_each_person_is_told_the_title_in_their_own_language(app, city, smtp):  # noqa: F811
    receive(app, reply_due(city))
    with app.app_context():
        assert delivery.deliver_due() == 2
        assert {n.title for n in Notification.select()} == {"留言 7 须在 24 小时内回复网民"}  # stored: the record's
    assert subject_to(smtp, "dept_operator") == f"[ھۆكۈمەت ئىشلىرى مىكروبلوگى] {REPLY}"
    assert subject_to(smtp, "dept_responsible_office") == "【政务微博】留言 7 须在 24 小时内回复网民"


def test_a_value_that_is_a_message_is_said_in_the_readers_language_too(app, city, smtp):  # noqa: F811
    receive(app, emergency_clock(city))
    with app.app_context():
        delivery.deliver_due()
    assert subject_to(smtp, "dept_operator") == "[ھۆكۈمەت ئىشلىرى مىكروبلوگى] «暴雨» تۇيۇقسىز ۋەقەسىنىڭ تۇنجى ئۇچۇر ئېلان قىلىش مۆھلىتى توشاي دەپ قالدى"


def test_the_bell_answers_in_the_language_asked(app, city, client):  # noqa: F811
    receive(app, reply_due(city))
    me = city.headers("dept_operator")
    [ug] = client.get("/api/notifications", headers={**me, "Accept-Language": "ug"}).json
    [zh] = client.get("/api/notifications", headers={**me, "Accept-Language": "zh-CN"}).json
    assert (ug["title"], zh["title"]) == (REPLY, "留言 7 须在 24 小时内回复网民")


def test_an_older_event_or_a_message_that_does_not_fit_keeps_the_chinese_title(app, city, smtp):  # noqa: F811
    older = reply_due(city)
    del older["title_said"]  # a producer of the release before
    receive(app, older)
    broken = {**reply_due(city), "key": "inquiry:reply_due:8:", "title": "留言 8 须在 24 小时内回复网民",
              "title_said": {"message": "留言 {id} 须在 {hours} 小时内回复网民", "values": {"id": 8}, "catalogued": []}}
    receive(app, broken)
    with app.app_context():
        delivery.deliver_due()
    subjects = sorted(m["Subject"] for m in smtp.messages if m["To"] == "dept_operator@nc.gov.cn")
    assert subjects == ["[ھۆكۈمەت ئىشلىرى مىكروبلوگى] 留言 7 须在 24 小时内回复网民", "[ھۆكۈمەت ئىشلىرى مىكروبلوگى] 留言 8 须在 24 小时内回复网民"]
