"""The 24-hour duty roster (X20.3: 制定24小时值班制度): who is on duty, with a phone, for one
account or, with no account named, for the whole unit. Times are entered in Beijing time and
stored in UTC. Shifts for the same account (or the same unit-wide roster) never overlap; a
unit-wide shift covers every account of the unit. What is asked of it: who is on duty now,
and where the next days are not covered."""
from __future__ import annotations

import datetime as dt

from govmb.db import transaction_lock
from govmb.domain import Invalid, NotFound, Refused
from govmb.identity import UNIT_STAFF, Identity
from govmb.messages import N_, said
from govmb.timefmt import stored, to_beijing, utcnow
from services.assessment.models import Account, DutyShift, Unit, audit, db

MAX_SHIFT = dt.timedelta(days=7)
IN_OPERATION = ("active", "closing_requested", "closing_approved", "superior_informed", "notice_posted")



def _bj(value: dt.datetime) -> str:
    return to_beijing(value).strftime("%Y-%m-%d %H:%M")


def _same_roster(unit_id: int, account_id: int | None):
    return (DutyShift.unit_id == unit_id) & (
        DutyShift.account_id.is_null() if account_id is None else DutyShift.account_id == account_id)


def add(data: dict, who: Identity) -> DutyShift:
    """A shift of the caller's own unit, for one of its accounts in operation or for the whole
    unit; refused if it ends before it starts, runs longer than a week, or overlaps another
    shift of the same roster (touching ends do not overlap)."""
    if not who.has(*UNIT_STAFF):
        raise Refused("值班表由本单位工作人员编排")
    account_id = data.get("account_id")
    account = None
    if account_id is not None:
        account = Account.get_or_none(Account.id == account_id)
        if account is None or account.unit_id != who.unit_id:
            raise Invalid("account_id", "须为本单位的账号")
        if not needs_duty(account):
            raise Invalid("account_id", "该账号不在运行中（未开通或已关闭），或为私人微博，无需排班")
    starts, ends = stored(data["starts_at"]), stored(data["ends_at"])
    if ends <= starts:
        raise Invalid("ends_at", "结束时间须晚于开始时间")
    if ends - starts > MAX_SHIFT:
        raise Invalid("ends_at", "一个班次不能超过 7 天")
    with db.atomic():
        # one writer per roster, so that two shifts entered at once cannot both pass the overlap check
        transaction_lock(db, f"govmb-roster-{who.unit_id}-{account_id or 0}")
        clash = (DutyShift.select().where(_same_roster(who.unit_id, account_id), DutyShift.starts_at < ends,
                                          DutyShift.ends_at > starts).order_by(DutyShift.starts_at).first())
        if clash is not None:
            raise Invalid("starts_at", said("与已有班次重叠：{name} {starts} 至 {ends}", name=clash.person_name,
                                                   starts=_bj(clash.starts_at), ends=_bj(clash.ends_at)))
        shift = DutyShift.create(unit_id=who.unit_id, unit_path=who.unit_path, account_id=account_id, starts_at=starts,
                                 ends_at=ends, person_name=data["person_name"].strip(), phone=data["phone"].strip(),
                                 entered_by=who.name)
    shift.account_name = account.name if account else ""
    return shift


def remove(shift: DutyShift, who: Identity) -> None:
    if shift.unit_id != who.unit_id or not who.has(*UNIT_STAFF):
        raise Refused("值班表由本单位工作人员编排")
    with db.atomic():
        if DutyShift.delete().where(DutyShift.id == shift.id).execute():  # not if a second request removed it first
            audit.record(who, "duty_shift.delete", "duty_shift", shift.id, shift.unit_path,
                         (N_("{starts} 至 {ends}；账号 {account}") if shift.account_id else N_("{starts} 至 {ends}；全单位")).format(
                             starts=_bj(shift.starts_at), ends=_bj(shift.ends_at), account=shift.account_id),
                         shift.person_name)


