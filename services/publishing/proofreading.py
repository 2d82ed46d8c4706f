"""三审三校 (国办发〔2018〕123号): the proof-reading step (校对) between drafting and 核稿, on where
the joint-meeting office switched it on for the whole city or a unit switched it on for itself
(its principal leader or responsible office). A unit may not switch it off while the city has
it on. When it is on, a submitted draft waits for proof-reading (待校对): unit staff (operator
or responsible office) other than the writer pass it, with notes if they like, or return it."""
from __future__ import annotations

from govmb.account_copy import runs_row
from govmb.domain import Invalid, Refused
from govmb.identity import Identity
from services.publishing.models import Account, ProofreadingSetting, audit, db, now

CITY = 0  # the row of the city-wide default
SETTERS = ("principal_leader", "responsible_office")  # who switch it for their unit
CITY_SETTERS = ("joint_office",)
PROOFREADERS = ("operator", "responsible_office")


def _enabled(unit_id: int) -> bool:
    row = ProofreadingSetting.get_or_none(ProofreadingSetting.unit_id == unit_id)
    return bool(row and row.enabled)


def required(unit_id: int) -> bool:
    """Are this unit's drafts proof-read before 核稿? Two indexed single-row reads."""
    return _enabled(CITY) or _enabled(unit_id)


def may_proofread(draft, who: Identity) -> bool:
    """Staff of a unit that runs the account (its own or its managing unit, X6) with an operator or
    responsible-office role, not the one who wrote it."""
    return who.has(*PROOFREADERS) and who.person_id != draft.author_id and runs_row(Account, draft, who)


def state(who: Identity) -> dict:
    city, own = _enabled(CITY), _enabled(who.unit_id)
    return {"city": city, "unit_id": who.unit_id, "unit": own, "effective": city or own,
            "may_set_unit": who.has(*SETTERS), "may_set_city": who.has(*CITY_SETTERS)}


def _write(unit_id: int, unit_path: str, enabled: bool, who: Identity, scope: str) -> None:
    with db.atomic():
        row = ProofreadingSetting.get_or_none(ProofreadingSetting.unit_id == unit_id)
        if row is not None and row.enabled == enabled:
            return  # nothing changes: no audit row either
        if row is None:
            row = ProofreadingSetting(unit_id=unit_id, unit_path=unit_path)
        row.enabled, row.set_by, row.set_at = enabled, who.name, now()
        row.save()
        audit.record(who, "proofreading.set", "proofreading", unit_id, unit_path or "/",
                     ("开启" if enabled else "关闭") + scope, "")


def set_city(enabled: bool, who: Identity) -> dict:
    if not who.has(*CITY_SETTERS):
        raise Refused("全市默认的校对环节由联席会议办公室设置")
    _write(CITY, "/", enabled, who, "全市默认校对环节")
    return state(who)


def set_unit(enabled: bool, who: Identity) -> dict:
    if not who.has(*SETTERS):
        raise Refused("本单位的校对环节由主要领导或责任处室设置")
    if not enabled and _enabled(CITY):
        raise Invalid("enabled", "全市已开启校对环节，本单位不能关闭")
    _write(who.unit_id, who.unit_path, enabled, who, "本单位校对环节")
    return state(who)
