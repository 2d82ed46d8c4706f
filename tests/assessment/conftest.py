"""The assessment service on SQLite, fed with facts the way the bus delivers them."""
import itertools

import pytest

from govmb.account_copy import apply_account_snapshot
from govmb.unit_copy import apply_unit_changed
from services.assessment.handlers import HANDLERS
from services.assessment.models import Account, Unit
from tests.conftest import auth
from tests.publishing.conftest import account
from tests.system import migrated_app, settings_for

# The city /1/; county /1/3/ with department /1/3/4/; department /1/5/ elsewhere.
UNITS = [(1, "南昌市", "region", None, "/1/"), (2, "联席会议办公室", "office", 1, "/1/2/"),
         (3, "东湖区", "district", 1, "/1/3/"), (4, "东湖区民政局", "department", 3, "/1/3/4/"),
         (5, "市交通运输局", "department", 1, "/1/5/")]
OFFICE = auth(2, "/1/2/", "joint_office", person=30)
COUNTY = auth(3, "/1/3/", "leader", person=21)
DEPT = auth(4, "/1/3/4/", "operator", person=13)
OTHER = auth(5, "/1/5/", "operator", person=31)
_ids = itertools.count(1000)


def feed(event_type: str, payload: dict) -> None:
    HANDLERS[event_type](payload, None)


def post(account_id, unit_id, released_at, original=True, emergency_on_time=None, **extra):
    path = next(u[4] for u in UNITS if u[0] == unit_id)
    feed("publishing.post.released", {
        "draft_id": extra.pop("draft_id", next(_ids)), "account_id": account_id, "unit_id": unit_id, "unit_path": path,
        "original": original, "info_type": "emergency" if emergency_on_time is not None else "disclosure",
        "platforms": ["sina"], "released_at": released_at, "fast_track": False, "correction_of": None,
        "emergency_event_at": released_at if emergency_on_time is not None else None,
        "emergency_on_time": emergency_on_time, "text": extra.pop("text", "发布内容"),
        "reviews": extra.pop("reviews", [])})


def message(account_id, unit_id, received_at, reply_due_at, replied_at=None, resolved_at=None, sentiment="neutral",
            category="query", kind="comment", feedback_due_at=None, id=None, status=None):
    path = next(u[4] for u in UNITS if u[0] == unit_id)
    feed("inquiry.message.changed", {
        "id": id or next(_ids), "account_id": account_id, "unit_id": unit_id, "unit_path": path, "category": category,
        "sentiment": sentiment, "status": status or ("resolved" if resolved_at else "replied" if replied_at else "received"),
        "step": "x", "received_at": received_at, "replied_at": replied_at, "fed_back_at": None,
        "resolved_at": resolved_at, "reply_due_at": reply_due_at, "feedback_due_at": feedback_due_at or reply_due_at,
        "verification_due_at": None, "revision": 1, "kind": kind})


@pytest.fixture
def app(tmp_path):
    return seeded_app(f"sqlite:///{tmp_path / 'a.db'}")


def seeded_app(url: str):
    """The service on the database at `url`, with the units and accounts above."""
    app = migrated_app("assessment", settings_for("assessment", url))
    with app.app_context():
        units = apply_unit_changed(Unit)
        for id_, name, kind, parent, path in UNITS:
            units({"id": id_, "name": name, "kind": kind, "parent_id": parent, "path": path, "revision": 1}, None)
        accounts = apply_account_snapshot(Account)
        accounts(account(1), None)  # livelihood, unit 4
        accounts(account(2, category="policy"), None)  # policy, unit 4
        accounts(account(3, 5, "/1/5/"), None)  # livelihood, unit 5
    return app  # no app context held open: each request has its own, with its own caller


@pytest.fixture
def client(app):
    return app.test_client()
