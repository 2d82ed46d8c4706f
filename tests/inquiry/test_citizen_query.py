"""What the citizen sees (issue 19): at intake a receipt number and a query code; with both, the
message's status, unit, deadlines, the answers sent and the released result post, nothing
personal and nothing of another message; one answer to every wrong pair; limited per address;
a rating once, after resolution only, reported to the assessment; the same for the client
system that posted the message, by its id, without the code."""
import json

import pytest

from govmb.config import load
from services.inquiry import receipts, replay
from services.inquiry.models import Rating, Receipt, ResultPost, Unit
from services.inquiry.models import bus as inquiry_bus
from tests.conftest import auth
from tests.inquiry.conftest import DEPT_STAFF, HALL, INTAKE, inquiry_app, system_auth

BODY = {"account_id": 1, "kind": "private", "citizen_handle": "王秀英", "citizen_contact": "13912345678",
        "text": "我家住幸福路 8 号，楼下路灯坏了一个月，身份证 360102199001011233 的王秀英反映。"}
SECRET_BITS = ("王秀英", "13912345678", "幸福路", "360102199001011233", "身份证", "路灯坏了")


@pytest.fixture
def client(app):
    with app.app_context():
        Unit.create(id=4, name="东湖区城管局", kind="department", parent_id=3, path="/1/3/4/", revision=1)
    return app.test_client()


OFFICE = auth(4, "/1/3/4/", "responsible_office", person=14)
LEADER = auth(4, "/1/3/4/", "leader", person=15)


def leave(client, headers=HALL, **fields):
    r = client.post("/api/intake/messages", json={**BODY, **fields}, headers=headers)
    assert r.status_code == 201, r.json
    return r.json


def query(client, number, code, **headers):
    return client.get(f"/api/public/requests/{number}", headers={"X-Query-Code": code, **headers})


def resolve(client, mid, reply="您好，已转市政部门，联系电话 13912345678 王秀英女士请留意。"):
    for action, text in (("reply", reply), ("feedback", "已受理，安排维修。"), ("resolve", "路灯已修复。")):
        r = client.post(f"/api/messages/{mid}/actions/{action}", json={"text": text}, headers=DEPT_STAFF)
        assert r.status_code == 200, r.json
        if r.json.get("review"):  # a phone number in the reply: held for the office and the leader (N6)
            for reviewer in (OFFICE, LEADER):
                done = client.post(f"/api/messages/{mid}/review/approve", json={}, headers=reviewer)
                assert done.status_code == 200, done.json


def test_intake_gives_a_number_and_a_code_kept_only_as_a_hash(client, app):
    first, second = leave(client), leave(client)
    assert first["receipt_number"][:8].isdigit() and first["receipt_number"][8] == "-"
    assert int(second["receipt_number"][-6:]) == int(first["receipt_number"][-6:]) + 1  # the day's sequence
    code = first["query_code"]
    assert len(code) == 14 and code.count("-") == 2 and first["query_code"] != second["query_code"]
    with app.app_context():
        stored = Receipt.get(Receipt.number == first["receipt_number"])
        assert code.replace("-", "") not in stored.code_hash and stored.client == "hall"
    seen = client.get(f"/api/messages/{first['id']}", headers=DEPT_STAFF).json
    assert "query_code" not in seen  # shown once, at intake


def test_the_pair_opens_the_message_and_nothing_personal(client, app):
    receipt = leave(client)
    r = query(client, receipt["receipt_number"], receipt["query_code"].lower().replace("-", ""))  # case, dashes: no matter
    assert r.status_code == 200, r.json
    assert r.headers["Cache-Control"].startswith("no-store")
    body = r.json
    assert (body["status"], body["status_name"], body["receipt_number"]) == ("received", "待回复", receipt["receipt_number"])
    assert body["unit_name"] == "东湖区城管局" and body["account_name"] and body["answers"] == [] and body["may_rate"] is False
    assert [d["name"] for d in body["deadlines"]] == ["reply", "feedback"]
    resolve(client, receipt["id"])
    body = query(client, receipt["receipt_number"], receipt["query_code"]).json
    assert body["status_name"] == "已办结" and body["may_rate"] is True
    assert [a["kind"] for a in body["answers"]] == ["reply", "feedback", "result"]
    text = json.dumps(body, ensure_ascii=False)
    for bit in SECRET_BITS:
        assert bit not in text, bit  # the reply's phone number masked; no handle, contact or message text
    assert "＊" in body["answers"][0]["text"]
    assert "operator" not in text and "handled_by" not in body  # no staff names: no field carries one


def test_every_wrong_pair_gets_the_same_answer(client):
    mine, other = leave(client), leave(client)
    right = query(client, mine["receipt_number"], mine["query_code"])
    assert right.status_code == 200
    answers = [query(client, mine["receipt_number"], other["query_code"]),  # another message's code
               query(client, other["receipt_number"], mine["query_code"]),  # another number
               query(client, mine["receipt_number"], "AAAA-BBBB-CCCC"),
               query(client, "20000101-000001", mine["query_code"]),  # no such number
               query(client, "not-a-number", mine["query_code"]),
               query(client, mine["receipt_number"], mine["query_code"][:-1])]
    assert {a.status_code for a in answers} == {404}
    assert len({json.dumps({**a.json, "correlation_id": ""}, sort_keys=True) for a in answers}) == 1  # no oracle
    assert "正确" in answers[0].json["detail"]
    assert client.get(f"/api/public/requests/{mine['receipt_number']}").status_code == 422  # no code: named
    assert "X-Query-Code" in json.dumps(client.get(f"/api/public/requests/{mine['receipt_number']}").json)


