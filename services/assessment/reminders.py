"""Reminders of what assessment keeps the dates of (issue 17), each once (govmb/reminders.py):

- an active account REMIND_DORMANT_DAYS days without a post (before the national norms' 14 days
  make it a dormant account, 僵尸号), again after each new post and new silence; the query reads
  the week of last-post days up to the threshold (an index of last_post.day), not every account;
- an inspection's fix deadline REMIND_FIX_DAYS days before it, while the fix is not reported;
- a duty shift REMIND_SHIFT_HOURS before it starts, to the person on duty (by name in the unit);
- an inspection's fix past its deadline (issue 18, 19号): a warning to the unit and to the inspector
  (the person of supervision or the office who recorded it, by name in their unit), and the
  escalation to the joint-meeting office (its people in each office unit at the top of the tree),
  which also finds it among its to-do (`todo`, `fixes_overdue`);
- a dormant account's rectification order (僵尸号整改通知) REMIND_FIX_DAYS days before its
  deadline, while the unit owes its answer (again after a rejected answer);
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
from services.assessment.inspections import INSPECTORS, OWED
from services.assessment.models import (
    Account,
    DormancyOrder,
    DutyShift,
    Inspection,
    LastPost,
    NarrativeReport,
    Unit,
    bus,
    db,
)

ReminderSent = reminders.sent_model(db)


def dormant() -> list[Reminder]:
    days = reminders.settings().dormant_days
    cutoff, week = beijing_today() - dt.timedelta(days=days), dt.timedelta(days=CATCH_UP_DAYS)
    last = peewee.fn.COALESCE(LastPost.day, "")
    activated = utcnow() - dt.timedelta(days=days)
    quiet = (Account.select(Account.id, Account.unit_id, Account.name, last.alias("last_day"))
             .join(LastPost, peewee.JOIN.LEFT_OUTER, on=(LastPost.account_id == Account.id))
             .where(Account.status == "active",
                    LastPost.day.between(str(cutoff - week), str(cutoff))
                    | (LastPost.day.is_null() & Account.activated_at.between(activated - week, activated)),
                    reminders.unsent(ReminderSent, "dormant", Account.id, last))
             .order_by(Account.id).limit(reminders.BATCH))
    return [Reminder("dormant", a.id, a.unit_id, ("operator", "responsible_office"),
                     said("账号“{name}”已 {days} 天以上未发布信息（{since}），满 14 天将计为长期未更新", name=a.name,
                          days=days, since=a.last_day or said("开通以来")),
                     "account", a.id, stage=a.last_day) for a in quiet]


CATCH_UP_DAYS = 7  # a silence that crossed the threshold while the worker was down is still reminded


def fixes() -> list[Reminder]:
    today = beijing_today()
    near = (Inspection.select(Inspection.id, Inspection.unit_id, Inspection.fix_by, Inspection.required)
            .where(Inspection.status.in_(("open", "rejected")), Inspection.fix_by >= today,
                   Inspection.fix_by <= today + dt.timedelta(days=reminders.settings().fix_days),
                   reminders.unsent(ReminderSent, "fix_due", Inspection.id))
            .order_by(Inspection.fix_by).limit(reminders.BATCH))
    return [Reminder("fix_due", i.id, i.unit_id, ("operator", "responsible_office"),
                     said("督查整改须在 {date} 前完成：{required}", date=i.fix_by, required=i.required[:40]),
                     "inspection", i.id) for i in near]


def shifts() -> list[Reminder]:
    now = utcnow()
    soon = (DutyShift.select(DutyShift.id, DutyShift.unit_id, DutyShift.person_name, DutyShift.starts_at)
            .where(DutyShift.starts_at > now, DutyShift.starts_at <= now + dt.timedelta(hours=reminders.settings().shift_hours),
                   reminders.unsent(ReminderSent, "shift", DutyShift.id))
            .order_by(DutyShift.starts_at).limit(reminders.BATCH))
    return [Reminder("shift", s.id, s.unit_id, ("operator",), said("{name} 的值班即将开始", name=s.person_name),
                     "roster", None,
                     s.starts_at, person_name=s.person_name) for s in soon]


def _overdue(kind: str, stage: str) -> peewee.ModelSelect:
    """The fixes owed past their deadline whose `kind` reminder at `stage` is not said yet."""
    return (Inspection.select(Inspection.id, Inspection.unit_id, Inspection.unit_path, Inspection.fix_by,
                              Inspection.found, Inspection.recorded_by, Inspection.inspector_unit_id)
            .where(Inspection.status.in_(OWED), Inspection.fix_by < beijing_today(),
                   reminders.unsent(ReminderSent, kind, Inspection.id, stage))
            .order_by(Inspection.fix_by, Inspection.id).limit(reminders.BATCH))


def _offices() -> list[int]:
    """The joint-meeting office's units: the offices at the top of the tree (only its people with
    the joint_office role are told)."""
    tops = Unit.select(Unit.id).where(Unit.parent_id.is_null())
    return [u for (u,) in Unit.select(Unit.id).where(Unit.kind == "office", Unit.parent_id.in_(tops)).tuples()]


def overdue_fixes() -> list[Reminder]:
    """Each overdue fix: the unit's warning, the inspector's, and the escalation to the office."""
    out = [Reminder("fix_overdue", i.id, i.unit_id, ("operator", "responsible_office", "leader"),
                    said("督查整改已逾期（期限 {day}）：{found}", day=i.fix_by, found=i.found[:40]),
                    "inspection", i.id, stage="unit") for i in _overdue("fix_overdue", "unit")]
    late = list(_overdue("fix_overdue", "inspector").where(Inspection.inspector_unit_id.is_null(False)))
    names = dict(Unit.select(Unit.id, Unit.name).where(Unit.id.in_(list({i.unit_id for i in late}))).tuples())
    for i in late:
        out.append(Reminder("fix_overdue", i.id, i.inspector_unit_id, INSPECTORS,
                            said("您记录的检查整改已逾期（{unit}，期限 {day}）", unit=names.get(i.unit_id, ""), day=i.fix_by),
                            "inspection", i.id, stage="inspector", person_name=i.recorded_by))
    offices = _offices()
    for office in offices:
        for i in _overdue("fix_escalated", f"office{office}"):
            out.append(Reminder("fix_escalated", i.id, office, ("joint_office",),
                                said("督查整改逾期上报：期限 {day}，{found}", day=i.fix_by, found=i.found[:40]),
                                "inspection", i.id, stage=f"office{office}"))
    return out


def dormancy_orders() -> list[Reminder]:
    today = beijing_today()
    stage = peewee.fn.COALESCE(DormancyOrder.reviewed_at.cast("TEXT"), "")  # reminded again after a rejection
    near = (DormancyOrder.select(DormancyOrder.id, DormancyOrder.unit_id, DormancyOrder.deadline,
                                 DormancyOrder.account_name, DormancyOrder.reviewed_at)
            .where(DormancyOrder.status.in_(("issued", "rejected")), DormancyOrder.deadline >= today,
                   DormancyOrder.deadline <= today + dt.timedelta(days=reminders.settings().fix_days),
                   reminders.unsent(ReminderSent, "dormancy_due", DormancyOrder.id, stage))
            .order_by(DormancyOrder.deadline).limit(reminders.BATCH))
    return [Reminder("dormancy_due", o.id, o.unit_id, ("operator", "responsible_office", "principal_leader"),
                     said("僵尸号整改通知须在 {deadline} 前答复：账号“{name}”", deadline=o.deadline, name=o.account_name),
                     "dormancy_order", o.id, stage=str(o.reviewed_at or "")) for o in near]


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
                          dormant() + fixes() + shifts() + overdue_fixes() + dormancy_orders() + narrative_reports())
