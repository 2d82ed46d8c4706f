"""The public hall (政务微博大厅, X26): every active government account, by region and by system:
the groups with their counts, then a group's accounts (or those a search finds), page by page."""
from __future__ import annotations

from collections import defaultdict

from peewee import fn

from govmb.contracts.registry import AccountStatus
from govmb.platforms import platforms
from govmb.systems import AREA_KINDS, system_of
from govmb.textsearch import contains
from services.registry.models import Account, AccountPlatform, Unit


def unit_groups(group: str) -> dict[int, str]:
    """Each unit's group: the nearest region above it (itself, for a region), or its system.
    One query of the unit tree's ids, names, kinds and paths."""
    units = {u.id: u for u in Unit.select(Unit.id, Unit.name, Unit.kind, Unit.path)}
    if group == "system":
        return {uid: system_of(u) for uid, u in units.items()}

    def region_of(unit: Unit) -> Unit:
        for uid in reversed([int(x) for x in unit.path.strip("/").split("/")]):
            if uid in units and units[uid].kind in AREA_KINDS:
                return units[uid]
        return unit

    return {uid: region_of(u).name for uid, u in units.items()}


def _listed():
    return Account.select(Account, Unit).join(Unit, on=(Account.unit == Unit.id)).where(Account.status == AccountStatus.ACTIVE, Account.kind != "private")


def groups(group: str) -> list[dict]:
    """The groups and how many accounts each holds (counted per unit in the database)."""
    of_unit = unit_groups(group)
    per_unit = (Account.select(Account.unit, fn.COUNT(Account.id))
                .where(Account.status == AccountStatus.ACTIVE, Account.kind != "private").group_by(Account.unit).tuples())
    counts: dict[str, int] = defaultdict(int)
    for unit_id, n in per_unit:
        counts[of_unit.get(unit_id, "其他")] += n
    return [{"group": key, "count": n} for key, n in sorted(counts.items())]


def accounts(group: str, key: str | None, q: str | None, account_id: int | None = None):
    """The hall's accounts (of one group, or matching a search, or one), by unit and name."""
    query = _listed()
    if account_id:
        query = query.where(Account.id == account_id)
    if key:
        query = query.where(Account.unit.in_([uid for uid, name in unit_groups(group).items() if name == key] or [0]))
    if q:
        query = query.where(contains(Account.name, q) | contains(Unit.name, q))
    return query.order_by(Account.unit, Account.name, Account.id)


def shown(rows: list, group: str) -> list[dict]:
    """A page of accounts as the hall shows them, with their group and platforms (one query)."""
    names, of_unit = platforms(), unit_groups(group)
    linked = defaultdict(list)
    for p in AccountPlatform.select().where(AccountPlatform.account.in_([a.id for a in rows] or [0]),
                                            AccountPlatform.deregistered_at.is_null()):
        linked[p.account_id].append({"platform": p.platform, "platform_name": names.get(p.platform, p.platform),
                                     "handle": p.handle, "url": p.url})
    managing = {u.id: u.name for u in Unit.select(Unit.id, Unit.name).where(
        Unit.id.in_([a.managing_unit_id for a in rows if a.managing_unit_id] or [0]))}  # X6: who runs it
    return [{"id": a.id, "name": a.name, "kind": a.kind, "category": a.category, "unit": a.unit.name,
             "managing_unit": managing.get(a.managing_unit_id),
             "group": of_unit.get(a.unit_id, "其他"), "platforms": sorted(linked[a.id], key=lambda r: r["platform"])}
            for a in rows]
