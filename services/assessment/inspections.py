"""Inspections (督查检查, N19): supervision (or the joint-meeting office) records what it
checked at a unit, what it found, what it requires and the date by which the unit must fix
it; the unit reports the fix; supervision accepts it, or rejects it with a comment and the
unit reports again. A fix still owed after its deadline is overdue, for the unit, its
superiors and the city to see. Reporting and reviewing are steps of a machine of the workflow
core (`govmb.workflow`, `MACHINE`)."""
from __future__ import annotations

import datetime as dt
import json
from enum import StrEnum
from functools import cache
from pathlib import Path

from peewee import fn

from govmb.domain import Invalid, Refused
from govmb.identity import UNIT_STAFF, Identity
from govmb.messages import N_, said
from govmb.timefmt import beijing_today
from govmb.workflow import Machine, Move, step
from services.assessment.models import Account, Inspection, InspectionAccount, InspectionStep, Unit, audit, db

INDICATORS_FILE = Path(__file__).parent / "data" / "indicators_19.json"
MAX_ACCOUNTS = 200  # accounts named by one inspection


@cache
def indicator_table() -> dict:
    """国办秘函〔2019〕19号's deduction indicators (the data file names its source): code → row."""
    data = json.loads(INDICATORS_FILE.read_text(encoding="utf-8"))
    return {"source": data["source"], "note": data["note"], "indicators": {i["code"]: i for i in data["indicators"]}}


def indicators() -> dict[str, dict]:
    return indicator_table()["indicators"]

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
        raise Invalid("unit_id", said("单位 {id} 不存在", id=data['unit_id']))
    if data["inspected_on"] > beijing_today():
        raise Invalid("inspected_on", "检查日期不能晚于今天")
    if data["fix_by"] < data["inspected_on"]:
        raise Invalid("fix_by", "整改期限不能早于检查日期")
    indicator, deduction = _deduction(data)
    accounts = _checked_accounts(data.get("account_ids") or [], unit)
    with db.atomic():
        inspection = Inspection.create(unit_id=unit.id, unit_path=unit.path, inspected_on=data["inspected_on"],
                                       checked=data["checked"].strip(), found=data["found"].strip(),
                                       required=data["required"].strip(), fix_by=data["fix_by"], recorded_by=who.name,
                                       indicator=indicator, deduction=deduction, inspector_id=who.person_id,
                                       inspector_unit_id=who.unit_id)
        if accounts:
            InspectionAccount.insert_many([{"inspection": inspection.id, "account_id": a.id, "unit_id": a.unit_id,
                                            "inspected_on": data["inspected_on"]} for a in accounts]).execute()
        _step(inspection, "record", who)
    return inspection


def _deduction(data: dict) -> tuple[str, float]:
    """The finding's 19号 indicator and its deduction: the indicator's standard one unless the
    inspector sets another, between 0 and the indicator's most."""
    code = data.get("indicator") or ""
    if not code:
        if data.get("deduction"):
            raise Invalid("indicator", N_("扣分须对应一项检查指标"))
        return "", 0.0
    row = indicators().get(code)
    if row is None:
        raise Invalid("indicator", said("没有检查指标 {code}", code=code))
    deduction = row["deduction"] if data.get("deduction") is None else data["deduction"]
    if not 0 <= deduction <= row["max"]:
        raise Invalid("deduction", said("该指标每条问题扣分在 0 至 {max} 分之间", max=row["max"]))
    return code, float(deduction)


def _checked_accounts(ids: list[int], unit: Unit) -> list:
    """The accounts the inspection checked: the inspected unit's or its subordinates'."""
    if len(ids) > MAX_ACCOUNTS:
        raise Invalid("account_ids", said("一次检查最多登记 {n} 个账号", n=MAX_ACCOUNTS))
    found = list(Account.select(Account.id, Account.unit_id, Account.unit_path).where(Account.id.in_(list(set(ids)))))
    wrong = sorted(set(ids) - {a.id for a in found if a.unit_path.startswith(unit.path)})
    if wrong:
        raise Invalid("account_ids", said("账号 {ids} 不存在或不属于被检查单位", ids="、".join(map(str, wrong))))
    return found


