"""Issue 21: an account's whole life, every request in Uyghur, stores nothing in Uyghur: the steps'
comments, the audit trail, the events (tests/stored_language.py)."""
from services.registry.models import db
from tests.registry.conftest import app, application, city, client  # noqa: F401 (fixtures)
from tests.registry.test_account_life import act
from tests.stored_language import answered_in_uyghur, speaking_uyghur, uyghur_stored


def test_an_account_walked_in_uyghur_is_recorded_in_chinese(app, city, client):  # noqa: F811
    speaking_uyghur(client)
    r = client.post("/api/accounts", json=application(city), headers=city.headers("dept_operator"))
    assert r.status_code == 201, r.json
    aid, answers = r.json["id"], [r.json]
    refused = act(client, city, "dept_principal_leader", aid, "return")  # no comment: refused, in Uyghur
    assert refused.status_code == 422 and answered_in_uyghur(refused.json)
    r = act(client, city, "dept_principal_leader", aid, "return", comment="工作机制写得不具体")
    assert r.status_code == 200, r.json
    steps = [("dept_operator", "resubmit", {}), ("dept_principal_leader", "approve", {}),
             ("east_leader", "acknowledge_filing", {}),
             ("dept_operator", "register_platform", {"platform": "sina", "handle": "东湖教育", "url": "https://weibo.com/dhjy"}),
             ("dept_operator", "register_platform", {"platform": "tencent", "handle": "东湖教育", "url": "https://t.qq.com/dhjy"}),
             ("dept_operator", "activate", {}), ("dept_operator", "request_close", {"reason": "职能调整"}),
             ("dept_principal_leader", "approve_close", {}), ("dept_operator", "inform_superior", {})]
    for who, action, body in steps:
        r = act(client, city, who, aid, action, **body)
        assert r.status_code == 200, (action, r.json)
        answers.append(r.json)
    assert r.json["status"] == "superior_informed"
    with app.app_context():
        assert uyghur_stored(db) == []