def test_a_rating_once_and_only_after_resolution_reported_to_the_assessment(client, app):
    receipt = leave(client)
    number, code = receipt["receipt_number"], receipt["query_code"]
    url = f"/api/public/requests/{number}/rating"
    early = client.post(url, json={"code": code, "rating": "satisfied"})
    assert early.status_code == 409 and "办结" in early.json["detail"]
    resolve(client, receipt["id"])
    assert client.post(url, json={"code": code, "rating": "great"}).status_code == 422
    wrong = client.post(url, json={"code": "AAAA-BBBB-CCCC", "rating": "satisfied"})
    assert wrong.status_code == 404
    blocked = client.post(url, json={"code": code, "rating": "unsatisfied", "comment": "我的身份证 360102199001011233"})
    assert blocked.status_code == 422 and "comment" in blocked.json["errors"]
    with app.app_context():
        assert not Rating.select().exists()  # a refused rating changes nothing
    r = client.post(url, json={"code": code, "rating": "basically", "comment": "修得还算及时"})
    assert r.status_code == 201, r.json
    assert r.json["rating"]["rating_name"] == "基本满意" and r.json["may_rate"] is False
    again = client.post(url, json={"code": code, "rating": "satisfied"})
    assert again.status_code == 409 and "一次" in again.json["detail"]
    seen = client.get(f"/api/messages/{receipt['id']}", headers=DEPT_STAFF).json["citizen_rating"]
    assert (seen["rating_name"], seen["comment"]) == ("基本满意", "修得还算及时")  # the handling unit reads it
    with app.app_context():
        assert Rating.get().rating == "basically"
        [event] = [json.loads(e.body) for e in inquiry_bus.Outbox.select()
                   if e.event_type == "inquiry.message.rated"]
    assert (event["message_id"], event["unit_id"], event["rating"]) == (receipt["id"], 4, "basically")
    assert "修得" not in json.dumps(event, ensure_ascii=False)  # the comment stays in inquiry


def test_the_released_result_post_is_shown_with_its_links(client, app):
    receipt = leave(client)
    resolve(client, receipt["id"])
    with app.app_context():
        ResultPost.create(message=receipt["id"], text="路灯已修复", asked_by_id=13, asked_by="张三", status="requested")
    assert query(client, receipt["receipt_number"], receipt["query_code"]).json["result_post"] is None  # not yet out
    with app.app_context():
        ResultPost.update(status="released", links=json.dumps([{"platform": "sina", "url": "https://weibo.com/1/2"}]),
                          released_at="2026-10-02 08:00:00").execute()
    body = query(client, receipt["receipt_number"], receipt["query_code"]).json
    assert body["result_post"]["links"] == [{"platform": "sina", "url": "https://weibo.com/1/2"}]
    assert "张三" not in json.dumps(body, ensure_ascii=False)


def test_a_client_system_reads_its_own_messages_by_id_without_the_code(client):
    own = leave(client, headers=INTAKE)
    from_hall = leave(client)
    r = client.get(f"/api/intake/messages/{own['id']}", headers=INTAKE)
    assert r.status_code == 200 and r.json["receipt_number"] == own["receipt_number"]
    assert "王秀英" not in json.dumps(r.json, ensure_ascii=False)
    assert client.get(f"/api/intake/messages/{from_hall['id']}", headers=INTAKE).status_code == 404
    other_system = system_auth(3, "/1/3/", client="system:2", name="另一个系统")
    assert client.get(f"/api/intake/messages/{own['id']}", headers=other_system).status_code == 404
    assert client.get(f"/api/intake/messages/{from_hall['id']}", headers=HALL).status_code == 404  # the hall: the code
    assert client.get(f"/api/intake/messages/{own['id']}", headers=DEPT_STAFF).status_code == 403


@pytest.fixture
def three_a_minute(monkeypatch):
    monkeypatch.setenv("HALL_QUERY_LIMIT_PER_ADDRESS", "3/minute")
    load()  # read again: the limit is read from the options at each request
    yield
    monkeypatch.undo()
    load()


def test_queries_are_limited_per_address(tmp_path, three_a_minute):
    app = inquiry_app(tmp_path)
    client = app.test_client()
    receipt = leave(client)
    codes = [query(client, receipt["receipt_number"], "AAAA-BBBB-CCCC").status_code for _ in range(3)]
    assert codes == [404] * 3
    assert query(client, receipt["receipt_number"], receipt["query_code"]).status_code == 429  # the right one too
    # through the hall, each citizen's own address counts, not the web app's
    other = query(client, receipt["receipt_number"], receipt["query_code"], **HALL, **{"X-Client-Address": "10.0.0.9"})
    assert other.status_code == 200
    spoofed = query(client, receipt["receipt_number"], receipt["query_code"], **{"X-Client-Address": "10.0.0.10"})
    assert spoofed.status_code == 429  # believed only beside the hall's token


def test_receipt_numbers_parse():
    assert receipts.normal_number("20261206000042") == "20261206-000042"
    assert receipts.normal_number(" 20261206-000042 ") == "20261206-000042"
    assert receipts.normal_number("2026-12-06") is None


def test_a_replay_sends_the_ratings_again(client, app):
    receipt = leave(client)
    resolve(client, receipt["id"])
    client.post(f"/api/public/requests/{receipt['receipt_number']}/rating",
                json={"code": receipt["query_code"], "rating": "unsatisfied"})
    with app.app_context():
        sent = [json.loads(e.body) for e in inquiry_bus.Outbox.select() if e.event_type == "inquiry.message.rated"]
        again = [payload for kind, payload in replay.events() if kind == "inquiry.message.rated"]
    assert again == sent and again[0]["rating"] == "unsatisfied"  # an emptied assessment is filled again
