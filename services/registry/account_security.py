"""X24: an account's platform password older than the limit (REMIND_ACCOUNT_PASSWORD_DAYS, 90 by
default) is to be changed. The registry knows the people, so its worker's job tells them directly
(notifications.tell): the credential holder and the team's responsible office, once per account
and password: a record is claimed by setting `password_reminded_at` where it is still empty (one
UPDATE: a second run, a restart or another replica finds it claimed), and the notification's key
names the password's date. Recording a new password date clears the claim (accounts.update_security).
A record with no password date is due at once: nobody has said when it was last changed."""
from __future__ import annotations

import datetime as dt

from govmb.config import ReminderOptions, options
from govmb.messages import said
from govmb.timefmt import utcnow
from services.registry.models import Account, Person, SecurityRecord, TeamMember, db
from services.registry.notifications import tell


def max_age_days() -> int:
    return (options().reminders or ReminderOptions()).account_password_days


def cutoff(now: dt.datetime | None = None) -> dt.datetime:
    return (now or utcnow()) - dt.timedelta(days=max_age_days())


def is_due(changed_at: dt.datetime | None, now: dt.datetime | None = None) -> bool:
    return changed_at is None or changed_at < cutoff(now)


def due(now: dt.datetime | None = None):
    """The security records of running accounts whose password is due (a WHERE on SecurityRecord
    joined to Account)."""
    return ((SecurityRecord.password_changed_at.is_null() | (SecurityRecord.password_changed_at < cutoff(now)))
            & (Account.status == "active"))


def _people(record: SecurityRecord) -> list[Person]:
    team = (Person.select().join(TeamMember, on=(TeamMember.person == Person.id))
            .where(TeamMember.account == record.account_id, TeamMember.role == "responsible_office"))
    people = {p.id: p for p in [record.credential_holder, *team] if p.active}
    return list(people.values())


def remind(now: dt.datetime | None = None, batch: int = 500) -> int:
    """Tell the people of each account whose password is due and not yet told; how many were told."""
    now = now or utcnow()
    query = (SecurityRecord.select(SecurityRecord, Account).join(Account)
             .where(due(now), SecurityRecord.password_reminded_at.is_null()).order_by(SecurityRecord.id).limit(batch))
    told = 0
    for record in list(query):
        with db.atomic():
            claimed = (SecurityRecord.update(password_reminded_at=now)
                       .where(SecurityRecord.id == record.id, SecurityRecord.password_reminded_at.is_null()).execute())
            if claimed != 1:  # another run took it
                continue
            day = record.password_changed_at.date().isoformat() if record.password_changed_at else "none"
            told += tell(_people(record), {
                "key": f"registry:password_age:{record.account_id}:{day}", "kind": "password_age",
                "title": said("{name}：平台密码已超过 {days} 天未修改，请修改后更新安全登记",
                              name=record.account.name, days=max_age_days()),
                "link_kind": "account_security", "link_id": record.account_id})
    return told
