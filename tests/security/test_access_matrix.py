"""The access matrix: every API route of every service and every page of the web app, asked by
anonymous, by a client system (intake) and by a person of every role, once inside the target's
subtree and once outside it, each answer checked against `access_matrix.TABLE` (how to read and
extend it: docs/security.md, "The access matrix").

The city is real: units, client systems and accounts made through the registry's API and
carried by the bus to every service, people as the registry's tests make them; drafts,
messages, transfers, notices, inspections, training, shifts through each service's own API. A
route that changes something gets a fresh object after each caller it served (a draft to
approve, a message to reply to)."""
from __future__ import annotations

import datetime as dt
import io
import itertools
from dataclasses import dataclass, replace

import pytest
from argon2 import PasswordHasher

from govmb.auth import UNIT_STAFF
from govmb.config import SERVICES, Settings
from govmb.timefmt import beijing_today, last_month
from ops.embedded import EmbeddedSystem
from services.assessment import archive
from services.assessment.narratives import previous_quarter
from services.registry import people, sessions
from services.registry.models import Person
from tests.conftest import auth, wait_for
from tests.platform_adapter import TARGET as ADAPTER
from tests.security import access_matrix
from tests.security.access_matrix import CLIENTS, COLUMNS, ROLE_OF, Row
from tests.system import signed_in_session
from web.app import create_app as create_web

PASSWORD = "matrix-pass-2026"
ADMIN = auth(1, "/1/", "admin")  # to found the city: no person exists yet
PLATFORMS = ["sina"]
TEAM_ROLES = (("leader", "leader_in_charge"), ("responsible_office", "responsible_office"), ("operator", "operator"))
_serial = itertools.count(1)
UNIT_NAMES = {"in": "甲区", "out": "乙区"}
CONNECTION = {"account_uid": "5012345678", "credentials": {"access_token": "matrix-token", "app_secret": "matrix-secret"}}


def serial() -> int:
    return next(_serial)


@dataclass
class Who:
    """One caller of the matrix: a column (a role, intake or anonymous) at a position."""
    column: str
    position: str  # "in": the target's unit; "out": the other subtree; "": anonymous
    token: str | None = None
    person: dict | None = None  # the signed-in person, as the web app keeps it in its session

    @property
    def headers(self) -> dict:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}


@dataclass
class Req:
    """One request of a row: the path, its body, and the text that marks the target in the answer."""
    path: str
    json: dict | None = None
    data: dict | None = None
    marker: str | None = None
    before: tuple = ()  # (method, path, form) posted first by the same browser (web pages only)
    headers: dict | None = None  # sent beside the caller's own (the query code of issue 19)


