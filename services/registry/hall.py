"""The public hall (政务微博大厅, X26): every active government account, by region and by system."""
from __future__ import annotations

from collections import defaultdict

from govmb.platforms import platforms
from govmb.systems import AREA_KINDS, system_of
from services.registry.models import Account, AccountPlatform, Unit


def hall(group: str) -> list[dict]:
    units = {u.id: u for u in Unit.select()}

    def region_of(unit: Unit) -> Unit:
        for uid in reversed([int(x) for x in unit.path.strip("/").split("/")]):
            if units[uid].kind in AREA_KINDS:
                return units[uid]
        return unit

    names = platforms()
    groups: dict[str, list] = defaultdict(list)
    accounts = (Account.select().where(Account.status == "active", Account.kind != "private")
                .order_by(Account.unit, Account.name))
    rows = defaultdict(list)
    for p in AccountPlatform.select().join(Account).where(Account.status == "active",
                                                          AccountPlatform.deregistered_at.is_null()):
        rows[p.account_id].append({"platform": p.platform, "platform_name": names.get(p.platform, p.platform),
                                   "handle": p.handle, "url": p.url})
    for account in accounts:
        unit = units[account.unit_id]
        key = region_of(unit).name if group == "region" else system_of(unit)
        groups[key].append({"id": account.id, "name": account.name, "kind": account.kind,
                            "category": account.category, "unit": unit.name,
                            "platforms": sorted(rows[account.id], key=lambda r: r["platform"])})
    return [{"group": key, "accounts": items} for key, items in sorted(groups.items())]
