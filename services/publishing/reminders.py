"""Reminders of publishing's deadlines (issue 17), each once (govmb/reminders.py):

- a directive's forwarding deadline (统一口径, N12): each unit with target accounts not yet
  forwarded, REMIND_DIRECTIVE_HOURS before it — one reminder a unit, naming how many of its
  accounts are still to forward; urgent when the directive's post is an emergency's;
- an emergency post's 2-hour deadline (N11, X20.6) while it waits in review: its reviewers
  (the proof-readers while it waits to be proof-read, the responsible office while it waits to be checked, the leaders while it waits for
  approval), REMIND_EMERGENCY_MINUTES before it; always urgent (delivered in quiet hours)."""
from __future__ import annotations

import datetime as dt

import peewee

from govmb import reminders
from govmb.messages import N_, said, translate
from govmb.reminders import Reminder
from services.publishing.models import Directive, DirectiveTarget, Draft, bus, db

ReminderSent = reminders.sent_model(db)
REVIEWERS = {"proofreading": ("operator", "responsible_office"), "submitted": ("responsible_office",),
             "checked": ("leader", "principal_leader")}
STEPS = {"proofreading": N_("校对"), "submitted": N_("核稿"), "checked": N_("审批")}


def directives() -> list[Reminder]:
    now = reminders.now()
    soon = now + dt.timedelta(hours=reminders.settings().directive_hours)
    left = peewee.fn.COUNT(DirectiveTarget.id)
    open_units = (DirectiveTarget.select(DirectiveTarget.unit_id, Directive.id, Directive.title, Directive.due_at,
                                         Draft.event_at, left.alias("left"))
                  .join(Directive).join(Draft)
                  .where(DirectiveTarget.forwarded_at.is_null(), Directive.due_at > now, Directive.due_at <= soon,
                         reminders.unsent(ReminderSent, "directive_due", Directive.id,
                                          reminders.as_text(DirectiveTarget.unit_id)))
                  .group_by(DirectiveTarget.unit_id, Directive.id, Directive.title, Directive.due_at, Draft.event_at)
                  .order_by(Directive.due_at).limit(reminders.BATCH).objects())
    return [Reminder("directive_due", t.id, t.unit_id, ("operator",),
                     said("统一发布指令“{title}”须在截止前转发（本单位还有 {left} 个账号未转发）", title=t.title, left=t.left),
                     "directive", t.id, t.due_at, stage=str(t.unit_id), urgent=t.event_at is not None)
            for t in open_units]


def emergencies() -> list[Reminder]:
    now = reminders.now()
    soon = now + dt.timedelta(minutes=reminders.settings().emergency_minutes)
    waiting = (Draft.select(Draft.id, Draft.unit_id, Draft.status, Draft.due_at)
               .where(Draft.status.in_(tuple(REVIEWERS)), Draft.event_at.is_null(False), Draft.due_at > now,
                      Draft.due_at <= soon, reminders.unsent(ReminderSent, "emergency_due", Draft.id, Draft.status))
               .order_by(Draft.due_at).limit(reminders.BATCH))
    return [Reminder("emergency_due", d.id, d.unit_id, REVIEWERS[d.status],
                     said("突发事件信息（稿件 {id}）须在事件发生后 2 小时内发布，正等待{step}", id=d.id,
                          step=translate(STEPS[d.status])),
                     "draft", d.id, d.due_at, stage=d.status, urgent=True) for d in waiting]


def send_due() -> int:
    from services.publishing.emergency_work import clock_reminders  # it reads ReminderSent from here
    return reminders.send(db, bus, ReminderSent, "publishing", directives() + emergencies() + clock_reminders())