class World:
    """The embedded system with a small city: 矩阵市 with its office (联席会议办公室), 甲区 (the
    target subtree) with 甲区教育局 below it, and 乙区 (the other subtree)."""

    def __init__(self, system: EmbeddedSystem):
        self.system = system
        self.apps = {name.strip("/"): app for name, app in system.server.app.mounts.items()}
        self.clients = {name: app.test_client() for name, app in self.apps.items()}
        base = f"http://127.0.0.1:{system.port}"
        self.web = create_web(replace(Settings.from_env("web"), service_urls={n: f"{base}/{n}" for n in SERVICES}))
        self.web.config["WTF_CSRF_ENABLED"] = False  # CSRF is test_hardening.py's; here: who may do what
        self.units: dict[str, dict] = {}
        self.people: dict[str, dict] = {}  # username: {"id", "unit", "token", "headers", "person"}
        self.callers: dict[tuple[str, str], Who] = {}
        self.secrets: dict[str, tuple[str, str]] = {}  # position: (client_id, secret)
        self.client_pks: dict[str, int] = {}
        self.password_hash = people.hash_password(PASSWORD)

    # ------------------------------------------------------------------ calling the APIs
    def call(self, service: str, method: str, path: str, headers: dict, expect: int | None = None, **kwargs):
        r = self.clients[service].open(path, method=method, headers=headers, **kwargs)
        if expect is not None:
            assert r.status_code == expect, (service, method, path, r.status_code, r.get_data(as_text=True)[:400])
        return r

    def as_(self, username: str, service: str, method: str, path: str, expect: int = 200, **kwargs):
        """An API call by a person of the city that must succeed; its JSON."""
        return self.call(service, method, path, self.people[username]["headers"], expect, **kwargs).get_json()

    # ------------------------------------------------------------------------ the city
    def unit(self, key: str, name: str, kind: str, parent: str | None) -> dict:
        body = {"name": name, "kind": kind, "parent_id": self.units[parent]["id"] if parent else None}
        self.units[key] = self.call("registry", "POST", "/api/units", ADMIN, 201, json=body).get_json()
        return self.units[key]

    def person(self, username: str, unit: str, role: str) -> dict:
        """A person made as the registry's tests make them (one password hash for all: Argon2 is
        slow on purpose), holding the token sign-in would give them."""
        with self.apps["registry"].app_context():
            p = Person.create(unit=self.units[unit]["id"], name=f"{username}姓名", username=username,
                              password_hash=self.password_hash, roles=role, rank="section")
            p = Person.get_by_id(p.id)
            settings = self.apps["registry"].config["GOVMB_SETTINGS"]
            token = sessions.token_of(p, sessions.open_session(p, settings)[0], settings)
        self.people[username] = {
            "id": p.id, "unit": unit, "token": token, "headers": {"Authorization": f"Bearer {token}"},
            "person": {"id": p.id, "name": p.name, "unit_id": p.unit_id, "unit_name": self.units[unit]["name"],
                       "roles": [role], "username": username}}
        return self.people[username]

    def build(self) -> None:
        self.unit("city", "矩阵市", "region", None)
        self.unit("office", "矩阵市人民政府新闻办公室", "office", "city")
        self.unit("in", "甲区", "district", "city")
        self.unit("below", "甲区教育局", "department", "in")
        self.unit("out", "乙区", "district", "city")
        for position in ("in", "out"):
            for column in COLUMNS[2:]:  # the security and audit administrators work in the top unit
                unit = "city" if column in ("sec", "aud") else position
                p = self.person(f"{position}_{ROLE_OF[column]}", unit, ROLE_OF[column])
                self.callers[(column, position)] = Who(column, position, p["token"], p["person"])
        for unit in ("office", "below"):
            for role in UNIT_STAFF:
                self.person(f"{unit}_{role}", unit, role)
        self.person("office", "office", "joint_office")
        for position in ("in", "out"):
            client = self.call("registry", "POST", "/api/clients", self.people["in_admin"]["headers"], 201,
                               json={"name": CLIENTS[position], "unit_id": self.units[position]["id"]}).get_json()
            self.secrets[position] = (client["client_id"], client["client_secret"])
            self.client_pks[position] = client["id"]
            token = self.call("registry", "POST", "/api/auth/token", {}, 200,
                              json={"client_id": client["client_id"], "client_secret": client["client_secret"]})
            self.callers[("intake", position)] = Who("intake", position, token.get_json()["token"])
        self.callers[("anon", "")] = Who("anon", "")

    def account(self, unit: str, name: str, until: str = "active") -> dict:
        """An institutional account of `unit`, applied for by its staff and taken through the
        steps up to `until` (applied, filing, active)."""
        team = [{"person_id": self.people[f"{unit}_{role}"]["id"], "role": as_} for role, as_ in TEAM_ROLES]
        body = {"name": name, "kind": "institutional", "category": "livelihood", "platforms": PLATFORMS, "team": team,
                "positioning": "发布本单位政务信息", "rules": "先审后发", "mechanism": "三审三校，24小时值班",
                "exception_reason": "访问矩阵测试需要多个账号"}
        a = self.as_(f"{unit}_operator", "registry", "POST", "/api/accounts", 201, json=body)
        steps = [("approve", f"{unit}_principal_leader", {}), ("acknowledge_filing", "office", {})]
        steps += [("register_platform", f"{unit}_operator",
                   {"platform": p, "handle": name, "url": f"https://{p}.example.cn/{a['id']}"}) for p in PLATFORMS]
        steps += [("activate", f"{unit}_operator", {})]
        for action, by, step in steps[:{"applied": 0, "filing": 1, "active": len(steps)}[until]]:
            a = self.as_(by, "registry", "POST", f"/api/accounts/{a['id']}/actions/{action}", json=step)
        return a

    def populate(self) -> None:
        """The objects the rows look at: each in 甲区 (marked, for the lists) and its twin in 乙区."""
        self.accounts = {"in": self.account("in", "甲区发布"), "out": self.account("out", "乙区发布"),
                         "office": self.account("office", "矩阵发布"),
                         "below": self.account("below", "甲区教育发布", until="filing")}
        admin = self.people["in_admin"]["headers"]
        for service in ("publishing", "inquiry", "assessment"):
            wait_for(lambda: sum(a["status"] == "active"
                                 for a in self.call(service, "GET", "/api/accounts", admin).get_json()) == 3,
                     message=f"{service}'s copy of the accounts")
        self.inspections, self.trainings, self.incidents = {}, {}, {}
        for position in ("in", "out"):
            # publishing: a draft (and one planned for today, for the calendar)
            self.draft(position, f"{UNIT_NAMES[position]}草稿：本周开展义务植树活动。")
            self.draft(position, f"{UNIT_NAMES[position]}计划稿：下周一发布防汛提示。",
                       planned_at=f"{beijing_today()}T12:00:00+08:00")
            # inquiry: a citizen's message, long unanswered (an early warning); a notice; a transfer
            self.message(position, f"@{UNIT_NAMES[position]}网民", text=f"{UNIT_NAMES[position]}网民反映：路灯不亮。",
                         received_at=(dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=100)).isoformat())
            self.transfer_from_office(position, f"{UNIT_NAMES[position]}转办单")
            self.invalid_message(position)  # G19.2: in the list supervision reads
            # assessment: followers, an inspection, a shift, a training session, an archive
            self.as_(f"{position}_operator", "assessment", "POST", "/api/followers",
                     json={"account_id": self.accounts[position]["id"], "day": str(beijing_today()), "followers": 1200})
            self.inspections[position] = self.inspection(position)["id"]
            self.incidents[position] = self.incident(position)["id"]
            self.shift(position, f"{UNIT_NAMES[position]}值班员")
            self.trainings[position] = self.training(f"{UNIT_NAMES[position]}培训",
                                                     {position: f"{UNIT_NAMES[position]}学员"})
        self.base_draft = self.draft("in", "甲区待修改的草稿。")
        self.portal_feed = self.feed("甲区门户")
        # steps each service's audit trail records, for 甲区
        self.draft("in", "甲区已审批的稿件。", status="approved")
        reported = self.inspection("in", reported=True)
        self.as_("office", "assessment", "POST", f"/api/inspections/{reported['id']}/review", json={"accept": True})
        self.base_message = self.message("in", "@甲区待分类网民")
        self.notices_issued = {"in": self.notice("in_leader", "below", "甲区通报单")["id"]}
        self.returned_transfer()  # 甲区教育局 returns one: 甲区 is named in the returns
        self.lead_draft = self.released_office_draft()
        self.released_post("in", "甲区今日博文。")  # 甲区's principal leader reads it (X18)
        self.as_("in_principal_leader", "publishing", "POST", "/api/reading", 201, json={})
        self.directive = self.issue_directive("甲区统一口径")
        # shared by both subtrees: each sees the object, and only its own part of it
        self.shared_directive = self.issue_directive("两区统一口径", ("in", "out"))
        self.emergency_setup()
        self.trainings["shared"] = self.training("两区培训", {"in": "甲区共同学员", "out": "乙区共同学员"})
        self.narrative = self.as_("in_operator", "assessment", "POST", "/api/narratives", 201,
                                  data=_narrative(previous_quarter(beijing_today())),
                                  content_type="multipart/form-data")
        with self.apps["assessment"].app_context():  # as the worker files last month's on the 1st
            self.archives = {p: archive.build(self.units[p]["id"], last_month()).id for p in ("in", "out")}
        self.dormancies = {"in": self.dormancy_order()}
        self.add_word("矩阵敏感词")
        self.add_correction("矩阵错字")
        self.add_leader("矩阵领导")
        wait_for(lambda: "甲区发布" in self.call("assessment", "GET", "/api/warnings", admin).get_data(as_text=True),
                 message="assessment's warning of 甲区's long-unanswered message")

    # --------------------------------------------------------------- objects, fresh
    def draft(self, unit: str, text: str, status: str = "draft", **fields) -> dict:
        body = {"account_id": self.accounts[unit]["id"], "text": text, "info_type": "disclosure",
                "platforms": PLATFORMS, **fields}
        d = self.as_(f"{unit}_operator", "publishing", "POST", "/api/drafts", 201, json=body)
        for step, by, body in (("submit", "operator", {}), ("check", "responsible_office", {"acknowledge": True}),
                               ("approve", "leader", {})):
            if d["status"] == status:
                break
            d = self.as_(f"{unit}_{by}", "publishing", "POST", f"/api/drafts/{d['id']}/actions/{step}", json=body)
        assert d["status"] == status, d
        return d

    def feed(self, title: str) -> dict:
        """A portal feed of 甲区's account (on the host the matrix allows: PORTAL_FEED_HOSTS)."""
        return self.as_("in_operator", "publishing", "POST", "/api/portal-feeds", 201, json={
            "account_id": self.accounts["in"]["id"], "url": f"https://www.nc.gov.cn/feed{serial()}.xml", "title": title})

    def connected(self) -> int:
        """甲区's account connected on its platform (issue 20), for a disconnection; its id."""
        aid = self.accounts["in"]["id"]
        self.as_("in_operator", "publishing", "PUT", f"/api/accounts/{aid}/connections/{PLATFORMS[0]}",
                 json=CONNECTION)
        return aid

    def released_office_draft(self) -> dict:
        d = self.draft("office", "矩阵市统一发布：今冬供暖按时开始。", status="approved")
        return self.as_("office_operator", "publishing", "POST", f"/api/drafts/{d['id']}/actions/record_publication",
                        json={"platform": PLATFORMS[0], "url": f"https://sina.example.cn/post/{d['id']}"})

    def released_post(self, unit: str, text: str) -> dict:
        d = self.draft(unit, text, status="approved")
        return self.as_(f"{unit}_operator", "publishing", "POST", f"/api/drafts/{d['id']}/actions/record_publication",
                        json={"platform": PLATFORMS[0], "url": f"https://sina.example.cn/post/{d['id']}"})

    def issue_directive(self, title: str, units: tuple[str, ...] = ("in",)) -> dict:
        due = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=2)).isoformat()
        return self.as_("office", "publishing", "POST", "/api/directives", 201, json={
            "title": title, "lead_draft_id": self.lead_draft["id"], "due_at": due,
            "account_ids": [self.accounts[u]["id"] for u in units]})

    def declare_emergency(self, title: str) -> dict:
        """An emergency of 甲区, declared by its operator ten minutes after it happened."""
        kinds = self.as_("office", "publishing", "GET", "/api/emergency-procedures")
        occurred = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=10)).isoformat()
        return self.as_("in_operator", "publishing", "POST", "/api/emergencies", 201, json={
            "procedure_id": kinds[0]["id"], "title": title, "occurred_at": occurred})

    def emergency_setup(self) -> None:
        """甲区's emergency, inquiry's copy of it, and a citizen's message of 甲区 linked to it."""
        self.emergency = self.declare_emergency("甲区突发事件")
        self.procedure = self.as_("office", "publishing", "GET", "/api/emergency-procedures")[0]
        self.emergency_message = self.message("in", "@甲区事件网民", text="甲区事件留言：积水很深。")
        wait_for(lambda: self.call("inquiry", "GET", "/api/emergencies", self.people["in_operator"]["headers"])
                 .get_json(), message="inquiry's copy of the emergency")
        self.as_("in_operator", "inquiry", "PUT", f"/api/messages/{self.emergency_message['id']}/emergency",
                 json={"emergency_id": self.emergency["id"]})

    def add_word(self, word: str) -> int:
        self.as_("office", "publishing", "POST", "/api/lexicon",
                 json={"entries": [{"word": word, "category": "sensitive", "severity": "warn"}]})
        entries = self.as_("office", "publishing", "GET", "/api/lexicon")
        return next(e["id"] for e in entries if e["word"] == word)

    def add_correction(self, wrong: str) -> int:
        self.as_("office", "publishing", "POST", "/api/corrections",
                 json={"entries": [{"wrong": wrong, "right": "矩阵正字", "kind": "typo"}]})
        entries = self.as_("office", "publishing", "GET", f"/api/corrections?q={wrong}")
        return next(e["id"] for e in entries if e["wrong"] == wrong)

    def add_leader(self, name: str) -> int:
        self.as_("office", "publishing", "POST", "/api/leaders",
                 json={"entries": [{"name": name, "title": "矩阵市副市长", "rank": 50}]})
        entries = self.as_("office", "publishing", "GET", f"/api/leaders?q={name}")
        return next(e["id"] for e in entries if e["name"] == name)

    def message(self, unit: str, handle: str, by: str | None = None, **fields) -> dict:
        body = {"account_id": self.accounts[unit]["id"], "kind": "comment", "citizen_handle": handle,
                "citizen_contact": "13800000000", "text": "小区门口路灯坏了一个月，请尽快维修。", **fields}
        return self.as_(by or f"{unit}_operator", "inquiry", "POST", "/api/messages", 201, json=body)

    def invalid_message(self, unit: str) -> dict:
        m = self.message(unit, f"@网民{serial()}", text=f"{UNIT_NAMES[unit]}无效留言：推销广告。")
        return self.as_(f"{unit}_operator", "inquiry", "POST", f"/api/messages/{m['id']}/invalid",
                        json={"kind": "advertising", "reason": "广告"})

    def held_reply(self) -> dict:
        """甲区's message marked sensitive, its reply waiting for the responsible office (N6, X21)."""
        m = self.message("in", f"@网民{serial()}")
        self.as_("in_operator", "inquiry", "POST", f"/api/messages/{m['id']}/sensitive",
                 json={"sensitive": True, "reason": "涉及信访"})
        return self.as_("in_operator", "inquiry", "POST", f"/api/messages/{m['id']}/actions/reply",
                        json={"text": "已转交城管部门，三日内修复。"})

    def transfer_from_office(self, to: str, note: str) -> dict:
        m = self.message("office", f"@网民{serial()}", by="office")
        return self.as_("office", "inquiry", "POST", f"/api/messages/{m['id']}/transfers", 201,
                        json={"to_unit_id": self.units[to]["id"], "note": note})

    def returned_transfer(self) -> dict:
        m = self.message("in", f"@网民{serial()}")
        t = self.as_("in_leader", "inquiry", "POST", f"/api/messages/{m['id']}/transfers", 201,
                     json={"to_unit_id": self.units["below"]["id"], "note": "请甲区教育局办理"})
        return self.as_("below_operator", "inquiry", "POST", f"/api/transfers/{t['id']}/answer",
                        json={"accept": False, "reason": "不属于本单位职责"})

    def notice(self, by: str, to: str, title: str) -> dict:
        return self.as_(by, "inquiry", "POST", "/api/notices", 201, json={
            "title": title, "importance": "high", "kind": "城市管理", "content": "路灯长期不亮，请核查整改。",
            "unit_id": self.units[to]["id"]})

    def inspection(self, unit: str, reported: bool = False) -> dict:
        today = beijing_today()
        i = self.as_("office", "assessment", "POST", "/api/inspections", 201, json={
            "unit_id": self.units[unit]["id"], "inspected_on": str(today), "checked": "账号更新与留言办理",
            "found": f"{UNIT_NAMES[unit]}发现的问题：留言超期未复", "required": "一周内全部回复",
            "fix_by": str(today + dt.timedelta(days=7))})
        if reported:
            i = self.as_(f"{unit}_operator", "assessment", "POST", f"/api/inspections/{i['id']}/report",
                         json={"text": "已全部回复", "fixed_on": str(today)})
        return i

    def bulletin(self, issued: bool = False) -> dict:
        """A new 检查情况通报 of this quarter, drafted by the office (and issued)."""
        b = self.as_("office", "assessment", "POST", "/api/bulletins", 201, json={"quarter": _quarter()})
        return self.as_("office", "assessment", "POST", f"/api/bulletins/{b['id']}/issue") if issued else b

    def incident(self, unit: str) -> dict:
        return self.as_(f"{unit}_operator", "assessment", "POST", "/api/incidents", 201, json={
            "account_id": self.accounts[unit]["id"], "kind": "misstatement", "found_at": f"{beijing_today()}T00:00:00",
            "description": f"{UNIT_NAMES[unit]}安全事件经过"})

    def dormancy_settled(self) -> None:
        """甲区's account (dormant: a citizen's message unanswered for 100 days) with no open
        rectification order: the one it has is answered and accepted."""
        account = self.accounts["in"]["id"]
        [row] = self.as_("office", "assessment", "GET", f"/api/dormancy/accounts?account_id={account}")
        order = row["open_order"]
        if order and order["status"] in ("issued", "rejected"):
            self.as_("in_operator", "assessment", "POST", f"/api/dormancy/orders/{order['id']}/answer",
                     json={"text": "已回复全部留言"})
        if order:
            self.as_("office", "assessment", "POST", f"/api/dormancy/orders/{order['id']}/review", json={"accept": True})

    def dormancy_order(self, answered: bool = False) -> int:
        """A fresh rectification order to 甲区 for its dormant account (answered, if asked); its id."""
        self.dormancy_settled()
        o = self.as_("office", "assessment", "POST", "/api/dormancy/orders", 201, json={
            "account_id": self.accounts["in"]["id"], "reason": "甲区整改要求：逐条回复留言",
            "deadline": str(beijing_today() + dt.timedelta(days=7))})
        if answered:
            self.as_("in_operator", "assessment", "POST", f"/api/dormancy/orders/{o['id']}/answer",
                     json={"text": "已回复"})
        return o["id"]

    def attendee(self, unit: str) -> int:
        """A new attendee of `unit`'s training session; its id."""
        name = f"学员{serial()}"
        s = self.as_("office", "assessment", "POST", f"/api/training/sessions/{self.trainings[unit]['id']}/attendees",
                     json={"attendees": [{"person_name": name, "unit_id": self.units[unit]["id"]}]})
        return next(a["id"] for a in s["attendees"] if a["person_name"] == name)

    def shift(self, unit: str, name: str) -> dict:
        start = dt.datetime(2030, 1, 1, tzinfo=dt.timezone.utc) + dt.timedelta(hours=serial())
        return self.as_(f"{unit}_operator", "assessment", "POST", "/api/roster/shifts", 201, json={
            "account_id": self.accounts[unit]["id"], "starts_at": start.isoformat(),
            "ends_at": (start + dt.timedelta(minutes=30)).isoformat(), "person_name": name, "phone": "0791-12345678"})

    def training(self, title: str, attendees: dict[str, str]) -> dict:
        """A course today for the units of `attendees` (unit: the name of its one attendee)."""
        return self.as_("office", "assessment", "POST", "/api/training/sessions", 201, json={
            "kind": "course", "title": title, "held_on": str(beijing_today()), "hours": 2,
            "trainers": [{"name": "授课专家", "kind": "platform_expert"}],
            "invited_unit_ids": [self.units[u]["id"] for u in attendees],
            "attendees": [{"person_name": name, "unit_id": self.units[u]["id"]} for u, name in attendees.items()]})


