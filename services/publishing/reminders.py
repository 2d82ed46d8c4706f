"""Reminders of the directives' deadlines (issue 17; 统一口径, N12): each target account's unit
not yet forwarded is reminded REMIND_DIRECTIVE_HOURS before the deadline, once
(govmb/reminders.py); a directive on an emergency's post is urgent (delivered in quiet hours)."""
from __future__ import annotations

import datetime as dt

from govmb import reminders
from govmb.messages import said
from govmb.reminders import Reminder
from services.publishing.models import Directive, DirectiveTarget, Draft, bus, db

ReminderSent = reminders.sent_model(db)


def due() -> list[Reminder]:
    now = reminders.now()
    soon = now + dt.timedelta(hours=reminders.settings().directive_hours)
    open_targets = (DirectiveTarget.select(DirectiveTarget, Directive, Draft.event_at)
                    .join(Directive).join(Draft)
                    .where(DirectiveTarget.forwarded_at.is_null(), Directive.due_at > now, Directive.due_at <= soon,
                           reminders.unsent(ReminderSent, "directive_due", DirectiveTarget.id))
                    .order_by(Directive.due_at).limit(reminders.BATCH))
    return [Reminder("directive_due", t.id, t.unit_id, ("operator",),
                     said("统一发布指令“{title}”须在截止前转发", title=t.directive.title), "directive", t.directive_id,
                     t.directive.due_at, urgent=t.directive.lead_draft.event_at is not None)
            for t in open_targets]


def send_due() -> int:
    return reminders.send(db, bus, ReminderSent, "publishing", due())
