"""Issue 21: a notification's e-mail and robot message are written in the language of the person
told (their `locale`), outside any request: the subject's frame, the kind's name, the deadline's and
the link's words, the footer; a title that is a catalogued message too. A title written with its
values in it stays as the service wrote it (docs/i18n.md). A real SMTP server (aiosmtpd) and a real
local robot; the Uyghur catalogue is the test's own, a few messages, where delivery reads them from."""
from __future__ import annotations

import pytest

from govmb.config import NotifyOptions
from services.registry import delivery, notifications
from services.registry.models import Person
from tests.receivers import RobotServer, SmtpServer
from tests.registry.conftest import app, city  # noqa: F401 (fixtures)
from tests.registry.test_notifications import receive, reminder

UG = {
    "【政务微博】{title}": "【ھۆكۈمەت مىكروبلوگى】{title}",
    "类别：{kind}": "تۈرى：{kind}",
    "24小时回复": "24 سائەت ئىچىدە جاۋاب",
    "截止：{due}（北京时间）": "ۋاقتى توشىدۇ：{due}（بېيجىڭ ۋاقتى）",
    "处理：{url}": "بىر تەرەپ قىلىش：{url}",
    "（本邮件由政务微博管理平台发出，请勿直接回复；可在“通知设置”中更改通知方式。）":
        "（بۇ خەتنى ھۆكۈمەت مىكروبلوگىنى باشقۇرۇش سۇپىسى ئەۋەتتى، جاۋاب يازماڭ.）",
    "账号长期未更新": "ھېسابات ئۇزۇندىن بۇيان يېڭىلانمىدى",
}


@pytest.fixture
def catalogues(tmp_path):
    """A services' catalogue directory with a ug catalogue of a few messages."""
    po = tmp_path / "ug/LC_MESSAGES/messages.po"
    po.parent.mkdir(parents=True)
    entries = "".join(f'\nmsgid "{zh}"\nmsgstr "{ug}"\n' for zh, ug in UG.items())
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n' + entries, encoding="utf-8")
    return tmp_path


@pytest.fixture
def receivers(app, city, monkeypatch, catalogues):  # noqa: F811
    """A mail server and a robot; dept_operator reads Uyghur and is told by both, dept_responsible_office
    reads Chinese and is told by e-mail."""
    with SmtpServer() as smtp, RobotServer() as robot:
        monkeypatch.setattr(delivery, "settings", lambda: NotifyOptions(
            smtp_host="127.0.0.1", smtp_port=smtp.port, web_url="https://wb.nc.gov.cn", webhook_hosts=(robot.host,),
            catalogues=catalogues))
        monkeypatch.setattr(notifications, "email_ready", lambda: True)
        with app.app_context():
            Person.update(locale="ug").where(Person.username == "dept_operator").execute()
            for username, more in (("dept_operator", {"webhook_kind": "wecom", "webhook_on": True,
                                                      "webhook_url": f"http://{robot.host}/cgi-bin/webhook/send?key=k"}),
                                   ("dept_responsible_office", {})):
                notifications.set_preferences(Person.get(Person.username == username), {
                    "email": f"{username}@nc.gov.cn", "email_on": True, "quiet_from": "00:00", "quiet_to": "00:00",
                    **more}, True, (robot.host,))
        yield smtp, robot


def mail_to(smtp, username: str):
    [mail] = [m for m in smtp.messages if m["To"] == f"{username}@nc.gov.cn"]
    return mail


def test_the_e_mail_and_the_robot_are_written_in_the_recipients_language(app, city, receivers):  # noqa: F811
    smtp, robot = receivers
    receive(app, reminder(city))
    with app.app_context():
        assert delivery.deliver_due() == 3
    mail = mail_to(smtp, "dept_operator")
    assert mail["Subject"] == "【ھۆكۈمەت مىكروبلوگى】留言 7 须在 24 小时内回复网民"  # the title: written with its values
    assert mail["Content-Language"] == "ug"
    body = mail.get_content()
    for line in ("تۈرى：24 سائەت ئىچىدە جاۋاب", "ۋاقتى توشىدۇ：2026-12-07 10:00（بېيجىڭ ۋاقتى）",
                 "بىر تەرەپ قىلىش：https://wb.nc.gov.cn/inbox/7", UG["（本邮件由政务微博管理平台发出，请勿直接回复；可在“通知设置”中更改通知方式。）"]):
        assert line in body, body
    assert "类别" not in body and "通知设置" not in body
    [(_, _, sent)] = robot.received
    assert sent["text"]["content"].startswith("【ھۆكۈمەت مىكروبلوگى】留言 7") and "تۈرى：" in sent["text"]["content"]
    colleague = mail_to(smtp, "dept_responsible_office")  # the same reminder, in Chinese for a Chinese reader
    assert colleague["Subject"] == "【政务微博】留言 7 须在 24 小时内回复网民" and colleague["Content-Language"] == "zh-Hans"
    assert "类别：24小时回复" in colleague.get_content() and "通知设置" in colleague.get_content()


def test_a_title_that_is_a_catalogued_message_is_said_in_the_recipients_language(app, city, receivers):  # noqa: F811
    smtp, _ = receivers
    receive(app, reminder(city, key="assessment:dormant:3:", kind="dormant", title="账号长期未更新", due_at=None,
                          link_kind="account", link_id=3))
    with app.app_context():
        delivery.deliver_due()
    assert mail_to(smtp, "dept_operator")["Subject"] == "【ھۆكۈمەت مىكروبلوگى】ھېسابات ئۇزۇندىن بۇيان يېڭىلانمىدى"
    assert mail_to(smtp, "dept_responsible_office")["Subject"] == "【政务微博】账号长期未更新"


def test_what_a_delivery_stores_stays_in_the_language_of_the_records(app, city, receivers):  # noqa: F811
    # a robot that refuses: the reason kept on the delivery (shown on 通知设置) is the product's Chinese,
    # as every stored text is, not the language the message was written in
    smtp, robot = receivers
    robot.error = 93000  # an unknown robot: refused for good
    receive(app, reminder(city))
    with app.app_context():
        delivery.deliver_due()
        failed = notifications.last_failure(Person.get(Person.username == "dept_operator"))
    assert failed["channel"] == "webhook" and failed["error"].startswith("群机器人拒绝了消息"), failed