# ------------------------------------------------------------------------------ targets
# What a row's request is made of: `target(world)` gives the path (the rule with the target's
# ids in it), the body, and the marker of the 甲区 object the answer must (200) or must not (hid)
# show. A target of a route that changes something makes a fresh object each time it is called.
def _today() -> str:
    return str(beijing_today())


def _csv(*rows: str) -> dict:
    return {"file": (io.BytesIO("\n".join(rows).encode()), "import.csv")}


def _application(w: World) -> dict:
    team = [{"person_id": w.people[f"in_{role}"]["id"], "role": as_} for role, as_ in TEAM_ROLES]
    return {"name": f"甲区服务{serial()}", "kind": "institutional", "category": "policy", "platforms": PLATFORMS,
            "team": team, "positioning": "政策解读", "rules": "先审后发", "mechanism": "三审三校",
            "exception_reason": "访问矩阵测试需要多个账号"}


def _fresh_account(w: World, until: str, unit: str = "in") -> int:
    return w.account(unit, f"{UNIT_NAMES.get(unit, '甲区教育')}新号{serial()}", until)["id"]


def _fresh_change(w: World, until: str = "applied", unit: str = "in") -> tuple[int, int]:
    """A change filing (变更备案) of a fresh active account of `unit`: applied, or approved (filing)."""
    aid = _fresh_account(w, "active", unit)
    change = w.as_(f"{unit}_operator", "registry", "POST", f"/api/accounts/{aid}/changes", 201,
                   json={"positioning": f"新的功能定位{serial()}", "reason": "访问矩阵测试"})
    if until == "filing":
        w.as_(f"{unit}_principal_leader", "registry", "POST", f"/api/accounts/{aid}/changes/{change['id']}/actions/approve",
              json={})
    return aid, change["id"]


def _change_path(w: World, action: str, until: str = "applied", unit: str = "in", web: bool = False) -> str:
    aid, cid = _fresh_change(w, until, unit)
    return f"/accounts/{aid}/changes/{cid}/act/{action}" if web else f"/api/accounts/{aid}/changes/{cid}/actions/{action}"


def _change_form(w: World) -> Req:
    """The change form of a fresh active account, as the page fills it, with a new positioning."""
    a = w.account("in", f"甲区教育新号{serial()}")
    team = {"leader_in_charge": str(w.people["in_leader"]["id"]),
            "responsible_office": str(w.people["in_responsible_office"]["id"]),
            "operators": str(w.people["in_operator"]["id"])}
    return Req(f"/accounts/{a['id']}/change", data={
        "name": a["name"], "positioning": "新的功能定位", "rules": "先审后发", "mechanism": "三审三校，24小时值班",
        "platforms": PLATFORMS, **{f"handle_{p}": a["name"] for p in PLATFORMS},
        **{f"url_{p}": f"https://{p}.example.cn/{a['id']}" for p in PLATFORMS}, **team, "reason": "访问矩阵测试"})


def _fresh_person(w: World) -> int:
    return w.as_("office", "registry", "POST", "/api/people", 201, json={
        "unit_id": w.units["in"]["id"], "name": "待停用", "username": f"gone{serial()}", "password": PASSWORD,
        "roles": ["operator"]})["id"]


def _fresh_client(w: World) -> int:
    return w.as_("in_admin", "registry", "POST", "/api/clients", 201,
                 json={"name": f"甲区系统{serial()}", "unit_id": w.units["in"]["id"]})["id"]


def _fresh_follow(w: World, unit: str = "in") -> tuple[int, int]:
    """A fresh unrelated follow of `unit`'s account: (account id, follow id)."""
    aid = w.accounts[unit]["id"]
    return aid, w.as_(f"{unit}_operator", "registry", "POST", f"/api/accounts/{aid}/follows", 201,
                      json={"platform": "sina", "handle": f"矩阵关注{serial()}"})["id"]


def _follow_path(w: World, tail: str = "", web: bool = False) -> str:
    aid, fid = _fresh_follow(w)
    return f"{'' if web else '/api'}/accounts/{aid}/follows/{fid}{tail}"


def _register_entry(w: World) -> dict:
    return {"platform": "sina", "handle": f"矩阵媒体{serial()}", "name": "矩阵日报", "kind": "media"}


def _fresh_entry(w: World) -> int:
    return w.as_("office", "registry", "POST", "/api/follow-register", 201, json=_register_entry(w))["id"]


def _forwarded(w: World) -> World:
    """甲区's forward of a superior account's post (X14), recorded once for the rows that read it."""
    if not getattr(w, "forward", None):
        w.forward = w.as_("in_operator", "publishing", "POST", "/api/forwards", 201, json=_forward_body(w))
    return w


def _freeze_body(w: World) -> dict:
    """A freeze of 甲区's releases, none in force there (each success lifted before the next asks)."""
    for f in w.as_("office", "publishing", "GET", "/api/release-freezes?active=true"):
        w.as_("office", "publishing", "POST", f"/api/release-freezes/{f['id']}/lift")
    return {"unit_id": w.units["in"]["id"], "reason": f"矩阵暂停{serial()}"}


def _fresh_freeze(w: World) -> int:
    return w.as_("office", "publishing", "POST", "/api/release-freezes", 201, json=_freeze_body(w))["id"]


def _forward_body(w: World) -> dict:
    return {"account_id": w.accounts["in"]["id"], "platform": PLATFORMS[0], "source_account": "甲区转发源",
            "source_url": "https://sina.example.cn/city/1", "url": f"https://sina.example.cn/in/{serial()}"}


