"""Issue 21: a message taken from intake through a transfer returned and sent on, a reply, feedback
with verification and its resolution, every request in Uyghur, stores nothing in Uyghur: its steps,
the transfers, the audit trail and the events (tests/stored_language.py)."""
from services.inquiry.models import db
from tests.inquiry.conftest import OTHER, app, client, message  # noqa: F401 (fixtures)
from tests.inquiry.test_messages import act
from tests.inquiry.test_transfers import answer, make_units, transfer
from tests.stored_language import answered_in_uyghur, speaking_uyghur, uyghur_stored


def test_a_message_handled_in_uyghur_is_recorded_in_chinese(app, client):  # noqa: F811
    speaking_uyghur(client)
    make_units(app)
    m = message(client, received_at="2026-09-30T10:00:00+08:00").json
    refused = act(client, m["id"], "reply")  # no text: refused, in Uyghur
    assert refused.status_code == 422 and answered_in_uyghur(refused.json)
    t = transfer(client, m["id"], 5).json
    assert answer(client, t["id"], OTHER, False, "路灯属市政部门管理，不属本单位职责").status_code == 200
    t = transfer(client, m["id"], 5, note="经核实属你单位职责").json
    assert answer(client, t["id"], OTHER, True).status_code == 200
    steps = [("reply", {"text": "您好，已转市政部门。"}),
             ("feedback", {"text": "已受理，需现场核实线路。", "needs_verification": True}),
             ("resolve", {"text": "路灯已于 10 月 15 日修复。"})]
    for action, body in steps:
        r = act(client, m["id"], action, OTHER, **body)
        assert r.status_code == 200, (action, r.json)
    assert r.json["status"] == "resolved"
    with app.app_context():
        assert uyghur_stored(db) == []
