"""Inquiry's copy of the office's lists follows publishing's (issue 16) through the bus: a word
the office adds is refused in a reply, a word it deletes passes again, the corrections publishing
ships arrive with its first migration; and a replay of publishing's events fills an emptied copy
again. Here on the in-process bus; tests/integration/test_lists_copy_rabbitmq.py runs the same over
RabbitMQ and PostgreSQL."""
from ops.replay import replay
from services.inquiry.models import CorrectionCopy, LeaderCopy, LexiconCopy, WordListsVersion
from tests.conftest import wait_for
from tests.inquiry.conftest import DEPT_STAFF, message
from tests.inquiry.test_result_posts import system  # noqa: F401  (inquiry and publishing on the in-process bus)
from tests.publishing.conftest import JOINT
from tests.system import spec_of

REPLY = "本件属机\u200b密，请勿外传。"


def answer(inquiry, text: str):
    """A reply to a fresh message (a message is replied to once)."""
    mid = message(inquiry).json["id"]
    return inquiry.post(f"/api/messages/{mid}/actions/reply", json={"text": text}, headers=DEPT_STAFF)


def refused(inquiry, text: str = REPLY) -> bool:
    r = answer(inquiry, text)
    assert r.status_code in (200, 422), r.json
    return r.status_code == 422


def follows_the_office(inquiry, publishing) -> None:
    """The office adds 机密, inquiry refuses it; deletes it, inquiry lets it through."""
    wait_for(lambda: _typo_seen(inquiry), message="the shipped corrections in inquiry's copy")
    r = publishing.post("/api/lexicon", json={"entries": [{"word": "机密", "category": "classified", "severity": "block"}]},
                        headers=JOINT)
    assert r.status_code == 200, r.json
    wait_for(lambda: refused(inquiry), message="inquiry to learn of the new word")
    [entry] = [e for e in publishing.get("/api/lexicon", headers=JOINT).json if e["word"] == "机密"]
    assert publishing.delete(f"/api/lexicon/{entry['id']}", headers=JOINT).status_code == 204
    wait_for(lambda: not refused(inquiry), message="inquiry to learn of the deletion")


def _typo_seen(inquiry) -> bool:
    """A reply with a typo of publishing's shipped list goes out with its warning."""
    r = answer(inquiry, "已按装新路灯。")
    return r.status_code == 200 and any("按装" in f["message"] for f in r.json["findings"])


def copied() -> tuple[int, int, int]:
    with spec_of("inquiry").db.connection_context():
        return tuple(m.select().where(~m.deleted).count() for m in (LexiconCopy, CorrectionCopy, LeaderCopy))


def restored_by_replay(client, office) -> None:
    """Inquiry's copy lost, publishing's replay fills it again, the deleted word left out."""
    r = office.post("/api/lexicon", json={"entries": [{"word": "绝密", "category": "classified", "severity": "block"}]},
                    headers=JOINT)
    assert r.status_code == 200
    wait_for(lambda: copied()[0] == 1, message="the word in the copy")
    full = copied()
    assert full[1] > 200  # the corrections publishing ships

    with spec_of("inquiry").db.connection_context():  # inquiry's copy lost
        for model in (LexiconCopy, CorrectionCopy, LeaderCopy):
            model.delete().execute()
        WordListsVersion.bump()
    assert copied() == (0, 0, 0) and not refused(client, "文件属绝密。")
    with spec_of("publishing").db.connection_context():
        assert replay(spec_of("publishing")) >= sum(full)
    wait_for(lambda: copied() == full, message="the replay to fill the copy again")
    assert refused(client, "文件属绝密。")
    assert not refused(client)  # the deleted word stays deleted


def test_the_copy_follows_an_addition_and_a_deletion_and_a_replay_restores_it(system):  # noqa: F811
    inquiry, publishing = system
    client, office = inquiry.test_client(), publishing.test_client()
    follows_the_office(client, office)
    restored_by_replay(client, office)
