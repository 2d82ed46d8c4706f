"""The demo city of the embedded mode: 南昌市 with its districts, counties, zones and
departments, one demo person per role, and accounts in every state of their life, all
made through the registry's own operations so that their events flow."""
from __future__ import annotations

from services.registry import accounts as life
from services.registry import service
from services.registry.models import Person, Unit
from services.registry.people import DEMO_PASSWORD, hash_password, identity_of

CITY = "南昌市"
OFFICE = "南昌市人民政府新闻办公室"
CITY_DEPARTMENTS = ("南昌市公安局", "南昌市教育局", "南昌市卫生健康委员会", "南昌市交通运输局",
                    "南昌市生态环境局", "南昌市市场监督管理局", "南昌市住房和城乡建设局",
                    "南昌市人力资源和社会保障局", "南昌市民政局", "南昌市文化广电新闻出版旅游局")
AREAS = (("东湖区", "district"), ("西湖区", "district"), ("青云谱区", "district"),
         ("青山湖区", "district"), ("新建区", "district"), ("红谷滩区", "district"),
         ("南昌县", "county"), ("进贤县", "county"), ("安义县", "county"),
         ("南昌高新技术产业开发区", "zone"), ("南昌经济技术开发区", "zone"))
AREA_DEPARTMENTS = ("教育体育局", "卫生健康委员会", "市场监督管理局")
STAFF = (("caozuo", "operator", "staff", "微博操作员"), ("hegao", "responsible_office", "section", "办公室主任"),
         ("fenguan", "leader", "county", "副局长"), ("zhuyao", "principal_leader", "county", "局长"))
# unit name → (username prefix, the four staff's names)
STAFFED = {
    OFFICE: ("xwb", ("周婷", "吴刚", "郑洁", "黄涛")),
    "南昌市教育局": ("jy", ("王敏", "李强", "张伟", "刘洋")),
    "东湖区": ("dh", ("何静", "高翔", "林峰", "陈静")),
    "东湖区教育体育局": ("dhjy", ("马丽", "罗斌", "梁宇", "宋佳")),
}
PLAN = {"positioning": "发布本单位权威信息，回应网民关切", "rules": "信息发布先审后发，三审三校",
        "mechanism": "操作员起草，责任处室核稿，分管领导审批；24小时值班"}


def load_demo() -> bool:
    """Create the demo city; do nothing if any unit exists."""
    if Unit.select().exists():
        return False
    city = service.create_unit(CITY, "region", None)
    units = {CITY: city}
    for name in (OFFICE, "中共南昌市委办公厅"):
        units[name] = service.create_unit(name, "office", city.id)
    for name in CITY_DEPARTMENTS:
        units[name] = service.create_unit(name, "department", city.id)
    for area_name, kind in AREAS:
        area = units[area_name] = service.create_unit(area_name, kind, city.id)
        for dept in AREA_DEPARTMENTS:
            units[f"{area_name}{dept}"] = service.create_unit(f"{area_name}{dept}", "department", area.id)
    people = _people(units)
    _accounts(units, people)
    return True


def _people(units: dict[str, Unit]) -> dict[str, Person]:
    password_hash = hash_password(DEMO_PASSWORD)  # one hash for the demo, not one per person

    def person(unit: str, username: str, name: str, roles: str, rank: str = "staff", title: str = "") -> Person:
        return Person.create(unit=units[unit], name=name, username=username, password_hash=password_hash,
                             roles=roles, rank=rank, title=title)

    people = {"admin": person(CITY, "admin", "系统管理员", "admin"),  # 三员: one role each, none held with another
              "anquan": person(CITY, "anquan", "安全管理员", "security_admin"),
              "shenji": person(CITY, "shenji", "审计管理员", "audit_admin"),
              "lianxi": person(OFFICE, "lianxi", "赵磊", "joint_office", "section", "联席会议办公室主任"),
              "ducha": person("中共南昌市委办公厅", "ducha", "孙丽", "supervision", "section", "督查专员")}
    for unit, (prefix, names) in STAFFED.items():
        for (suffix, role, rank, title), name in zip(STAFF, names):
            people[f"{prefix}_{suffix}"] = person(unit, f"{prefix}_{suffix}", name, role, rank, title)
    return people


