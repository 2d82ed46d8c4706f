"""Reminders of what assessment keeps the dates of (issue 17), each once (govmb/reminders.py):

- an active account REMIND_DORMANT_DAYS days without a post (before the national norms' 14 days
  make it a dormant account, 僵尸号), again after each new post and new silence;
- an inspection's fix deadline REMIND_FIX_DAYS days before it, while the fix is not reported;
- a duty shift REMIND_SHIFT_HOURS before it starts, to the person on duty (by name in the unit);
- a unit's quarterly 简报 or 专报 (N17, N18) `narratives.REMIND_DAYS` days before its deadline, while
  the unit has not submitted it (once per unit and quarter)."""
from __future__ import annotations

import datetime as dt

import peewee

from govmb import reminders
from govmb.messages import said
from govmb.reminders import Reminder
from govmb.timefmt import beijing_today, utcnow
from services.assessment import narratives
from services.assessment.models import Account, DutyShift, Inspection, LastPost, NarrativeReport, Unit, bus, db

ReminderSent = reminders.sent_model(db)


def dormant() -> list[Reminder]:
    days = reminders.settings().dormant_days
    cutoff = beijing_today() - dt.timedelta(days=days)
    last = peewee.fn.COALESCE(LastPost.day, "")
    quiet = (Account.select(Account.id, Account.unit_id, Account.name, last.alias("last_day"))
             .join(LastPost, peewee.JOIN.LEFT_OUTER, on=(LastPost.account_id == Account.id))
             .where(Account.status == "active",
                    (LastPost.day <= str(cutoff)) | (LastPost.day.is_null()
                                                     & (Account.activated_at <= utcnow() - dt.timedelta(days=days))),
                    reminders.unsent(ReminderSent, "dormant", Account.id, last))
             .order_by(Account.id).limit(reminders.BATCH))
    return [Reminder("dormant", a.id, a.unit_id, ("operator", "responsible_office"),
                     f"账号“{a.name}”已 {days} 天以上未发布信息（{a.last_day or '开通以来'}），满 14 天将计为长期未更新",
                     "account", a.id, stage=a.last_day) for a in quiet]


def fixes() -> list[Reminder]:
    today = beijing_today()
    near = (Inspection.select(Inspection.id, Inspection.unit_id, Inspection.fix_by, Inspection.required)
            .where(Inspection.status.in_(("open", "rejected")), Inspection.fix_by >= today,
                   Inspection.fix_by <= today + dt.timedelta(days=reminders.settings().fix_days),
                   reminders.unsent(ReminderSent, "fix_due", Inspection.id))
            .order_by(Inspection.fix_by).limit(reminders.BATCH))
    return [Reminder("fix_due", i.id, i.unit_id, ("operator", "responsible_office"),
                     f"督查整改须在 {i.fix_by} 前完成：{i.required[:40]}", "inspection", i.id) for i in near]


def shifts() -> list[Reminder]:
    now = utcnow()
    soon = (DutyShift.select(DutyShift.id, DutyShift.unit_id, DutyShift.person_name, DutyShift.starts_at)
            .where(DutyShift.starts_at > now, DutyShift.starts_at <= now + dt.timedelta(hours=reminders.settings().shift_hours),
                   reminders.unsent(ReminderSent, "shift", DutyShift.id))
            .order_by(DutyShift.starts_at).limit(reminders.BATCH))
    return [Reminder("shift", s.id, s.unit_id, ("operator",), f"{s.person_name} 的值班即将开始", "roster", None,
                     s.starts_at, person_name=s.person_name) for s in soon]


def narrative_reports(today: dt.date | None = None) -> list[Reminder]:
    """The units that report and have not yet reported the last quarter, within the days before its deadline."""
    today = today or beijing_today()
    quarter = narratives.previous_quarter(today)
    due = narratives.deadline(quarter)
    if not due - dt.timedelta(days=narratives.REMIND_DAYS) <= today <= due:
        return []
    owing = (Unit.select(Unit.id)
             .join(NarrativeReport, peewee.JOIN.LEFT_OUTER,
                   on=((NarrativeReport.unit_id == Unit.id) & (NarrativeReport.quarter == quarter)))
             .where(Unit.id.in_(narratives.reporting_units()), NarrativeReport.id.is_null(),
                    reminders.unsent(ReminderSent, "report_due", Unit.id, quarter))
             .order_by(Unit.id).limit(reminders.BATCH))
    label = narratives.Period.parse(quarter).label
    return [Reminder("report_due", u.id, u.id, ("operator", "responsible_office"),
                     said("{label}的简报或专报须在 {due} 前报送", label=label, due=due), "narratives", None,
                     narratives.end_of(due), stage=quarter) for u in owing]


def send_due() -> int:
    return reminders.send(db, bus, ReminderSent, "assessment",
                          dormant() + fixes() + shifts() + narrative_reports())
