"""Emergencies by type (X20.6: 突发事件…按照规定的流程、方式、时限、口径发布; N11: within 2 hours).

The joint-meeting office keeps a procedure (处置流程) per kind of event: its steps, channels, time
limits and the line to take (口径), each save a new version. Unit staff, the office or supervision
declare an event: its clocks start from the time it happened — the procedure's first release
(N11: 2 hours), the national authoritative release (国办发〔2016〕61号: 5 hours) and the follow-up
(24 hours). Drafts written for the event carry it (`EmergencyPost`); the first released stops the
first two clocks, a later one the follow-up (`settle`, on `publishing.post.released`). The event
is announced on the bus, so that inquiry can gather the citizens' messages about it."""
from __future__ import annotations

import datetime as dt
import json

from govmb.domain import Conflict, Invalid, Refused
from govmb.identity import UNIT_STAFF, Identity, in_sight
from govmb.messages import said
from govmb.timefmt import iso_utc, stored, utc
from services.publishing import review
from services.publishing.emergency_models import Emergency, EmergencyPost, EmergencyTick, Procedure, ProcedureVersion
from services.publishing.models import Draft, Unit, audit, bus, db, now

DECLARERS = (*UNIT_STAFF, "joint_office", "supervision")
EDITORS = ("joint_office",)
CLOCKS = (("first", "首条信息发布（N11）", "first_due_at", "first_released_at"),
          ("national", "权威信息发布（5 小时）", "national_due_at", "first_released_at"),
          ("followup", "后续发布或新闻发布会（24 小时）", "followup_due_at", "followup_released_at"))
STATE_NAMES = {"on_time": "按时完成", "late": "逾期完成", "overdue": "已逾期", "open": "计时中"}
FIELDS = ("name", "steps", "channels", "first_minutes", "national_minutes", "followup_minutes", "line")


# ------------------------------------------------------------------------- procedures
def _content(p: Procedure) -> dict:
    return {"name": p.name, "steps": json.loads(p.steps), "channels": json.loads(p.channels),
            "first_minutes": p.first_minutes, "national_minutes": p.national_minutes,
            "followup_minutes": p.followup_minutes, "line": p.line}


def _procedure_problems(data: dict, procedure: Procedure | None) -> dict[str, str]:
    errors = {}
    same_name = Procedure.select().where(Procedure.name == data["name"])
    if procedure is None:
        if Procedure.select().where(Procedure.code == data["code"]).exists():
            errors["code"] = "已有这个代码的事件类型"
    else:
        same_name = same_name.where(Procedure.id != procedure.id)
    if same_name.exists():
        errors["name"] = "已有同名的事件类型"
    if data["followup_minutes"] < max(data["first_minutes"], data["national_minutes"]):
        errors["followup_minutes"] = "后续发布时限不能早于首条发布和权威发布时限"
    return errors


def save_procedure(data: dict, who: Identity, procedure: Procedure | None = None) -> Procedure:
    """A new kind of event (`procedure` None) or a new version of one; the version kept and audited."""
    errors = _procedure_problems(data, procedure)
    if errors:
        raise Invalid(errors)
    with db.atomic():
        if procedure is None:
            procedure = Procedure(code=data["code"], version=0)
        for name in FIELDS:
            value = data[name]
            setattr(procedure, name, json.dumps(value, ensure_ascii=False) if isinstance(value, list) else value)
        procedure.version += 1
        procedure.updated_by, procedure.updated_at = who.name, now()
        procedure.save()
        ProcedureVersion.create(procedure=procedure, version=procedure.version, saved_by=who.name,
                                content=json.dumps(_content(procedure), ensure_ascii=False))
        audit.record(who, "emergency.procedure", "emergency_procedure", procedure.id, "/",
                     said("第 {n} 版", n=procedure.version), procedure.name)
    return procedure


def procedure_row(p: Procedure) -> dict:
    return {"id": p.id, "code": p.code, **_content(p), "version": p.version, "updated_by": p.updated_by,
            "updated_at": p.updated_at}


def version_content(e: Emergency) -> dict:
    """The procedure as it was when the event was declared."""
    kept = ProcedureVersion.get_or_none(ProcedureVersion.procedure == e.procedure_id,
                                        ProcedureVersion.version == e.procedure_version)
    return json.loads(kept.content) if kept else _content(e.procedure)


# ------------------------------------------------------------------------- events
def _unit_for(data: dict, who: Identity) -> Unit:
    unit = Unit.get_or_none(Unit.id == (data.get("unit_id") or who.unit_id))
    if unit is None or not who.may_see(unit.path):
        raise Invalid("unit_id", "单位不存在或不在您的管辖范围内")
    return unit


