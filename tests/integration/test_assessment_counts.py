"""Assessment's figures equal a hand count made from the publishing and inquiry services' own
records, over RabbitMQ and PostgreSQL; and an emptied assessment database, fed by a replay
of every producer's events, gives the same figures."""
import datetime as dt
import time

import pytest

from govmb.timefmt import BEIJING, last_month, utcnow
from ops.replay import replay
from tests.conftest import auth, wait_for
from tests.system import spec_of

pytestmark = pytest.mark.integration
ADMIN = auth(1, "/1/", "admin")
COUNTED = ("posts", "original", "messages", "reply_due", "replied_on_time", "resolution_due", "resolved",
           "forwards_asked", "forwards_on_time", "returns", "notices_issued", "notices_replied", "months",
           "months_quota_met")
OFFICE = auth(1, "/1/", "joint_office", person=905)


@pytest.fixture
def city(distributed):
    from services.registry import demo
    with spec_of("registry").db.connection_context():
        demo.load_demo()
    paths = {u["id"]: u["path"] for u in distributed["registry"].get("/api/units", headers=ADMIN).json}
    active = [{**a, "unit_path": paths[a["unit_id"]]} for a in distributed["registry"].get("/api/accounts",
                                                                                          headers=ADMIN).json
              if a["status"] == "active" and a["kind"] != "private"]
    for name in ("publishing", "inquiry", "assessment"):
        wait_for(lambda: {a["id"] for a in distributed[name].get("/api/accounts", headers=ADMIN).json}
                 >= {a["id"] for a in active}, message=f"{name}'s copy of the accounts")
    return distributed, active


def release(pub, account, n, original):
    unit, path = account["unit_id"], account["unit_path"]
    operator, office, leader = (auth(unit, path, role, person=p) for role, p in
                                (("operator", 901), ("responsible_office", 902), ("leader", 903)))
    for i in range(n):
        body = {"account_id": account["id"], "text": f"{account['name']}发布第{i + 1}条便民信息。",
                "info_type": "disclosure", "original": original}
        if not original:
            body["source"] = "新华社"
        d = pub.post("/api/drafts", json=body, headers=operator)
        assert d.status_code == 201, d.json
        for step, who in (("submit", operator), ("check", office), ("approve", leader)):
            r = pub.post(f"/api/drafts/{d.json['id']}/actions/{step}", json={"acknowledge": True}, headers=who)
            assert r.status_code == 200, (step, r.json)
        for p in r.json["platforms"]:
            r = pub.post(f"/api/drafts/{d.json['id']}/actions/record_publication", headers=operator,
                         json={"platform": p, "url": f"https://{p}.example.cn/{d.json['id']}"})
            assert r.status_code == 200, r.json


def receive(inq, account, hours_ago, reply=False, resolve=False):
    staff = auth(account["unit_id"], account["unit_path"], "operator", person=904)
    received = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=hours_ago)).isoformat()
    m = inq.post("/api/messages", headers=staff, json={
        "account_id": account["id"], "kind": "comment", "citizen_handle": "@市民", "received_at": received,
        "text": "小区门口路灯坏了，请尽快维修。", "category": "complaint", "sentiment": "negative"})
    assert m.status_code == 201, m.json
    steps = (["reply"] if reply else []) + (["feedback", "resolve"] if resolve else [])
    for step in steps:
        body = {"text": "已转交相关部门处理。"} if step != "feedback" else {"text": "已受理，正在处理。",
                                                                      "needs_verification": False}
        r = inq.post(f"/api/messages/{m.json['id']}/actions/{step}", json=body, headers=staff)
        assert r.status_code == 200, (step, r.json)
    return m.json["id"]