API_TARGETS = {
    "-": lambda w: None,  # the rule as it is
    "proofreading:off": lambda w: Req("", json={"enabled": False}),  # on would send every later draft to 校对
    "rule:off": lambda w: Req("", json={"every_platform": False}),  # on would ask the applications for reasons
    "forwards": lambda w: Req("/api/forwards", marker=_forwarded(w).forward["source_account"]),
    "forward:new": lambda w: Req("/api/forwards", json=_forward_body(w)),
    "forwards:counts": lambda w: Req(f"/api/forwards/counts?month={_today()[:7]}", marker=_forwarded(w).accounts["in"]["name"]),
    # registry
    "accounts": lambda w: Req("/api/accounts", marker="甲区发布"),
    "accounts:unit_id": lambda w: Req(f"/api/accounts?unit_id={w.units['in']['id']}", marker="甲区发布"),
    "account": lambda w: Req(f"/api/accounts/{w.accounts['in']['id']}", marker="甲区发布"),
    "application": lambda w: Req("/api/accounts", json=_application(w), marker="in_leader姓名"),  # in its team
    "applied:approve": lambda w: Req(f"/api/accounts/{_fresh_account(w, 'applied')}/actions/approve", json={}),
    "applied:withdraw": lambda w: Req(f"/api/accounts/{_fresh_account(w, 'applied')}/actions/withdraw", json={}),
    "filing:acknowledge_filing": lambda w: Req(
        f"/api/accounts/{_fresh_account(w, 'filing', 'below')}/actions/acknowledge_filing", json={}),
    "account:security": lambda w: Req(f"/api/accounts/{w.accounts['in']['id']}/security", json={
        "credential_holder_id": w.people["in_operator"]["id"], "devices": [{"name": "值班手机", "kind": "phone"}]}),
    "account:team": lambda w: Req(f"/api/accounts/{w.accounts['in']['id']}/team", json={"members": [
        {"person_id": w.people[f"in_{role}"]["id"], "role": as_} for role, as_ in TEAM_ROLES]}),
    "account:changes": lambda w: Req(f"/api/accounts/{w.accounts['in']['id']}/changes"),
    "follows": lambda w: Req(f"/api/accounts/{w.accounts['in']['id']}/follows"),
    "follow:new": lambda w: Req(f"/api/accounts/{w.accounts['in']['id']}/follows",
                                json={"platform": "sina", "handle": f"矩阵关注{serial()}"}),
    "follow:import": lambda w: Req(f"/api/accounts/{w.accounts['in']['id']}/follows/import",
                                   data=_csv("平台,账号", f"sina,矩阵导入{serial()}")),
    "follow:check": lambda w: Req(f"/api/accounts/{w.accounts['in']['id']}/follows/check"),
    "follow:reason": lambda w: Req(_follow_path(w, "/reason"), json={"reason": "访问矩阵测试的理由"}),
    "follow:remove": lambda w: Req(_follow_path(w)),
    "register": lambda w: Req("/api/follow-register"),
    "register:entry": lambda w: Req(f"/api/follow-register/{_fresh_entry(w)}"),
    "register:new": lambda w: Req("/api/follow-register", json=_register_entry(w)),
    "register:change": lambda w: Req(f"/api/follow-register/{_fresh_entry(w)}", json=_register_entry(w)),
    "register:delete": lambda w: Req(f"/api/follow-register/{_fresh_entry(w)}"),
    "active:change": lambda w: Req(f"/api/accounts/{_fresh_account(w, 'active')}/changes", json={
        "positioning": f"新的功能定位{serial()}", "reason": "访问矩阵测试"}),
    "change:approve": lambda w: Req(_change_path(w, "approve"), json={}),
    "change:withdraw": lambda w: Req(_change_path(w, "withdraw"), json={}),
    "change:file": lambda w: Req(_change_path(w, "file", "filing", "below"), json={}),
    "sign-in": lambda w: Req("/api/auth/sign-in", json={"username": "in_operator", "password": PASSWORD}),
    "client-token": lambda w: Req("/api/auth/token", json=dict(zip(("client_id", "client_secret"), w.secrets["in"]))),
    "clients": lambda w: Req("/api/clients", marker=CLIENTS["in"]),
    "client:new": lambda w: Req("/api/clients", json={"name": f"甲区系统{serial()}", "unit_id": w.units["in"]["id"]}),
    "client": lambda w: Req(f"/api/clients/{w.client_pks['in']}", marker=CLIENTS["in"]),
    "client:revoke": lambda w: Req(f"/api/clients/{_fresh_client(w)}/revoke"),
    "hall": lambda w: Req("/api/hall", marker="甲区发布"),
    "hall:groups": lambda w: Req("/api/hall/groups", marker="甲区"),
    "people": lambda w: Req("/api/people", marker="in_operator姓名"),
    "person": lambda w: Req(f"/api/people/{w.people['in_operator']['id']}", marker="in_operator姓名"),
    "people:unit_id": lambda w: Req(f"/api/people?unit_id={w.units['in']['id']}", marker="in_operator姓名"),
    "refresh:wrong": lambda w: Req("/api/auth/refresh", json={"refresh": "not-a-refresh-secret"}),
    "challenge:wrong": lambda w: Req("/api/auth/sign-in/second-factor", json={"challenge": "not-a-challenge",
                                                                            "code": "123456"}),
    "mfa:bad-code": lambda w: Req("", json={"code": "abc"}),
    "mfa:start": lambda w: Req("", json={"current_password": PASSWORD}),
    "person:mfa": lambda w: Req(f"/api/people/{w.people['in_operator']['id']}/second-factor"),
    "notif:missing": lambda w: Req("/api/notifications/999999/read"),
    "notif:bad": lambda w: Req("/api/notifications/preferences", json={"quiet_from": "25:00"}),
    "locale:zh": lambda w: Req("/api/auth/me/locale", json={"locale": "zh_Hans"}),  # the default: nothing else changes
    "person:mfa-reset": lambda w: Req(f"/api/people/{_fresh_person(w)}/second-factor"),
    "captcha": lambda w: Req("/api/auth/captcha?username=nobody_here"),
    "password:wrong": lambda w: Req("/api/auth/password", json={"current_password": "wrong-One-123",
                                                                "new_password": "Hqz-7rTm-wplk"}),
    "person:reset": lambda w: Req(f"/api/people/{_fresh_person(w)}/password", json={"password": "Temp-4821-Reset"}),
    "person:disable": lambda w: Req(f"/api/people/{_fresh_person(w)}/active", json={"active": False}),
    "person:new": lambda w: Req("/api/people", json={
        "unit_id": w.units["in"]["id"], "name": "新同事", "username": f"new{serial()}", "password": PASSWORD,
        "roles": ["operator"]}),
    "person:new-bare": lambda w: Req("/api/people", json={  # no roles: the security administrator grants them
        "unit_id": w.units["in"]["id"], "name": "新同事", "username": f"new{serial()}", "password": PASSWORD}),
    "person:roles": lambda w: Req(f"/api/people/{_fresh_person(w)}/roles", json={"roles": ["operator", "leader"]}),
    "units": lambda w: Req("/api/units", marker="甲区"),
    "units:parent_id": lambda w: Req(f"/api/units?parent_id={w.units['in']['id']}", marker="甲区教育局"),
    "unit": lambda w: Req(f"/api/units/{w.units['in']['id']}", marker="甲区"),
    "unit:new": lambda w: Req("/api/units", json={"name": f"甲区科室{serial()}", "kind": "department",
                                                  "parent_id": w.units["in"]["id"]}),
    "unit:rename": lambda w: Req(f"/api/units/{w.units['below']['id']}", json={"name": "甲区教育局"}),
    # publishing
    "calendar": lambda w: Req(f"/api/calendar?month={_today()[:7]}", marker="甲区计划稿"),
    "check": lambda w: Req("/api/checks", json={"text": "今日发布防汛提示。"}),
    "directives": lambda w: Req("/api/directives", marker="甲区统一口径"),
    "directive": lambda w: Req(f"/api/directives/{w.directive['id']}", marker="甲区统一口径"),
    "directive:shared": lambda w: Req(f"/api/directives/{w.shared_directive['id']}", marker="甲区发布"),
    "directive:targets": lambda w: Req(f"/api/directives/{w.directive['id']}/targets", marker="甲区发布"),
    "directive:targets:shared": lambda w: Req(f"/api/directives/{w.shared_directive['id']}/targets", marker="甲区发布"),
    "directive:new": lambda w: Req("/api/directives", json={
        "title": f"口径{serial()}", "lead_draft_id": w.lead_draft["id"], "account_ids": [w.accounts["in"]["id"]],
        "due_at": (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1)).isoformat()}),
    "directive:forward": lambda w: Req(f"/api/directives/{w.issue_directive(f'口径{serial()}')['id']}/forwards",
                                       json={"account_id": w.accounts["in"]["id"],
                                             "url": "https://sina.example.cn/forward/1"}),
    "emergency:procedures": lambda w: Req("/api/emergency-procedures"),
    "emergency:procedure": lambda w: Req(f"/api/emergency-procedures/{w.procedure['id']}"),
    "emergency:procedure:versions": lambda w: Req(f"/api/emergency-procedures/{w.procedure['id']}/versions"),
    "emergency:procedure:new": lambda w: Req("/api/emergency-procedures", json={
        "code": f"kind_{serial()}", "name": f"矩阵事件类型{serial()}", "steps": ["核实"], "channels": ["政务微博"]}),
    "emergency:procedure:save": lambda w: Req(f"/api/emergency-procedures/{w.procedure['id']}", json={
        "name": w.procedure["name"], "steps": w.procedure["steps"], "channels": w.procedure["channels"]}),
    "emergencies": lambda w: Req("/api/emergencies", marker="甲区突发事件"),
    "emergency": lambda w: Req(f"/api/emergencies/{w.emergency['id']}", marker="甲区突发事件"),
    "emergency:new": lambda w: Req("/api/emergencies", json={
        "procedure_id": w.procedure["id"], "title": f"矩阵事件{serial()}",
        "occurred_at": (dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=5)).isoformat()}),
    "emergency:tick": lambda w: Req(f"/api/emergencies/{w.emergency['id']}/steps", json={"step": 0}),
    "emergency:draft": lambda w: Req(f"/api/emergencies/{w.emergency['id']}/drafts", json={
        "account_id": w.accounts["in"]["id"], "text": "甲区突发事件通报。", "info_type": "emergency"}),
    "emergency:close": lambda w: Req(f"/api/emergencies/{w.declare_emergency(f'甲区事件{serial()}')['id']}/close",
                                     json={"summary": "处置完毕。"}),
    "emergency:messages": lambda w: Req(f"/api/emergencies/{w.emergency['id']}/messages", marker="甲区事件留言"),
    "message:emergency": lambda w: Req(f"/api/messages/{w.emergency_message['id']}/emergency", marker="甲区突发事件"),
    "message:emergency:link": lambda w: Req(f"/api/messages/{w.emergency_message['id']}/emergency",
                                            json={"emergency_id": w.emergency["id"]}),
    "drafts": lambda w: Req("/api/drafts", marker="甲区草稿"),
    "platform-adapters": lambda w: Req("/api/platform-adapters"),
    "account:connections": lambda w: Req(f"/api/accounts/{w.accounts['in']['id']}/connections"),
    "account:connect": lambda w: Req(f"/api/accounts/{w.accounts['in']['id']}/connections/{PLATFORMS[0]}",
                                     json=CONNECTION),
    "account:disconnect": lambda w: Req(f"/api/accounts/{w.connected()}/connections/{PLATFORMS[0]}"),
    "portal-feeds": lambda w: Req("/api/portal-feeds", marker="甲区门户"),
    "portal-feed:new": lambda w: Req("/api/portal-feeds", json={"account_id": w.accounts["in"]["id"], "title": "甲区新门户",
                                                               "url": f"https://www.nc.gov.cn/new{serial()}.xml"}),
    "portal-feed": lambda w: Req(f"/api/portal-feeds/{w.portal_feed['id']}", marker="甲区门户"),
    "portal-feed:stop": lambda w: Req(f"/api/portal-feeds/{w.feed('甲区门户')['id']}/active", json={"active": False}),
    "portal-feed:entries": lambda w: Req(f"/api/portal-feeds/{w.portal_feed['id']}/entries"),
    "freeze:new": lambda w: Req("/api/release-freezes", json=_freeze_body(w)),
    "freeze:lift": lambda w: Req(f"/api/release-freezes/{_fresh_freeze(w)}/lift"),
    "drafts:account_id": lambda w: Req(f"/api/drafts?account_id={w.accounts['in']['id']}", marker="甲区草稿"),
    "draft": lambda w: Req(f"/api/drafts/{w.base_draft['id']}", marker="甲区待修改"),
    "draft:new": lambda w: Req("/api/drafts", json={"account_id": w.accounts["in"]["id"], "text": "甲区新稿件。",
                                                    "info_type": "disclosure", "platforms": PLATFORMS}),
    "draft:update": lambda w: Req(f"/api/drafts/{w.base_draft['id']}", json={
        "account_id": w.accounts["in"]["id"], "text": "甲区待修改的草稿。", "info_type": "disclosure",
        "platforms": PLATFORMS}),
    "draft:submit": lambda w: Req(f"/api/drafts/{w.draft('in', '甲区稿件。')['id']}/actions/submit", json={}),
    "submitted:check": lambda w: Req(f"/api/drafts/{w.draft('in', '甲区稿件。', 'submitted')['id']}/actions/check",
                                     json={"acknowledge": True}),
    "checked:approve": lambda w: Req(f"/api/drafts/{w.draft('in', '甲区稿件。', 'checked')['id']}/actions/approve",
                                     json={}),
    "figures": lambda w: Req(f"/api/figures?month={_today()[:7]}", marker=w.units["in"]["path"]),
    "lexicon": lambda w: Req("/api/lexicon", marker="矩阵敏感词"),
    "lexicon:add": lambda w: Req("/api/lexicon", json={"entries": [
        {"word": f"矩阵词{serial()}", "category": "sensitive", "severity": "warn"}]}),
    "lexicon:remove": lambda w: Req(f"/api/lexicon/{w.add_word(f'待删词{serial()}')}"),
    "corrections": lambda w: Req("/api/corrections?q=矩阵错字", marker="矩阵错字"),
    "corrections:add": lambda w: Req("/api/corrections", json={"entries": [
        {"wrong": f"矩阵误{serial()}", "right": "矩阵正", "kind": "typo"}]}),
    "corrections:remove": lambda w: Req(f"/api/corrections/{w.add_correction(f'待删错字{serial()}')}"),
    "leaders": lambda w: Req("/api/leaders?q=矩阵领导", marker="矩阵领导"),
    "leaders:add": lambda w: Req("/api/leaders", json={"entries": [
        {"name": f"矩阵人{serial()}", "title": "副市长", "rank": 60}]}),
    "leaders:remove": lambda w: Req(f"/api/leaders/{w.add_leader(f'待删人{serial()}')}"),
    # inquiry
    "calendar-days": lambda w: Req("/api/calendar-days", json={"days": [{"day": "2031-05-06", "workday": False}]}),
    "calendar-year": lambda w: Req("/api/calendar-years/2031"),
    "calendar-year:set": lambda w: Req("/api/calendar-years/2031", json={"notice_complete": False}),
    "intake": lambda w: Req("/api/intake/messages", json={
        "account_id": w.accounts["in"]["id"], "kind": "comment", "citizen_handle": "@推送网民", "text": "请修路灯。"}),
    "public:request": lambda w: _public(w),
    "public:wrong": lambda w: _public(w, "AAAA-BBBB-CCCC"),
    "public:rating": lambda w: Req(f"/api/public/requests/{_receipt(w)['receipt_number']}/rating",
                                   json={"code": _receipt(w)["query_code"], "rating": "satisfied"}),
    "intake:own": lambda w: Req(f"/api/intake/messages/{_receipt(w)['id']}"),
    "intake:batch": lambda w: Req("/api/intake/messages/batch", json={"messages": [{
        "account_id": w.accounts["in"]["id"], "kind": "comment", "citizen_handle": "@批量推送网民", "text": "请修路灯。"}]}),
    "messages": lambda w: Req("/api/messages", marker="@甲区网民"),
    "message": lambda w: Req(f"/api/messages/{w.base_message['id']}", marker="@甲区待分类网民"),
    # 待办: 甲区's long-unanswered message waits for 甲区's handlers and the city's offices, no one else
    "todo": lambda w: Req("/api/todo", marker="甲区网民反映"),
    "message:contact": lambda w: Req(f"/api/messages/{w.base_message['id']}/contact", marker="@甲区待分类网民"),
    "message:new": lambda w: Req("/api/messages", json={
        "account_id": w.accounts["in"]["id"], "kind": "comment", "citizen_handle": "@录入网民", "text": "请修路灯。"}),
    "message:reply": lambda w: Req(f"/api/messages/{w.message('in', f'@网民{serial()}')['id']}/actions/reply",
                                   json={"text": "已转交城管部门，三日内修复。"}),
    "message:classify": lambda w: Req(f"/api/messages/{w.base_message['id']}/classify",
                                      json={"category": "complaint", "sentiment": "negative"}),
    "message:review": lambda w: Req(f"/api/messages/{w.held_reply()['id']}/review/return", json={"reason": "请改写"}),
    "message:sensitive": lambda w: Req(f"/api/messages/{w.message('in', f'@网民{serial()}')['id']}/sensitive",
                                       json={"sensitive": True, "reason": "涉及信访"}),
    "message:invalid": lambda w: Req(f"/api/messages/{w.message('in', f'@网民{serial()}')['id']}/invalid",
                                     json={"kind": "spam", "reason": "垃圾信息"}),
    "message:merge": lambda w: Req(f"/api/messages/{w.message('in', f'@网民{serial()}')['id']}/merge",
                                   json={"main_id": w.message("in", f"@网民{serial()}")["id"]}),
    "invalid-messages": lambda w: Req("/api/invalid-messages", marker="甲区无效留言"),
    "message:transfer": lambda w: Req(f"/api/messages/{w.message('in', f'@网民{serial()}')['id']}/transfers",
                                      json={"to_unit_id": w.units["below"]["id"], "note": "请办理"}),
    "message:import": lambda w: Req("/api/messages/import", data={
        "account_id": str(w.accounts["in"]["id"]), "platform": "sina",
        **_csv("平台消息ID,类型,网民,内容,时间", f"m{serial()},评论,@导入网民,路灯不亮,{_today()} 09:00")}),
    "notices": lambda w: Req("/api/notices", marker="甲区通报单"),
    "notice": lambda w: Req(f"/api/notices/{w.notices_issued['in']}", marker="甲区通报单"),
    "notice:new": lambda w: Req("/api/notices", json={
        "title": "通报", "importance": "low", "kind": "交通", "content": "请核查。", "unit_id": w.units["below"]["id"]}),
    "notice:reply": lambda w: Req(f"/api/notices/{w.notice('office', 'in', '待答复通报')['id']}/reply",
                                  json={"reply": "已整改完毕。"}),
    "notice-counts": lambda w: Req("/api/notices/counts", marker="甲区教育局"),
    "transfers": lambda w: Req("/api/transfers", marker="甲区转办单"),
    "transfer:answer": lambda w: Req(f"/api/transfers/{w.transfer_from_office('in', '请办理')['id']}/answer",
                                     json={"accept": True}),
    "returned:reassign": lambda w: Req(f"/api/transfers/{w.returned_transfer()['id']}/reassign",
                                       json={"to_unit_id": w.units["below"]["id"], "note": "仍请办理"}),
    "returns": lambda w: Req("/api/transfers/returns", marker="甲区教育局"),
    # assessment
    "archives": lambda w: Req("/api/archives", marker="甲区"),
    "archive:file": lambda w: Req("/api/archives", json={"month": last_month()}),
    "archive:pdf": lambda w: Req(f"/api/archives/{w.archives['in']}/pdf"),
    "archive:verify": lambda w: Req(f"/api/archives/{w.archives['in']}/verify"),
    "assessment": lambda w: Req(f"/api/assessment/{_today()[:4]}", marker="甲区"),
    "records": lambda w: Req(f"/api/assessment/{_today()[:4]}/records?kind=reply_timeliness"
                             f"&unit_id={w.units['in']['id']}"),
    "duty-log": lambda w: Req(f"/api/duty-log?account_id={w.accounts['in']['id']}&from={_today()}&to={_today()}"),
    "followers": lambda w: Req("/api/followers", marker="甲区发布"),
    "followers:account_id": lambda w: Req(f"/api/followers?account_id={w.accounts['in']['id']}",
                                          marker="甲区发布"),
    "followers:enter": lambda w: Req("/api/followers", json={
        "account_id": w.accounts["in"]["id"], "day": _today(), "followers": 1300}),
    "followers:import": lambda w: Req("/api/followers/import", data=_csv(
        "账号ID,日期,粉丝数", f"{w.accounts['in']['id']},{_today()},1400")),
    "dormant": lambda w: Req("/api/dormancy/accounts", marker="甲区发布"),
    "dormant:unit_id": lambda w: Req(f"/api/dormancy/accounts?unit_id={w.units['in']['id']}", marker="甲区发布"),
    "dormancies": lambda w: Req("/api/dormancy/orders", marker="甲区整改要求"),
    "dormancy": lambda w: Req(f"/api/dormancy/orders/{w.dormancies['in']}", marker="甲区整改要求"),
    "dormancy:counts": lambda w: Req("/api/dormancy/counts", marker="甲区"),
    "dormancy:new": lambda w: (w.dormancy_settled(), Req("/api/dormancy/orders", json={
        "account_id": w.accounts["in"]["id"], "reason": "整改", "deadline": str(beijing_today() + dt.timedelta(days=3))}))[1],
    "dormancy:answer": lambda w: Req(f"/api/dormancy/orders/{w.dormancy_order()}/answer", json={"text": "已整改"}),
    "dormancy:review": lambda w: Req(f"/api/dormancy/orders/{w.dormancy_order(answered=True)}/review",
                                     json={"accept": True}),
    "dormancy:closure": lambda w: Req(f"/api/dormancy/orders/{w.dormancy_order()}/closure", json={}),
    "inspections": lambda w: Req("/api/inspections", marker="甲区发现的问题"),
    "inspections:unit_id": lambda w: Req(f"/api/inspections?unit_id={w.units['in']['id']}",
                                         marker="甲区发现的问题"),
    "inspection": lambda w: Req(f"/api/inspections/{w.inspections['in']}", marker="甲区发现的问题"),
    "inspection:new": lambda w: Req("/api/inspections", json={
        "unit_id": w.units["in"]["id"], "inspected_on": _today(), "checked": "检查", "found": "问题", "required": "整改",
        "fix_by": _today()}),
    "inspection:report": lambda w: Req(f"/api/inspections/{w.inspection('in')['id']}/report",
                                       json={"text": "已整改", "fixed_on": _today()}),
    "reported:review": lambda w: Req(f"/api/inspections/{w.inspection('in', reported=True)['id']}/review",
                                     json={"accept": True}),
    "bulletins": lambda w: Req("/api/bulletins"),
    "bulletin:new": lambda w: Req("/api/bulletins", json={"quarter": _quarter()}),
    "bulletin": lambda w: Req(f"/api/bulletins/{w.bulletin(issued=True)['id']}"),
    "bulletin:draft": lambda w: Req(f"/api/bulletins/{w.bulletin()['id']}"),
    "bulletin:edit": lambda w: Req(f"/api/bulletins/{w.bulletin()['id']}", json={"title": "改过的通报标题"}),
    "bulletin:issue": lambda w: Req(f"/api/bulletins/{w.bulletin()['id']}/issue"),
    "bulletin:pdf": lambda w: Req(f"/api/bulletins/{w.bulletin(issued=True)['id']}/pdf"),
    "annual": lambda w: Req(f"/api/reports/annual/{beijing_today().year}"),
    "annual:unit_id": lambda w: Req(f"/api/reports/annual/{beijing_today().year}?unit_id={w.units['in']['id']}"),
    "annual:enter": lambda w: Req(f"/api/reports/annual/{beijing_today().year}/entries",
                                  json={"surveys": 1, "interviews": 2, "smart_qa": False, "security_assessments": 3}),
    "coverage:unit_id": lambda w: Req(f"/api/inspections/coverage?unit_id={w.units['in']['id']}"),
    "coverage:units": lambda w: Req("/api/inspections/coverage/units", marker="甲区"),
    "coverage:unchecked": lambda w: Req("/api/inspections/coverage/unchecked", marker="甲区发布"),
    "incidents": lambda w: Req("/api/incidents", marker="甲区安全事件经过"),
    "incident": lambda w: Req(f"/api/incidents/{w.incidents['in']}", marker="甲区安全事件经过"),
    "incident:new": lambda w: Req("/api/incidents", json={
        "account_id": w.accounts["in"]["id"], "kind": "other", "found_at": f"{_today()}T00:00:00",
        "description": "新登记的安全事件"}),
    "incident:update": lambda w: Req(f"/api/incidents/{w.incidents['in']}", json={"measures": "已处置"}),
    "report": lambda w: Req(f"/api/reports/{_quarter()}", marker="甲区"),
    "report:unit_id": lambda w: Req(f"/api/reports/{_quarter()}?unit_id={w.units['in']['id']}", marker="甲区"),
    "report:third-party": lambda w: Req(f"/api/reports/{_quarter()}/third-party", data=_csv(
        "单位编号,评估机构,得分", f"{w.units['in']['id']},第三方评估机构,88")),
    "roster:gaps": lambda w: Req(f"/api/roster/gaps?unit_id={w.units['in']['id']}"),
    "roster:now": lambda w: Req(f"/api/roster/now?unit_id={w.units['in']['id']}", marker="甲区发布"),
    "roster:shifts": lambda w: Req(f"/api/roster/shifts?unit_id={w.units['in']['id']}&from=2030-01-01&days=30",
                                   marker="甲区值班员"),
    "shift:new": lambda w: Req("/api/roster/shifts", json=_shift_body(w)),
    "shift:remove": lambda w: Req(f"/api/roster/shifts/{w.shift('in', '待删值班员')['id']}"),
    "rules": lambda w: Req("/api/rules"),
    "rules:put": lambda w: Req("/api/rules", json={"commend_top": 3}),
    "training:export": lambda w: Req("/api/training/export", marker="甲区共同学员"),
    "training:record": lambda w: Req("/api/training/record", marker="甲区"),
    "training:record:unit_id": lambda w: Req(f"/api/training/record?unit_id={w.units['in']['id']}", marker="甲区"),
    "trainings": lambda w: Req("/api/training/sessions", marker="甲区培训"),
    "training": lambda w: Req(f"/api/training/sessions/{w.trainings['in']['id']}", marker="甲区培训"),
    "training:shared": lambda w: Req(f"/api/training/sessions/{w.trainings['shared']['id']}", marker="甲区共同学员"),
    "training:new": lambda w: Req("/api/training/sessions", json={
        "kind": "exchange", "title": "交流会", "held_on": _today(), "hours": 1, "invited_unit_ids": [w.units["in"]["id"]]}),
    "training:attend": lambda w: Req(f"/api/training/sessions/{w.trainings['in']['id']}/attendees", json={
        "attendees": [{"person_name": f"学员{serial()}", "unit_id": w.units["in"]["id"]}]}),
    "training:unattend": lambda w: Req(
        f"/api/training/sessions/{w.trainings['in']['id']}/attendees/{w.attendee('in')}"),
    "narratives": lambda w: Req("/api/narratives", marker="甲区季度简报"),
    "narrative": lambda w: Req(f"/api/narratives/{w.narrative['id']}", marker="甲区季度简报"),
    "narrative:attachment": lambda w: Req(
        f"/api/narratives/{w.narrative['id']}/attachments/{w.narrative['attachments'][0]['id']}"),
    "narrative:new": lambda w: Req("/api/narratives", data=_narrative(_old_quarter())),
    "narratives:units": lambda w: Req(f"/api/narratives/units?quarter={w.narrative['quarter']}", marker="甲区"),
    "narratives:summary": lambda w: Req(f"/api/narratives/summary?quarter={w.narrative['quarter']}"),
    "narratives:compiled": lambda w: Req(f"/api/narratives/compiled?quarter={w.narrative['quarter']}&format=pdf"),
    "reading:marks": lambda w: Req("/api/reading", marker="in_principal_leader姓名"),
    "reading:mark": lambda w: Req("/api/reading", json={}),
    "reading:rates": lambda w: Req("/api/reading/rates", marker="甲区"),
    "warnings": lambda w: Req("/api/warnings", marker="甲区发布"),
    "warnings:summary": lambda w: Req("/api/warnings/summary?first=200", marker="甲区发布"),
    # every service
    "audit": lambda w: Req("/api/audit", marker="甲区"),
    "audit:export": lambda w: Req("/api/audit/export?format=csv", marker="甲区"),
}


