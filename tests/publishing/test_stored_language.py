"""Issue 21: a draft taken through the whole chain, returned once, every request in Uyghur, stores
nothing in Uyghur: its steps, findings, audit trail and events (tests/stored_language.py)."""
from services.publishing.models import db
from tests.publishing.conftest import LEADER, OFFICE, OPERATOR, act, app, client, draft  # noqa: F401 (fixtures)
from tests.stored_language import answered_in_uyghur, speaking_uyghur, uyghur_stored


def test_a_draft_walked_in_uyghur_is_recorded_in_chinese(app, client):  # noqa: F811
    speaking_uyghur(client)
    d = draft(client, text="请联系 13800000000 了解详情。").json  # a finding: a phone number to confirm
    refused = act(client, d["id"], "return", OFFICE)  # not submitted yet: refused, in Uyghur
    assert refused.status_code in (409, 422) and answered_in_uyghur(refused.json)
    steps = [("submit", OPERATOR, {}), ("return", OFFICE, {"comment": "电话号码请改为单位总机"}),
             ("submit", OPERATOR, {}), ("check", OFFICE, {"acknowledge": True}), ("approve", LEADER, {}),
             ("record_publication", OPERATOR, {"platform": "sina", "url": "https://weibo.com/1/abc"}),
             ("record_publication", OPERATOR, {"platform": "xinhua", "url": "https://xinhua.example.cn/1/abc"})]
    for action, who, body in steps:
        r = act(client, d["id"], action, who, **body)
        assert r.status_code == 200, (action, r.json)
    assert r.json["status"] == "released"
    with app.app_context():
        assert uyghur_stored(db) == []
