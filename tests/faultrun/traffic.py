"""A city's work through the APIs, on threads, until stopped: accounts opened, drafts released,
citizens' messages handled and transferred, and the oversight around them (unified messaging
forwarded, problem notices answered, inspections fixed)."""
from __future__ import annotations

import datetime as dt
import random
import threading
import time
import uuid

from govmb.timefmt import BEIJING
from tests.conftest import auth
from tests.faultrun.client import Ambiguous, Ledger

ADMIN = auth(1, "/1/", "admin")
OFFICE_GRANTS = auth(1, "/1/", "joint_office", person=2)  # a unit's staff roles are the office's to grant (三员分立)


class Traffic:
    """A city's work through the APIs, on threads, until stopped."""

    def __init__(self, cluster, ledger: Ledger, rng: random.Random):
        self.c, self.ledger, self.rng = cluster, ledger, rng
        self.stop = threading.Event()
        self.errors: list[str] = []
        self.people = {p["username"]: p for p in cluster.api["registry"].get("/api/people?page_size=500", headers=ADMIN).json}
        paths = {u["id"]: u["path"] for u in cluster.api["registry"].get("/api/units?page_size=500", headers=ADMIN).json}
        self.paths = paths
        self.released: list[tuple[int, int]] = []  # (draft id, account id): a directive's lead post
        self.active = [{**a, "unit_path": paths[a["unit_id"]]} for a in
                       cluster.api["registry"].get("/api/accounts?page_size=500", headers=ADMIN).json
                       if a["status"] == "active" and a["kind"] != "private"]

    def warm(self, writers: int = 3) -> None:
        """A citizen's message on each of inquiry's API workers (most likely) before the clock starts:
        a worker loads jieba's dictionary at its first, some 20 s on a loaded machine."""
        def probe() -> None:
            try:
                self.probe(timeout=120)
            except Exception:  # a write the run need not count on: the traffic starts anyway
                pass
        warming = [threading.Thread(target=probe) for _ in range(writers)]
        for t in warming:
            t.start()
        for t in warming:
            t.join()

    def run(self, threads: int = 4) -> list[threading.Thread]:
        work = [self.accounts, self.posts, self.messages, self.oversight][:threads]
        running = [threading.Thread(target=self._loop, args=(w,), daemon=True, name=w.__name__) for w in work]
        for t in running:
            t.start()
        return running

    def _loop(self, work) -> None:
        while not self.stop.is_set():
            try:
                work()
            except Ambiguous:  # counted in the ledger; the flow starts again, after a breath (a
                time.sleep(0.2)  # database down answers 503 at once: no need to count hundreds)
            except Exception as exc:  # the driver's own bug: shown at the end
                self.errors.append(f"{work.__name__}: {exc!r}")
                time.sleep(1)

    def _who(self, username: str) -> dict:
        p = self.people[username]
        return auth(p["unit_id"], self.paths[p["unit_id"]], *p["roles"], person=p["id"])

    def accounts(self) -> None:
        """The office opens a department with its four staff; the department applies for an
        account, its principal approves, the office acknowledges the filing, the operator
        registers both platforms and activates it."""
        reg, w = self.c.api["registry"], self.ledger.write
        tag = uuid.uuid4().hex[:6]
        unit = w(reg, "unit.create", "/api/units", {"name": f"南昌市试点{tag}局", "kind": "department", "parent_id": 1},
                 ADMIN, ok=(201,))
        self.ledger.note("unit", unit["id"])
        staff = {}
        for suffix, role in (("caozuo", "operator"), ("hegao", "responsible_office"), ("fenguan", "leader"),
                             ("zhuyao", "principal_leader")):
            person = w(reg, "person.create", "/api/people", {
                "unit_id": unit["id"], "name": f"试点{suffix}", "username": f"sd{tag}_{suffix}",
                "password": f"Pressure-{tag}-2026", "roles": [role]}, OFFICE_GRANTS, ok=(201,))
            self.ledger.note("person", person["id"])
            staff[suffix] = auth(unit["id"], unit["path"], role, person=person["id"])
            staff[f"{suffix}_id"] = person["id"]
        team = [{"person_id": staff["fenguan_id"], "role": "leader_in_charge"},
                {"person_id": staff["hegao_id"], "role": "responsible_office"},
                {"person_id": staff["caozuo_id"], "role": "operator"}]
        a = w(reg, "account.apply", "/api/accounts", {
            "name": f"南昌试点{tag}发布", "kind": "institutional", "category": "livelihood",
            "platforms": ["sina", "tencent"], "positioning": "发布政务信息", "rules": "先审后发",
            "mechanism": "三审三校", "team": team}, staff["caozuo"], ok=(201,))
        self._account(a)
        steps = [(staff["zhuyao"], "approve", {}), (self._who("lianxi"), "acknowledge_filing", {}),
                 (staff["caozuo"], "register_platform", {"platform": "sina", "handle": tag, "url": f"https://weibo.com/{tag}"}),
                 (staff["caozuo"], "register_platform", {"platform": "tencent", "handle": tag, "url": f"https://t.qq.com/{tag}"}),
                 (staff["caozuo"], "activate", {})]
        for who, action, body in steps:
            self._account(w(reg, f"account.{action}", f"/api/accounts/{a['id']}/actions/{action}", body, who, ok=(200,),
                            subject=("account", a["id"])))

    def _account(self, a: dict) -> None:
        self.ledger.note("account", a["id"], a["status"])

    def posts(self) -> None:
        """A draft written, submitted, checked, approved and released on every platform."""
        pub, w = self.c.api["publishing"], self.ledger.write
        account = self.rng.choice(self.active)
        unit, path = account["unit_id"], account["unit_path"]
        operator, office, leader = (auth(unit, path, role, person=p) for role, p in
                                    (("operator", 901), ("responsible_office", 902), ("leader", 903)))
        original = self.rng.random() < 0.7
        body = {"account_id": account["id"], "text": f"{account['name']}发布便民信息{uuid.uuid4().hex[:6]}。",
                "info_type": "disclosure", "original": original, **({} if original else {"source": "新华社"})}
        d = w(pub, "draft.create", "/api/drafts", body, operator, ok=(201,))
        self._draft(d)
        for step, who in (("submit", operator), ("check", office), ("approve", leader)):
            d = w(pub, f"draft.{step}", f"/api/drafts/{d['id']}/actions/{step}", {"acknowledge": True}, who, ok=(200,),
                  subject=("draft", d["id"]))
            self._draft(d)
        for platform in d["platforms"]:
            d = w(pub, "draft.record_publication", f"/api/drafts/{d['id']}/actions/record_publication",
                  {"platform": platform, "url": f"https://{platform}.example.cn/{d['id']}"}, operator, ok=(200,),
                  subject=("draft", d["id"]))
            self.ledger.note("publication", (d["id"], platform), f"https://{platform}.example.cn/{d['id']}")
            self._draft(d)

    def _draft(self, d: dict) -> None:
        self.ledger.note("draft", d["id"], d["status"])
        if d["status"] == "released":
            self.released.append((d["id"], d["account_id"]))

    def messages(self) -> None:
        """A citizen's message received, replied, given feedback and resolved; one in four
        is first sent on to another unit by the office, which accepts it or returns it."""
        inq, w = self.c.api["inquiry"], self.ledger.write
        account = self.rng.choice(self.active)
        staff = auth(account["unit_id"], account["unit_path"], "operator", person=904)
        hours = self.rng.choice([0, 1, 5, 30])
        received = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=hours)).isoformat()
        m = w(inq, "message.receive", "/api/messages", {
            "account_id": account["id"], "kind": "comment", "citizen_handle": f"@市民{self.rng.randrange(10**6)}",
            "received_at": received, "text": "小区门口路灯坏了，请尽快维修。"}, staff, ok=(201,))
        self._message(m)
        if self.rng.random() < 0.25:
            office = self.people["lianxi"]  # the joint-meeting office routes; never to its own unit
            other = self.rng.choice([a for a in self.active if a["unit_id"] not in (account["unit_id"], office["unit_id"])])
            t = w(inq, "transfer.send", f"/api/messages/{m['id']}/transfers",
                  {"to_unit_id": other["unit_id"], "note": "请办理"}, self._who("lianxi"), ok=(201,))
            self.ledger.note("transfer", t["id"], t["status"])
            accept = self.rng.random() < 0.5
            answer = {"accept": True} if accept else {"accept": False, "reason": "不属于本单位职责"}
            t = w(inq, "transfer.answer", f"/api/transfers/{t['id']}/answer", answer,
                  auth(other["unit_id"], other["unit_path"], "leader", person=906), ok=(200,), subject=("transfer", t["id"]))
            self.ledger.note("transfer", t["id"], t["status"])
            if accept:
                staff = auth(other["unit_id"], other["unit_path"], "operator", person=904)
        for step in ("reply", "feedback", "resolve")[:self.rng.choice([0, 1, 3])]:
            body = {"text": "已受理，正在处理。", "needs_verification": False} if step == "feedback" else {"text": "已处理。"}
            self._message(w(inq, f"message.{step}", f"/api/messages/{m['id']}/actions/{step}", body, staff, ok=(200,),
                            subject=("message", m["id"])))

    def _message(self, m: dict) -> None:
        self.ledger.note("message", m["id"], m["status"])




    def oversight(self) -> None:
        """The office's unified messaging (统一口径) forwarded by the units' operators; a problem
        notice issued by the office and answered by its unit; an inspection recorded by
        supervision with its findings, the fix reported by the unit and accepted."""
        self.rng.choice((self.directive, self.notice, self.inspection))()

    def directive(self) -> None:
        pub, w = self.c.api["publishing"], self.ledger.write
        if not self.released:
            time.sleep(0.5)  # a lead post is released a little after the traffic starts
            return
        draft_id, lead_account = self.rng.choice(self.released)
        others = [a for a in self.active if a["id"] != lead_account]
        targets = self.rng.sample(others, min(3, len(others)))
        due = dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=2)
        d = w(pub, "directive.issue", "/api/directives", {
            "title": f"统一口径{uuid.uuid4().hex[:6]}", "lead_draft_id": draft_id, "due_at": due.isoformat(),
            "account_ids": [a["id"] for a in targets]}, self._who("lianxi"), ok=(201,))
        self.ledger.note("directive", d["id"])
        for a in targets:
            url = f"https://weibo.com/{a['id']}/forward{d['id']}"
            w(pub, "directive.forward", f"/api/directives/{d['id']}/forwards", {"account_id": a["id"], "url": url},
              auth(a["unit_id"], a["unit_path"], "operator", person=901), ok=(200,))
            self.ledger.note("forward", (d["id"], a["id"]), url)

    def _some_unit(self) -> dict:
        """A unit with an account, other than the office's own."""
        office = self.people["lianxi"]["unit_id"]
        return self.rng.choice([a for a in self.active if a["unit_id"] != office])

    def notice(self) -> None:
        inq, w = self.c.api["inquiry"], self.ledger.write
        unit = self._some_unit()
        n = w(inq, "notice.issue", "/api/notices", {
            "title": f"关于留言回复不及时的通报{uuid.uuid4().hex[:6]}", "importance": self.rng.choice(("high", "medium", "low")),
            "kind": "回复不及时", "content": "近期有留言超过时限未回复，请核查并答复。", "unit_id": unit["unit_id"]},
            self._who("lianxi"), ok=(201,))
        self.ledger.note("notice", n["id"], n["status"])
        n = w(inq, "notice.reply", f"/api/notices/{n['id']}/reply", {"reply": "已核查，已回复全部留言并加强值守。"},
              auth(unit["unit_id"], unit["unit_path"], "operator", person=905), ok=(200,), subject=("notice", n["id"]))
        self.ledger.note("notice", n["id"], n["status"])

    def inspection(self) -> None:
        ass, w = self.c.api["assessment"], self.ledger.write
        unit, today = self._some_unit(), dt.datetime.now(BEIJING).date()
        inspector = self._who("ducha")
        i = w(ass, "inspection.record", "/api/inspections", {
            "unit_id": unit["unit_id"], "inspected_on": today.isoformat(), "checked": "账号更新与留言办理情况",
            "found": "部分留言超期未回复", "required": "七日内完成整改并报告", "fix_by": (today + dt.timedelta(days=7)).isoformat()},
            inspector, ok=(201,))
        self.ledger.note("inspection", i["id"], i["status"])
        for step, body, who in (("report", {"text": "已回复全部超期留言，建立值守制度。", "fixed_on": today.isoformat()},
                                 auth(unit["unit_id"], unit["unit_path"], "operator", person=905)),
                                ("review", {"accept": True, "comment": ""}, inspector)):
            i = w(ass, f"inspection.{step}", f"/api/inspections/{i['id']}/{step}", body, who, ok=(200,),
                  subject=("inspection", i["id"]))
            self.ledger.note("inspection", i["id"], i["status"])

    def probe(self, timeout: float) -> int:
        """One citizen's message written to inquiry (the full-disk fault's probe): the answer's
        status; one acknowledged is in the ledger like any other."""
        account = self.active[0]
        r = self.c.api["inquiry"].post("/api/messages", json={
            "account_id": account["id"], "kind": "comment", "citizen_handle": "@市民探针",
            "received_at": dt.datetime.now(dt.timezone.utc).isoformat(), "text": "请问办事大厅几点开门？"},
            headers=auth(account["unit_id"], account["unit_path"], "operator", person=904), timeout=timeout)
        with self.ledger.lock:
            tally = self.ledger.acknowledged if r.status_code == 201 else \
                self.ledger.ambiguous if r.status_code >= 500 else self.ledger.refused
            tally["message.receive (disk probe)"] += 1
        if r.status_code == 201:
            self.ledger.note("message", r.json["id"], r.json["status"])
        return r.status_code
