"""The first real flow: the registry creates and moves units; the publishing, inquiry and
assessment services keep their own copies of the tree, fed only by events."""
import pytest

from tests.conftest import auth, wait_for

pytestmark = pytest.mark.integration
ADMIN = auth(1, "/1/", "admin")
OFFICE = auth(1, "/1/", "joint_office")  # grants a unit's staff roles (三员分立: not the system administrator)
COPIES = ("publishing", "inquiry", "assessment")


def copy_of(client, headers=ADMIN):
    r = client.get("/api/units", headers=headers)
    assert r.status_code == 200, r.json
    return {u["id"]: u for u in r.json}


def create(registry, name, kind, parent_id=None):
    r = registry.post("/api/units", json={"name": name, "kind": kind, "parent_id": parent_id}, headers=ADMIN)
    assert r.status_code == 201, r.json
    return r.json


def test_units_reach_every_other_service_through_rabbitmq(distributed):
    registry = distributed["registry"]
    city = create(registry, "南昌市", "region")
    district = create(registry, "东湖区", "district", city["id"])
    dept = create(registry, "东湖区教育体育局", "department", district["id"])
    county = create(registry, "进贤县", "county", city["id"])
    for name in COPIES:
        wait_for(lambda: len(copy_of(distributed[name])) == 4, message=f"{name}'s copy of 4 units")
        units = copy_of(distributed[name])
        assert units[dept["id"]]["path"] == f"/{city['id']}/{district['id']}/{dept['id']}/"

    # A move re-paths the subtree in every copy.
    r = registry.patch(f"/api/units/{district['id']}", json={"parent_id": county["id"]}, headers=ADMIN)
    assert r.status_code == 200, r.json
    want = f"/{city['id']}/{county['id']}/{district['id']}/{dept['id']}/"
    for name in COPIES:
        wait_for(lambda: copy_of(distributed[name])[dept["id"]]["path"] == want, message=f"{name} to see the move")

    # Each service answers only for the caller's subtree.
    district_staff = auth(district["id"], want[: want.index(str(dept["id"]))], "operator")
    for name in COPIES:
        assert set(copy_of(distributed[name], district_staff)) == {district["id"], dept["id"]}


def test_an_account_activated_in_the_registry_appears_in_publishing_and_inquiry(distributed):
    registry = distributed["registry"]
    city = create(registry, "南昌市", "region")
    district = create(registry, "东湖区", "district", city["id"])
    dept = create(registry, "东湖区教育体育局", "department", district["id"])
    people = {}
    for username, unit, role, rank in (("oper", dept, "operator", "staff"), ("office", dept, "responsible_office", "section"),
                                       ("lead", dept, "leader", "section"), ("head", dept, "principal_leader", "section"),
                                       ("district", district, "leader", "county")):
        r = registry.post("/api/people", headers=OFFICE, json={"unit_id": unit["id"], "name": username, "username": username,
                                                              "password": "pass-word-1", "roles": [role], "rank": rank})
        assert r.status_code == 201, r.json
        people[username] = auth(unit["id"], unit["path"], role, person=r.json["id"])
    ids = {p["username"]: p["id"] for p in registry.get("/api/people", headers=ADMIN).json}
    r = registry.post("/api/accounts", headers=people["oper"], json={
        "name": "东湖教育", "kind": "institutional", "category": "livelihood", "platforms": ["sina", "xinhua"],
        "positioning": "教育信息", "rules": "先审后发", "mechanism": "三审三校",
        "team": [{"person_id": ids["lead"], "role": "leader_in_charge"},
                 {"person_id": ids["office"], "role": "responsible_office"}, {"person_id": ids["oper"], "role": "operator"}]})
    assert r.status_code == 201, r.json
    aid = r.json["id"]
    for who, action, body in (("head", "approve", {}), ("district", "acknowledge_filing", {}),
                              ("oper", "register_platform", {"platform": "sina", "handle": "东湖教育", "url": "https://weibo.com/dhjy"}),
                              ("oper", "register_platform", {"platform": "xinhua", "handle": "东湖教育", "url": "https://xinhua.example.cn/dhjy"}),
                              ("oper", "activate", {})):
        r = registry.post(f"/api/accounts/{aid}/actions/{action}", json=body, headers=people[who])
        assert r.status_code == 200, (action, r.json)

    def copy(name):
        rows = distributed[name].get("/api/accounts", headers=ADMIN).json
        return rows[0] if rows else None

    for name in COPIES:
        wait_for(lambda: (copy(name) or {}).get("status") == "active", message=f"{name}'s copy of the active account")
        got = copy(name)
        assert got["name"] == "东湖教育" and got["unit_id"] == dept["id"]
        assert {p["handle"] for p in got["platforms"]} == {"东湖教育"}
    # a district's staff see the account in each copy; another unit's staff do not
    assert distributed["inquiry"].get("/api/accounts", headers=people["district"]).json[0]["id"] == aid
    other = auth(999, f"/{city['id']}/999/", "operator")
    assert distributed["inquiry"].get("/api/accounts", headers=other).json == []
