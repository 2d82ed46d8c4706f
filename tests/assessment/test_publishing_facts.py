"""Assessment keeps what publishing reports, once, whatever the order or the repeats."""
import pytest

from services.assessment.handlers import monthly_figures, post_released
from services.assessment.models import MonthlyFigureFact, PostFact
from tests.system import migrated_app, settings_for

POST = {"draft_id": 7, "account_id": 1, "unit_id": 4, "unit_path": "/1/3/4/", "original": True, "info_type": "disclosure",
        "platforms": ["sina"], "released_at": "2026-10-05T04:00:00+00:00", "fast_track": False, "correction_of": None,
        "emergency_event_at": None, "emergency_on_time": None}
MONTH = {"account_id": 1, "unit_id": 4, "unit_path": "/1/3/4/", "month": "2026-10", "category": "livelihood",
         "posts": 1, "original": 1, "original_share": 1.0, "quota": 20, "quota_met": False, "original_met": True,
         "revision": 1}


@pytest.fixture
def app(tmp_path):
    app = migrated_app("assessment", settings_for("assessment", f"sqlite:///{tmp_path / 'a.db'}"))
    with app.app_context():
        yield app


def test_a_post_is_kept_once(app):
    post_released(POST, None)
    post_released({**POST, "original": False}, None)
    assert PostFact.select().count() == 1 and PostFact.get_by_id(7).original is True


def test_monthly_figures_keep_the_highest_revision_in_any_order(app):
    monthly_figures({**MONTH, "posts": 3, "revision": 3}, None)
    monthly_figures({**MONTH, "posts": 2, "revision": 2}, None)  # late
    monthly_figures({**MONTH, "posts": 3, "revision": 3}, None)  # repeated
    row = MonthlyFigureFact.get()
    assert (row.posts, row.revision) == (3, 3) and MonthlyFigureFact.select().count() == 1


def test_messages_keep_their_latest_revision_and_missed_deadlines_once(app):
    from services.assessment.handlers import message_changed, message_overdue
    from services.assessment.models import MessageFact, MissedDeadlineFact
    base = {"id": 9, "account_id": 1, "unit_id": 4, "unit_path": "/1/3/4/", "category": None, "sentiment": None,
            "status": "received", "step": "received", "received_at": "2026-09-30T02:00:00+00:00", "replied_at": None,
            "fed_back_at": None, "resolved_at": None, "reply_due_at": "2026-10-01T02:00:00+00:00",
            "feedback_due_at": "2026-10-10T16:00:00+00:00", "verification_due_at": None, "revision": 1}
    message_changed({**base, "status": "replied", "step": "replied", "revision": 2}, None)
    message_changed(base, None)  # late
    assert MessageFact.get_by_id(9).status == "replied"
    missed = {"message_id": 9, "unit_id": 4, "unit_path": "/1/3/4/", "deadline": "reply", "due_at": base["reply_due_at"]}
    message_overdue(missed, None)
    message_overdue(missed, None)
    assert MissedDeadlineFact.select().count() == 1
