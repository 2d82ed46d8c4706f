"""Inspections (督查检查, N19): supervision (or the joint-meeting office) records what it
checked at a unit, what it found, what it requires and the date by which the unit must fix
it; the unit reports the fix; supervision accepts it, or rejects it with a comment and the
unit reports again. A fix still owed after its deadline is overdue, for the unit, its
superiors and the city to see."""
from __future__ import annotations

import datetime as dt

from govmb.domain import Conflict, Invalid, Refused
from govmb.identity import UNIT_STAFF, Identity
from govmb.timefmt import beijing_today, utcnow
from services.assessment.models import Inspection, InspectionStep, Unit, audit, db

INSPECTORS = ("supervision", "joint_office")
STATUS_NAMES = {"open": "待整改", "reported": "已报告整改，待验收", "accepted": "整改通过", "rejected": "整改未通过，待重新整改"}
OWED = ("open", "rejected")  # the unit owes a fix
ACTION_NAMES = {"record": "记录检查", "report": "报告整改", "accept": "验收通过", "reject": "验收不通过"}



def _step(inspection: Inspection, action: str, who: Identity, text: str = "", fixed_on: dt.date | None = None) -> None:
    InspectionStep.create(inspection=inspection, action=action, text=text, fixed_on=fixed_on,
                          actor_id=who.person_id, actor_name=who.name)


def record(data: dict, who: Identity) -> Inspection:
    if not who.has(*INSPECTORS):
        raise Refused("检查由督查部门或联席会议办公室记录")
    unit = Unit.get_or_none(Unit.id == data["unit_id"])
    if unit is None:
        raise Invalid("unit_id", f"单位 {data['unit_id']} 不存在")
    if data["inspected_on"] > beijing_today():
        raise Invalid("inspected_on", "检查日期不能晚于今天")
    if data["fix_by"] < data["inspected_on"]:
        raise Invalid("fix_by", "整改期限不能早于检查日期")
    with db.atomic():
        inspection = Inspection.create(unit_id=unit.id, unit_path=unit.path, inspected_on=data["inspected_on"],
                                       checked=data["checked"].strip(), found=data["found"].strip(),
                                       required=data["required"].strip(), fix_by=data["fix_by"], recorded_by=who.name)
        _step(inspection, "record", who)
    return inspection


def report(inspection: Inspection, text: str, fixed_on: dt.date, who: Identity) -> Inspection:
    """The unit's report of its fix; again after a rejection."""
    if inspection.unit_id != who.unit_id or not who.has(*UNIT_STAFF):
        raise Refused("整改情况由被检查单位报告")
    if not text.strip():
        raise Invalid("text", "请填写整改情况")
    if fixed_on < inspection.inspected_on:
        raise Invalid("fixed_on", "整改完成日期不能早于检查日期")
    if fixed_on > beijing_today():
        raise Invalid("fixed_on", "整改完成日期不能晚于今天")
    with db.atomic():
        claimed = (Inspection.update(status="reported", fix_report=text.strip(), fixed_on=fixed_on,
                                     reported_by=who.name, reported_at=utcnow())
                   .where(Inspection.id == inspection.id, Inspection.status.in_(OWED)).execute())
        if not claimed:
            raise Conflict("整改情况已报告，待督查验收，或已验收通过")
        _step(inspection, "report", who, text.strip(), fixed_on)
    return Inspection.get_by_id(inspection.id)


def review(inspection: Inspection, accept: bool, comment: str, who: Identity) -> Inspection:
    """Supervision accepts the reported fix, or rejects it with a comment."""
    if not who.has(*INSPECTORS):
        raise Refused("整改由督查部门或联席会议办公室验收")
    if not accept and not comment.strip():
        raise Invalid("comment", "不通过须写明意见")
    with db.atomic():
        claimed = (Inspection.update(status="accepted" if accept else "rejected", review_comment=comment.strip(),
                                     reviewed_by=who.name, reviewed_at=utcnow())
                   .where(Inspection.id == inspection.id, Inspection.status == "reported").execute())
        if not claimed:
            raise Conflict("只有已报告整改、待验收的检查可以验收")
        _step(inspection, "accept" if accept else "reject", who, comment.strip())
        audit.record(who, "inspection.accept" if accept else "inspection.reject", "inspection", inspection.id,
                     inspection.unit_path, f"整改期限 {inspection.fix_by}" + (f"；意见：{comment.strip()}" if comment.strip() else ""),
                     inspection.found[:40])
    return Inspection.get_by_id(inspection.id)


def overdue_clause(today: dt.date):
    """Inspections whose fix is owed and whose deadline (a whole Beijing day) has passed."""
    return Inspection.status.in_(OWED) & (Inspection.fix_by < today)


def unit_names(ids) -> dict[int, str]:
    return {u.id: u.name for u in Unit.select(Unit.id, Unit.name).where(Unit.id.in_(list(set(ids))))}


def shown(inspection: Inspection, today: dt.date | None = None, names: dict[int, str] | None = None,
          with_steps: bool = False) -> Inspection:
    """The inspection with its unit's name, its state in words, and whether its fix is overdue."""
    today = today or beijing_today()
    names = unit_names([inspection.unit_id]) if names is None else names
    inspection.unit_name = names.get(inspection.unit_id, "")
    inspection.status_name = STATUS_NAMES[inspection.status]
    owed = inspection.status in OWED
    inspection.overdue = owed and today > inspection.fix_by
    inspection.days_overdue = (today - inspection.fix_by).days if inspection.overdue else 0
    inspection.fixed_late = bool(inspection.fixed_on and inspection.fixed_on > inspection.fix_by)
    if with_steps:
        inspection.history = list(inspection.steps.order_by(InspectionStep.id))
        for step in inspection.history:
            step.action_name = ACTION_NAMES[step.action]
    return inspection