def office_work(pub, inq, picked):
    """Unified messaging, a transfer returned with a reason, problem notices issued and replied."""
    first, second = picked[0], picked[1]
    lead = pub.get("/api/drafts", headers=auth(first["unit_id"], first["unit_path"], "operator", person=901)).json
    lead_id = next(d["id"] for d in lead if d["status"] == "released")
    due = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=3)
    d = pub.post("/api/directives", headers=OFFICE, json={"title": "统一口径：防汛", "lead_draft_id": lead_id,
                                                          "due_at": due.isoformat(),
                                                          "account_ids": [a["id"] for a in picked]})
    assert d.status_code == 201, d.json
    # the lead post's own account is not asked to forward it; the second forwards in time, the third never
    fwd = pub.post(f"/api/directives/{d.json['id']}/forwards", json={"account_id": second["id"], "url": "https://x.cn/1"},
                   headers=auth(second["unit_id"], second["unit_path"], "operator", person=901))
    assert fwd.status_code in (200, 201), fwd.json
    message_id = receive(inq, first, 3)
    t = inq.post(f"/api/messages/{message_id}/transfers", json={"to_unit_id": second["unit_id"], "note": "请办理"},
                 headers=OFFICE)
    assert t.status_code == 201, t.json
    back = inq.post(f"/api/transfers/{t.json['id']}/answer", json={"accept": False, "reason": "不属于本单位职责"},
                    headers=auth(second["unit_id"], second["unit_path"], "leader", person=906))
    assert back.status_code == 200, back.json
    for account, answer in ((first, True), (second, False)):
        n = inq.post("/api/notices", headers=OFFICE, json={"title": "噪音扰民", "importance": "high", "kind": "环境",
                                                          "content": "请核查并答复", "unit_id": account["unit_id"]})
        assert n.status_code == 201, n.json
        if answer:
            r = inq.post(f"/api/notices/{n.json['id']}/reply", json={"reply": "已核查处理"},
                         headers=auth(account["unit_id"], account["unit_path"], "leader", person=907))
            assert r.status_code == 200, r.json
    while dt.datetime.now(dt.timezone.utc) <= due + dt.timedelta(seconds=1):  # the directive falls due
        time.sleep(0.2)


def hand_count(year: int) -> dict[int, dict]:
    """Counted straight from publishing's and inquiry's own tables."""
    from services.inquiry.models import Message, ProblemNotice, Transfer
    from services.publishing.figures import QUOTA, month_bounds
    from services.publishing.models import Account, Directive, DirectiveTarget, Draft, MonthlyFigure
    now = utcnow()
    counts: dict[int, dict] = {}

    def of(unit_id):
        return counts.setdefault(unit_id, dict.fromkeys(COUNTED, 0))

    def in_year(stored):
        return stored.replace(tzinfo=dt.timezone.utc).astimezone(BEIJING).year == year
    with spec_of("publishing").db.connection_context():
        for d in Draft.select().where(Draft.status == "released"):
            if in_year(d.released_at):
                of(d.unit_id)["posts"] += 1
                of(d.unit_id)["original"] += d.original
    with spec_of("inquiry").db.connection_context():
        for m in Message.select():
            if not in_year(m.received_at):
                continue
            c = of(m.unit_id)
            c["messages"] += 1
            c["reply_due"] += m.replied_at is not None or m.reply_due_at <= now
            c["replied_on_time"] += m.replied_at is not None and m.replied_at <= m.reply_due_at
            c["resolution_due"] += m.resolved_at is not None or (m.verification_due_at or m.feedback_due_at) <= now
            c["resolved"] += m.resolved_at is not None
        for t in Transfer.select().where(Transfer.status.in_(("returned", "reassigned"))):
            of(t.to_unit_id)["returns"] += in_year(t.answered_at)
        for n in ProblemNotice.select():
            if in_year(n.issued_at):
                of(n.unit_id)["notices_issued"] += 1
                of(n.unit_id)["notices_replied"] += n.status == "replied"
    with spec_of("publishing").db.connection_context():
        units = {a.id: a for a in Account.select()}
        this_month = dt.datetime.now(BEIJING).strftime("%Y-%m")
        for f in MonthlyFigure.select().where(MonthlyFigure.month.startswith(str(year)), MonthlyFigure.month < this_month):
            start, end = month_bounds(f.month)
            posts = Draft.select().where(Draft.account_id == f.account_id, Draft.status == "released",
                                         Draft.released_at >= start, Draft.released_at < end).count()
            account = units[f.account_id]
            of(account.unit_id)["months"] += 1
            of(account.unit_id)["months_quota_met"] += posts >= QUOTA[account.category]
        for t in DirectiveTarget.select(DirectiveTarget, Directive).join(Directive):
            if in_year(t.directive.due_at) and t.directive.due_at <= now:
                of(t.unit_id)["forwards_asked"] += 1
                of(t.unit_id)["forwards_on_time"] += t.forwarded_at is not None and t.forwarded_at <= t.directive.due_at
    return counts


