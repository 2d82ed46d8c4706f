"""Reminders of the citizens' messages' deadlines (issue 17; N11): the 24-hour reply some hours
before it passes (REMIND_REPLY_HOURS), a working-day deadline (the feedback, the verification)
on the morning of its last day (from REMIND_MORNING_HOUR, Beijing); each once per message,
deadline and handling unit (govmb/reminders.py: a message transferred is reminded to the unit
that has it now). The handling unit's operators and responsible office are reminded. The title
names the message, never quotes the citizen: it may go to an e-mail or a group robot outside."""
from __future__ import annotations

import datetime as dt

from govmb import reminders
from govmb.messages import N_, said
from govmb.reminders import Reminder
from services.inquiry.models import Message, bus, db

ReminderSent = reminders.sent_model(db)
STAFF = ("operator", "responsible_office")
# status → the deadline it waits on, the reminder's kind
WAITING = {"received": "reply_due", "replied": "feedback_due", "verifying": "verification_due"}
TITLES = {"reply_due": N_("留言 {id} 须在 24 小时内回复网民"), "feedback_due": N_("留言 {id} 今日须反馈受理情况"),
          "verification_due": N_("留言 {id} 今日须核实办结")}


def windows() -> dict[str, dt.timedelta]:
    """How long before its deadline each kind is reminded: a working-day deadline ends at 24:00,
    so from the morning hour of its last day."""
    s = reminders.settings()
    morning = dt.timedelta(hours=24 - s.morning_hour)
    return {"reply_due": dt.timedelta(hours=s.reply_hours), "feedback_due": morning, "verification_due": morning}


def due() -> list[Reminder]:
    now, out = reminders.now(), []
    for status, kind in WAITING.items():
        near = (Message.select(Message.id, Message.unit_id, Message.due_at)
                .where(Message.status == status, Message.due_at > now, Message.due_at <= now + windows()[kind],
                       reminders.unsent(ReminderSent, kind, Message.id, reminders.as_text(Message.unit_id)))
                .order_by(Message.due_at).limit(reminders.BATCH))
        out += [Reminder(kind, m.id, m.unit_id, STAFF, said(TITLES[kind], id=m.id), "message", m.id, m.due_at,
                         stage=str(m.unit_id)) for m in near]
    return out


def send_due() -> int:
    return reminders.send(db, bus, ReminderSent, "inquiry", due())
