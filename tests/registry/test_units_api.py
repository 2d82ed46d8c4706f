"""The registry's unit API: field-level errors, scoping, and events written with each change."""
import json

import pytest

from services.registry.models import bus
from tests.conftest import auth
from tests.system import migrated_app, settings_for

ADMIN = auth(1, "/1/", "admin")


@pytest.fixture
def client(tmp_path):
    app = migrated_app("registry", settings_for("registry", f"sqlite:///{tmp_path / 'registry.db'}"))
    return app.test_client()


def create(client, name, kind, parent_id=None, headers=ADMIN):
    return client.post("/api/units", json={"name": name, "kind": kind, "parent_id": parent_id}, headers=headers)


@pytest.fixture
def city(client):
    city = create(client, "南昌市", "region").json
    east = create(client, "东湖区", "district", city["id"]).json
    west = create(client, "西湖区", "district", city["id"]).json
    dept = create(client, "东湖区教育体育局", "department", east["id"]).json
    return {"city": city, "east": east, "west": west, "dept": dept}


def outbox():
    return [(r.event_type, json.loads(r.body)) for r in bus.Outbox.select().order_by(bus.Outbox.id)]


def test_each_unit_is_created_with_its_path_and_one_event(client, city):
    assert city["dept"]["path"] == f"/{city['city']['id']}/{city['east']['id']}/{city['dept']['id']}/"
    events = outbox()
    assert [e[0] for e in events] == ["registry.unit.changed"] * 4
    assert events[-1][1] == {k: city["dept"][k] for k in ("id", "name", "kind", "parent_id", "path", "revision", "name_ug")}


@pytest.mark.parametrize("body,field,problem", [
    ({"name": "", "kind": "district"}, "name", "长度须在"),
    ({"name": "某区", "kind": "village"}, "kind", "须为以下之一"),
    ({"kind": "district"}, "name", "此项必填"),
    ({"name": "某区", "kind": "district", "parent_id": 999}, "parent_id", "不存在"),
    ({"name": "某区", "kind": "district", "parent_id": "abc"}, "parent_id", "须为整数"),
    ({"name": "x" * 101, "kind": "district"}, "name", "长度须在"),
    ({"name": "某区", "kind": "district", "extra": 1}, "extra", "不接受此字段"),
])
def test_bad_input_is_refused_naming_the_field_and_changes_nothing(client, body, field, problem):
    r = client.post("/api/units", json=body, headers=ADMIN)
    assert r.status_code == 422
    assert r.content_type == "application/problem+json"
    assert problem in r.json["errors"][field][0]
    assert outbox() == []


def test_a_name_already_used_under_the_same_parent_is_refused(client, city):
    r = create(client, "东湖区", "district", city["city"]["id"])
    assert r.status_code == 422 and "已有" in r.json["errors"]["name"][0]


def test_a_unit_cannot_move_below_itself(client, city):
    before = len(outbox())
    r = client.patch(f"/api/units/{city['east']['id']}", json={"parent_id": city["dept"]["id"]}, headers=ADMIN)
    assert r.status_code == 422 and "下级" in r.json["errors"]["parent_id"][0]
    assert len(outbox()) == before


def test_a_move_repaths_the_subtree_and_raises_revisions(client, city):
    r = client.patch(f"/api/units/{city['east']['id']}", json={"parent_id": city["west"]["id"]}, headers=ADMIN)
    assert r.status_code == 200
    moved = outbox()[-2:]
    assert [p["id"] for _, p in moved] == [city["east"]["id"], city["dept"]["id"]]
    assert moved[1][1]["path"] == f"/{city['city']['id']}/{city['west']['id']}/{city['east']['id']}/{city['dept']['id']}/"
    assert all(p["revision"] == 2 for _, p in moved)


def test_without_a_token_the_api_answers_401(client):
    r = client.get("/api/units")
    assert r.status_code == 401 and r.json["title"] == "需要登录"
    assert client.get("/api/units", headers={"Authorization": "Bearer forged"}).status_code == 401


