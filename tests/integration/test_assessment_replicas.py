"""Two assessment consumer replicas may handle an older and a newer event of the same transfer
or notice at the same moment; on PostgreSQL the newer state must win whichever commits first."""
import datetime as dt
import threading
import time

import pytest

from services.assessment import handlers
from services.assessment.models import NoticeFact, TransferFact
from tests.system import migrated_app, settings_for, spec_of

pytestmark = pytest.mark.integration

TRANSFER = {"transfer_id": 1, "message_id": 9, "from_unit_id": 2, "to_unit_id": 4, "to_unit_path": "/1/3/4/",
            "reason": "", "at": "2026-11-24T01:00:00+00:00"}
NOTICE = {"notice_id": 1, "unit_id": 4, "unit_path": "/1/3/4/", "importance": "high", "kind": "环境",
          "issued_at": "2026-11-24T01:00:00+00:00", "replied_at": None}


def _race(older, newer) -> None:
    """`older` is written in a transaction that stays open while `newer` arrives on another
    connection (another replica), then commits."""
    db = spec_of("assessment").db
    written = threading.Event()

    def first():
        with db.connection_context(), db.atomic():
            older()
            written.set()
            time.sleep(0.5)  # the other replica's statement comes in now

    t = threading.Thread(target=first)
    t.start()
    assert written.wait(10)
    with db.connection_context(), db.atomic():
        newer()
    t.join(10)


def test_a_returned_transfer_is_not_taken_back_by_its_concurrent_pending_event(pg_url):
    migrated_app("assessment", settings_for("assessment", pg_url))
    _race(lambda: handlers.transfer_changed({**TRANSFER, "status": "pending"}, None),
          lambda: handlers.transfer_changed({**TRANSFER, "status": "returned", "reason": "不属于本单位职责"}, None))
    _race(lambda: handlers.notice_changed({**NOTICE, "status": "issued"}, None),
          lambda: handlers.notice_changed({**NOTICE, "status": "replied",
                                           "replied_at": "2026-11-24T02:00:00+00:00"}, None))
    with spec_of("assessment").db.connection_context():
        transfer, notice = TransferFact.get_by_id(1), NoticeFact.get_by_id(1)
        assert (transfer.status, transfer.reason) == ("returned", "不属于本单位职责")
        assert (notice.status, notice.replied_at) == ("replied", dt.datetime(2026, 11, 24, 2))
        # and a late older event, alone, changes nothing
        handlers.transfer_changed({**TRANSFER, "status": "pending"}, None)
        handlers.notice_changed({**NOTICE, "status": "issued"}, None)
        assert TransferFact.get_by_id(1).status == "returned" and NoticeFact.get_by_id(1).status == "replied"
    spec_of("assessment").db.close_all()
