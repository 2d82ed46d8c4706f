"""The notifications' deliveries by e-mail (SMTP) and by IM robot (webhooks.py), sent by the
registry's worker (DELIVERY_INTERVAL_SECONDS).

Each delivery is claimed before it is sent (`pending` → `sending`, a compare-and-set: of several
replicas, one wins) and marked `sent` once the server took it — by the claimant only (the final
update names its claim), so a late answer of a worker whose lease ran out changes nothing.
Never sent again after that: a restart or a second replica finds it sent. Quiet hours are
checked again as it goes out (they may have changed, a backlog may have carried it into them):
a delivery caught in them waits for their end, unless it is urgent or its deadline would pass
first. A failure the server may get over (unreachable, too many messages) is tried again later
(after 1, 2, 4 … 64 minutes: MAX_ATTEMPTS tries over about two hours), quiet hours kept; one it
will not get over (a refused address, an unknown robot, a robot no longer allowed) fails at once
with its reason, which the person sees on 通知设置. A worker that dies between the claim and the
answer leaves the delivery `sending`: after LEASE it is tried again with the same Message-ID —
the one case where a second copy can arrive — unless its tries are spent. A run sends what is
due in batches, one SMTP connection a batch, until nothing is due or RUN_BUDGET has passed."""
from __future__ import annotations

import contextlib
import datetime as dt
import logging
import smtplib
import ssl
import time
from email.header import Header
from email.mime.text import MIMEText

from govmb import personal
from govmb.config import NotifyOptions, options
from govmb.contracts.reminders import KIND_NAMES, link_path
from govmb.locales import speaking
from govmb.messages import said, translate
from govmb.timefmt import to_beijing, utcnow
from services.registry import notifications, webhooks
from services.registry.models import Delivery, Notification

log = logging.getLogger(__name__)
LEASE = dt.timedelta(minutes=10)
MAX_ATTEMPTS = 8
BATCH = 100
RUN_BUDGET = 50.0  # seconds a run may spend before the next run takes the rest


def settings() -> NotifyOptions:
    return options().notify or NotifyOptions()


def deliver_due() -> int:
    """Send what is due now, batch after batch; the number sent."""
    _release_stale()
    sent, started = 0, time.monotonic()
    while time.monotonic() - started < RUN_BUDGET:
        due = [d.id for d in Delivery.select(Delivery.id).where(Delivery.state == "pending",
                                                                Delivery.not_before <= utcnow())
               .order_by(Delivery.not_before, Delivery.id).limit(BATCH)]
        if not due:
            break
        with Mailer(settings()) as mailer:
            sent += sum(_deliver(delivery_id, mailer) for delivery_id in due)
    return sent


def _release_stale() -> None:
    """Deliveries a dead worker left `sending`: tried again, or failed when their tries are spent."""
    stale = (Delivery.state == "sending") & (Delivery.claimed_at < utcnow() - LEASE)
    Delivery.update(state="failed", error=said("多次发送均未完成")).where(
        stale & (Delivery.attempts >= MAX_ATTEMPTS)).execute()
    Delivery.update(state="pending").where(stale).execute()


def _claim(delivery_id: int) -> dt.datetime | None:
    at = utcnow()
    won = Delivery.update(state="sending", claimed_at=at, attempts=Delivery.attempts + 1).where(
        Delivery.id == delivery_id, Delivery.state == "pending").execute() == 1
    return at if won else None


def _deliver(delivery_id: int, mailer: "Mailer") -> int:
    claimed = _claim(delivery_id)
    if claimed is None:  # another replica took it
        return 0
    delivery = Delivery.select(Delivery, Notification).join(Notification).where(Delivery.id == delivery_id).get()
    mine = (Delivery.id == delivery.id) & (Delivery.state == "sending") & (Delivery.claimed_at == claimed)
    try:
        return _send(delivery, mailer, mine)
    except (webhooks.WebhookError, smtplib.SMTPException, OSError) as exc:
        return _failed(delivery, exc, mine)
    except personal.PersonalDataError:  # sealed with a retired key: the person must enter it again
        return _finish(mine, "failed", said("通知地址无法读取（请重新填写通知设置）"))
    except Exception:  # a fault of ours: this delivery fails with it, the rest go on
        log.exception("delivery failed", extra={"delivery": delivery.id, "channel": delivery.channel})
        return _finish(mine, "failed", said("发送时出错"))


def _send(delivery: Delivery, mailer: "Mailer", mine) -> int:
    n = delivery.notification
    pref = notifications.preference_of(n.person)
    wake = notifications.after_quiet(pref, utcnow(), n.due_at)
    if not n.urgent and wake > utcnow():  # in the person's quiet hours now: at their end
        Delivery.update(state="pending", not_before=wake, attempts=Delivery.attempts - 1).where(mine).execute()
        return 0
    if delivery.channel == "email" and pref.email_on and pref.email:
        mailer.send(delivery, notifications.email_of(pref), *message_for(n, email=True))
    elif delivery.channel == "webhook" and pref.webhook_on and pref.webhook:
        hook = notifications.webhook_of(pref)
        webhooks.send(pref.webhook_kind, hook["url"], hook.get("secret", ""), *message_for(n),
                      settings().webhook_hosts)
    else:  # turned off since: nothing to send
        return _finish(mine, "skipped", said("通知方式已关闭"))
    return _finish(mine, "sent", "")


