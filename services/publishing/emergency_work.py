"""What an open emergency asks of people (X20.6, N11): its clocks in the to-do (待办) of its unit's
staff (the office and supervision: the city's), and a reminder, once per clock, shortly before a
clock that is still open runs out (REMIND_EMERGENCY_MINUTES; urgent: delivered in quiet hours)."""
from __future__ import annotations

import datetime as dt

from govmb import reminders
from govmb.identity import UNIT_STAFF, Identity
from govmb.messages import N_, Catalogued, said
from govmb.reminders import Reminder
from govmb.todo import Kind
from services.publishing.emergency_models import Emergency
from services.publishing.reminders import ReminderSent

STAFF = ("operator", "responsible_office", "leader")
CITY = ("joint_office", "supervision")
CLOCK_COLUMNS = (("first", Emergency.first_due_at, Emergency.first_released_at, Catalogued(N_("首条信息"))),
                 ("national", Emergency.national_due_at, Emergency.first_released_at, Catalogued(N_("权威信息"))),
                 ("followup", Emergency.followup_due_at, Emergency.followup_released_at, Catalogued(N_("后续信息"))))


def clock_reminders() -> list[Reminder]:
    now = reminders.now()
    soon = now + dt.timedelta(minutes=reminders.settings().emergency_minutes)
    found = []
    for key, due, done, what in CLOCK_COLUMNS:
        rows = (Emergency.select(Emergency.id, Emergency.title, Emergency.unit_id, due.alias("due"))
                .where(Emergency.status == "open", done.is_null(), due > now, due <= soon,
                       reminders.unsent(ReminderSent, "emergency_clock", Emergency.id, key))
                .order_by(due).limit(reminders.BATCH))
        found += [Reminder("emergency_clock", e.id, e.unit_id, STAFF,
                           said("突发事件“{title}”的{what}发布时限将到", title=e.title, what=what),
                           "emergency", e.id, e.due, stage=key, urgent=True) for e in rows]
    return found


def _waiting(done, *more):
    def query(who: Identity):
        rows = Emergency.select(Emergency.id, Emergency.title, Emergency.unit_id, Emergency.first_due_at,
                                Emergency.followup_due_at, Emergency.declared_at).where(
            Emergency.status == "open", done.is_null(), *more)
        return rows if who.has(*CITY) else rows.where(Emergency.unit_id == who.unit_id)
    return query


def _item(due):
    def item(e: Emergency) -> dict:
        return {"id": e.id, "title": e.title, "due_at": getattr(e, due.name), "since": e.declared_at,
                "unit_id": e.unit_id}
    return item


def kinds():
    """The to-do's kinds (services/publishing/todo.py): first release, then the follow-up."""
    return (Kind("emergency_first", "突发事件待发布首条信息", (*UNIT_STAFF, *CITY), _waiting(Emergency.first_released_at),
                 _item(Emergency.first_due_at), due=Emergency.first_due_at, order=(Emergency.id,)),
            Kind("emergency_followup", "突发事件待发布后续信息（24 小时）", (*UNIT_STAFF, *CITY),
                 _waiting(Emergency.followup_released_at, Emergency.first_released_at.is_null(False)),
                 _item(Emergency.followup_due_at), due=Emergency.followup_due_at, order=(Emergency.id,)))