def _bulletin_form(b: dict) -> Req:
    """The edit form of a draft 通报, every field filled as the page fills it."""
    fields = ("issuer", "prefix", "year", "serial", "title", "addressees", "body", "signer", "dated")
    return Req(f"/bulletins/{b['id']}", data={**{k: str(b[k]) for k in fields}, "title": "改过的通报标题"})


def _quarter() -> str:
    today = beijing_today()
    return f"{today.year}-Q{(today.month - 1) // 3 + 1}"


def _narrative(quarter: str) -> dict:
    """A unit's quarterly report as a form, with one file."""
    return {"quarter": quarter, "kind": "brief", "title": "甲区季度简报", "text": "本季度政务微博工作情况。",
            "files": (io.BytesIO(b"%PDF-1.4 matrix"), "甲区附件.pdf")}


_quarters = itertools.count()


def _old_quarter() -> str:
    """A past quarter no unit has reported yet (one report a quarter): each call another, from 2004
    on (80 of them before 2024; the rows ask for 16)."""
    n = next(_quarters)
    return f"{2004 + n // 4}-Q{n % 4 + 1}"


def _shift_body(w: World) -> dict:
    start = dt.datetime(2031, 1, 1, tzinfo=dt.timezone.utc) + dt.timedelta(hours=serial())
    return {"account_id": w.accounts["in"]["id"], "starts_at": start.isoformat(),
            "ends_at": (start + dt.timedelta(minutes=30)).isoformat(), "person_name": "新值班员", "phone": "0791-12345678"}