def assessed(asm, year: int) -> dict[int, dict]:
    r = asm.get(f"/api/assessment/{year}", headers=ADMIN)
    assert r.status_code == 200, r.json
    return {u["unit_id"]: {k: u["counts"][k] for k in COUNTED} for u in r.json["units"]
            if any(u["counts"][k] for k in COUNTED)}


def test_figures_equal_the_hand_count_and_a_replay_rebuilds_them(city):
    apps, active = city
    pub, inq, asm = apps["publishing"], apps["inquiry"], apps["assessment"]
    picked = active[:3]
    assert len({a["unit_id"] for a in picked}) >= 2, "the demo city should have active accounts in several units"
    for i, account in enumerate(picked):
        release(pub, account, 2 + i, original=True)
        release(pub, account, 1, original=False)
        receive(inq, account, 1, reply=True, resolve=True)  # replied within the hour
        receive(inq, account, 30 + i, reply=True)  # replied after its 24 hours
        receive(inq, account, 2)  # waiting, not yet due
        receive(inq, account, 26)  # waiting and past its 24 hours
    office_work(pub, inq, picked)
    from services.publishing import figures
    with spec_of("publishing").db.connection_context():  # the worker's job: last month's figures, reported
        assert figures.report(last_month()) >= len(active)
    year = dt.datetime.now(BEIJING).year
    expected = {u: c for u, c in hand_count(year).items() if any(c.values())}
    assert sum(c["posts"] for c in expected.values()) == sum(3 + i for i in range(3))
    assert sum(c["returns"] for c in expected.values()) == 1 and sum(c["forwards_asked"] for c in expected.values()) == 2
    assert sum(c["notices_issued"] for c in expected.values()) == 2
    if dt.datetime.now(BEIJING).month > 1:  # last month is this year's: its quotas count
        assert sum(c["months"] for c in expected.values()) >= len(active)
    wait_for(lambda: assessed(asm, year) == expected, timeout=60, message="assessment to count what happened")

    # Empty the assessment database, then rebuild it from the producers' replayed events.
    from services.assessment import models
    with spec_of("assessment").db.connection_context():
        for model in (models.PostFact, models.MessageFact, models.MonthlyFigureFact, models.DirectiveFact,
                      models.ForwardFact, models.MissedDeadlineFact, models.TransferFact, models.NoticeFact,
                      models.Account, models.Unit):
            model.delete().execute()
    assert asm.get(f"/api/assessment/{year}", headers=ADMIN).json["units"] == []
    written = 0
    for name in ("registry", "publishing", "inquiry"):
        spec = spec_of(name)
        with spec.db.connection_context():
            written += replay(spec)
    assert written > len(expected)
    wait_for(lambda: assessed(asm, year) == expected, timeout=60, message="the replay to rebuild the same figures")
    rows = asm.get(f"/api/assessment/{year}/records?kind=reply_timeliness&unit_id={picked[0]['unit_id']}",
                   headers=ADMIN).json
    assert len(rows) == 5  # the records behind the figure came back too