def declare(data: dict, who: Identity) -> Emergency:
    errors = {}
    procedure = Procedure.get_or_none(Procedure.id == data["procedure_id"])
    if procedure is None:
        errors["procedure_id"] = "请选择事件类型"
    occurred = stored(data["occurred_at"])
    if occurred > now():
        errors["occurred_at"] = "事件发生时间不能晚于现在"
    elif occurred < now() - dt.timedelta(days=30):
        errors["occurred_at"] = "事件发生时间须在 30 天之内"
    try:
        unit = _unit_for(data, who)
    except Invalid as exc:
        errors.update({k: v[0] for k, v in exc.errors.items()})
    if errors:
        raise Invalid(errors)
    minutes = dt.timedelta(minutes=1)
    with db.atomic():
        e = Emergency.create(procedure=procedure, procedure_version=procedure.version, title=data["title"].strip(),
                             occurred_at=occurred, unit_id=unit.id, unit_path=unit.path, declared_by=who.name,
                             first_due_at=occurred + procedure.first_minutes * minutes,
                             national_due_at=occurred + procedure.national_minutes * minutes,
                             followup_due_at=occurred + procedure.followup_minutes * minutes)
        bus.emit("publishing.emergency.changed", changed_event(e))
        audit.record(who, "emergency.declare", "emergency", e.id, unit.path, procedure.name, e.title)
    return e


def changed_event(e: Emergency) -> dict:
    return {"emergency_id": e.id, "kind": e.procedure.code, "kind_name": e.procedure.name, "title": e.title,
            "occurred_at": iso_utc(e.occurred_at), "unit_id": e.unit_id, "unit_path": e.unit_path,
            "status": e.status, "revision": 2 if e.status == "closed" else 1}


def visible(who: Identity):
    """The events of the caller's units (city-wide roles: all), as a query."""
    return in_sight(Emergency.select(), Emergency.unit_path, who)


def close(e: Emergency, summary: str, who: Identity) -> Emergency:
    if not who.has(*DECLARERS):
        raise Refused("只有单位工作人员、联席会议办公室或督查部门可以结束事件")
    if not summary.strip():
        raise Invalid("summary", "请填写处置总结")
    with db.atomic():
        closed = (Emergency.update(status="closed", summary=summary.strip(), closed_by=who.name, closed_at=now())
                  .where(Emergency.id == e.id, Emergency.status == "open").execute())
        if not closed:
            raise Conflict("事件已结束")
        e = Emergency.get_by_id(e.id)
        bus.emit("publishing.emergency.changed", changed_event(e))
        audit.record(who, "emergency.close", "emergency", e.id, e.unit_path, "", e.title)
    return e


def tick(e: Emergency, step: int, done: bool, who: Identity) -> None:
    """A step of the procedure ticked off (or the tick taken back)."""
    if not who.has(*DECLARERS):
        raise Refused("只有单位工作人员、联席会议办公室或督查部门可以登记处置步骤")
    if e.status != "open":
        raise Conflict("事件已结束，不能再登记步骤")
    if not 0 <= step < len(version_content(e)["steps"]):
        raise Invalid("step", "流程中没有这一步")
    if done:
        EmergencyTick.insert(emergency=e, step=step, done_by=who.name).on_conflict_ignore().execute()
    else:
        EmergencyTick.delete().where(EmergencyTick.emergency == e, EmergencyTick.step == step).execute()


def write_draft(e: Emergency, data: dict, who: Identity) -> Draft:
    """A draft for the event: 突发事件及处置, its event time the event's (N11's 2 hours on the draft)."""
    if e.status != "open":
        raise Conflict("事件已结束，不能再为它撰写稿件")
    with db.atomic():
        draft = review.create({**data, "info_type": "emergency", "event_at": e.occurred_at}, who)
        EmergencyPost.create(emergency=e, draft_id=draft.id)
    return draft


def settle(payload: dict, _delivery=None) -> None:
    """`publishing.post.released`: the event's first and follow-up releases, recomputed from its
    released posts (a repeated or late message sets the same)."""
    link = EmergencyPost.get_or_none(EmergencyPost.draft_id == payload["draft_id"])
    if link is None:
        return
    times = [t for (t,) in Draft.select(Draft.released_at)
             .join(EmergencyPost, on=(EmergencyPost.draft_id == Draft.id))
             .where(EmergencyPost.emergency == link.emergency_id, Draft.released_at.is_null(False))
             .order_by(Draft.released_at).limit(2).tuples()]
    if not times:
        times = [stored(utc(payload["released_at"]))]
    (Emergency.update(first_released_at=times[0], followup_released_at=times[1] if len(times) > 1 else None)
     .where(Emergency.id == link.emergency_id).execute())


def clock_state(due: dt.datetime, done: dt.datetime | None, at: dt.datetime | None = None) -> str:
    if done is not None:
        return "on_time" if done <= due else "late"
    return "overdue" if (at or now()) > due else "open"


def clocks(e: Emergency) -> list[dict]:
    return [{"key": key, "name": name, "due_at": getattr(e, due), "done_at": getattr(e, done),
             "state": clock_state(getattr(e, due), getattr(e, done)),
             "state_name": STATE_NAMES[clock_state(getattr(e, due), getattr(e, done))]}
            for key, name, due, done in CLOCKS]
