"""Notifications (issue 17): what a reminder event becomes for the people it names, the bell's
list, and each person's preferences.

A `<service>.reminder.due` event (govmb/reminders.py) names a unit and roles (or a person of the
unit by name, a shift); each active person of the unit with one of those roles gets one
Notification per reminder key (unique: a redelivered event adds nothing), and one Delivery per
channel they turned on: at once, or at the end of their quiet hours unless it is urgent. The
deliveries go out from the registry's worker (delivery.py)."""
from __future__ import annotations

import datetime as dt
import json
import logging
import re
from email.errors import HeaderParseError
from email.headerregistry import Address

import peewee

from govmb import personal
from govmb.config import options
from govmb.domain import Invalid, NotFound
from govmb.messages import N_, kept_json, said, source
from govmb.timefmt import BEIJING, utcnow
from services.registry import webhooks
from services.registry.models import Delivery, Notification, NotifyPreference, Person, db

log = logging.getLogger(__name__)
EMAIL, WEBHOOK = "notify.email", "notify.webhook"  # what each sealed value is bound to (govmb.personal)
EMAIL_FORM = re.compile(r"^[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}$")
CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


# --------------------------------------------------------------------------- from the events
def recipients(unit_id: int, roles: list[str], person_name: str = "") -> list[Person]:
    """The unit's active person named `person_name` (a shift: whatever their role), else the
    unit's active people with one of `roles` (a unit's people are few: its own rows)."""
    people = list(Person.select().where(Person.unit == unit_id, Person.active == True))  # noqa: E712
    named = [p for p in people if person_name and p.name == person_name]
    return named or [p for p in people if p.role_set & set(roles)]


def receive(payload: dict) -> int:
    """A reminder event: its notifications and deliveries, once per person and key."""
    people = recipients(payload["unit_id"], payload["roles"], payload.get("person_name", ""))
    if not people:  # said to nobody: visible in the log, not lost without a trace
        log.warning("a reminder names nobody", extra={"key": payload["key"], "unit": payload["unit_id"]})
    return tell(people, payload)


def tell(people: list[Person], what: dict) -> int:
    """A notification for each of `people`, once per person and `what["key"]` (a second call adds
    nothing), with its deliveries; how many were new. The reminder events' way in, and the
    registry's own reminders' (account_security.py)."""
    made = 0
    message = what.get("title_said")
    message = json.dumps(message, ensure_ascii=False) if message else kept_json(what["title"])
    for person in people:
        insert = Notification.insert(
            person=person.id, key=what["key"], kind=what["kind"], title=source(what["title"])[:200], title_said=message,
            link_kind=what["link_kind"], link_id=what.get("link_id"), urgent=what.get("urgent", False),
            due_at=_naive(what.get("due_at"))).on_conflict_ignore()
        if db.execute(insert).rowcount != 1:  # told already (the event came twice)
            continue
        notification = Notification.get(Notification.person == person.id, Notification.key == what["key"])
        _queue(notification, preference_of(person))
        made += 1
    return made


def _naive(iso: str | None) -> dt.datetime | None:
    if not iso:
        return None
    return dt.datetime.fromisoformat(iso).astimezone(dt.timezone.utc).replace(tzinfo=None)


def _queue(notification: Notification, pref: NotifyPreference) -> None:
    """A delivery for each channel the person turned on, unless the same address already has one
    for this reminder (colleagues who share a group robot: one message in the group)."""
    at = utcnow() if notification.urgent else after_quiet(pref, utcnow(), notification.due_at)
    channels = (("email", email_ready() and pref.email_on and pref.email, lambda: email_of(pref).lower()),
                ("webhook", pref.webhook_on and pref.webhook, lambda: webhook_of(pref)["url"]))
    for channel, on, address in channels:
        if on:
            target = personal.lookup_hash(address(), f"notify.{channel}")
            db.execute(Delivery.insert(notification=notification, channel=channel, target=target,
                                       key=notification.key, not_before=at).on_conflict_ignore())


def email_ready() -> bool:
    return bool(options().notify and options().notify.smtp_host)


