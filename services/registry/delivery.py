"""The notifications' deliveries by e-mail (SMTP) and by IM robot (webhooks.py), sent by the
registry's worker (DELIVERY_INTERVAL_SECONDS).

Each delivery is claimed before it is sent (`pending` → `sending`, a compare-and-set: of several
replicas, one wins), marked `sent` once the server took it, and never sent again: a restart or
a second replica finds it sent. A failure the server may get over (unreachable, too many
messages) is tried again later (1, 2, 4 … minutes, MAX_ATTEMPTS tries); one it will not (a
refused address, an unknown robot) fails at once with its reason. A worker that dies between the
claim and the answer leaves the delivery `sending`: after LEASE it is tried again with the same
Message-ID (an e-mail client shows one), the only case where a second copy can arrive."""
from __future__ import annotations

import datetime as dt
import logging
import smtplib
from email.message import EmailMessage

from govmb import personal
from govmb.config import NotifyOptions, options
from govmb.contracts.reminders import KIND_NAMES, link_path
from govmb.messages import said
from govmb.timefmt import to_beijing, utcnow
from services.registry import notifications, webhooks
from services.registry.models import Delivery, Notification

log = logging.getLogger(__name__)
LEASE = dt.timedelta(minutes=10)
MAX_ATTEMPTS = 6
BATCH = 100


def settings() -> NotifyOptions:
    return options().notify or NotifyOptions()


def deliver_due() -> int:
    """Send what is due now; the number sent."""
    now = utcnow()
    Delivery.update(state="pending").where(Delivery.state == "sending", Delivery.claimed_at < now - LEASE).execute()
    due = [d.id for d in Delivery.select(Delivery.id).where(Delivery.state == "pending", Delivery.not_before <= now)
           .order_by(Delivery.not_before, Delivery.id).limit(BATCH)]
    return sum(_deliver(delivery_id) for delivery_id in due)


def _claimed(delivery_id: int) -> bool:
    return Delivery.update(state="sending", claimed_at=utcnow(), attempts=Delivery.attempts + 1).where(
        Delivery.id == delivery_id, Delivery.state == "pending").execute() == 1


def _deliver(delivery_id: int) -> int:
    if not _claimed(delivery_id):  # another replica took it
        return 0
    delivery = Delivery.select(Delivery, Notification).join(Notification).where(Delivery.id == delivery_id).get()
    pref = notifications.preference_of(delivery.notification.person)
    try:
        if delivery.channel == "email" and pref.email_on and pref.email:
            send_email(delivery, notifications.email_of(pref), settings())
        elif delivery.channel == "webhook" and pref.webhook_on and pref.webhook:
            hook = notifications.webhook_of(pref)
            webhooks.send(pref.webhook_kind, hook["url"], hook.get("secret", ""), *text_of(delivery.notification))
        else:  # turned off since: nothing to send
            return _finish(delivery, "skipped", "通知方式已关闭")
    except (webhooks.WebhookError, smtplib.SMTPException, OSError) as exc:
        return _failed(delivery, exc)
    except personal.PersonalDataError:  # sealed with a retired key: the person must enter it again
        return _finish(delivery, "failed", "通知地址无法读取（请重新填写通知设置）")
    return _finish(delivery, "sent", "")


def _finish(delivery: Delivery, state: str, error: str) -> int:
    Delivery.update(state=state, sent_at=utcnow() if state == "sent" else None, error=error[:200]).where(
        Delivery.id == delivery.id).execute()
    return 1 if state == "sent" else 0


def _failed(delivery: Delivery, exc: Exception) -> int:
    retry = getattr(exc, "retry", not isinstance(exc, smtplib.SMTPRecipientsRefused))
    reason = str(exc) if isinstance(exc, webhooks.WebhookError) else said("邮件服务器：{kind}", kind=type(exc).__name__)
    log.warning("delivery failed", extra={"delivery": delivery.id, "channel": delivery.channel, "reason": reason})
    if retry and delivery.attempts + 1 < MAX_ATTEMPTS:
        later = utcnow() + dt.timedelta(minutes=2 ** delivery.attempts)
        Delivery.update(state="pending", not_before=later, error=reason[:200]).where(Delivery.id == delivery.id).execute()
        return 0
    return _finish(delivery, "failed", reason)


def text_of(n: Notification) -> tuple[str, str]:
    """The title and the text of a notification, as the e-mail and the robots say it."""
    lines = [said("类别：{kind}", kind=KIND_NAMES.get(n.kind, n.kind))]
    if n.due_at:
        lines.append(said("截止：{due:%Y-%m-%d %H:%M}（北京时间）", due=to_beijing(n.due_at)))
    lines.append(said("处理：{url}", url=settings().web_url + link_path(n.link_kind, n.link_id)))
    return said("【政务微博】{title}", title=n.title), "\n".join(lines)


def send_email(delivery: Delivery, address: str, s: NotifyOptions) -> None:
    if not s.smtp_host:
        raise smtplib.SMTPException("no SMTP_HOST")
    title, text = text_of(delivery.notification)
    message = EmailMessage()
    message["Subject"], message["From"], message["To"] = title, s.smtp_from, address
    message["Message-ID"] = f"<govmb-delivery-{delivery.id}@{s.smtp_from.rpartition('@')[2] or 'govmb'}>"
    message.set_content(text + "\n\n（本邮件由政务微博管理平台发出，请勿直接回复；在“我的通知设置”中可更改通知方式。）")
    with smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=webhooks.TIMEOUT) as smtp:
        if s.smtp_starttls:
            smtp.starttls()
        if s.smtp_username:
            smtp.login(s.smtp_username, s.smtp_password or "")
        smtp.send_message(message)
