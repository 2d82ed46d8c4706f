"""The public hall (政务微博大厅, X26): every active government account, by region and by system."""
from __future__ import annotations

from collections import defaultdict

from govmb.platforms import platforms
from services.registry.models import Account, AccountPlatform, Unit

AREA_KINDS = ("region", "prefecture", "county", "district", "zone")
# A department's system (系统), by the words of its name; configuration in all but name.
# Most specific first: "人民政府" must not read as "民政".
SYSTEMS = (("新闻", "新闻宣传系统"), ("公安", "公安系统"), ("教育", "教育系统"), ("卫生健康", "卫生健康系统"), ("市场监督", "市场监管系统"),
           ("交通", "交通运输系统"), ("生态环境", "生态环境系统"), ("住房", "住房和城乡建设系统"),
           ("人力资源", "人力资源和社会保障系统"), ("民政局", "民政系统"), ("文化", "文化旅游系统"))


def system_of(unit: Unit) -> str:
    if unit.kind in AREA_KINDS:
        return "政府系统"
    return next((system for word, system in SYSTEMS if word in unit.name), "其他")


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