def after_quiet(pref: NotifyPreference, at: dt.datetime, due: dt.datetime | None = None) -> dt.datetime:
    """`at` (naive UTC), or the end of the person's quiet hours (Beijing) if it falls in them —
    unless the deadline (`due`) would pass before they end: then `at`, a reminder late is no use."""
    if pref.quiet_from == pref.quiet_to:  # no quiet hours
        return at
    local = at.replace(tzinfo=dt.timezone.utc).astimezone(BEIJING)
    start, end = (dt.time.fromisoformat(t) for t in (pref.quiet_from, pref.quiet_to))
    now = local.time()
    inside = (start <= now < end) if start < end else (now >= start or now < end)
    if not inside:
        return at
    day = local.date() + dt.timedelta(days=1) if (start > end and now >= start) else local.date()
    wake = dt.datetime.combine(day, end, BEIJING).astimezone(dt.timezone.utc).replace(tzinfo=None)
    return at if due is not None and wake >= due else wake


# --------------------------------------------------------------------------- the bell
def of(person: Person, unread_only: bool = False) -> peewee.ModelSelect:
    """The person's notifications, newest first (paged by the caller)."""
    query = Notification.select().where(Notification.person == person.id)
    if unread_only:
        query = query.where(Notification.read_at.is_null())
    return query.order_by(Notification.id.desc())


BELL_CAP = 100  # the bell shows 99+ beyond this: no need to count further


def unread(person: Person) -> int:
    """The person's unread notifications, counted up to BELL_CAP (the partial index of the unread)."""
    return of(person, unread_only=True).limit(BELL_CAP).count()


def read(person: Person, notification_id: int) -> Notification:
    found = Notification.get_or_none(Notification.id == notification_id, Notification.person == person.id)
    if found is None:
        raise NotFound("没有这条通知")
    if found.read_at is None:
        Notification.update(read_at=utcnow()).where(Notification.id == found.id,
                                                     Notification.read_at.is_null()).execute()
        found.read_at = utcnow()
    return found


def read_all(person: Person) -> int:
    return (Notification.update(read_at=utcnow())
            .where(Notification.person == person.id, Notification.read_at.is_null()).execute())


# --------------------------------------------------------------------------- preferences
def preference_of(person: Person) -> NotifyPreference:
    return NotifyPreference.get_or_none(NotifyPreference.person == person.id) or NotifyPreference(person=person)


def preferences(person: Person, email_ready: bool) -> dict:
    """What the person chose; the address masked, the robot's URL never shown again."""
    pref = preference_of(person)
    try:
        shown = personal.mask_contact(email_of(pref)) if pref.email else ""
    except personal.PersonalDataError:  # sealed with a key since retired (ops.cli reseal was skipped)
        shown = "（无法读取，请重新填写）"
    return {"email_on": pref.email_on, "email": shown,
            "email_available": email_ready, "webhook_on": pref.webhook_on, "webhook_kind": pref.webhook_kind,
            "webhook_set": bool(pref.webhook), "quiet_from": pref.quiet_from, "quiet_to": pref.quiet_to,
            "last_failure": last_failure(person)}


def last_failure(person: Person) -> dict | None:
    """The person's latest delivery that failed for good (a wrong robot key, a refused address):
    shown on 通知设置 so that it does not fail unseen."""
    failed = (Delivery.select(Delivery.channel, Delivery.error, Delivery.claimed_at).join(Notification)
              .where(Notification.person == person.id, Delivery.state == "failed")
              .order_by(Delivery.id.desc()).first())
    return {"channel": failed.channel, "error": failed.error, "at": failed.claimed_at} if failed else None


def email_of(pref: NotifyPreference) -> str:
    return personal.open_(pref.email, EMAIL) if pref.email else ""


def webhook_of(pref: NotifyPreference) -> dict:
    return json.loads(personal.open_(pref.webhook, WEBHOOK)) if pref.webhook else {}