def _local(when: dt.datetime) -> str:
    """A datetime-local field's value: Beijing time to the minute."""
    return when.astimezone(dt.timezone(dt.timedelta(hours=8))).strftime("%Y-%m-%dT%H:%M")


def _receipt(w: World) -> dict:
    """A message 甲区's client system posted, with its receipt number and query code (issue 19)."""
    if not getattr(w, "receipt", None):
        w.receipt = w.call("inquiry", "POST", "/api/intake/messages", w.callers[("intake", "in")].headers, 201, json={
            "account_id": w.accounts["in"]["id"], "kind": "private", "citizen_handle": "@查询网民",
            "text": "公园路灯不亮。"}).get_json()
    return w.receipt


def _public(w: World, code: str | None = None, tail: str = "") -> Req:
    r = _receipt(w)
    return Req(f"/api/public/requests/{r['receipt_number']}{tail}", headers={"X-Query-Code": code or r["query_code"]})


def _hall_query(w: World) -> dict:
    return {"number": _receipt(w)["receipt_number"], "code": _receipt(w)["query_code"], "rating": "satisfied"}


def _hall_message(w: World) -> dict:
    return {"account_id": str(w.accounts["in"]["id"]), "citizen_handle": "大厅网民", "text": "公园厕所需要维修。"}


