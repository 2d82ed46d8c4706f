"""The annual 年度报表's figures that happen outside the product (issue 18): 征集调查期数, 访谈期数,
是否提供智能问答, 安全检测评估次数. The joint-meeting office or supervision enters the city's
(unit 0), a unit's staff their own unit's; entering again replaces, each entry audited. The form
shows what was entered, who entered it and when, and "未填报" where nothing was."""
from __future__ import annotations

from govmb.domain import Refused
from govmb.identity import UNIT_STAFF, Identity
from govmb.messages import N_, said
from govmb.timefmt import to_beijing, utcnow
from services.assessment.models import AnnualEntry, audit, db

CITY = 0
CITY_ENTERERS = ("joint_office", "supervision")
FIGURES = ("surveys", "interviews", "smart_qa", "security_assessments")
NOT_ENTERED = N_("未填报")


def unit_for(who: Identity, unit_id: int | None) -> int:
    """Whose form the caller enters: the city's (the office, supervision), else the caller's own unit's."""
    if unit_id is None and who.has(*CITY_ENTERERS):
        return CITY
    if who.has(*UNIT_STAFF) and unit_id in (None, who.unit_id):
        return who.unit_id
    raise Refused(N_("全市的由联席会议办公室或督查部门填报，单位的由本单位人员填报"))


def _said(data: dict) -> str:
    return said("征集调查 {s} 期，访谈 {i} 期，智能问答：{q}，安全检测评估 {a} 次", s=data["surveys"],
                i=data["interviews"], q=N_("是") if data["smart_qa"] else N_("否"), a=data["security_assessments"])


def enter(year: int, data: dict, who: Identity, unit_id: int | None = None) -> AnnualEntry:
    """Enter (or replace) the year's four figures for the city or the caller's unit, audited."""
    unit = unit_for(who, unit_id)
    given = {k: data[k] for k in FIGURES}
    now = utcnow()
    with db.atomic():
        before = entry(year, unit)
        (AnnualEntry.insert(year=year, unit_id=unit, entered_by=who.name, entered_at=now, **given)
         .on_conflict(conflict_target=[AnnualEntry.year, AnnualEntry.unit_id],
                      update={**{getattr(AnnualEntry, k): v for k, v in given.items()},
                              AnnualEntry.entered_by: who.name, AnnualEntry.entered_at: now})
         .execute())
        path = "/" if unit == CITY else who.unit_path  # a unit enters only its own
        detail = _said(given) if before is None else said("{now}（替换此前的：{then}）", now=_said(given),
                                                            then=_said(before.__data__))
        audit.record(who, "annual_report.enter", "annual_report", year, path, detail,
                     said("{year}年度报表", year=year))
    return entry(year, unit)


def entry(year: int, unit_id: int) -> AnnualEntry | None:
    return AnnualEntry.get_or_none(AnnualEntry.year == year, AnnualEntry.unit_id == unit_id)


def values(e: AnnualEntry | None) -> dict | None:
    """The four figures as entered (for the entry form to show again), None where nothing was."""
    return None if e is None else {k: getattr(e, k) for k in FIGURES}


def rows(e: AnnualEntry | None) -> list[tuple]:
    """The four rows of the form: the entered values with who entered them and when, or 未填报."""
    if e is None:
        value = {k: NOT_ENTERED for k in FIGURES}
        note = ""
    else:
        value = {**values(e), "smart_qa": N_("是") if e.smart_qa else N_("否")}
        note = said("由{who}于{at}填报", who=e.entered_by, at=to_beijing(e.entered_at).strftime("%Y-%m-%d %H:%M"))
    return [(N_("征集调查"), N_("征集调查期数（期）"), value["surveys"], note),
            (N_("在线访谈"), N_("访谈期数（期）"), value["interviews"], note),
            (N_("在线访谈"), N_("是否提供智能问答"), value["smart_qa"], note),
            (N_("安全防护"), N_("安全检测评估次数（次）"), value["security_assessments"],
             note or N_("账号安全情况见账号的安全登记"))]


def shown(e: AnnualEntry) -> dict:
    return {"year": e.year, "unit_id": e.unit_id, **values(e),
            "entered_by": e.entered_by, "entered_at": e.entered_at}