def deductions(w) -> dict[int, tuple[float, int]]:
    """Each unit's deductions (19号) of the inspections of a window's days (`figures.Window`), and
    how many findings: one grouped query on (unit_id, inspected_on)."""
    first, last = dt.date.fromisoformat(w.first_day), dt.date.fromisoformat(w.last_day)
    query = w.narrow(Inspection.select(Inspection.unit_id, fn.SUM(Inspection.deduction), fn.COUNT(Inspection.id))
                     .where(Inspection.inspected_on.between(first, last), Inspection.deduction > 0),
                     Inspection.unit_path)
    return {unit_id: (float(total or 0), n) for unit_id, total, n in query.group_by(Inspection.unit_id).tuples()}


class InspectionStatus(StrEnum):
    OPEN = "open"
    REPORTED = "reported"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


S = InspectionStatus


def _report(move: Move) -> None:
    text, fixed_on, inspection = (move.data.get("text") or "").strip(), move.data["fixed_on"], move.row
    if not text:
        raise Invalid("text", "请填写整改情况")
    if fixed_on < inspection.inspected_on:
        raise Invalid("fixed_on", "整改完成日期不能早于检查日期")
    if fixed_on > beijing_today():
        raise Invalid("fixed_on", "整改完成日期不能晚于今天")
    inspection.fix_report, inspection.fixed_on, inspection.reported_by = text, fixed_on, move.who.name
    move.comment, move.extra["fixed_on"] = text, fixed_on


def _review(move: Move) -> None:
    if move.action == "reject" and not move.comment:
        raise Invalid("comment", "不通过须写明意见")
    move.row.review_comment, move.row.reviewed_by = move.comment, move.who.name


def _record(move: Move) -> None:
    inspection = move.row
    _step(inspection, move.action, move.who, move.comment, move.extra.get("fixed_on"))
    if move.action in ("accept", "reject"):
        audit.record(move.who, f"inspection.{move.action}", "inspection", inspection.id, inspection.unit_path,
                     (N_("整改期限 {fix_by}；意见：{comment}") if move.comment else N_("整改期限 {fix_by}")).format(
                         fix_by=inspection.fix_by, comment=move.comment),
                     inspection.found[:40])


CONFLICT = {"report": "整改情况已报告，待督查验收，或已验收通过", "accept": "只有已报告整改、待验收的检查可以验收",
            "reject": "只有已报告整改、待验收的检查可以验收"}
WHO = {"unit": "被检查单位", "inspectors": "督查部门或联席会议办公室"}
REFUSED = {"unit": "整改情况由被检查单位报告", "inspectors": "整改由督查部门或联席会议办公室验收"}
MACHINE = Machine("inspection", Inspection, InspectionStatus, (
    step("report", {S.OPEN, S.REJECTED}, S.REPORTED, "unit", stamp="reported_at", effect=_report),
    step("accept", {S.REPORTED}, S.ACCEPTED, "inspectors", stamp="reviewed_at", effect=_review),
    step("reject", {S.REPORTED}, S.REJECTED, "inspectors", stamp="reviewed_at", effect=_review)),
    guards={"unit": lambda i, who: i.unit_id == who.unit_id and who.has(*UNIT_STAFF),
            "inspectors": lambda _i, who: who.has(*INSPECTORS)},
    refused=lambda t: REFUSED[t.who], conflict=lambda _i, t: CONFLICT[t.action], record=_record, who_names=WHO)


def report(inspection: Inspection, text: str, fixed_on: dt.date, who: Identity) -> Inspection:
    """The unit's report of its fix; again after a rejection."""
    return MACHINE.apply(inspection, "report", who, {"text": text, "fixed_on": fixed_on})


def review(inspection: Inspection, accept: bool, comment: str, who: Identity) -> Inspection:
    """Supervision accepts the reported fix, or rejects it with a comment."""
    return MACHINE.apply(inspection, "accept" if accept else "reject", who, {"comment": comment})


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
    row = indicators().get(inspection.indicator)
    inspection.indicator_name = f"{row['group']}·{row['name']}" if row else ""
    if with_steps:
        inspection.account_ids = [a for (a,) in inspection.accounts.select(InspectionAccount.account_id)
                                  .order_by(InspectionAccount.account_id).tuples()]
        inspection.history = list(inspection.steps.order_by(InspectionStep.id))
        for step in inspection.history:
            step.action_name = ACTION_NAMES[step.action]
    return inspection