def _accounts(units: dict[str, Unit], p: dict[str, Person]) -> None:
    def team(prefix: str) -> list[dict]:
        return [{"person_id": p[f"{prefix}_{s}"].id, "role": r} for s, r in
                (("fenguan", "leader_in_charge"), ("hegao", "responsible_office"), ("caozuo", "operator"))]

    def walk(account, *steps):
        for action, who, data in steps:
            account = life.transition(account, action, identity_of(p[who]), data)
        return account

    def apply(prefix: str, name: str, category: str, platforms: list[str], **extra):
        data = {"name": name, "kind": "institutional", "category": category, "platforms": platforms,
                "team": team(prefix), **PLAN, **extra}
        return life.apply(p[f"{prefix}_caozuo"], data)

    def to_active(account, prefix: str, superior: str):
        steps = [("approve", f"{prefix}_zhuyao", {}), ("acknowledge_filing", superior, {})]
        steps += [("register_platform", f"{prefix}_caozuo",
                   {"platform": pl.platform, "handle": account.name, "url": f"https://{pl.platform}.example.cn/{account.id}"})
                  for pl in account.platforms]
        return walk(account, *steps, ("activate", f"{prefix}_caozuo", {}))

    everywhere = ["xinhua", "people", "tencent", "sina", "ncnews"]
    to_active(apply("xwb", "南昌发布", "policy", everywhere), "xwb", "lianxi")
    to_active(apply("jy", "南昌教育", "livelihood", everywhere), "jy", "lianxi")
    to_active(apply("dh", "东湖发布", "livelihood", ["xinhua", "people", "sina"]), "dh", "lianxi")
    apply("jy", "南昌教育招生考试", "livelihood", ["ncnews"], exception_reason="面向考生家长的招生考试服务号")
    leader = life.apply(p["jy_caozuo"], {"name": "南昌教育刘洋", "kind": "leader", "category": "policy",
                                         "owner_id": p["jy_zhuyao"].id, "platforms": ["sina"], "team": team("jy"),
                                         **PLAN})
    walk(leader, ("return", "jy_zhuyao", {"comment": "功能定位请补充与本局官方账号的分工"}))
    walk(apply("dhjy", "东湖教育体育", "livelihood", ["sina", "tencent"]), ("approve", "dhjy_zhuyao", {}))
    walk(apply("dhjy", "东湖体育", "livelihood", ["people"]), ("approve", "dhjy_zhuyao", {}),
         ("return_filing", "dh_zhuyao", {"comment": "工作方案未写明节假日值班安排"}))
    civic = to_active(apply("dh", "东湖文明", "livelihood", ["people"], exception_reason="文明城市创建专项账号"),
                      "dh", "lianxi")
    walk(civic, ("request_close", "dh_caozuo", {"reason": "文明城市创建专项工作结束"}))
    walk(apply("dh", "东湖青年", "livelihood", ["sina"], exception_reason="共青团东湖区委青年工作账号"),
         ("approve", "dh_zhuyao", {}), ("acknowledge_filing", "lianxi", {}))
    tour = to_active(apply("dh", "东湖旅游", "livelihood", ["tencent", "ncnews"]), "dh", "lianxi")
    walk(tour, ("request_close", "dh_caozuo", {"reason": "职能并入东湖发布"}), ("approve_close", "dh_zhuyao", {}),
         ("inform_superior", "dh_caozuo", {}),
         ("post_notice", "dh_caozuo", {"notice_url": f"https://tencent.example.cn/{tour.id}/notice"}))
    city_mgmt = to_active(apply("dh", "东湖城管", "livelihood", ["ncnews"], exception_reason="城市管理专项账号"),
                          "dh", "lianxi")
    walk(city_mgmt, ("request_close", "dh_caozuo", {"reason": "城管执法职能调整，账号停止运营"}),
         ("approve_close", "dh_zhuyao", {}), ("inform_superior", "dh_caozuo", {}),
         ("post_notice", "dh_caozuo", {"notice_url": f"https://ncnews.example.cn/{city_mgmt.id}/notice"}),
         ("deregister_platform", "dh_caozuo", {"platform": "ncnews"}), ("close", "dh_caozuo", {}))
    life.apply(p["jy_caozuo"], {"name": "敏敏的微博", "kind": "private", "owner_id": p["jy_caozuo"].id,
                                "platforms": ["sina"], "profile": "热爱生活，喜欢读书和旅行"})
