"""Two processes of a service start at once and both migrate (the API's `ops.cli migrate` and
the worker, as the Procfile runs them): one applies the migrations, the other waits its turn and
finds nothing left, even past a migration that builds an index CONCURRENTLY (inquiry's 0019),
which waits for every open transaction. Seen: a deadlock with a blocking pg_advisory_lock."""
import threading
from contextlib import ExitStack

import pytest

from govmb.db import migrate, open_database
from tests import infra
from tests.system import spec_of

pytestmark = pytest.mark.integration


def migrating_at_once(url: str, service: str = "inquiry", processes: int = 2) -> list[list[str]]:
    """What each of `processes` migrating the database at `url` at once applied; an error fails."""
    results, errors = [], []

    def run():
        db = open_database(url, max_connections=2)
        try:
            results.append(migrate(db, spec_of(service).migrations, service))
        except Exception as exc:  # a deadlock surfaces here
            errors.append(exc)
        finally:
            db.close_all()

    threads = [threading.Thread(target=run) for _ in range(processes)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    return results


def test_two_processes_migrating_at_once_neither_deadlocks(postgres_server):
    with ExitStack() as stack:
        url = stack.enter_context(infra.fresh_database(postgres_server, prefix="govmb_twice"))
        results = migrating_at_once(url)
        assert sorted(len(r) for r in results) == [0, len(list(spec_of("inquiry").migrations.glob("0*.py")))]
