"""The register of security incidents (X24; 国办秘函〔2019〕19号's third single veto, G19.3):
an account hijacked or misused, a leak of secrets, a serious misstatement, or another security
incident; when it was found, handled and reported (to the superior unit, to the joint-meeting
office) and what was done. The account's unit or the office records it; the unit completes it
as it is handled; the office and supervision see every one. An incident found in a period vetoes
the unit's assessment for that period (`annual.vetoes`), and the early warnings name it."""
from __future__ import annotations

import datetime as dt

import peewee

from govmb.account_copy import runs_account, sees_account
from govmb.domain import Invalid, Refused
from govmb.identity import UNIT_STAFF, Identity
from govmb.messages import N_, said
from govmb.timefmt import stored, utcnow
from services.assessment.models import Account, SecurityIncident, Unit, audit, db

KIND_NAMES = {"hijacked": N_("账号被盗用或冒用"), "leak": N_("泄露国家秘密或工作秘密"),
              "misstatement": N_("严重表述错误"), "other": N_("其他安全事件")}
REPORTED_TO_NAMES = {"superior": N_("上级单位"), "office": N_("联席会议办公室"),
                     "both": N_("上级单位和联席会议办公室")}
OFFICE = ("joint_office",)  # records an incident of any unit
VETO_NAME = N_("发生安全、泄密事故")


def _stored(value: dt.datetime | None) -> dt.datetime | None:
    return None if value is None else stored(value)


def _may_record(account, who: Identity) -> bool:
    """The office over the account's unit, or the staff of the unit that runs it (its own, or its
    managing unit, X6)."""
    return who.has(*OFFICE) and who.may_see(account.unit_path) or (who.has(*UNIT_STAFF) and runs_account(account, who))


def _times(data: dict, found_at: dt.datetime) -> None:
    """Each time given is no later than now and no earlier than the finding."""
    now = dt.datetime.now(dt.timezone.utc)
    for field in ("found_at", "handled_at", "reported_at"):
        when = data.get(field)
        if when is None:
            continue
        if when > now + dt.timedelta(minutes=5):
            raise Invalid(field, N_("时间不能晚于现在"))
        if field != "found_at" and when < found_at:
            raise Invalid(field, N_("不能早于发现时间"))
    if data.get("reported_at") and not data.get("reported_to"):
        raise Invalid("reported_to", N_("请选择报告对象"))


def record(data: dict, who: Identity) -> SecurityIncident:
    account = Account.get_or_none(Account.id == data["account_id"])
    if not sees_account(account, who):
        raise Invalid("account_id", said("账号 {id} 不存在或不在您的管辖范围内", id=data["account_id"]))
    if not _may_record(account, who):
        raise Refused(N_("安全事件由账号所属单位或联席会议办公室登记"))
    _times(data, data["found_at"])
    with db.atomic():
        incident = SecurityIncident.create(
            account_id=account.id, account_name=account.name, unit_id=account.unit_id, unit_path=account.unit_path,
            kind=data["kind"], description=data["description"].strip(), found_at=stored(data["found_at"]),
            handled_at=_stored(data.get("handled_at")), reported_at=_stored(data.get("reported_at")),
            reported_to=data.get("reported_to") or "", measures=(data.get("measures") or "").strip(),
            recorded_by=who.name, recorder_unit_id=who.unit_id)
        audit.record(who, "incident.record", "security_incident", incident.id, incident.unit_path,
                     KIND_NAMES[incident.kind], account.name)
    return incident


def update(incident: SecurityIncident, data: dict, who: Identity) -> SecurityIncident:
    """The unit (or the office) completes the record: handled, reported, what was done. The kind,
    the account and the time found stay as recorded: the veto rests on them."""
    account = Account.get_or_none(Account.id == incident.account_id)
    if account is None or not _may_record(account, who):
        raise Refused(N_("安全事件由账号所属单位或联席会议办公室登记"))
    found_at = incident.found_at.replace(tzinfo=dt.timezone.utc)
    _times({"reported_to": incident.reported_to, **data}, found_at)
    with db.atomic():
        for field in ("handled_at", "reported_at"):
            if field in data:
                setattr(incident, field, _stored(data[field]))
        for field in ("reported_to", "measures", "description"):
            if field in data and data[field] is not None:
                setattr(incident, field, data[field].strip())
        if incident.reported_at and not incident.reported_to:
            raise Invalid("reported_to", N_("请选择报告对象"))
        incident.updated_by, incident.updated_at = who.name, utcnow()
        incident.save()
        audit.record(who, "incident.update", "security_incident", incident.id, incident.unit_path,
                     KIND_NAMES[incident.kind], incident.account_name)
    return incident


def in_window(start: dt.datetime, end: dt.datetime, now: dt.datetime) -> peewee.ModelSelect:
    """The incidents found in [start, end) and no later than `now` (naive UTC, as stored)."""
    return SecurityIncident.select().where(SecurityIncident.found_at >= start, SecurityIncident.found_at < end,
                                           SecurityIncident.found_at <= now)


def shown(incident: SecurityIncident, names: dict[int, str] | None = None) -> SecurityIncident:
    names = unit_names([incident.unit_id]) if names is None else names
    incident.unit_name = names.get(incident.unit_id, "")
    incident.kind_name = KIND_NAMES[incident.kind]
    incident.reported_to_name = REPORTED_TO_NAMES.get(incident.reported_to, "")
    incident.handled = incident.handled_at is not None
    incident.reported = incident.reported_at is not None
    return incident


def unit_names(ids) -> dict[int, str]:
    return {u.id: u.name for u in Unit.select(Unit.id, Unit.name).where(Unit.id.in_(list(set(ids))))}
