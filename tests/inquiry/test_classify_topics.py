"""Suggested category and sentiment that learn from staff; hot topics among negative messages."""
import datetime as dt

from services.inquiry.models import Message
from tests.inquiry.conftest import COUNTY, DEPT_STAFF, JOINT, message


def test_a_clear_message_gets_a_sensible_suggestion_for_staff_to_confirm(client):
    m = message(client, text="举报某小区地下室有人无证经营小作坊").json
    assert (m["category"], m["category_confirmed"]) == ("report", False)
    thanks = message(client, text="感谢社区工作人员，为你们点赞！").json
    assert (thanks["category"], thanks["sentiment"]) == ("praise", "positive")
    r = client.post(f"/api/messages/{m['id']}/classify", json={"category": "complaint", "sentiment": "negative"},
                    headers=DEPT_STAFF)
    assert r.json["category"] == "complaint" and r.json["category_confirmed"] is True
    assert client.post(f"/api/messages/{m['id']}/classify", json={"category": "gossip", "sentiment": "negative"},
                       headers=DEPT_STAFF).status_code == 422
    assert client.post(f"/api/messages/{m['id']}/classify", json={"category": "query", "sentiment": "neutral"},
                       headers=COUNTY).status_code == 403


def test_the_suggestion_learns_from_what_staff_confirm(client, monkeypatch):
    from services.inquiry import classify
    monkeypatch.setattr(classify, "RECHECK_SECONDS", 0.0)  # look for new confirmations at once
    text = "共享单车乱停乱放堵塞人行道"
    before = message(client, text=text).json["category"]
    for i in range(6):  # the units keep filing this kind of message as a suggestion
        m = message(client, text=f"共享单车乱停乱放，建议划定停放区域{i}").json
        client.post(f"/api/messages/{m['id']}/classify", json={"category": "suggestion", "sentiment": "neutral"},
                    headers=DEPT_STAFF)
    after = message(client, text=text).json["category"]
    assert (before, after) == ("complaint", "suggestion")
    assert Message.select().where(Message.category_confirmed == True).count() == 6  # noqa: E712


def test_hot_topics_rise_among_the_days_negative_messages(client):
    now = dt.datetime.now(dt.timezone.utc)
    for hours in (1, 2, 3):
        message(client, text="自来水发黄有异味，无法饮用", sentiment="negative",
                received_at=(now - dt.timedelta(hours=hours)).isoformat())
    message(client, text="路灯坏了没人修", sentiment="negative", received_at=(now - dt.timedelta(days=3)).isoformat())
    message(client, text="路灯坏了没人修", sentiment="negative", received_at=(now - dt.timedelta(days=4)).isoformat())
    message(client, text="自来水很好喝，感谢", sentiment="positive", received_at=(now - dt.timedelta(hours=1)).isoformat())
    hot = client.get("/api/messages/hot-topics", headers=DEPT_STAFF).json
    assert hot["day"][0]["word"] in ("自来水", "发黄", "异味") and hot["day"][0]["count"] == 3
    assert {"word": "路灯", "count": 2} in hot["week"]
    assert client.get("/api/messages/hot-topics", headers=JOINT).json["day"][0]["count"] == 3


def test_hot_topics_count_the_words_segmented_once_at_intake(client):
    now = dt.datetime.now(dt.timezone.utc)
    ids = [message(client, text="自来水发黄有异味，无法饮用", sentiment="negative",
                   received_at=(now - dt.timedelta(hours=h)).isoformat()).json["id"] for h in (1, 2)]
    with client.application.app_context():
        assert set(Message.get_by_id(ids[0]).keywords.split()) >= {"自来水", "发黄", "异味"}
        Message.update(keywords="停水 停水").where(Message.id.in_(ids)).execute()  # what intake stored is what counts
    hot = client.get("/api/messages/hot-topics", headers=DEPT_STAFF).json
    assert [w["word"] for w in hot["day"]] == ["停水"] and hot["day"][0]["count"] == 2