def test_an_operator_may_not_create_units(client, city):
    r = create(client, "新区", "zone", city["city"]["id"], headers=auth(city["east"]["id"], city["east"]["path"], "operator"))
    assert r.status_code == 403


def test_a_county_sees_its_subtree_only(client, city):
    east_staff = auth(city["east"]["id"], city["east"]["path"], "operator")
    names = {u["name"] for u in client.get("/api/units", headers=east_staff).json}
    assert names == {"东湖区", "东湖区教育体育局"}
    assert client.get(f"/api/units/{city['west']['id']}", headers=east_staff).status_code == 404
    assert client.get(f"/api/units/{city['dept']['id']}", headers=east_staff).status_code == 200


def test_the_joint_meeting_office_sees_all(client, city):
    office = auth(99, "/1/99/", "joint_office")
    assert len(client.get("/api/units", headers=office).json) == 4


def test_a_token_signed_with_another_key_is_refused(client):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from govmb.keys import KeyRing
    from tests.conftest import token
    forged = token(1, "/1/", "admin", keys=KeyRing.of(Ed25519PrivateKey.generate(), []))
    assert client.get("/api/units", headers={"Authorization": f"Bearer {forged}"}).status_code == 401


def test_without_a_token_bad_input_still_gets_401_not_field_errors(client):
    assert client.post("/api/units", json={"kind": "nonsense"}).status_code == 401


@pytest.mark.parametrize("method,path,body", [
    ("get", "/api/units/99999999999999999999999", None),
    ("get", "/api/units?parent_id=99999999999999999999999", None),
    ("post", "/api/units", {"name": "某区", "kind": "district", "parent_id": 99999999999999999999999}),
    ("post", "/api/units", {"name": "某\x00区", "kind": "district"}),
    ("get", "/api/units?parent_id=%00", None),
])
def test_hostile_values_get_a_4xx_never_a_5xx(client, method, path, body):
    r = getattr(client, method)(path, json=body, headers=ADMIN)
    assert 400 <= r.status_code < 500, (r.status_code, r.json)


def test_the_openapi_documents_the_request_bodies():
    from services.registry.app import create_app
    spec = create_app().test_client().get("/openapi.json").json
    assert "requestBody" in spec["paths"]["/api/units"]["post"]
    assert "requestBody" in spec["paths"]["/api/accounts/{account_id}/actions/{action}"]["post"]


def test_the_openapi_documents_errors_with_the_content_type_they_come_in(client):
    # found by tests/security/test_fuzz.py: errors were documented as application/json
    spec = client.get("/openapi.json").json
    for name in ("DEFAULT_ERROR", "UNPROCESSABLE_ENTITY"):
        assert list(spec["components"]["responses"][name]["content"]) == ["application/problem+json"]
    assert list(spec["paths"]["/api/units"]["get"]["responses"]["200"]["content"]) == ["application/json"]
    assert client.get("/api/units/999", headers=ADMIN).content_type == "application/problem+json"


def test_a_method_the_path_does_not_take_answers_405_with_the_methods_it_does(client):
    # found by schemathesis (tests/security/test_fuzz.py's tool): the problem details dropped Allow
    r = client.delete("/api/units", headers=ADMIN)
    assert r.status_code == 405 and r.content_type == "application/problem+json"
    assert set(r.headers["Allow"].split(", ")) == {"GET", "POST", "HEAD", "OPTIONS"}


def test_probes_answer_when_the_database_does_not(tmp_path):
    from tests.system import migrated_app
    app = migrated_app("registry", settings_for("registry", f"sqlite:///{tmp_path / 'r.db'}"))
    from dataclasses import replace

    from govmb.service import create_service_app
    from services.registry.app import SPEC
    down = create_service_app(SPEC, replace(app.config["GOVMB_SETTINGS"],
                                            database_url="postgresql://nobody@127.0.0.1:1/none"))
    c = down.test_client()
    assert c.get("/healthz").status_code == 200
    r = c.get("/readyz")
    assert r.status_code == 503 and r.json["checks"]["database"].startswith("失败")
    r = c.get("/api/units", headers=ADMIN)
    assert r.status_code == 503 and r.headers["Retry-After"] == "5"
