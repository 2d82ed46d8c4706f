"""The registry's rules for accounts, each answering with a message for one field.

X5 name tied to the unit or region; national norm one account per unit per platform;
N6 team of 3 to 5; X7 leader accounts for 县处级 and above, private profiles without unit,
post or duty.
"""
from __future__ import annotations

import re

from govmb.messages import said
from govmb.scripts import folded, is_arabic_letter
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
# A Uyghur name (issue 21): words of Arabic letters (and Han characters, Latin letters, digits of
# either kind) with one space between them, as the language is written.
_UG_WORD = r"[\u0620-\u064a\u066e-\u06d3\u06d5\u06ee\u06ef\u06fa-\u06ff\u4e00-\u9fffA-Za-z0-9\u0660-\u0669\u06f0-\u06f9·]+"
_UG_NAME_RE = re.compile(rf"^{_UG_WORD}(?: {_UG_WORD})*$")
# The words that end a Uyghur unit name and say what it is (人民政府, 局, 委员会…); the name without
# them is its short form, as 东湖区 for 东湖区人民政府 (terms listed in docs/uyghur-content.md).
_UG_SUFFIXES = ("خەلق ھۆكۈمىتى", "ھۆكۈمىتى", "كومىتېتى", "ئىشخانىسى", "ئىدارىسى", "نازارىتى", "مەركىزى",
                "باشقارمىسى", "ئاپتونوم رايونلۇق", "ئاپتونوم رايونى", "ئاپتونوم ئوبلاستلىق", "ئاپتونوم ئوبلاستى",
                "شەھەرلىك", "شەھىرى", "ناھىيىلىك", "ناھىيىسى", "رايونلۇق", "رايونى", "ۋىلايەتلىك", "ۋىلايىتى",
                "ئوبلاستلىق", "ئوبلاستى", "بازىرى", "يېزىسى")


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


def ug_name_problem(name_ug: str) -> str | None:
    """A unit's Uyghur name: Arabic script, words with one space between them (read through the
    presentation forms and the tatweel)."""
    name_ug = folded(name_ug)
    if name_ug and not (any(map(is_arabic_letter, name_ug)) and _UG_NAME_RE.match(name_ug)):
        return "维吾尔文名称须用维吾尔文字母书写，词与词之间以一个空格分隔"
    return None


def ug_name_forms(unit: Unit, parent: Unit | None = None) -> set[str]:
    """A unit's Uyghur name and its short forms: the name without its parent's name before it, and
    without each of the words after it that say what it is (ئۈرۈمچى شەھەرلىك خەلق ھۆكۈمىتى →
    ئۈرۈمچى شەھەرلىك, ئۈرۈمچى)."""
    name = folded(unit.name_ug or "")
    if not name:
        return set()
    forms, base = {name}, name
    for form in sorted(ug_name_forms(parent) if parent is not None else (), key=len, reverse=True):
        if base.startswith(form + " "):
            base = base[len(form) + 1:]
            forms.add(base)
            break
    stripped = True
    while stripped:
        stripped = False
        for suffix in _UG_SUFFIXES:
            if base.endswith(" " + suffix):
                base = base[: -len(suffix) - 1]
                forms.add(base)
                stripped = True
                break
    return {f for f in forms if sum(map(is_arabic_letter, f)) >= 2}


def name_problem(name: str, unit: Unit) -> str | None:
    """X5: concise and standard, clearly tied to the unit's or the region's name (in Chinese, or in
    Uyghur when the name is written in it and the units record their Uyghur names)."""
    uyghur = folded(name)
    written_ug = any(map(is_arabic_letter, uyghur))
    if written_ug:
        if not (2 <= len(uyghur) <= 30 and _UG_NAME_RE.match(uyghur)):
            return "维吾尔文账号名称须为 2 至 30 个字符，由维吾尔文字母、汉字、字母或数字组成，词间以一个空格分隔"
    elif not _NAME_RE.match(name):
        return "账号名称须为 2 至 30 个汉字、字母或数字，不含空格和符号"
    chain = ancestors(unit)
    forms: set[str] = set()
    for i, u in enumerate(chain):
        if i == 0 or u.kind in ("region", "prefecture", "county", "district", "zone"):
            parent_ug = next((a for a in chain[i + 1:] if a.name_ug), None)  # the nearest above with one
            forms |= (ug_name_forms(u, parent_ug) if written_ug
                      else name_forms(u, chain[i + 1].name if i + 1 < len(chain) else ""))
    if written_ug and not forms:
        return "本单位及所在地区均未登记维吾尔文名称，无法核对维吾尔文账号名称：请先登记单位的维吾尔文名称，或使用中文名称"
    if not any(f in uyghur for f in forms):
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
