"""A worker killed between the platform's answer and its commit does not publish twice (issue 20).

How the kill is made real: the worker runs `send_due` in a process of its own, on the same SQLite
file, publishing over HTTP to the fake platform (tests/publishing/fake_platform.py). When the
platform keeps the post, before it answers, the test takes the database's write lock from a
connection of its own (BEGIN IMMEDIATE): the worker gets the platform's answer and cannot commit
its record of it (it waits on the lock); the test then kills it with SIGKILL, as a crash, an
out-of-memory kill or a deploy would. The platform has the post; the product has a row left
`sending`. A worker afterwards (here the test's own process, the clock moved past the lease)
asks the platform first, finds the post and records it: published once."""
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from services.publishing import autopublish
from services.publishing.models import Publication
from tests.conftest import wait_for
from tests.publishing.autopublish_kit import (
    approved,
    detail,
    later,
    post_of,
    queue_approved,
    running_platform,
    worker_runs,
)

WORKER = """
import sys
from govmb.personal import install
from services.publishing import autopublish
from tests.keys import PERSONAL
from tests.system import migrated_app, settings_for
install(PERSONAL)
app = migrated_app("publishing", settings_for("publishing", "sqlite:///" + sys.argv[1]))
with app.app_context():
    print("published", autopublish.send_due(), flush=True)
"""
ROOT = Path(__file__).resolve().parents[2]


def test_a_worker_killed_after_the_platforms_answer_and_before_its_commit_does_not_publish_twice(
        monkeypatch, app, client, tmp_path):
    database = tmp_path / "publishing.db"  # the app fixture's file
    with running_platform(monkeypatch, app) as fake:
        d = approved(client)
        queue_approved(client)
        locker = sqlite3.connect(database, timeout=5, isolation_level=None, check_same_thread=False)
        fake.on_publish = lambda _post: locker.execute("BEGIN IMMEDIATE")  # in the server's thread, before it answers
        worker = subprocess.Popen([sys.executable, "-c", WORKER, str(database)], cwd=ROOT,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            wait_for(lambda: fake.posts, timeout=60, message="the worker's post on the platform")
            time.sleep(0.5)  # the answer reaches the worker, which waits on the lock to commit
            assert worker.poll() is None, worker.communicate()
        finally:
            worker.kill()
            worker.wait(timeout=10)
            locker.execute("ROLLBACK")
            locker.close()
        assert len(fake.posts) == 1 and fake.sent() == 1
        post = post_of(client)
        assert post.status == "sending"  # nothing of the answer was kept
        with client.application.app_context():
            assert not Publication.select().exists()

        assert worker_runs(client) == 0 and fake.sent() == 1  # within the lease: left alone
        past_lease = later(autopublish.LEASE.total_seconds() / 60 + 1)
        assert worker_runs(client, at=past_lease, monkeypatch=monkeypatch) == 1
        assert worker_runs(client, at=past_lease, monkeypatch=monkeypatch) == 0
        assert fake.sent() == 1 and len(fake.posts) == 1  # found on the platform: not sent again
        got = detail(client, d["id"])
        assert [p["url"] for p in got["publications"]] == [fake.posts[0]["url"]]
        assert got["platform_posts"][0]["status"] == "published"