def unit_in_sight(unit_id: int | None, who: Identity) -> Unit:
    """The unit asked about (the caller's own by default), or 404 if it is out of sight."""
    unit = Unit.get_or_none(Unit.id == (unit_id or who.unit_id))
    if unit is None or not who.may_see(unit.path):
        raise NotFound(said("单位 {id} 不存在或不在您的管辖范围内", id=unit_id or who.unit_id))
    return unit


def needs_duty(account: Account) -> bool:
    """Live on its platforms (active, or closing but not yet closed) and not private."""
    return account.status in IN_OPERATION and account.kind != "private"


def accounts_of(unit: Unit) -> list:
    """The unit's accounts that need someone on duty."""
    return [a for a in Account.select().where(Account.unit_id == unit.id).order_by(Account.id) if needs_duty(a)]


def on_duty(unit: Unit, at: dt.datetime | None = None) -> dict:
    """Who is on duty at `at` (now by default): for the unit, and for each of its accounts
    (the account's own shift, else the unit's)."""
    at = at or utcnow()
    current = list(DutyShift.select().where(DutyShift.unit_id == unit.id, DutyShift.starts_at <= at,
                                            DutyShift.ends_at > at))
    unit_shift = next((s for s in current if s.account_id is None), None)
    own = {s.account_id: s for s in current if s.account_id is not None}
    accounts = []
    for a in accounts_of(unit):
        shift = own.get(a.id) or unit_shift
        accounts.append({"account_id": a.id, "account_name": a.name, "shift": shift,
                         "covered_by": None if shift is None else ("account" if a.id in own else "unit")})
    return {"unit_id": unit.id, "unit_name": unit.name, "at": at, "unit_shift": unit_shift, "accounts": accounts}


def _uncovered(spans: list[tuple[dt.datetime, dt.datetime]], start: dt.datetime, end: dt.datetime):
    """The parts of [start, end) that no span covers."""
    found, at = [], start
    for s, e in sorted(spans):
        if e <= at:
            continue
        if s > at:
            found.append((at, min(s, end)))
        at = max(at, e)
        if at >= end:
            break
    if at < end:
        found.append((at, end))
    return [(s, e) for s, e in found if e > s]


def gaps(unit: Unit, days: int = 7, start: dt.datetime | None = None) -> list[dict]:
    """Where the next `days` days (from now, to the minute) are not covered: for each account
    in operation by its own and the unit's shifts; for a unit without one, by the unit's."""
    start = (start or utcnow()).replace(second=0, microsecond=0)
    end = start + dt.timedelta(days=days)
    shifts = list(DutyShift.select().where(DutyShift.unit_id == unit.id, DutyShift.starts_at < end,
                                           DutyShift.ends_at > start))
    unit_spans = [(s.starts_at, s.ends_at) for s in shifts if s.account_id is None]
    scopes = [(a.id, a.name) for a in accounts_of(unit)] or [(None, unit.name)]
    found = []
    for account_id, name in scopes:
        spans = unit_spans + [(s.starts_at, s.ends_at) for s in shifts if account_id and s.account_id == account_id]
        for s, e in _uncovered(spans, start, end):
            found.append({"account_id": account_id, "account_name": name, "starts_at": s, "ends_at": e,
                          "hours": round((e - s).total_seconds() / 3600, 1)})
    return found


def listing(unit: Unit, start: dt.datetime, end: dt.datetime, account_id: int | None = None):
    """The unit's shifts that overlap [start, end), in order of their start (a query, for a page:
    `named`)."""
    query = DutyShift.select().where(DutyShift.unit_id == unit.id, DutyShift.starts_at < end, DutyShift.ends_at > start)
    if account_id is not None:
        query = query.where(DutyShift.account_id == account_id)
    return query.order_by(DutyShift.starts_at, DutyShift.id)


def named(shifts: list) -> list:
    """A page of shifts, each with its account's name (the unit's own shifts have none)."""
    ids = {s.account_id for s in shifts if s.account_id}
    names = dict(Account.select(Account.id, Account.name).where(Account.id.in_(ids)).tuples()) if ids else {}
    for s in shifts:
        s.account_name = names.get(s.account_id, "") if s.account_id else ""
    return shifts
