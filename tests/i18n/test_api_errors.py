"""Every service answers bad input in Chinese, naming the field: a wrong type, a missing field, a
text too long (marshmallow's messages), a body that is not JSON (webargs'), an unknown route, a
wrong method, a body too large (werkzeug's), each as problem details with no English word."""
from __future__ import annotations

import json

import pytest

from govmb.i18n import CJK
from govmb.tables import MAX_BYTES
from services.registry.models import Person, db
from tests.conftest import auth
from tests.i18n.test_pages import english_of

# service: (who calls, the route that takes a JSON body, a body it takes, (field, a wrong type),
# a required field, (field, its length limit))
CASES = {
    "registry": ("admin", "/api/units", {"name": "测试区", "kind": "district", "parent_id": 1},
                 ("parent_id", "一"), "kind", ("name", 100)),
    "publishing": ("jy_caozuo", "/api/drafts", {"account_id": 1, "text": "测试", "info_type": "notice"},
                   ("account_id", "x"), "text", ("text", 20000)),
    "inquiry": ("jy_caozuo", "/api/messages", {"account_id": 1, "kind": "comment", "citizen_handle": "网民",
                                              "text": "测试"}, ("account_id", [1]), "citizen_handle", ("text", 5000)),
    "assessment": ("ducha", "/api/inspections", {"unit_id": 1, "inspected_on": "2026-11-02", "checked": "检查",
                                                 "found": "问题", "required": "整改", "fix_by": "2026-12-01"},
                   ("unit_id", 2.5), "found", ("checked", 5000)),
}


def headers_of(username: str) -> dict:
    with db.connection_context():
        p = Person.get(Person.username == username)
        return auth(p.unit_id, p.unit.path, *sorted(p.role_set), person=p.id)


def in_chinese(body: dict) -> list[str]:
    """What is wrong with a problem's words: English, or a title or detail with no Chinese."""
    texts = [body.get("title", ""), body.get("detail", "")]
    texts += [m for messages in (body.get("errors") or {}).values()
              for m in (messages if isinstance(messages, list) else [json.dumps(messages, ensure_ascii=False)])]
    wrong = [t for t in texts[:2] if not CJK.search(t)]
    # the values an API takes ("须为以下之一：notice, rumor…") are codes the caller sends, not words
    texts = [t.split("：")[0] if t.startswith("须为以下之一") else t for t in texts]
    if english := english_of(texts, set()):
        wrong.append(f"English: {sorted(english)}")
    return wrong


def problem_of(r, status: int) -> dict:
    assert r.status_code == status, (r.status_code, r.get_data(as_text=True)[:400])
    assert r.mimetype == "application/problem+json", r.mimetype
    body = r.get_json()
    assert not in_chinese(body), (in_chinese(body), body)
    return body


@pytest.fixture(scope="module")
def clients(embedded):
    return {name: embedded[f"/{name}"].test_client() for name in CASES}


@pytest.mark.parametrize("service", CASES)
def test_a_wrong_type_a_missing_field_and_a_long_text_are_said_in_chinese_beside_the_field(clients, service):
    who, path, body, (typed, wrong), required, (long, limit) = CASES[service]
    headers, client = headers_of(who), clients[service]
    answer = problem_of(client.post(path, json={**body, typed: wrong}, headers=headers), 422)
    assert typed in answer["errors"], answer
    answer = problem_of(client.post(path, json={k: v for k, v in body.items() if k != required}, headers=headers), 422)
    assert answer["errors"][required] == ["此项必填"], answer
    answer = problem_of(client.post(path, json={**body, long: "长" * (limit + 1)}, headers=headers), 422)
    assert any(str(limit) in m and "长度" in m for m in answer["errors"][long]), answer


@pytest.mark.parametrize("service", CASES)
def test_bad_json_an_unknown_route_a_wrong_method_and_a_large_body_are_said_in_chinese(clients, service):
    who, path, *_ = CASES[service]
    headers, client = headers_of(who), clients[service]
    answer = problem_of(client.post(path, data='{"name": ', content_type="application/json", headers=headers), 400)
    assert "JSON" in json.dumps(answer, ensure_ascii=False)
    assert problem_of(client.get("/api/no-such-thing", headers=headers), 404)["title"] == "未找到"
    assert problem_of(client.delete(path, headers=headers), 405)["detail"] == "不支持此操作方式"
    problem_of(client.post(path, data=b"x" * (MAX_BYTES + 1), content_type="application/json", headers=headers), 413)


def test_the_answers_follow_the_callers_language_among_the_catalogued(clients):
    # an uncatalogued language (English) is answered in the default, Chinese
    who, path, body, (typed, wrong), *_ = CASES["registry"]
    r = clients["registry"].post(path, json={**body, typed: wrong},
                                 headers={**headers_of(who), "Accept-Language": "en-US,en;q=0.9"})
    assert problem_of(r, 422)["title"] == "输入有误"