def _finish(mine, state: str, error: str) -> int:
    done = Delivery.update(state=state, sent_at=utcnow() if state == "sent" else None, error=error[:200]).where(
        mine).execute()
    return 1 if state == "sent" and done else 0


PERMANENT = (smtplib.SMTPRecipientsRefused, smtplib.SMTPNotSupportedError, smtplib.SMTPSenderRefused)


def _failed(delivery: Delivery, exc: Exception, mine) -> int:
    retry = getattr(exc, "retry", not isinstance(exc, PERMANENT))
    reason = str(exc) if isinstance(exc, webhooks.WebhookError) else said("邮件服务器：{error}", error=type(exc).__name__)
    log.warning("delivery failed", extra={"delivery": delivery.id, "channel": delivery.channel, "reason": reason})
    attempts = delivery.attempts  # read after the claim, which counted this try
    if retry and attempts < MAX_ATTEMPTS:
        pref = notifications.preference_of(delivery.notification.person)
        later = utcnow() + dt.timedelta(minutes=2 ** (attempts - 1))
        if not delivery.notification.urgent:
            later = notifications.after_quiet(pref, later, delivery.notification.due_at)
        Delivery.update(state="pending", not_before=later, error=reason[:200]).where(mine).execute()
        return 0
    return _finish(mine, "failed", reason)


def text_of(n: Notification) -> tuple[str, str]:
    """The title and the text of a notification, as the e-mail and the robots say it, in the
    language being spoken (the title from its kept message and values: Notification.title_shown)."""
    lines = [said("类别：{kind}", kind=translate(KIND_NAMES.get(n.kind, n.kind)))]
    if n.due_at:
        lines.append(said("截止：{due}（北京时间）", due=f"{to_beijing(n.due_at):%Y-%m-%d %H:%M}"))
    lines.append(said("处理：{url}", url=settings().web_url + link_path(n.link_kind, n.link_id)))
    return said("【政务微博】{title}", title=n.title_shown()), "\n".join(lines)


def message_for(n: Notification, email: bool = False) -> tuple[str, str]:
    """The title and the text in the language of the person told (their `locale`), an e-mail's with
    its footer. Colleagues who share a robot or an address get one message, in the language of the
    one whose notification it is."""
    with speaking(n.person.locale, settings().catalogues):
        title, text = text_of(n)
        if email:
            text += "\n\n" + said("（本邮件由政务微博管理平台发出，请勿直接回复；可在“通知设置”中更改通知方式。）")
    return title, text


class Mailer:
    """One SMTP connection for a batch, opened when the first e-mail of the batch goes: TLS
    checked against the system's certificates (SMTP_SSL, or STARTTLS), the password sent only
    over it (govmb.config refuses SMTP_USERNAME without one or the other)."""

    def __init__(self, s: NotifyOptions):
        self.s, self.smtp = s, None

    def __enter__(self) -> "Mailer":
        return self

    def __exit__(self, *exc) -> None:
        if self.smtp is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self.smtp.quit()

    def _connected(self) -> smtplib.SMTP:
        if self.smtp is None:
            s, tls = self.s, ssl.create_default_context()
            if not s.smtp_host:
                raise smtplib.SMTPException("no SMTP_HOST")
            if s.smtp_ssl:
                self.smtp = smtplib.SMTP_SSL(s.smtp_host, s.smtp_port, timeout=webhooks.TIMEOUT, context=tls)
            else:
                self.smtp = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=webhooks.TIMEOUT)
                if s.smtp_starttls:
                    self.smtp.starttls(context=tls)
            if s.smtp_username:
                self.smtp.login(s.smtp_username, s.smtp_password or "")
        return self.smtp

    def send(self, delivery: Delivery, address: str, title: str, text: str) -> None:
        # email.mime and Header, not EmailMessage: Python 3.11's folding of a long subject moves a space
        # between two encoded words, where readers drop it ("جاۋاب قايتۇرۇش" arrived "جاۋابقايتۇرۇش");
        # Header keeps each space inside an encoded word.
        message = MIMEText(text, "plain", "utf-8")
        message["Subject"], message["From"], message["To"] = Header(title, "utf-8"), self.s.smtp_from, address
        message["Message-ID"] = f"<govmb-delivery-{delivery.id}@{self.s.smtp_from.rpartition('@')[2] or 'govmb'}>"
        message["Content-Language"] = delivery.notification.person.locale.replace("_", "-")
        try:
            self._connected().send_message(message, to_addrs=[address])
        except smtplib.SMTPServerDisconnected:  # the server closed the batch's connection: once more, anew
            self.smtp = None
            self._connected().send_message(message, to_addrs=[address])