def set_preferences(person: Person, data: dict, email_ready: bool, extra_hosts: tuple[str, ...]) -> dict:
    """Change what the person chose; a field left out keeps its value; an empty address or URL
    removes it. Everything is checked before anything changes."""
    pref = preference_of(person)
    _check(pref, data, email_ready, extra_hosts)
    if "email" in data:
        pref.email = personal.seal(data["email"].strip(), EMAIL) if data["email"].strip() else ""
    if "webhook_url" in data:
        hook = {"url": data["webhook_url"].strip(), "secret": data.get("webhook_secret", "").strip()}
        pref.webhook = personal.seal(json.dumps(hook), WEBHOOK) if hook["url"] else ""
    for name in ("email_on", "webhook_on", "webhook_kind", "quiet_from", "quiet_to"):
        if name in data:
            setattr(pref, name, data[name])
    pref.email_on = pref.email_on and bool(pref.email)
    pref.webhook_on = pref.webhook_on and bool(pref.webhook)
    pref.updated_at = utcnow()
    pref.save(force_insert=pref.id is None)
    return preferences(person, email_ready)


def _check(pref: NotifyPreference, data: dict, email_ready: bool, extra_hosts: tuple[str, ...]) -> None:
    errors: dict[str, str] = {}
    email = data.get("email", "").strip()
    if email and (problem := email_problem(email)):
        errors["email"] = problem
    if data.get("email_on") and not email_ready:
        errors["email_on"] = "本系统未配置邮件服务器，暂不能以邮件通知"
    elif data.get("email_on") and not (email or (pref.email and "email" not in data)):
        errors["email_on"] = "请先填写邮箱地址"
    url, kind = data.get("webhook_url", "").strip(), data.get("webhook_kind", pref.webhook_kind)
    if not url and "webhook_url" not in data and pref.webhook and kind != pref.webhook_kind:
        url = webhook_of(pref)["url"]  # the kind alone changed: the kept address must suit it too
    if url:
        problem = webhooks.check_url(url, kind, extra_hosts)
        if problem:
            errors["webhook_url"] = problem
    if data.get("webhook_on") and not (url or (pref.webhook and "webhook_url" not in data)):
        errors["webhook_on"] = "请先填写群机器人地址"
    for name in ("quiet_from", "quiet_to"):
        if name in data and not CLOCK.match(data[name]):
            errors[name] = "请填写 24 小时制时间，例如 22:00"
    if errors:
        raise Invalid(errors)


def email_problem(email: str) -> str | None:
    """What is wrong with an address the e-mails would go to: one plain address (no name, no
    second address: `a,b@…` is refused), on a domain NOTIFY_EMAIL_DOMAINS allows when it is set."""
    try:
        parsed = Address(addr_spec=email)
    except (ValueError, IndexError, HeaderParseError):
        parsed = None
    if parsed is None or not EMAIL_FORM.match(email) or parsed.addr_spec != email:
        return N_("邮箱地址格式不正确（例如 zhangsan@nc.gov.cn）")
    domains = options().notify.email_domains if options().notify else ()
    domain = parsed.domain.lower()
    if domains and not any(domain == d or domain.endswith("." + d) for d in domains):
        return said("只能填写以下域名的邮箱：{domains}", domains="、".join(domains))
    return None


# --------------------------------------------------------------------------- retention
def purge(days: int) -> int:
    """Notifications read more than `days` ago, and any older than a year, with their deliveries."""
    now, gone = utcnow(), 0
    for old in (Notification.read_at < now - dt.timedelta(days=days),
                Notification.created_at < now - dt.timedelta(days=365)):  # each on its own index
        while ids := [n.id for n in Notification.select(Notification.id).where(old).limit(1000)]:
            with db.atomic():
                Delivery.delete().where(Delivery.notification.in_(ids)).execute()
                gone += Notification.delete().where(Notification.id.in_(ids)).execute()
    return gone


# --------------------------------------------------------------------------- key rotation
def reseal(keys: personal.DataKeys, page: int = 500) -> dict:
    """The addresses and robots sealed again with the current personal data key (ops.cli reseal)."""
    return personal.reseal_rows(NotifyPreference, {"email": EMAIL, "webhook": WEBHOOK}, keys, page)


def key_use() -> dict[str, int]:
    return personal.keys_in_use(NotifyPreference, ("email", "webhook"))
