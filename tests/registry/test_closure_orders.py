"""A dormant account ordered closed (责令关闭, G123.4): assessment's `closure_ordered` event opens the
account's closing request in the registry, recorded as ordered by the office's person; a repeat
changes nothing; the principal leader cannot refuse it and the closing steps follow as for any
closing. Here the handler alone, then the whole way on the in-process bus (assessment → registry
→ assessment); tests/integration/test_dormancy_rabbitmq.py runs the same way over RabbitMQ."""
import datetime as dt

import pytest

from govmb.bus.memory import MemoryBroker
from govmb.bus.topology import build_topology
from govmb.timefmt import beijing_today
from govmb.worker import Worker
from services.assessment.models import Account as AssessmentAccount
from services.assessment.models import DormancyOrder
from services.registry import service
from services.registry.handlers import HANDLERS
from services.registry.models import Account, AccountStep, Person, db
from services.registry.people import hash_password
from tests.conftest import auth, wait_for
from tests.registry.conftest import application, events
from tests.system import migrated_app, settings_for, spec_of

EVENT = "assessment.account.closure_ordered"


def act(client, headers, account_id, action, **body):
    r = client.post(f"/api/accounts/{account_id}/actions/{action}", json=body, headers=headers)
    assert r.status_code == 200, (action, r.json)
    return r.json


def small_city() -> dict:
    """A department under a district, its operator and principal leader, the district's leader and
    the joint-meeting office's person: their tokens by name."""
    city = service.create_unit("南昌市", "region", None)
    office = service.create_unit("南昌市人民政府新闻办公室", "office", city.id)
    east = service.create_unit("东湖区", "district", city.id)
    dept = service.create_unit("东湖区教育体育局", "department", east.id)
    password = hash_password("correct-horse-1")
    people = {name: Person.create(unit=unit, name=name, username=name, password_hash=password, roles=role, rank=rank)
              for name, unit, role, rank in (("dept_operator", dept, "operator", "staff"),
                                             ("dept_office", dept, "responsible_office", "section"),
                                             ("dept_leader", dept, "leader", "section"),
                                             ("dept_principal", dept, "principal_leader", "section"),
                                             ("east_leader", east, "leader", "county"),
                                             ("office", office, "joint_office", "section"))}
    return {name: auth(p.unit_id, p.unit.path, *sorted(p.role_set), person=p.id) for name, p in people.items()} | {
        "ids": {name: p.id for name, p in people.items()}, "dept": dept.id}


class Team:
    """What `application` reads of a city: the department's people by role."""
    def __init__(self, ids: dict):
        self.people = {"dept_operator": Person.get_by_id(ids["dept_operator"]),
                       "dept_responsible_office": Person.get_by_id(ids["dept_office"]),
                       "dept_leader": Person.get_by_id(ids["dept_leader"])}


def active_account(client, city: dict) -> int:
    body = application(Team(city["ids"]), platforms=["sina"])
    r = client.post("/api/accounts", json=body, headers=city["dept_operator"])
    assert r.status_code == 201, r.json
    aid = r.json["id"]
    act(client, city["dept_principal"], aid, "approve")
    act(client, city["east_leader"], aid, "acknowledge_filing")
    act(client, city["dept_operator"], aid, "register_platform", platform="sina", handle="东湖教育",
        url="https://weibo.com/dhjy")
    assert act(client, city["dept_operator"], aid, "activate")["status"] == "active"
    return aid


def payload(account_id: int, city: dict, order_id: int = 7) -> dict:
    return {"order_id": order_id, "account_id": account_id, "unit_id": city["dept"], "reason": "整改期满仍未更新",
            "ordered_by_id": city["ids"]["office"], "ordered_by": "office", "ordered_at": "2026-12-01T02:00:00+00:00"}


@pytest.fixture
def registry(tmp_path):
    app = migrated_app("registry", settings_for("registry", f"sqlite:///{tmp_path / 'registry.db'}"))
    with app.app_context():
        city = small_city()
    return app, city


