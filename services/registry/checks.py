"""The registry's rules for accounts, each answering with a message for one field.

X5 name tied to the unit or region; national norm one account per unit per platform;
N6 team of 3 to 5; X7 leader accounts for 县处级 and above, private profiles without unit,
post or duty.
"""
from __future__ import annotations

import re

from govmb.messages import said
from services.registry.models import Account, AccountPlatform, Person, Unit

RANKS = {"staff": "科员及以下", "section": "乡科级", "county": "县处级", "bureau": "厅局级", "province": "省部级"}
LEADER_RANKS = ("county", "bureau", "province")
CLOSED = ("closed", "withdrawn")
_SUFFIXES = ("人民政府", "委员会", "办公室", "管理委员会", "管委会", "新区", "开发区", "市", "区", "县", "局", "委", "办",
             "厅", "中心")
_POSTS = ("书记", "市长", "区长", "县长", "镇长", "乡长", "局长", "处长", "科长", "主任", "部长", "厅长", "主席",
          "秘书长", "干部", "公务员", "分管", "主管", "负责", "政府", "办公室")
_POSTS_RE = re.compile("|".join(map(re.escape, _POSTS)))
_NAME_RE = re.compile(r"^[\u4e00-\u9fffA-Za-z0-9·]{2,30}$")


def ancestors(unit: Unit) -> list[Unit]:
    """The unit and those above it, itself first."""
    ids = [int(x) for x in unit.path.strip("/").split("/")]
    by_id = {u.id: u for u in Unit.select().where(Unit.id.in_(ids))}
    return [by_id[i] for i in reversed(ids) if i in by_id]


def name_forms(unit: Unit, parent_name: str = "") -> set[str]:
    """A unit's name and its short forms: 东湖区教育体育局 → 东湖区教育体育局, 教育体育局, 教育体育."""
    forms = {unit.name}
    base = unit.name
    if parent_name:
        for form in (parent_name, *_strip(parent_name)):
            if base.startswith(form) and len(base) > len(form) + 1:
                base = base[len(form):]
                forms.add(base)
                break
    forms.update(_strip(base))
    return {f for f in forms if len(f) >= 2}


def _strip(name: str) -> set[str]:
    out = set()
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            out.add(name[: -len(suffix)])
    return out


def name_problem(name: str, unit: Unit) -> str | None:
    """X5: concise and standard, clearly tied to the unit's or the region's name."""
    if not _NAME_RE.match(name):
        return "账号名称须为 2 至 30 个汉字、字母或数字，不含空格和符号"
    chain = ancestors(unit)
    forms: set[str] = set()
    for i, u in enumerate(chain):
        parent_name = chain[i + 1].name if i + 1 < len(chain) else ""
        if i == 0 or u.kind in ("region", "prefecture", "county", "district", "zone"):
            forms |= name_forms(u, parent_name)
    if not any(f in name for f in forms):
        examples = "、".join(sorted(forms, key=len)[:3])
        return said("账号名称须与单位或地区名称明确关联，例如包含“{examples}”", examples=examples)
    return None


def platform_conflicts(unit: Unit, platform_codes: list[str], except_id: int | None = None) -> list[str]:
    """Platforms on which the unit already has an open institutional account."""
    query = (AccountPlatform.select(AccountPlatform.platform).join(Account)
             .where(Account.unit == unit, Account.kind == "institutional", Account.status.not_in(CLOSED),
                    AccountPlatform.platform.in_(platform_codes)))
    if except_id is not None:
        query = query.where(Account.id != except_id)
    return sorted({p.platform for p in query})


def team_problem(team: list[dict], unit: Unit, managing: Unit | None = None) -> str | None:
    """N6: 3 to 5 named people: a leader in charge, a responsible office, at least one operator;
    of the unit (or its managing unit, X6) or the units below."""
    if not 3 <= len(team) <= 5:
        return said("工作团队须为 3 至 5 人，现为 {n} 人", n=len(team))
    ids = [m["person_id"] for m in team]
    if len(set(ids)) != len(ids):
        return "同一人不能在团队中出现两次"
    roles = [m["role"] for m in team]
    missing = [label for role, label in (("leader_in_charge", "分管领导"), ("responsible_office", "责任处室人员"),
                                         ("operator", "微博操作员")) if role not in roles]
    if missing:
        return said("工作团队缺少：{missing}", missing='、'.join(missing))
    people = {p.id: p for p in Person.select().join(Unit).where(Person.id.in_(ids))}
    for pid in ids:
        person = people.get(pid)
        if person is None or not person.active:
            return said("人员 {id} 不存在或已停用", id=pid)
        if not within(person, unit, managing):  # out of the caller's sight: not named
            return said("人员 {id} 不属于本单位或其下级单位", id=pid)
    return None


def within(person: Person, unit: Unit, managing: Unit | None = None) -> bool:
    """Is the person of the unit or of its managing unit (X6), or of a unit below?"""
    return person.unit.path.startswith(unit.path) or (managing is not None
                                                      and person.unit.path.startswith(managing.path))


def managing_problem(managing_id: int | None, unit: Unit) -> str | None:
    """X6: a managing unit other than the certified unit, under the same superior (so the superior
    that files the account sees both)."""
    if managing_id is None:
        return None
    managing = Unit.get_or_none(Unit.id == managing_id)
    if managing is None:
        return "单位不存在"
    if managing.id == unit.id:
        return "管理部门与主管单位相同时不必填写"
    scope = unit.parent.path if unit.parent_id else unit.path
    if not managing.path.startswith(scope):
        return "管理部门须为主管单位的上级单位所辖的单位"
    return None


def owner_problem(kind: str, owner: Person | None, unit: Unit) -> str | None:
    """X7: official accounts name their official; leader accounts need 县处级 or above."""
    if kind == "institutional":
        return None
    if owner is None:
        return "公务人员、领导公务和私人微博须指明本人"
    if not owner.unit.path.startswith(unit.path):  # out of the caller's sight: not named
        return said("人员 {id} 不属于本单位或其下级单位", id=owner.id)
    if kind == "leader" and owner.rank not in LEADER_RANKS:
        return said("领导公务微博仅限县处级及以上领导干部开设，{name} 为{rank}", name=owner.name, rank=RANKS.get(owner.rank, owner.rank))
    return None


def private_profile_problem(profile: str, owner: Person | None) -> str | None:
    """X7: a private account's profile carries no post, unit or duty."""
    found = set(_POSTS_RE.findall(profile))
    if owner is not None:
        for u in ancestors(owner.unit):
            found |= {f for f in name_forms(u) if f in profile}
        if owner.title and owner.title in profile:
            found.add(owner.title)
    if found:
        return said("私人微博的简介不得标注职务、单位或职责，请删去：{found}", found='、'.join(sorted(found)))
    return None
