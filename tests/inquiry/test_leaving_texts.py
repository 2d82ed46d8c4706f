"""The same checks on every text that leaves the inbox (issue 16): a reply, feedback, the result
and the post text published from it, a problem notice's reply. Each is refused with 422 for a
classified word (disguised) or a resident ID number, naming its field, the finding and where it
is, and nothing is written; clean text passes; a warning comes back with the answer. The words
are inquiry's copy of publishing's lists, kept by events that may come twice or late."""
import pytest

from services.inquiry.models import LexiconCopy, Message, ProblemNotice, WordListsVersion, bus, db
from services.inquiry.wordlists import HANDLERS, current
from tests.inquiry.conftest import DEPT_STAFF, JOINT, message
from tests.inquiry.test_notices import NOTICE, units

CLASSIFIED = "本件属机\u200b密，请勿外传。"  # 机密 at 3 to 6 as written (a zero-width space inside)
ID_NUMBER = "您登记的身份证号 11010519491231002X 已核对。"  # 11010519491231002X: a valid check digit
CLEAN = "您好，路灯已安排维修，感谢您的监督。"
WORD = {"id": 1, "word": "机密", "category": "classified", "severity": "block", "deleted": False, "revision": 1}


def feed(app, event_type: str, payload: dict) -> None:
    """A handler as the consumer runs it: inside its batch's transaction."""
    with app.app_context(), db.atomic():
        HANDLERS[event_type](payload, None)


def stored(app, read):
    with app.app_context():
        return read()


@pytest.fixture
def inquiry(app, client):
    """The service's client (each request in its own application context, so that each signs in
    afresh); the copy holding 机密."""
    units(app)
    feed(app, "publishing.lexicon.changed", WORD)
    return client


def step(client, mid, action, **body):
    return client.post(f"/api/messages/{mid}/actions/{action}", json=body, headers=DEPT_STAFF)


def waiting_for(client, action: str) -> int:
    """A message whose next step is `action`, brought there with clean texts."""
    mid = message(client).json["id"]
    for before in ("reply", "feedback", "resolve"):
        if before == action:
            return mid
        assert step(client, mid, before, text=CLEAN).status_code == 200


LEAVING = [  # the step, its body given the text, the field named
    ("reply", lambda t: {"text": t}, "text"),
    ("feedback", lambda t: {"text": t}, "text"),
    ("resolve", lambda t: {"text": t}, "text"),
    ("resolve", lambda t: {"text": CLEAN, "publish": True, "post_text": t}, "post_text"),
]


@pytest.mark.parametrize("action, body, field", LEAVING, ids=["reply", "feedback", "result", "post_text"])
def test_each_text_a_message_sends_out_is_refused_for_a_classified_word_or_an_id_number(app, inquiry, action, body,
                                                                                        field):
    mid = waiting_for(inquiry, action)
    written = lambda: (Message.get_by_id(mid).status, Message.get_by_id(mid).revision, bus.Outbox.select().count())  # noqa: E731
    before = stored(app, written)
    r = step(inquiry, mid, action, **body(CLASSIFIED))
    assert r.status_code == 422, r.json
    assert r.json["errors"] == {field: ["含涉密词语“机密”，不得发布（第 4 至 6 字）"]}
    r = step(inquiry, mid, action, **body(ID_NUMBER))
    assert r.status_code == 422 and list(r.json["errors"]) == [field]
    assert "居民身份证号码" in r.json["errors"][field][0] and "（第 10 至 27 字）" in r.json["errors"][field][0]
    assert stored(app, written) == before  # nothing written
    r = step(inquiry, mid, action, **body(CLEAN))
    assert r.status_code == 200 and r.json["findings"] == []


def test_a_warning_comes_back_with_the_answer_beside_its_field(inquiry):
    """A reply the checks flag is held for review (issue 19, tests/inquiry/test_reply_review.py)."""
    mid = waiting_for(inquiry, "reply")
    r = step(inquiry, mid, "reply", text="您好，请拨打 138 1234 5678 联系。")
    assert r.status_code == 200 and r.json["status"] == "received" and r.json["review_waiting"]
    [found] = r.json["findings"]
    assert (found["field"], found["check"], found["severity"], found["start"], found["end"]) == (
        "text", "mobile", "warn", 7, 20)
    assert found["message"].endswith("（第 8 至 20 字）")


def test_a_notice_reply_is_checked_too(app, inquiry):
    n = inquiry.post("/api/notices", json=NOTICE, headers=JOINT).json
    for text in (CLASSIFIED, ID_NUMBER):
        r = inquiry.post(f"/api/notices/{n['id']}/reply", json={"reply": text}, headers=DEPT_STAFF)
        assert r.status_code == 422 and list(r.json["errors"]) == ["reply"], r.json
    assert stored(app, lambda: ProblemNotice.get_by_id(n["id"]).status) == "issued"
    r = inquiry.post(f"/api/notices/{n['id']}/reply", json={"reply": CLEAN}, headers=DEPT_STAFF)
    assert r.status_code == 200 and r.json["status"] == "replied" and r.json["findings"] == []


# ------------------------------------------------------------------ the copy
def words() -> list[str]:
    lexicon = current()[0]
    return sorted(w for w, *_ in lexicon.automaton.values()) if lexicon.size else []


def test_an_event_applied_twice_or_late_changes_nothing(app, inquiry):
    lexicon = "publishing.lexicon.changed"
    version = stored(app, lambda: WordListsVersion.get_by_id(1).version)
    feed(app, lexicon, WORD)  # again
    assert stored(app, lambda: (WordListsVersion.get_by_id(1).version, LexiconCopy.select().count())) == (version, 1)
    feed(app, lexicon, {**WORD, "severity": "warn", "category": "sensitive", "revision": 3})
    feed(app, lexicon, {**WORD, "revision": 2})  # late: older than what is here
    assert stored(app, lambda: LexiconCopy.get_by_id(1).category) == "sensitive"
    feed(app, lexicon, {**WORD, "deleted": True, "revision": 4})
    feed(app, lexicon, {**WORD, "revision": 3})  # late again: the delete stands
    assert stored(app, lambda: (words(), LexiconCopy.get_by_id(1).deleted)) == ([], True)
    feed(app, lexicon, {**WORD, "word": "绝密", "revision": 5})  # the id taken again, later
    assert stored(app, words) == ["绝密"]


def test_the_corrections_and_leaders_are_copied_too(app, inquiry):
    feed(app, "publishing.correction.changed", {"id": 1, "wrong": "依法制国", "right": "依法治国", "kind": "formulation",
                                           "deleted": False, "revision": 1})
    feed(app, "publishing.leader.changed", {"id": 1, "name": "张三", "title": "副市长", "rank": 2, "active": True,
                                       "deleted": False, "revision": 1})
    mid = waiting_for(inquiry, "reply")
    r = step(inquiry, mid, "reply", text="坚持依法制国。")
    assert r.status_code == 422 and "不规范表述“依法制国”" in r.json["errors"]["text"][0]
    r = step(inquiry, mid, "reply", text="市长张三作出批示。")
    assert r.status_code == 422 and "领导职务有误" in r.json["errors"]["text"][0]
    feed(app, "publishing.leader.changed", {"id": 1, "name": "张三", "title": "副市长", "rank": 2, "active": False,
                                       "deleted": False, "revision": 2})
    assert step(inquiry, mid, "reply", text="市长张三作出批示。").status_code == 200  # no longer on the list