def test_hot_topics_are_content_words_not_the_fillers_every_complaint_uses(client):
    """Issue 17, bug 10: 反映、处理、多次、所在、无人 were hot topics; the stop-word list (a data
    file) leaves them out at intake and when counting the keywords kept before it."""
    from services.inquiry import classify
    assert {"反映", "处理", "多次", "所在", "无人"} <= classify.stopwords()
    now = dt.datetime.now(dt.timezone.utc)
    ids = [message(client, text="多次反映所在小区垃圾无人处理，垃圾站臭气熏天", sentiment="negative",
                   received_at=(now - dt.timedelta(hours=h)).isoformat()).json["id"] for h in (1, 2, 3)]
    with client.application.app_context():
        kept = set(Message.get_by_id(ids[0]).keywords.split())
        assert "垃圾" in kept and not kept & {"反映", "处理", "多次", "所在", "无人"}
        Message.update(keywords="反映 处理 垃圾").where(Message.id == ids[1]).execute()  # kept before the list
    words = [w["word"] for w in client.get("/api/messages/hot-topics", headers=DEPT_STAFF).json["day"]]
    assert words[0] == "垃圾" and not set(words) & {"反映", "处理", "多次", "所在", "无人"}


def test_the_scorer_suggests_what_the_fitted_pipeline_predicts(client):
    """Suggestions are scored from the pipeline's weights without scikit-learn's per-call
    set-up; on seeds, confirmed texts, mixed texts and unknown words they agree with it."""
    from services.inquiry import classify
    for i in range(4):
        m = message(client, text=f"共享单车乱停乱放，建议划定停放区域{i}").json
        client.post(f"/api/messages/{m['id']}/classify", json={"category": "suggestion", "sentiment": "negative"},
                    headers=DEPT_STAFF)
    texts = [t for examples in (*classify.SEED_CATEGORY.values(), *classify.SEED_SENTIMENT.values()) for t in examples]
    texts += [a + b for a, b in zip(texts, reversed(texts))]
    texts += ["共享单车乱停乱放", "", "ＸＹＺ完全没见过的词语组合", "感谢感谢感谢但是投诉无果", "请问 请问 举报"]
    with client.application.app_context():
        for field, seeds in (("category", classify.SEED_CATEGORY), ("sentiment", classify.SEED_SENTIMENT)):
            pipeline = classify._pipeline(field, seeds)
            scorer = classify.Scorer.of(pipeline)
            assert len(set(scorer.classes)) > 2
            expected = [str(label) for label in pipeline.predict(texts)]
            assert [scorer.predict(classify._tokens(t)) for t in texts] == expected


def test_the_city_and_the_top_units_topics_are_kept_by_the_job_and_read_until_it_stops(client, monkeypatch):
    """The job keeps the hot topics of the city and the units at most two levels deep; the API
    answers from them (a message after the count shows at the next), and counts afresh for a
    deeper unit or when the job has not counted lately."""
    from govmb.unit_copy import apply_unit_changed
    from services.inquiry import topics
    from services.inquiry.models import Unit
    with client.application.app_context():
        for uid, path in ((1, "/1/"), (3, "/1/3/"), (4, "/1/3/4/")):
            apply_unit_changed(Unit)({"id": uid, "name": f"单位{uid}", "kind": "department",
                                      "parent_id": None, "path": path, "revision": 1}, None)
    now = dt.datetime.now(dt.timezone.utc)
    for hours in (1, 2):
        message(client, text="自来水发黄有异味", sentiment="negative", received_at=(now - dt.timedelta(hours=hours)).isoformat())
    with client.application.app_context():
        assert topics.keep() == 3  # the city, /1/ and /1/3/; not /1/3/4/, three levels down
        assert topics.KeptTopics.get_by_id("*") and topics.KeptTopics.get_by_id("/1/3/")
    message(client, text="自来水发黄有异味", sentiment="negative", received_at=(now - dt.timedelta(minutes=5)).isoformat())
    assert client.get("/api/messages/hot-topics", headers=JOINT).json["day"][0]["count"] == 2  # as kept
    assert client.get("/api/messages/hot-topics", headers=COUNTY).json["day"][0]["count"] == 2
    assert client.get("/api/messages/hot-topics", headers=DEPT_STAFF).json["day"][0]["count"] == 3  # /1/3/4/: counted
    with client.application.app_context():
        topics.keep()
    assert client.get("/api/messages/hot-topics", headers=JOINT).json["day"][0]["count"] == 3
    monkeypatch.setattr(topics, "KEPT_FOR", dt.timedelta(0))  # the job has stopped: counted on the visit
    message(client, text="自来水发黄有异味", sentiment="negative", received_at=(now - dt.timedelta(minutes=1)).isoformat())
    assert client.get("/api/messages/hot-topics", headers=JOINT).json["day"][0]["count"] == 4
