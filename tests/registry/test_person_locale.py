"""Issue 21: each person's language, kept by the registry. A signed-in person sets their own
(`PUT /api/auth/me/locale`); sign-in and `/api/auth/me` answer it; a language not offered is
refused on `locale` and changes nothing; nobody sets another's."""
from __future__ import annotations

import pytest

from govmb.locales import LANGUAGES
from services.registry.models import Person
from tests.registry.conftest import PASSWORD, app, city, client  # noqa: F401 (fixtures)


def test_a_person_has_chinese_until_they_choose(app, city, client):  # noqa: F811
    me = client.get("/api/auth/me", headers=city.headers("dept_operator"))
    assert me.status_code == 200 and me.json["locale"] == "zh_Hans"


def test_a_person_sets_their_language_and_sign_in_and_me_answer_it(app, city, client):  # noqa: F811
    r = client.put("/api/auth/me/locale", json={"locale": "ug"}, headers=city.headers("dept_operator"))
    assert r.status_code == 200 and r.json["locale"] == "ug" and r.json["username"] == "dept_operator"
    assert client.get("/api/auth/me", headers=city.headers("dept_operator")).json["locale"] == "ug"
    signed = client.post("/api/auth/sign-in", json={"username": "dept_operator", "password": PASSWORD})
    assert signed.status_code == 200 and signed.json["person"]["locale"] == "ug"
    with app.app_context():  # another's is not touched
        assert Person.get_by_id(city.people["dept_leader"].id).locale == "zh_Hans"
    back = client.put("/api/auth/me/locale", json={"locale": "zh_Hans"}, headers=city.headers("dept_operator"))
    assert back.json["locale"] == "zh_Hans"


@pytest.mark.parametrize("body", [{"locale": "fr"}, {"locale": "zh_CN"}, {"locale": ""}, {"locale": 7}, {}],
                         ids=["unknown", "not-our-tag", "empty", "number", "missing"])
def test_a_language_not_offered_is_refused_on_its_field_and_changes_nothing(app, city, client, body):  # noqa: F811
    client.put("/api/auth/me/locale", json={"locale": "ug"}, headers=city.headers("dept_operator"))
    r = client.put("/api/auth/me/locale", json=body, headers=city.headers("dept_operator"))
    assert r.status_code == 422 and list(r.json["errors"]) == ["locale"], r.json
    assert client.get("/api/auth/me", headers=city.headers("dept_operator")).json["locale"] == "ug"


def test_only_a_signed_in_person_sets_a_language(app, city, client):  # noqa: F811
    assert client.put("/api/auth/me/locale", json={"locale": "ug"}).status_code == 401


def test_the_languages_are_named_each_in_itself():
    assert LANGUAGES == {"zh_Hans": "中文", "ug": "ئۇيغۇرچە"}


def test_the_api_document_names_the_operation_and_its_choices(app, client):  # noqa: F811
    spec = client.get("/openapi.json").json
    operation = spec["paths"]["/api/auth/me/locale"]["put"]
    assert operation["operationId"] == "set_my_locale"
    body = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert spec["components"]["schemas"][body]["properties"]["locale"]["enum"] == ["zh_Hans", "ug"]
    assert "locale" in spec["components"]["schemas"]["Person"]["properties"]
