"""Every worker replica runs its service's periodic jobs (govmb/worker.py), so two replicas
run the same job at about the same moment. On PostgreSQL, publishing's monthly figures must
still go out as one revision per change, each revision with one set of figures."""
import json
import threading
import time

import pytest

from govmb.account_copy import apply_account_snapshot
from govmb.timefmt import utcnow
from services.publishing import figures
from services.publishing.models import Account, Draft, MonthlyFigure, db
from tests.publishing.conftest import PATH, UNIT, account
from tests.system import migrated_app, settings_for, spec_of

pytestmark = pytest.mark.integration
FIGURES = "publishing.account.monthly_figures"


def _release_a_post() -> None:
    with db.connection_context():
        Draft.create(account_id=1, unit_id=UNIT, unit_path=PATH, author_id=13, author_name="马丽",
                     text="东湖区今日开展义务植树活动。", info_type="participation", status="released",
                     released_at=utcnow())


def test_two_replicas_running_the_figures_job_together_never_send_two_figures_under_one_revision(pg_url):
    migrated_app("publishing", settings_for("publishing", pg_url))
    month = figures.dt.datetime.now(figures.BEIJING).strftime("%Y-%m")
    with db.connection_context():
        apply_account_snapshot(Account)(account(1), None)
    _release_a_post()
    with db.connection_context():
        figures.report(month)  # revision 1: one post
    _release_a_post()

    counted = threading.Event()

    def first_replica():  # counts two posts and holds its transaction open a moment
        with db.connection_context(), db.atomic():
            figures.report(month)
            counted.set()
            time.sleep(0.5)

    t = threading.Thread(target=first_replica)
    t.start()
    assert counted.wait(10)
    _release_a_post()  # a third post, released while the first replica has not committed
    with db.connection_context():
        figures.report(month)  # the second replica
    t.join(10)

    store = spec_of("publishing").store
    with db.connection_context():
        sent = [json.loads(r.body) for r in store.Outbox.select()
                .where(store.Outbox.event_type == FIGURES).order_by(store.Outbox.id)]
        stored = MonthlyFigure.get(MonthlyFigure.account_id == 1, MonthlyFigure.month == month)
    sent = [(e["revision"], e["posts"]) for e in sent if e["month"] == month and e["account_id"] == 1]
    # assessment keeps the highest revision and ignores a repeat of it: one revision, one count
    assert sent == [(1, 1), (2, 2), (3, 3)], sent
    assert (stored.revision, stored.posts) == (3, 3)
    db.close_all()