def test_the_order_opens_the_closing_request_once_and_the_principal_cannot_refuse_it(registry):
    app, city = registry
    client = app.test_client()
    aid = active_account(client, city)  # (no request inside an app context: it would keep the first caller)
    with app.app_context():
        for _ in range(2):  # delivered twice (or the same order sent again): one closing request
            with db.atomic():
                HANDLERS[EVENT](payload(aid, city), None)
        account = Account.get_by_id(aid)
        assert account.status == "closing_requested" and account.closing_requested_at is not None
        assert account.close_reason == "责令关闭（整改通知 7）：整改期满仍未更新"
        step = AccountStep.select().where(AccountStep.account == aid, AccountStep.action == "order_close").get()
        assert (step.actor_name, step.actor_unit, step.from_status) == ("office", "南昌市人民政府新闻办公室", "active")
        assert AccountStep.select().where(AccountStep.action == "order_close").count() == 1
        assert events().count("registry.account.changed") >= 1
    r = client.post(f"/api/accounts/{aid}/actions/reject_close", json={"comment": "不同意"}, headers=city["dept_principal"])
    assert r.status_code == 409 and "责令关闭" in r.json["detail"]
    detail = client.get(f"/api/accounts/{aid}", headers=city["dept_principal"]).json
    assert detail["status"] == "closing_requested" and "approve_close" in detail["actions"]
    assert [s["action"] for s in detail["steps"]][-1] == "order_close"
    assert act(client, city["dept_principal"], aid, "approve_close")["status"] == "closing_approved"


def test_an_order_for_an_account_no_longer_active_or_unknown_changes_nothing(registry):
    app, city = registry
    client = app.test_client()
    aid = active_account(client, city)
    act(client, city["dept_operator"], aid, "request_close", reason="职能调整")
    with app.app_context():
        before = AccountStep.select().count()
        with db.atomic():
            HANDLERS[EVENT](payload(aid, city), None)
            HANDLERS[EVENT](payload(999, city), None)
        assert AccountStep.select().count() == before and Account.get_by_id(aid).close_reason == "职能调整"


def walk_to_ordered_closure(registry_client, assessment_client, city: dict) -> int:
    """An account activated in the registry and silent for 30 days in assessment's copy; the office
    issues an order, the deadline passes, the office orders it closed; the registry opens its
    closing request and assessment's copy follows. The account's id."""
    aid = active_account(registry_client, city)
    with spec_of("assessment").db.connection_context():
        wait_for(lambda: AssessmentAccount.select().where(AssessmentAccount.id == aid,
                                                          AssessmentAccount.status == "active").exists(),
                 message="assessment's copy of the active account")
        long_ago = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None) - dt.timedelta(days=30)
        AssessmentAccount.update(activated_at=long_ago).where(AssessmentAccount.id == aid).execute()
    office = city["office"]
    listed = assessment_client.get("/api/dormancy/accounts", headers=office).json
    assert [a["account_id"] for a in listed] == [aid]
    tomorrow = (beijing_today() + dt.timedelta(days=1)).isoformat()
    r = assessment_client.post("/api/dormancy/orders", json={"account_id": aid, "reason": "恢复更新", "deadline": tomorrow},
                               headers=office)
    assert r.status_code == 201, r.json
    oid = r.json["id"]
    with spec_of("assessment").db.connection_context():
        DormancyOrder.update(deadline=beijing_today() - dt.timedelta(days=1)).where(DormancyOrder.id == oid).execute()
    r = assessment_client.post(f"/api/dormancy/orders/{oid}/closure", json={}, headers=office)
    assert r.status_code == 200 and r.json["status"] == "closure_ordered", r.json

    def closing():
        return registry_client.get(f"/api/accounts/{aid}", headers=city["dept_principal"]).json["status"] == "closing_requested"
    wait_for(closing, message="the registry to open the closing request")
    steps = registry_client.get(f"/api/accounts/{aid}", headers=city["dept_principal"]).json["steps"]
    assert steps[-1]["action"] == "order_close" and steps[-1]["actor_name"] == "office"
    wait_for(lambda: assessment_client.get("/api/dormancy/accounts", headers=office).json == [],
             message="assessment's copy to leave the dormant list")
    return aid


def test_the_closure_order_goes_over_the_in_process_bus_and_comes_back(tmp_path):
    registry = migrated_app("registry", settings_for("registry", f"sqlite:///{tmp_path / 'registry.db'}"))
    assessment = migrated_app("assessment", settings_for("assessment", f"sqlite:///{tmp_path / 'assessment.db'}"))
    with registry.app_context():
        city = small_city()
    broker = MemoryBroker(build_topology("govmb", 5))
    workers = [Worker(spec_of(name), app.config["GOVMB_SETTINGS"], broker=broker).start()
               for name, app in (("registry", registry), ("assessment", assessment))]
    try:
        walk_to_ordered_closure(registry.test_client(), assessment.test_client(), city)
    finally:
        for w in workers:
            w.stop()
