"""An invalid message (G19.2, issue 19) leaves the three-month veto and the rates: inquiry's
event says `invalid`; the assessment drops its fact and keeps a tombstone by revision, so that
the same event twice or an older one come late changes nothing, and a later valid event (the
mark taken back) brings it back."""
from govmb.timefmt import utc
from services.assessment.models import InvalidMessageFact, MessageFact
from tests.assessment.conftest import feed, message, post
from tests.assessment.test_annual import units_of

NEVER_ANSWERED = {"id": 5001, "account_id": 3, "unit_id": 5, "unit_path": "/1/5/", "category": "query",
                  "sentiment": "neutral", "status": "received", "step": "x", "received_at": "2026-08-01T00:00:00+00:00",
                  "replied_at": None, "fed_back_at": None, "resolved_at": None,
                  "reply_due_at": "2026-08-02T00:00:00+00:00", "feedback_due_at": "2026-08-05T00:00:00+00:00",
                  "verification_due_at": None, "revision": 1, "kind": "comment"}


def invalid(app, revision: int, is_invalid: bool = True, **more) -> None:
    with app.app_context():
        feed("inquiry.message.changed", {**NEVER_ANSWERED, **more, "revision": revision, "invalid": is_invalid})


def test_an_invalid_message_leaves_the_veto_and_the_rates_and_comes_back_when_unmarked(app, client):
    post(3, 5, "2026-12-30T02:00:00+00:00")  # not dormant: the unanswered message is its one veto
    with app.app_context():
        message(3, 5, "2026-06-01T00:00:00+00:00", "2026-06-02T00:00:00+00:00", replied_at="2026-06-01T05:00:00+00:00")
        feed("inquiry.message.changed", NEVER_ANSWERED)
    u5 = units_of(client)[1][5]
    assert [v["item"] for v in u5["vetoes"]] == ["unanswered"]
    assert (u5["counts"]["messages"], u5["counts"]["reply_due"], u5["rates"]["reply_timeliness"]) == (2, 2, 0.5)

    invalid(app, 2)
    u5 = units_of(client)[1][5]
    assert u5["vetoes"] == [] and u5["grade"] != "fail"
    assert (u5["counts"]["messages"], u5["counts"]["reply_due"], u5["rates"]["reply_timeliness"]) == (1, 1, 1.0)

    invalid(app, 2)  # the same event again
    invalid(app, 1, is_invalid=False)  # an older one, come late
    with app.app_context():
        assert MessageFact.get_or_none(MessageFact.id == 5001) is None
        assert InvalidMessageFact.get_by_id(5001).revision == 2
    assert units_of(client)[1][5]["vetoes"] == []

    invalid(app, 3, is_invalid=False, replied_at="2026-12-01T00:00:00+00:00", status="replied")  # unmarked, replied late
    with app.app_context():
        assert MessageFact.get_by_id(5001).replied_at == utc("2026-12-01T00:00:00+00:00")
        assert InvalidMessageFact.get_or_none(InvalidMessageFact.id == 5001) is None
    u5 = units_of(client)[1][5]
    assert u5["vetoes"] == [] and u5["counts"]["messages"] == 2 and u5["rates"]["reply_timeliness"] == 0.5
