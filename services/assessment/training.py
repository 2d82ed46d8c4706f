"""The training register (N21, X29, X30): the joint-meeting office records each course
(授课培训: experts from the platforms, leaders, scholars, site managers, opinion leaders) and
each experience-exchange meeting (经验交流座谈会), the units invited and who attended; each
unit's year is counted from it (sessions, attendances, hours), and the register is exported
for a spreadsheet.

A unit may organise training itself (N21: 有条件的单位可自行组织培训): its staff register it the
same way, for their own unit and the units below it (the units it invites, the people who
attended); it is marked as the unit's own (`organiser_unit_id`), counted in the units' years
beside the office's, and the unit's own sessions and attendances are shown apart too."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from govmb import tables
from govmb.contracts.assessment import TRAINER_KIND_NAMES, TRAINING_KIND_NAMES
from govmb.domain import Invalid, NotFound, Refused
from govmb.identity import UNIT_STAFF, Identity, in_sight, under
from govmb.messages import N_, said
from govmb.timefmt import beijing_today
from govmb.unit_copy import tree_order
from services.assessment.models import (
    TrainingAttendee,
    TrainingInvitation,
    TrainingSession,
    TrainingTrainer,
    Unit,
    audit,
    db,
)

RECORDERS = ("joint_office", *UNIT_STAFF)  # the office, or a unit's staff for the unit's own training
OFFICE = ("joint_office",)


def _invited_units(ids: list[int], who: Identity) -> dict[int, Unit]:
    """The units invited, or a 422 naming the first unknown one (or one out of a unit's sight)."""
    if len(set(ids)) != len(ids):
        raise Invalid("invited_unit_ids", "邀请单位有重复")
    found = {u.id: u for u in _units(who).where(Unit.id.in_(ids))}
    for unit_id in ids:
        if unit_id not in found:
            raise Invalid("invited_unit_ids", said("单位 {id} 不存在或不是本单位及下级单位", id=unit_id))
    return found


def _units(who: Identity):
    """The units a session may name: every unit for the office's, the unit's own tree for a unit's."""
    return Unit.select() if who.has(*OFFICE) else Unit.select().where(under(Unit.path, who.unit_path))


def _check_attendees(session_held_on: dt.date, attendees: list[dict], existing: set[tuple[int, str]],
                     who: Identity) -> dict[int, Unit]:
    """Attendees may be recorded once the session has been held, each person once per session."""
    if attendees and session_held_on > beijing_today():
        raise Invalid("attendees", "培训尚未举行，不能登记参训人员")
    units = {}
    ids = [a["unit_id"] for a in attendees]
    found = {u.id: u for u in _units(who).where(Unit.id.in_(list(set(ids))))}
    seen = set(existing)
    for i, a in enumerate(attendees):
        if a["unit_id"] not in found:
            raise Invalid("attendees", {i: {"unit_id": ["单位不存在"]}})
        key = (a["unit_id"], a["person_name"].strip())
        if key in seen:
            raise Invalid("attendees", {i: {"person_name": [said("{name} 已登记参加本次培训", name=key[1])]}})
        seen.add(key)
        units[a["unit_id"]] = found[a["unit_id"]]
    return units


def _insert_attendees(session: TrainingSession, attendees: list[dict], units: dict[int, Unit], who: Identity) -> None:
    for a in attendees:
        unit = units[a["unit_id"]]
        TrainingAttendee.create(session=session, person_name=a["person_name"].strip(), unit_id=unit.id,
                                unit_path=unit.path, recorded_by=who.name)


def create(data: dict, who: Identity) -> TrainingSession:
    """The office's session, or (any other recorder) the unit's own."""
    if not who.has(*RECORDERS):
        raise Refused("培训由联席会议办公室或本单位工作人员登记")
    if data["kind"] == "course" and not data["trainers"]:
        raise Invalid("trainers", "授课培训须填写授课人")
    invited = _invited_units(data["invited_unit_ids"], who)
    attendee_units = _check_attendees(data["held_on"], data["attendees"], set(), who)
    own = not who.has(*OFFICE)
    with db.atomic():
        session = TrainingSession.create(kind=data["kind"], title=data["title"].strip(), held_on=data["held_on"],
                                         hours=data["hours"], place=data["place"].strip(), recorded_by=who.name,
                                         organiser_unit_id=who.unit_id if own else None,
                                         organiser_path=who.unit_path if own else None)
        for t in data["trainers"]:
            TrainingTrainer.create(session=session, name=t["name"].strip(), kind=t["kind"],
                                   affiliation=t["affiliation"].strip())
        for unit_id in data["invited_unit_ids"]:
            TrainingInvitation.create(session=session, unit_id=unit_id, unit_path=invited[unit_id].path)
        _insert_attendees(session, data["attendees"], attendee_units, who)
    return session


def _may_record(session: TrainingSession, who: Identity) -> None:
    """The office records the attendees of its sessions, a unit's staff those of the unit's own."""
    mine = who.has(*OFFICE) if session.organiser_unit_id is None else (
        who.has(*UNIT_STAFF) and session.organiser_unit_id == who.unit_id)
    if not mine:
        raise Refused("参训人员由组织培训的单位登记（联席会议办公室组织的，由联席会议办公室登记）")


def add_attendees(session: TrainingSession, attendees: list[dict], who: Identity) -> TrainingSession:
    """Attendees added all together or not at all."""
    _may_record(session, who)
    with db.atomic():
        existing = {(a.unit_id, a.person_name) for a in session.attendees}
        units = _check_attendees(session.held_on, attendees, existing, who)
        _insert_attendees(session, attendees, units, who)
    return session


def remove_attendee(session: TrainingSession, attendee_id: int, who: Identity) -> None:
    _may_record(session, who)
    with db.atomic():
        attendee = TrainingAttendee.get_or_none(TrainingAttendee.id == attendee_id, TrainingAttendee.session == session)
        removed = attendee and TrainingAttendee.delete().where(TrainingAttendee.id == attendee_id).execute()
        if not removed:
            raise NotFound(said("本次培训没有参训记录 {id}", id=attendee_id))
        audit.record(who, "training_attendee.delete", "training_attendee", attendee_id, attendee.unit_path,
                     N_("培训：{held_on} {title}（登记人 {by}）").format(
                             held_on=session.held_on, title=session.title, by=attendee.recorded_by), attendee.person_name)


def _year(year: int):
    return TrainingSession.held_on.between(dt.date(year, 1, 1), dt.date(year, 12, 31))


def _in_sight(query, who: Identity):
    """The sessions of `query` the caller may see: all for the city-wide roles; for a unit,
    those it or a unit below it was invited to or attended."""
    if who.sees_all:
        return query
    invited = TrainingInvitation.select(TrainingInvitation.session).where(
        under(TrainingInvitation.unit_path, who.unit_path))
    attended = TrainingAttendee.select(TrainingAttendee.session).where(
        under(TrainingAttendee.unit_path, who.unit_path))
    return query.where(TrainingSession.id.in_(invited) | TrainingSession.id.in_(attended)
                       | under(TrainingSession.organiser_path, who.unit_path))


def sessions(who: Identity, year: int) -> list[TrainingSession]:
    """The year's sessions the caller may see, the latest first."""
    query = _in_sight(TrainingSession.select().where(_year(year)), who)
    return list(query.order_by(TrainingSession.held_on.desc(), TrainingSession.id.desc()))


def visible(session_id: int, who: Identity) -> TrainingSession:
    session = _in_sight(TrainingSession.select().where(TrainingSession.id == session_id), who).first()
    if session is None:
        raise NotFound(said("培训 {id} 不存在或与本单位无关", id=session_id))
    return session


def shown(listed: list[TrainingSession], who: Identity) -> list[TrainingSession]:
    """The sessions with their trainers, and the invitations and attendees the caller may see
    (a few queries for all of them)."""
    ids = [s.id for s in listed]
    trainers, invited, attendees = defaultdict(list), defaultdict(list), defaultdict(list)
    for t in TrainingTrainer.select().where(TrainingTrainer.session.in_(ids)).order_by(TrainingTrainer.id):
        trainers[t.session_id].append(t)
    for i in in_sight(TrainingInvitation.select().where(TrainingInvitation.session.in_(ids)),
                      TrainingInvitation.unit_path, who).order_by(TrainingInvitation.id):
        invited[i.session_id].append(i)
    for a in in_sight(TrainingAttendee.select().where(TrainingAttendee.session.in_(ids)),
                      TrainingAttendee.unit_path, who).order_by(TrainingAttendee.unit_id, TrainingAttendee.id):
        attendees[a.session_id].append(a)
    unit_ids = {x.unit_id for rows in (*invited.values(), *attendees.values()) for x in rows}
    unit_ids |= {s.organiser_unit_id for s in listed if s.organiser_unit_id}
    names = {u.id: u.name for u in Unit.select(Unit.id, Unit.name).where(Unit.id.in_(list(unit_ids)))}
    for s in listed:
        s.kind_name = TRAINING_KIND_NAMES[s.kind]
        s.own = s.organiser_unit_id is not None
        s.organiser_name = names.get(s.organiser_unit_id, "") if s.own else "联席会议办公室"
        s.trainer_list = [{"name": t.name, "kind": t.kind, "kind_name": TRAINER_KIND_NAMES[t.kind],
                           "affiliation": t.affiliation} for t in trainers[s.id]]
        s.invited = [{"unit_id": i.unit_id, "unit_name": names.get(i.unit_id, "")} for i in invited[s.id]]
        s.attendee_list = [{"id": a.id, "person_name": a.person_name, "unit_id": a.unit_id,
                            "unit_name": names.get(a.unit_id, "")} for a in attendees[s.id]]
    return listed


def shown_one(session: TrainingSession, who: Identity) -> TrainingSession:
    return shown([session], who)[0]


def record(who: Identity, year: int, unit_id: int | None = None) -> list[dict]:
    """Each unit's year, for every unit in the caller's sight (a unit with no training shows
    zeros): sessions invited to, sessions attended, attendances (人次), hours (人·学时: each
    attendance counts the session's hours), and invitations no one attended; the office's and
    the units' own training together, and apart the unit's own: the sessions it organised, and
    its attendances and hours at them (`own_*`)."""
    units = in_sight(Unit.select(), Unit.path, who)
    if unit_id is not None:
        units = units.where(Unit.id == unit_id)
    rows = {u.id: {"unit_id": u.id, "unit_name": u.name, "invited": 0, "sessions": 0, "attendees": 0,
                   "hours": Decimal("0"), "absent": 0, "own_sessions": 0, "own_attendees": 0,
                   "own_hours": Decimal("0")} for u in sorted(units, key=lambda u: tree_order(u.path))}
    of_year = {s.id: s for s in TrainingSession.select().where(_year(year))}
    for s in of_year.values():
        if s.organiser_unit_id in rows:
            rows[s.organiser_unit_id]["own_sessions"] += 1
    attended: dict[int, set[int]] = defaultdict(set)
    for a in TrainingAttendee.select().where(TrainingAttendee.session.in_(list(of_year)),
                                             TrainingAttendee.unit_id.in_(list(rows))):
        row, session = rows[a.unit_id], of_year[a.session_id]
        row["attendees"] += 1
        row["hours"] += session.hours
        if session.organiser_unit_id == a.unit_id:
            row["own_attendees"] += 1
            row["own_hours"] += session.hours
        attended[a.unit_id].add(a.session_id)
    for unit, session_ids in attended.items():
        rows[unit]["sessions"] = len(session_ids)
    today = beijing_today()
    for i in TrainingInvitation.select().where(TrainingInvitation.session.in_(list(of_year)),
                                               TrainingInvitation.unit_id.in_(list(rows))):
        rows[i.unit_id]["invited"] += 1
        if i.session_id not in attended[i.unit_id] and of_year[i.session_id].held_on <= today:
            rows[i.unit_id]["absent"] += 1
    return list(rows.values())


EXPORT_HEADER = ("日期", "类型", "名称", "主办单位", "学时", "地点", "授课人", "邀请单位", "参训人员", "参训单位")


def export_rows(who: Identity, year: int) -> list[list]:
    """The register, one row per attendance (a session no one attended yet: one row without)."""
    rows = []
    for s in shown(sorted(sessions(who, year), key=lambda s: (s.held_on, s.id)), who):
        trainers = "；".join(f"{t['name']}（{t['kind_name']}{'，' + t['affiliation'] if t['affiliation'] else ''}）"
                            for t in s.trainer_list)
        invited = "、".join(i["unit_name"] for i in s.invited)
        head = [s.held_on, s.kind_name, s.title, s.organiser_name, float(s.hours), s.place, trainers, invited]
        rows += [[*head, a["person_name"], a["unit_name"]] for a in s.attendee_list] or [[*head, "", ""]]
    return rows


def export(who: Identity, year: int, fmt: str) -> tuple[bytes, str, str]:
    """(content, media type, file name) of the year's register as CSV or XLSX."""
    rows = export_rows(who, year)
    if fmt == "xlsx":
        return (tables.xlsx_bytes(EXPORT_HEADER, rows, said("{year}年培训登记", year=year)),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", said("培训登记-{year}.xlsx", year=year))
    return tables.csv_bytes(EXPORT_HEADER, rows), "text/csv; charset=utf-8", said("培训登记-{year}.csv", year=year)
