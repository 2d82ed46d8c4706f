"""What waits in assessment (待办, `govmb.todo`): the fixes an inspection requires of the unit by
their deadline (整改), the fixes reported for supervision to accept, and today's duty shifts of
the unit (X20.3's roster: who is on duty now and later today), and for the joint-meeting office the
fixes past their deadline city-wide (the escalation, 19号); the last quarter's 简报 or 专报 the
unit has not yet submitted (N17, N18). Each kind one indexed count (0021, 0023, 0024, 0025)."""
from __future__ import annotations

import datetime as dt

from peewee import fn

from govmb.identity import UNIT_STAFF, Identity
from govmb.messages import said
from govmb.timefmt import beijing_today, to_beijing, utcnow
from govmb.todo import Kind, Marks, end_of, todo
from services.assessment import dormancy, narratives
from services.assessment.inspections import INSPECTORS, OWED
from services.assessment.models import DormancyOrder, DutyShift, Inspection, NarrativeReport, Unit

TITLE = 40


def _owed(who: Identity):
    return Inspection.select(Inspection.id, Inspection.found, Inspection.unit_id, Inspection.fix_by,
                             Inspection.status, Inspection.recorded_at).where(
        Inspection.unit_id == who.unit_id, Inspection.status.in_(OWED))


def _reported(_who: Identity):
    return Inspection.select(Inspection.id, Inspection.found, Inspection.unit_id, Inspection.fix_by,
                             Inspection.status, Inspection.reported_at).where(Inspection.status == "reported")


def _overdue(_who: Identity):
    """The fixes past their deadline, city-wide: escalated to the joint-meeting office (19号)."""
    return Inspection.select(Inspection.id, Inspection.found, Inspection.unit_id, Inspection.fix_by,
                             Inspection.status, Inspection.recorded_at).where(
        Inspection.status.in_(OWED), Inspection.fix_by < beijing_today())


def _inspection(i: Inspection) -> dict:
    return {"id": i.id, "title": i.found[:TITLE], "due_at": end_of(i.fix_by) if i.status in OWED else None,
            "since": i.reported_at if i.status == "reported" else i.recorded_at, "unit_id": i.unit_id,
            "status": i.status}


def _shifts(who: Identity):
    """The unit's shifts on now or later today (Beijing)."""
    now = utcnow()
    return DutyShift.select().where(DutyShift.unit_id == who.unit_id, DutyShift.ends_at > now,
                                    DutyShift.starts_at < Marks.at(now).day_end)


def _shift(s: DutyShift) -> dict:
    hours = f"{to_beijing(s.starts_at):%H:%M}–{to_beijing(s.ends_at):%m-%d %H:%M}"
    return {"id": s.id, "title": s.person_name, "due_at": None, "since": s.starts_at, "unit_id": s.unit_id,
            "detail": said("{hours}，电话 {phone}", hours=hours, phone=s.phone)}


ORDER_COLUMNS = (DormancyOrder.id, DormancyOrder.account_name, DormancyOrder.unit_id, DormancyOrder.deadline,
                 DormancyOrder.status, DormancyOrder.issued_at, DormancyOrder.answered_at)


def _orders_owed(who: Identity):
    return DormancyOrder.select(*ORDER_COLUMNS).where(DormancyOrder.unit_id == who.unit_id,
                                                      DormancyOrder.status.in_(dormancy.OWED))


def _answers(_who: Identity):
    return DormancyOrder.select(*ORDER_COLUMNS).where(DormancyOrder.status == "answered")


def _orders_due(_who: Identity):
    """Orders whose deadline has passed while the unit still owes an answer: accept a late
    answer, or order the account closed."""
    return DormancyOrder.select(*ORDER_COLUMNS).where(DormancyOrder.status.in_(dormancy.OWED),
                                                      DormancyOrder.deadline < beijing_today())


def _order(o: DormancyOrder) -> dict:
    return {"id": o.id, "title": o.account_name, "due_at": end_of(o.deadline) if o.status != "answered" else None,
            "since": o.answered_at if o.status == "answered" else o.issued_at, "unit_id": o.unit_id,
            "status": o.status}


def _report_owed(who: Identity):
    """The caller's unit, if it reports and has not reported the last quarter."""
    quarter = narratives.previous_quarter(Marks.at().as_dates().now)
    sent = NarrativeReport.select(NarrativeReport.id).where(NarrativeReport.unit_id == who.unit_id,
                                                             NarrativeReport.quarter == quarter)
    return Unit.select(Unit.id, Unit.name).where(Unit.id == who.unit_id, Unit.id.in_(narratives.reporting_units()),
                                                 ~fn.EXISTS(sent))


def _report(unit: Unit) -> dict:
    quarter = narratives.previous_quarter(Marks.at().as_dates().now)
    return {"id": unit.id, "title": narratives.Period.parse(quarter).label, "unit_id": unit.id,
            "due_at": end_of(narratives.deadline(quarter)), "since": None}


KINDS = (
    Kind("fixes", "督查整改待完成", UNIT_STAFF, _owed, _inspection, due=Inspection.fix_by, dates=True,
         order=(Inspection.id,)),
    Kind("fixes_to_review", "整改报告待验收", INSPECTORS, _reported, _inspection,
         order=(Inspection.reported_at, Inspection.id)),
    Kind("fixes_overdue", "督查整改逾期（上报）", ("joint_office",), _overdue, _inspection, due=Inspection.fix_by,
         dates=True, order=(Inspection.id,)),
    Kind("shifts", "今日值班", UNIT_STAFF, _shifts, _shift, order=(DutyShift.starts_at, DutyShift.id)),
    Kind("dormancy_orders", "僵尸号整改通知待答复", UNIT_STAFF, _orders_owed, _order, due=DormancyOrder.deadline,
         dates=True, order=(DormancyOrder.id,)),
    Kind("dormancy_answers", "僵尸号整改答复待审核", dormancy.ISSUERS, _answers, _order,
         order=(DormancyOrder.answered_at, DormancyOrder.id)),
    Kind("dormancy_due", "僵尸号整改逾期待处理", dormancy.ISSUERS, _orders_due, _order, due=DormancyOrder.deadline,
         dates=True, order=(DormancyOrder.id,)),
    Kind("narrative_report", "季度简报、专报待报送", UNIT_STAFF, _report_owed, _report, order=(Unit.id,)),
)


def waiting(who: Identity, now: dt.datetime | None = None, items: bool = True) -> list[dict]:
    """Assessment's groups of work waiting for `who`."""
    return todo(KINDS, who, Unit, now, items)
