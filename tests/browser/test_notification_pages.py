"""Issue 17, notifications in the browser: a person chooses e-mail and a 企业微信 robot on
通知设置; a message entered for their unit is near its reply deadline, so the inquiry service
reminds, the registry makes the notification: the bell counts it, the list opens it on the
message's page, and it arrives once by e-mail (a real local SMTP server) and once at the robot
(a local server answering as 企业微信 documents) — and not again after the whole system restarts
on the same data. Every working role and administrator sees the bell in the top bar."""
import re

import pytest

from ops.embedded import EmbeddedSystem
from tests.browser.conftest import sign_in
from tests.browser.test_inbox_pages import enter_message
from tests.conftest import wait_for
from tests.receivers import RobotServer, SmtpServer

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def receivers():
    with SmtpServer() as smtp, RobotServer() as robot:
        yield smtp, robot


@pytest.fixture(scope="module")
def system(tmp_path_factory, receivers):
    """The embedded system with a mail server and robots allowed, reminding of every new message's
    reply at once (REMIND_REPLY_HOURS 24: as soon as it is received) and delivering every second."""
    smtp, robot = receivers
    mp = pytest.MonkeyPatch()
    mp.setenv("GOVMB_DATA_DIR", str(tmp_path_factory.mktemp("noisy")))
    for var in ("AMQP_URL", "DATABASE_URL", "GOVMB_MODE"):
        mp.delenv(var, raising=False)
    for var, value in (("SMTP_HOST", "127.0.0.1"), ("SMTP_PORT", str(smtp.port)), ("WEBHOOK_HOSTS", robot.host),
                       ("REMINDERS_INTERVAL_SECONDS", "1"), ("DELIVERY_INTERVAL_SECONDS", "1"),
                       ("REMIND_REPLY_HOURS", "24"), ("SMTP_FROM", "wb@nc.gov.cn")):
        mp.setenv(var, value)
    try:  # the environment restored whatever happens: it would reach every later test
        holder = {"system": EmbeddedSystem(port=0).start()}
        holder["site"] = f"http://127.0.0.1:{holder['system'].port}"
        yield holder
        holder["system"].stop()
    finally:
        mp.undo()


def signed_in(browser, site, username):
    page = sign_in(browser, site, username, [])  # the test closes its context
    page.set_default_timeout(15_000)
    return page


def mails_about(smtp, message_id):
    return [m for m in smtp.messages if f"留言 {message_id} " in m["Subject"]]


def robot_posts_about(robot, message_id):
    return [r for r in robot.received if f"留言 {message_id} " in r[2]["text"]["content"]]


def test_a_reminder_reaches_the_bell_the_mail_and_the_robot_once_even_after_a_restart(browser, system, receivers):
    smtp, robot = receivers
    site = system["site"]
    page = signed_in(browser, site, "jy_caozuo")
    page.goto(site + "/notifications/settings")
    page.fill("input[name=email]", "caozuo@localhost")  # the browser takes it; the rule wants a domain
    page.click("form.narrow-wide button[type=submit]")
    assert "邮箱地址格式不正确" in page.inner_text("form.narrow-wide")  # beside its field, nothing saved
    page.fill("input[name=email]", "jy_caozuo@nc.gov.cn")
    page.check("input[name=email_on]")
    page.select_option("select[name=webhook_kind]", "wecom")
    page.fill("input[name=webhook_url]", "https://evil.example.com/cgi-bin/webhook/send?key=1")
    page.check("input[name=webhook_on]")
    page.fill("input[name=quiet_from]", "00:00")
    page.fill("input[name=quiet_to]", "00:00")  # no quiet hours: the test may run at night
    page.click("form.narrow-wide button[type=submit]")
    assert "qyapi.weixin.qq.com" in page.inner_text("form.narrow-wide")  # only the platform's own host
    page.fill("input[name=email]", "jy_caozuo@nc.gov.cn")
    page.check("input[name=email_on]")
    page.fill("input[name=webhook_url]", f"http://{robot.host}/cgi-bin/webhook/send?key=robot-key")
    page.check("input[name=webhook_on]")
    page.click("form.narrow-wide button[type=submit]")
    assert "已保存" in page.inner_text("main")
    assert "robot-key" not in page.content() and "jy_caozuo@nc.gov.cn" not in page.content()  # never shown again

    url = enter_message(page, site, "小区旁工地夜间施工噪音扰民，请尽快处理。")
    message_id = int(re.search(r"/inbox/(\d+)$", url).group(1))
    wait_for(lambda: mails_about(smtp, message_id) and robot_posts_about(robot, message_id), timeout=60,
             interval=0.5, message="the reminder by e-mail and by robot")
    mail = mails_about(smtp, message_id)[0]
    assert mail["To"] == "jy_caozuo@nc.gov.cn" and f"/inbox/{message_id}" in mail.get_content()

    page.goto(site + "/notifications")
    page.wait_for_selector("#bell-count")
    assert int(page.inner_text("#bell-count").rstrip("+")) >= 1
    row = page.locator("#notifications tr", has_text=f"留言 {message_id} ")
    assert "未读" in row.inner_text() and "24小时回复" in row.inner_text()
    row.locator("button", has_text="去处理").click()
    page.wait_for_url(re.compile(f"/inbox/{message_id}$"))
    page.context.close()

    system["system"].stop()  # the whole system restarts on the same data: outboxes resend, jobs run again
    system["system"] = EmbeddedSystem(port=0).start(demo=False)
    site = system["site"] = f"http://127.0.0.1:{system['system'].port}"
    page = signed_in(browser, site, "jy_caozuo")
    page.wait_for_timeout(6_000)  # several rounds of the reminder and the delivery jobs
    assert len(mails_about(smtp, message_id)) == 1 and len(robot_posts_about(robot, message_id)) == 1
    page.goto(site + "/notifications")
    assert page.locator("#notifications tr", has_text=f"留言 {message_id} ").count() == 1
    page.context.close()


@pytest.mark.parametrize("username", ["jy_hegao", "jy_fenguan", "jy_zhuyao", "lianxi", "ducha", "admin"])
def test_every_role_has_the_bell_and_its_list(browser, system, username):
    page = signed_in(browser, system["site"], username)
    page.wait_for_selector("a.bell")
    page.click("a.bell")
    page.wait_for_url(re.compile(r"/notifications$"))
    assert page.locator("#notifications").count() == 1 and "通知" in page.inner_text("h1")
    page.context.close()
