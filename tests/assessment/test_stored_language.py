"""Issue 21: a dormancy order issued, answered, rejected, answered again and accepted, and an
inspection recorded, reported and returned, every request in Uyghur, store nothing in Uyghur: the
orders' situations and steps, the inspections' history, the audit trail and the events
(tests/stored_language.py)."""
from services.assessment.models import db
from tests.assessment.conftest import DEPT, app, client  # noqa: F401 (fixtures)
from tests.assessment.test_dormancy import SUPERVISION, city, issue, step  # noqa: F401 (fixtures)
from tests.assessment.test_inspections import days, inspect
from tests.stored_language import answered_in_uyghur, speaking_uyghur, uyghur_stored


def test_orders_and_inspections_worked_in_uyghur_are_recorded_in_chinese(app, client, city):  # noqa: F811
    speaking_uyghur(client)
    o = issue(client, headers=SUPERVISION).json
    refused = step(client, o["id"], "answer", DEPT, text="  ")  # no answer: refused, in Uyghur
    assert refused.status_code == 422 and answered_in_uyghur(refused.json)
    for action, who, body in (("answer", DEPT, {"text": "已明确专人负责"}),
                              ("review", SUPERVISION, {"accept": False, "comment": "未说明更新频次"}),
                              ("answer", DEPT, {"text": "已明确专人负责，恢复每日更新"}),
                              ("review", SUPERVISION, {"accept": True})):
        r = step(client, o["id"], action, who, **body)
        assert r.status_code == 200, (action, r.json)
    i = inspect(client).json
    r = client.post(f"/api/inspections/{i['id']}/report", json={"text": "已恢复每日更新", "fixed_on": days(0)}, headers=DEPT)
    assert r.status_code == 200, r.json
    r = client.post(f"/api/inspections/{i['id']}/review", json={"accept": False, "comment": "留言仍未回复"},
                    headers=SUPERVISION)
    assert r.status_code == 200 and r.json["status"] != "accepted", r.json
    with app.app_context():
        assert uyghur_stored(db) == []
