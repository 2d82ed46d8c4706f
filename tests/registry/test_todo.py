"""GET /api/todo in the registry: applications for the principal leader, filings for the
superior unit and the joint-meeting office, closings, returned applications; each role sees
only the kinds it acts on, each unit only its own and its direct subordinates' items."""
import datetime as dt

from services.registry.models import Account
from tests.registry.conftest import application


def todo(client, city, who) -> dict:
    r = client.get("/api/todo", headers=city.headers(who))
    assert r.status_code == 200, r.json
    return {g["kind"]: g for g in r.json}


def apply(client, city, name, who="dept_operator", **overrides):
    r = client.post("/api/accounts", json=application(city, name=name, **overrides), headers=city.headers(who))
    assert r.status_code == 201, r.json
    return r.json["id"]


def act(client, city, who, account_id, action, **body):
    r = client.post(f"/api/accounts/{account_id}/actions/{action}", json=body, headers=city.headers(who))
    assert r.status_code == 200, r.json


def test_the_principal_leader_sees_the_applications_oldest_first_and_the_operator_does_not(client, city):
    first, second = apply(client, city, "东湖教育"), apply(client, city, "东湖体育", platforms=["people"])
    Account.update(applied_at=dt.datetime(2026, 1, 1)).where(Account.id == second).execute()
    mine = todo(client, city, "dept_principal_leader")
    assert mine["applications"]["count"] == 2
    assert [i["id"] for i in mine["applications"]["items"]] == [second, first]  # waiting longest first
    assert mine["applications"]["items"][0]["unit_name"] == "东湖区教育体育局"
    assert mine["applications"]["items"][0]["title"] == "东湖体育"
    assert "applications" not in todo(client, city, "dept_operator")
    assert "applications" not in todo(client, city, "dept_leader")
    # the principal leader of another unit (the district above) has none of the department's to approve
    assert todo(client, city, "east_principal")["applications"]["count"] == 0


def test_a_filing_waits_for_the_superior_unit_and_the_office_not_for_another_district(client, city):
    aid = apply(client, city, "东湖教育")
    act(client, city, "dept_principal_leader", aid, "approve")
    assert todo(client, city, "dept_principal_leader")["applications"]["count"] == 0
    east = todo(client, city, "east_leader")["filings"]
    assert east["count"] == 1 and east["items"][0]["id"] == aid and east["items"][0]["since"]
    assert todo(client, city, "office")["filings"]["count"] == 1
    west = todo(client, city, "west_leader")["filings"]  # another district sees none of it
    assert west["count"] == 0 and west["items"] == []
    assert "filings" not in todo(client, city, "east_operator")  # an operator files nothing
    act(client, city, "east_leader", aid, "acknowledge_filing")
    assert todo(client, city, "east_leader")["filings"]["count"] == 0


def test_a_returned_application_waits_for_the_staff_and_a_closing_for_the_principal_leader(client, city):
    aid = apply(client, city, "东湖教育")
    act(client, city, "dept_principal_leader", aid, "return", comment="工作方案不完整")
    assert todo(client, city, "dept_operator")["applications_returned"]["count"] == 1
    assert todo(client, city, "west_operator")["applications_returned"]["count"] == 0
    Account.update(status="closing_requested").where(Account.id == aid).execute()
    assert todo(client, city, "dept_principal_leader")["closings"]["items"][0]["id"] == aid


def test_the_administrators_and_systems_get_no_registry_work(client, city):
    assert todo(client, city, "admin") == {}
    assert client.get("/api/todo", headers=city.headers("auditor")).status_code == 403
    assert client.get("/api/todo").status_code == 401