WEB_TARGETS = {
    "-": lambda w: None,
    "proofreading:off": lambda w: Req("/drafts/proofreading", data={"scope": "unit", "enabled": "no"}),
    "rule:off": lambda w: Req("/city/platform-rule", data={"every_platform": "no"}),
    "forwards": lambda w: Req("/forwards", marker=_forwarded(w).forward["source_account"]),
    "forward:new": lambda w: Req("/forwards", data={k: str(v) for k, v in _forward_body(w).items()}),
    "forwards:counts": lambda w: Req(f"/forwards/counts?month={_today()[:7]}", marker=_forwarded(w).accounts["in"]["name"]),
    "w:notif-missing": lambda w: Req("/notifications/999999/open", data={}),
    "w:notif-bad": lambda w: Req("/notifications/settings", data={"quiet_from": "25:00", "quiet_to": "07:00"}),
    "w:locale": lambda w: Req("/language", data={"locale": "zh_Hans", "next": "/hall"}),  # the one catalogued here
    "people": lambda w: Req("/people?q=below_operator", marker="below_operator姓名"),  # no caller's own name
    "w:units": lambda w: Req("/units?q=甲区教育", marker="甲区教育局"),
    "w:unit": lambda w: Req(f"/units/{w.units['below']['id']}", marker="甲区教育局"),
    "w:unit:new": lambda w: Req("/units", data={"name": f"甲区科室{serial()}", "kind": "department",
                                                "parent_id": str(w.units["in"]["id"])}),
    "w:unit:rename": lambda w: Req(f"/units/{w.units['below']['id']}", data={  # as it is: the form's whole state
        "name": "甲区教育局", "name_ug": "", "parent_id": str(w.units["in"]["id"])}),
    "person": lambda w: Req(f"/people/{w.people['below_operator']['id']}", marker="below_operator姓名"),
    "person:new": lambda w: Req("/people", data={"unit_id": str(w.units["in"]["id"]), "name": "新同事",
                                                 "username": f"new{serial()}", "password": PASSWORD}),
    "person:roles": lambda w: Req(f"/people/{_fresh_person(w)}/roles", data={"roles": ["operator", "leader"]}),
    "person:disable": lambda w: Req(f"/people/{_fresh_person(w)}/active", data={"active": "no"}),
    "person:mfa-reset": lambda w: Req(f"/people/{_fresh_person(w)}/second-factor/reset", data={}),
    "mfa:bad-code": lambda w: Req("", data={"code": "abc"}),
    "mfa:start": lambda w: Req("", data={"current_password": PASSWORD}),
    "person:reset": lambda w: Req(f"/people/{_fresh_person(w)}/password", data={"password": "Temp-4821-Reset"}),
    "accounts": lambda w: Req("/accounts", marker="甲区发布"),
    "account": lambda w: Req(f"/accounts/{w.accounts['in']['id']}", marker="甲区发布"),
    "application": lambda w: Req("/accounts/new", data={
        **{k: v for k, v in _application(w).items() if isinstance(v, str)}, "platforms": PLATFORMS,
        "leader_in_charge": str(w.people["in_leader"]["id"]),
        "responsible_office": str(w.people["in_responsible_office"]["id"]),
        "operators": str(w.people["in_operator"]["id"])}, marker="in_leader姓名"),
    "applied:withdraw": lambda w: Req(f"/accounts/{_fresh_account(w, 'applied')}/act/withdraw", data={}),
    "w:change": _change_form,
    **{f"w:{page}-page": (lambda page: lambda w: Req(f"/accounts/{w.accounts['in']['id']}/{page}", marker="甲区发布"))(page)
       for page in ("change", "team", "security")},
    "w:change:withdraw": lambda w: Req(_change_path(w, "withdraw", web=True), data={}),
    "w:team": lambda w: Req(f"/accounts/{w.accounts['in']['id']}/team", data={
        "leader_in_charge": str(w.people["in_leader"]["id"]),
        "responsible_office": str(w.people["in_responsible_office"]["id"]), "operators": str(w.people["in_operator"]["id"])}),
    "w:security": lambda w: Req(f"/accounts/{w.accounts['in']['id']}/security", data={
        "credential_holder_id": str(w.people["in_operator"]["id"]), "device_name_0": "值班手机", "device_kind_0": "phone",
        "password_changed_on": "2026-01-05"}),
    "w:connect": lambda w: Req(f"/accounts/{w.accounts['in']['id']}/connections/{PLATFORMS[0]}", data={
        "account_uid": "5012345678", "credential_access_token": "matrix-token", "credential_app_secret": "matrix-secret"}),
    "w:disconnect": lambda w: Req(f"/accounts/{w.connected()}/connections/{PLATFORMS[0]}/disconnect", data={}),
    "city": lambda w: Req("/city", marker="甲区发布"),
    "filings": lambda w: Req("/filings", marker="甲区教育发布"),
    "drafts": lambda w: Req("/drafts", marker="甲区草稿"),
    "portal-feeds": lambda w: Req("/portal-feeds", marker="甲区门户"),
    "portal-feed:new": lambda w: Req("/portal-feeds", data={"account_id": str(w.accounts["in"]["id"]), "title": "甲区新门户",
                                                           "url": f"https://www.nc.gov.cn/web{serial()}.xml",
                                                           "info_type": "disclosure"}),
    "portal-feed": lambda w: Req(f"/portal-feeds/{w.portal_feed['id']}", marker="甲区门户"),
    "portal-feed:stop": lambda w: Req(f"/portal-feeds/{w.feed('甲区门户')['id']}/active", data={"active": "false"}),
    "freeze:new": lambda w: Req("/release-freezes", data={k: str(v) for k, v in _freeze_body(w).items()}),
    "freeze:lift": lambda w: Req(f"/release-freezes/{_fresh_freeze(w)}/lift", data={}),
    "draft": lambda w: Req(f"/drafts/{w.base_draft['id']}", marker="甲区待修改"),
    "draft:new": lambda w: Req("/drafts/new", data={
        "account_id": str(w.accounts["in"]["id"]), "text": "甲区新稿件。", "info_type": "disclosure",
        "platforms": PLATFORMS}),
    "draft:submit": lambda w: Req(f"/drafts/{w.draft('in', '甲区稿件。')['id']}/act/submit", data={}),
    "draft:edit": lambda w: Req(f"/drafts/{w.base_draft['id']}/edit", marker="甲区待修改"),
    "draft:save": lambda w: Req(f"/drafts/{w.draft('in', '甲区稿件。')['id']}/edit", data={
        "text": "甲区改过的稿件。", "info_type": "disclosure", "platforms": PLATFORMS}),
    "calendar": lambda w: Req("/drafts/calendar", marker="甲区计划稿"),
    "check": lambda w: Req("/drafts/check", data={"text": "今日发布防汛提示。"}),
    # searched: the directives the matrix issues (the office's and supervision's) push it off the first page
    "directives": lambda w: Req("/directives?q=统一口径", marker="甲区统一口径"),
    "directive": lambda w: Req(f"/directives/{w.directive['id']}/panel", marker="甲区统一口径"),
    "directive:shared": lambda w: Req(f"/directives/{w.shared_directive['id']}/panel", marker="甲区发布"),
    "directive:new": lambda w: Req("/directives", data={
        "title": f"口径{serial()}", "lead_draft_id": str(w.lead_draft["id"]),
        "due_at": _local(dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1))}),
    "directive:forward": lambda w: Req(f"/directives/{w.issue_directive(f'口径{serial()}')['id']}/forward",
                                       data={"account_id": str(w.accounts["in"]["id"]),
                                             "url": "https://sina.example.cn/forward/1"}),
    "emergencies": lambda w: Req("/emergencies", marker="甲区突发事件"),
    "emergency": lambda w: Req(f"/emergencies/{w.emergency['id']}", marker="甲区突发事件"),
    "emergency:new": lambda w: Req("/emergencies", data={
        "procedure_id": str(w.procedure["id"]), "title": f"矩阵事件{serial()}",
        "occurred_at": _local(dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=5))}),
    "emergency:tick": lambda w: Req(f"/emergencies/{w.emergency['id']}/steps", data={"step": "0", "done": "true"}),
    "emergency:draft": lambda w: Req(f"/emergencies/{w.emergency['id']}/drafts", data={
        "account_id": str(w.accounts["in"]["id"]), "text": "甲区突发事件通报。"}),
    "emergency:close": lambda w: Req(f"/emergencies/{w.declare_emergency(f'甲区事件{serial()}')['id']}/close",
                                     data={"summary": "处置完毕。"}),
    "emergency:procedures": lambda w: Req("/emergencies/procedures"),
    "emergency:procedure:save": lambda w: Req("/emergencies/procedures", data={
        "id": str(w.procedure["id"]), "name": w.procedure["name"], "steps": "\n".join(w.procedure["steps"]),
        "channels": "\n".join(w.procedure["channels"]), "first_minutes": "120", "national_minutes": "300",
        "followup_minutes": "1440", "line": w.procedure["line"]}),
    "message:emergency": lambda w: Req(f"/emergencies/messages/{w.emergency_message['id']}", marker="甲区突发事件"),
    "message:emergency:link": lambda w: Req(f"/emergencies/messages/{w.emergency_message['id']}",
                                            data={"emergency_id": str(w.emergency["id"])}),
    "messages": lambda w: Req("/inbox", marker="甲区网民反映"),  # the list shows no handle
    "message": lambda w: Req(f"/inbox/{w.base_message['id']}", marker="@甲区待分类网民"),
    "todo": lambda w: Req("/todo", marker="甲区网民反映"),
    "message:contact": lambda w: Req(f"/inbox/{w.base_message['id']}/contact", data={}, marker="@甲区待分类网民"),
    "message:new": lambda w: Req("/inbox", data={
        "account_id": str(w.accounts["in"]["id"]), "kind": "comment", "citizen_handle": "@录入网民", "text": "请修路灯。"}),
    "message:import": lambda w: Req("/inbox/import", data={**API_TARGETS["message:import"](w).data}),
    "message:reply": lambda w: Req(f"/inbox/{w.message('in', f'@网民{serial()}')['id']}/act/reply",
                                   data={"text": "已转交城管部门，三日内修复。"}),
    "message:classify": lambda w: Req(f"/inbox/{w.base_message['id']}/classify",
                                      data={"category": "complaint", "sentiment": "negative"}),
    "message:review": lambda w: Req(f"/inbox/{w.held_reply()['id']}/review/return", data={"reason": "请改写"}),
    "message:sensitive": lambda w: Req(f"/inbox/{w.message('in', f'@网民{serial()}')['id']}/sensitive",
                                       data={"sensitive": "yes", "reason": "涉及信访"}),
    "message:invalid": lambda w: Req(f"/inbox/{w.message('in', f'@网民{serial()}')['id']}/invalid",
                                     data={"kind": "spam", "reason": "垃圾信息"}),
    "message:merge": lambda w: Req(f"/inbox/{w.message('in', f'@网民{serial()}')['id']}/merge",
                                   data={"main_id": str(w.message("in", f"@网民{serial()}")["id"])}),
    "invalid-messages": lambda w: Req("/inbox/invalid", marker="甲区无效留言"),
    "message:transfer": lambda w: Req(f"/inbox/{w.message('in', f'@网民{serial()}')['id']}/transfer",
                                      data={"to_unit_id": str(w.units["below"]["id"]), "note": "请办理"}),
    "transfers": lambda w: Req("/inbox/transfers", marker="甲区转办单"),
    "transfer:answer": lambda w: Req(f"/inbox/transfers/{w.transfer_from_office('in', '请办理')['id']}/answer",
                                     data={"accept": "yes"}),
    "returned:reassign": lambda w: Req(f"/inbox/transfers/{w.returned_transfer()['id']}/reassign",
                                       data={"to_unit_id": str(w.units["below"]["id"]), "note": "仍请办理"}),
    "notices": lambda w: Req("/inbox/notices", marker="甲区通报单"),
    "notice": lambda w: Req(f"/inbox/notices/{w.notices_issued['in']}", marker="甲区通报单"),
    "notice:new": lambda w: Req("/inbox/notices", data={
        "title": "通报", "importance": "low", "kind": "交通", "content": "请核查。",
        "unit_id": str(w.units["below"]["id"])}),
    "notice:reply": lambda w: Req(f"/inbox/notices/{w.notice('office', 'in', '待答复通报')['id']}/reply",
                                  data={"reply": "已整改完毕。"}),
    "hall": lambda w: Req("/hall", marker="甲区发布"),
    "hall:message": lambda w: Req("/hall/message", data=_hall_message(w)),
    "hall:sent": lambda w: Req("/hall/message/sent", before=(("POST", "/hall/message", _hall_message(w)),)),
    "hall:query": lambda w: Req("/hall/query", data=_hall_query(w), marker=_receipt(w)["receipt_number"]),
    "hall:rate": lambda w: Req("/hall/query/rating", data=_hall_query(w)),
    "sign-in": lambda w: Req("/sign-in", data={"username": "in_operator", "password": PASSWORD}),
    "reading:marks": lambda w: Req("/reading", marker="in_principal_leader姓名"),
    "reading:mark": lambda w: Req("/reading/mark", data={}),
    "narratives": lambda w: Req(f"/narratives?quarter={w.narrative['quarter']}", marker="甲区季度简报"),
    "narrative": lambda w: Req(f"/narratives/{w.narrative['id']}", marker="甲区季度简报"),
    "narrative:attachment": lambda w: Req(
        f"/narratives/{w.narrative['id']}/attachments/{w.narrative['attachments'][0]['id']}"),
    "narrative:new": lambda w: Req("/narratives", data={
        k: v for k, v in _narrative(_old_quarter()).items() if k != "files"}),
    "narratives:compiled": lambda w: Req(f"/narratives/compiled?quarter={w.narrative['quarter']}"),
    "static": lambda w: Req("/static/site.css"),
    "vendor": lambda w: Req("/static/vendor/htmx.min.js"),
    "lexicon": lambda w: Req("/lexicon", marker="矩阵敏感词"),
    "lexicon:add": lambda w: Req("/lexicon", data={"words": f"矩阵词{serial()}", "category": "sensitive",
                                                   "severity": "warn"}),
    "lexicon:remove": lambda w: Req(f"/lexicon/{w.add_word(f'待删词{serial()}')}/delete", data={}),
    "corrections": lambda w: Req("/lexicon/corrections?q=矩阵错字", marker="矩阵错字"),
    "corrections:add": lambda w: Req("/lexicon/corrections", data={"wrong": f"矩阵误{serial()}", "right": "矩阵正",
                                                                   "kind": "typo"}),
    "corrections:remove": lambda w: Req(f"/lexicon/corrections/{w.add_correction(f'待删错字{serial()}')}/delete",
                                        data={}),
    "leaders": lambda w: Req("/lexicon/leaders?q=矩阵领导", marker="矩阵领导"),
    "leaders:add": lambda w: Req("/lexicon/leaders", data={"name": f"矩阵人{serial()}", "title": "副市长", "rank": "60"}),
    "leaders:remove": lambda w: Req(f"/lexicon/leaders/{w.add_leader(f'待删人{serial()}')}/delete", data={}),
    "assessment": lambda w: Req("/kaohe", marker="甲区"),
    "records": lambda w: Req(f"/kaohe/records?period={_today()[:4]}&kind=reply_timeliness"
                             f"&unit_id={w.units['in']['id']}"),
    "duty": lambda w: Req(f"/kaohe/duty?account_id={w.accounts['in']['id']}", marker="甲区发布"),
    "archives": lambda w: Req("/kaohe/archives", marker="甲区"),
    "archive:file": lambda w: Req("/kaohe/archives", data={"month": last_month()}),
    "archive:pdf": lambda w: Req(f"/kaohe/archives/{w.archives['in']}.pdf"),
    "archive:verify": lambda w: Req(f"/kaohe/archives/{w.archives['in']}/verify"),
    "bulletins": lambda w: Req("/bulletins"),
    "bulletin:new": lambda w: Req("/bulletins", data={"quarter": _quarter()}),
    "bulletin": lambda w: Req(f"/bulletins/{w.bulletin(issued=True)['id']}"),
    "bulletin:edit": lambda w: _bulletin_form(w.bulletin()),
    "bulletin:issue": lambda w: Req(f"/bulletins/{w.bulletin()['id']}/issue", data={}),
    "bulletin:pdf": lambda w: Req(f"/bulletins/{w.bulletin(issued=True)['id']}.pdf"),
    "annual": lambda w: Req(f"/bulletins/annual?year={beijing_today().year}"),
    "annual:file": lambda w: Req(f"/bulletins/annual/{beijing_today().year}.xlsx"),
    "annual:enter": lambda w: Req(f"/bulletins/annual/{beijing_today().year}/entries",
                                  data={"surveys": "1", "interviews": "2", "smart_qa": "false",
                                        "security_assessments": "3"}),
    "report": lambda w: Req(f"/kaohe/reports?quarter={_quarter()}", marker="甲区"),
    "report:file": lambda w: Req(f"/kaohe/reports/{_quarter()}.xlsx"),
    "report:third-party": lambda w: Req(f"/kaohe/reports/{_quarter()}/third-party",
                                        data=API_TARGETS["report:third-party"](w).data),
    "rules:post": lambda w: Req("/kaohe/rules", data={
        "weight_reply_timeliness": "25", "weight_resolution": "15", "weight_quota": "20", "weight_original": "10",
        "weight_emergency": "10", "weight_forwarding": "15", "weight_satisfaction": "5", "return_penalty": "2", "dormant_days": "14",
        "unanswered_months": "3", "commend_top": "3"}),
    "dormant": lambda w: Req("/dormant", marker="甲区发布"),
    "dormancies": lambda w: Req("/dormant/orders", marker="甲区发布"),
    "dormancy": lambda w: Req(f"/dormant/orders/{w.dormancies['in']}", marker="甲区整改要求"),
    "dormancy:counts": lambda w: Req("/dormant/counts", marker="甲区"),
    "dormancy:form": lambda w: Req(f"/dormant/orders/new?account_id={w.accounts['in']['id']}"),
    "dormancy:new": lambda w: (w.dormancy_settled(), Req("/dormant/orders", data={
        "account_id": str(w.accounts["in"]["id"]), "reason": "整改", "deadline": str(beijing_today() + dt.timedelta(days=3))}))[1],
    "dormancy:answer": lambda w: Req(f"/dormant/orders/{w.dormancy_order()}/answer", data={"text": "已整改"}),
    "dormancy:review": lambda w: Req(f"/dormant/orders/{w.dormancy_order(answered=True)}/review", data={"accept": "yes"}),
    "dormancy:closure": lambda w: Req(f"/dormant/orders/{w.dormancy_order()}/closure", data={}),
    "inspections": lambda w: Req("/inspections", marker="甲区发现的问题"),
    "inspection": lambda w: Req(f"/inspections/{w.inspections['in']}", marker="甲区发现的问题"),
    "inspection:new": lambda w: Req("/inspections", data={
        "unit_id": str(w.units["in"]["id"]), "inspected_on": _today(), "checked": "检查", "found": "问题",
        "required": "整改", "fix_by": _today()}),
    "inspection:report": lambda w: Req(f"/inspections/{w.inspection('in')['id']}/report",
                                       data={"text": "已整改", "fixed_on": _today()}),
    "reported:review": lambda w: Req(f"/inspections/{w.inspection('in', reported=True)['id']}/review",
                                     data={"accept": "yes"}),
    "coverage:web": lambda w: Req("/inspections/coverage", marker="甲区"),
    "incidents": lambda w: Req("/incidents", marker="甲区发布"),
    "incident": lambda w: Req(f"/incidents/{w.incidents['in']}", marker="甲区安全事件经过"),
    "incident:new": lambda w: Req("/incidents", data={
        "account_id": str(w.accounts["in"]["id"]), "kind": "other", "found_at": f"{_today()}T00:00",
        "description": "新登记的安全事件"}),
    "incident:update": lambda w: Req(f"/incidents/{w.incidents['in']}", data={"measures": "已处置"}),
    "trainings": lambda w: Req("/training", marker="甲区培训"),
    "training": lambda w: Req(f"/training/{w.trainings['in']['id']}", marker="甲区培训"),
    "training:shared": lambda w: Req(f"/training/{w.trainings['shared']['id']}", marker="甲区共同学员"),
    "training:new": lambda w: Req("/training", data={"kind": "exchange", "title": "交流会", "held_on": _today(),
                                                     "hours": "1"}),
    "training:attend": lambda w: Req(f"/training/{w.trainings['in']['id']}/attendees", data={
        "unit_id": str(w.units["in"]["id"]), "names": f"学员{serial()}"}),
    "training:unattend": lambda w: Req(
        f"/training/{w.trainings['in']['id']}/attendees/{w.attendee('in')}/remove", data={}),
    "training:export": lambda w: Req("/training/export", marker="甲区共同学员"),
    "roster": lambda w: Req(f"/roster?unit_id={w.units['in']['id']}", marker="甲区发布"),
    "shift:new": lambda w: Req("/roster", data=_shift_form(w)),
    "shift:remove": lambda w: Req(f"/roster/{w.shift('in', '待删值班员')['id']}/remove", data={}),
    "w:follows": lambda w: Req(f"/accounts/{w.accounts['in']['id']}/follows"),
    "w:follow:new": lambda w: Req(f"/accounts/{w.accounts['in']['id']}/follows",
                                  data={"platform": "sina", "handle": f"矩阵关注{serial()}"}),
    "w:follow:import": lambda w: Req(f"/accounts/{w.accounts['in']['id']}/follows/import",
                                     data=API_TARGETS["follow:import"](w).data),
    "w:follow:check": lambda w: Req(f"/accounts/{w.accounts['in']['id']}/follows/check", data={}),
    "w:follow:reason": lambda w: Req(_follow_path(w, "/reason", web=True), data={"reason": "访问矩阵测试的理由"}),
    "w:follow:remove": lambda w: Req(_follow_path(w, "/remove", web=True), data={}),
    "w:follow-accounts": lambda w: Req("/follows"),
    "w:register": lambda w: Req("/follows/register"),
    "w:register:new": lambda w: Req("/follows/register", data=_register_entry(w)),
    "w:register:delete": lambda w: Req(f"/follows/register/{_fresh_entry(w)}/remove", data={}),
    "followers": lambda w: Req("/followers", marker="甲区发布"),
    "followers:enter": lambda w: Req("/followers", data={
        "account_id": str(w.accounts["in"]["id"]), "day": str(beijing_today() - dt.timedelta(days=serial())),
        "followers": "1500"}),
    "followers:import": lambda w: Req("/followers/import", data=API_TARGETS["followers:import"](w).data),
    "audit": lambda w: Req(f"/audit?subject_type=account&subject_id={w.accounts['in']['id']}", marker="甲区发布"),  # an account step in the registry's trail (its own: fresh accounts come and go)
    "audit:export": lambda w: Req("/audit/export?subject_type=account&format=csv", marker="甲区发布"),
}


def _shift_form(w: World) -> dict:
    body = _shift_body(w)
    return {**body, "account_id": str(body["account_id"]),
            **{k: _local(dt.datetime.fromisoformat(body[k])) for k in ("starts_at", "ends_at")}}


# ---------------------------------------------------------------------------- the test
ROWS = access_matrix.rows()


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    mp.setenv("GOVMB_DATA_DIR", str(tmp_path_factory.mktemp("matrix")))
    for var in ("AMQP_URL", "DATABASE_URL", "GOVMB_MODE"):
        mp.delenv(var, raising=False)
    for var in ("SIGNIN_LIMIT_PER_USER", "SIGNIN_LIMIT_PER_ADDRESS", "HALL_MESSAGE_LIMIT_PER_ADDRESS",
                "HALL_QUERY_LIMIT_PER_ADDRESS"):
        mp.setenv(var, "10000/minute")  # the matrix signs in and posts to the hall far more than a person would
    # the callers' tokens are made once, when the city is built: they must outlive the whole table (a
    # person's 5 minutes ran out before its last rows on a busy machine, each later row answering 401)
    mp.setenv("TOKEN_TTL_SECONDS", "7200")
    mp.setenv("PORTAL_FEED_HOSTS", "www.nc.gov.cn")  # the portal feeds' rows register feeds there (never read)
    mp.setenv("GOVMB_PLATFORM_ADAPTERS", f"sina:{ADAPTER}")  # the connections' rows connect 甲区's account (issue 20)
    # Argon2 is slow on purpose; its cost is not what the matrix is about (a hash keeps its own parameters)
    mp.setattr(people, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    system = EmbeddedSystem(port=0).start(demo=False)
    try:
        w = World(system)
        w.build()
        w.populate()
        yield w
    finally:
        system.stop()
        mp.undo()


def answer(response, marker: str | None) -> str:
    """The answer as the table writes it; a refusal that shows the marker says so, and no cell
    expects that: what is refused must not tell about 甲区's object either."""
    code, shown = response.status_code, bool(marker) and marker in response.get_data(as_text=True)
    if code == 302 and "/sign-in" in response.headers.get("Location", ""):
        return "login"
    if code == 200 and marker and not shown:
        return "hid"
    return f"{code}, showing {marker}" if code >= 400 and shown else str(code)


def ask(w: World, row: Row, who: Who, req: Req):
    """The response to `req` as `who` asked it: of the row's service, or of a page in a browser
    of its own, signed in as the web app's sign-in leaves the session."""
    if row.service != "web":
        return w.clients[row.service].open(req.path, method=row.method, headers={**who.headers, **(req.headers or {})},
                                           json=req.json, data=req.data)
    browser = w.web.test_client()
    if who.person:  # a sign-in session of its own: a page that signs out ends it, not the caller's API session
        with w.apps["registry"].app_context():
            person, settings = Person.get_by_id(who.person["id"]), w.apps["registry"].config["GOVMB_SETTINGS"]
            token = sessions.token_of(person, sessions.open_session(person, settings)[0], settings)
        with browser.session_transaction() as session:
            signed_in_session(session, token, who.person)
    for method, path, form in req.before:
        browser.open(path, method=method, data=form)
    return browser.open(req.path, method=row.method, data=req.data)


def routes(app) -> set[tuple[str, str]]:
    return {(method, rule.rule) for rule in app.url_map.iter_rules() for method in rule.methods - {"HEAD", "OPTIONS"}}


def test_every_route_has_a_row_and_every_row_a_route(world):
    apps = {**world.apps, "web": world.web}
    existing = {(service, method, rule) for service, app in apps.items() for method, rule in routes(app)}
    listed = {row.route for row in ROWS}
    assert not existing - listed, f"routes with no row in access_matrix.TABLE: {sorted(existing - listed)}"
    assert not listed - existing, f"rows for routes that do not exist: {sorted(listed - existing)}"


@pytest.mark.parametrize("row", ROWS, ids=lambda row: f"{row.service}:{row.method}:{row.rule}:{row.target}")
def test_each_caller_gets_the_answer_in_the_table(world, row):
    targets = WEB_TARGETS if row.service == "web" else API_TARGETS
    wrong, req = [], None
    for (column, position), expected in row.cells.items():
        if expected == "-":
            continue
        who = world.callers[(column, position)]
        if req is None or any(isinstance(v, tuple) for v in (req.data or {}).values()):
            req = targets[row.target](world) or Req(row.rule)  # an uploaded file is read once
            req = req if req.path else replace(req, path=row.rule)  # a body for several routes
        r = ask(world, row, who, req)
        got = answer(r, req.marker)
        if got != expected:
            wrong.append(f"{column} {position or 'anonymous'}: {got} (the table says {expected})")
        if r.status_code < 400:
            req = None  # it may have changed the target (approved the draft): the next caller gets a fresh one
    assert not wrong, f"{row}\n" + "\n".join(wrong)
