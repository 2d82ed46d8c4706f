"""The services behind PgBouncer in transaction pooling, as docker-compose.yml runs them: a
private pgbouncer (Debian's, `make tools`) running deploy/pgbouncer/pgbouncer.ini (its upstream, port,
auth and pool size replaced) in front of the machine's PostgreSQL, two server
connections shared by several threads. Each transaction may run on any server connection, so
only what lasts a transaction is safe: the advisory locks the running services take are
transaction locks (govmb.db.transaction_lock), and the migrations' lock is one too, held by a
transaction of its own. A session lock (pg_advisory_lock) is shown to break there: it stays on
the server connection after its client has gone, and another client on that connection takes
it as its own."""
import configparser
import os
import pwd
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path
from urllib.parse import urlsplit

import psycopg2
import pytest

from govmb.db import _lock_key
from govmb.service import ensure_database
from tests import infra
from tests.conftest import wait_for
from tests.integration import test_job_replicas as replicas
from tests.integration.test_concurrent_migrations import migrating_at_once
from tests.system import migrated_app, settings_for, spec_of
from tests.unit import test_audit_chain as chain
from tests.unit.test_audit import OFFICE

pytestmark = pytest.mark.integration
PGBOUNCER = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
POOL_SIZE = 2
SHIPPED = Path(__file__).resolve().parents[2] / "deploy" / "pgbouncer" / "pgbouncer.ini"


def _reachable(url: str) -> bool:
    try:
        psycopg2.connect(url, connect_timeout=1).close()
        return True
    except psycopg2.OperationalError:
        return False


@pytest.fixture
def bounced(pg_url):
    """`pg_url`'s database through a private pgbouncer in transaction pooling (trust, as the
    machine's PostgreSQL), at most POOL_SIZE server connections to it."""
    if not os.path.exists(PGBOUNCER):
        pytest.skip("needs Debian's pgbouncer: run `make tools`")
    server, port = urlsplit(pg_url), infra.free_port()
    folder = Path(tempfile.mkdtemp(prefix="govmb-pgbouncer-"))
    (folder / "users.txt").write_text(f'"{server.username}" ""\n')
    config = configparser.ConfigParser(interpolation=None)
    config.read(SHIPPED)  # docker-compose.yml's own, only what differs here replaced
    config["databases"]["*"] = f"host={server.hostname} port={server.port or 5432}"
    config["pgbouncer"].update({"listen_addr": "127.0.0.1", "listen_port": str(port), "auth_type": "trust",
                                "auth_file": str(folder / "users.txt"), "default_pool_size": str(POOL_SIZE),
                                "reserve_pool_size": "0", "logfile": str(folder / "pgbouncer.log"),
                                "pidfile": str(folder / "pgbouncer.pid")})
    assert config["pgbouncer"]["pool_mode"] == "transaction"
    with open(folder / "pgbouncer.ini", "w") as out:
        config.write(out)
    command = [PGBOUNCER, str(folder / "pgbouncer.ini")]
    if os.geteuid() == 0:  # pgbouncer refuses to run as root
        user = pwd.getpwnam("postgres" if _has_user("postgres") else "nobody")
        folder.chmod(0o755)
        for path in [folder, *folder.iterdir()]:
            os.chown(path, user.pw_uid, user.pw_gid)
        command[1:1] = ["-u", user.pw_name]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"postgresql://{server.username}@127.0.0.1:{port}{server.path}"
    try:
        wait_for(lambda: process.poll() is not None or _reachable(url), timeout=20, message="pgbouncer up")
        assert process.poll() is None, process.stderr.read().decode()
        yield url
    finally:
        process.terminate()
        process.wait(10)
        shutil.rmtree(folder, ignore_errors=True)


def _has_user(name: str) -> bool:
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def _client(url: str):
    conn = psycopg2.connect(url)
    conn.autocommit = True
    return conn


def _one(conn, sql: str, *args):
    with conn.cursor() as cursor:
        cursor.execute(sql, args)
        return cursor.fetchone()[0]


def test_a_session_lock_taken_through_the_bouncer_is_shared_and_outlives_its_client(pg_url, bounced):
    """Why no process of ours takes a session lock: through the bouncer, a second client takes a
    lock the first holds, and the lock stays held when the first has gone."""
    key = _lock_key("govmb-test-session-lock")
    first, second, direct = _client(bounced), _client(bounced), _client(pg_url)
    try:
        assert _one(first, "SELECT true FROM pg_advisory_lock(%s)", key)
        # one client at a time here: both statements run on the server connection used last
        assert _one(second, "SELECT pg_try_advisory_lock(%s)", key), "a second client was refused the lock"
        first.close()
        second.close()
        # both clients gone, the lock is still held, by the server connection the bouncer keeps
        assert not _one(direct, "SELECT pg_try_advisory_lock(%s)", key), "the session lock was released"
    finally:
        direct.close()


def test_a_transaction_lock_through_the_bouncer_excludes_others_and_ends_with_its_transaction(pg_url, bounced):
    key = _lock_key("govmb-test-transaction-lock")
    holder, other, direct = psycopg2.connect(bounced), _client(bounced), _client(pg_url)
    try:
        assert _one(holder, "SELECT true FROM pg_advisory_xact_lock(%s)", key)
        assert not _one(other, "SELECT pg_try_advisory_xact_lock(%s)", key)
        assert not _one(direct, "SELECT pg_try_advisory_xact_lock(%s)", key)
        holder.commit()
        assert _one(other, "SELECT pg_try_advisory_xact_lock(%s)", key)
        assert _one(direct, "SELECT pg_try_advisory_lock(%s)", key)  # nothing left held
    finally:
        for conn in (holder, other, direct):
            conn.close()


def test_two_processes_migrating_through_the_bouncer_take_turns_and_leave_no_lock(pg_url, bounced):
    """docker-compose.yml migrates straight to PostgreSQL (db-setup); a worker of the Procfile
    migrating through a bouncer must still take turns with another, and release its lock."""
    results = migrating_at_once(bounced)  # inquiry's, among them an index built CONCURRENTLY
    assert sorted(len(r) for r in results) == [0, len(list(spec_of("inquiry").migrations.glob("0*.py")))]
    direct = _client(pg_url)
    try:
        assert _one(direct, "SELECT pg_try_advisory_lock(%s)", _lock_key("govmb-migrate-inquiry"))
    finally:
        direct.close()


def test_writers_through_the_bouncer_make_one_audit_chain(pg_url, bounced):
    """Six threads share two server connections; each chains its rows under the chain's
    transaction lock (govmb.auditchain), migrated straight to PostgreSQL first."""
    migrated_app("registry", settings_for("registry", pg_url))
    ensure_database(spec_of("registry"), settings_for("registry", bounced))
    from services.registry import models
    with models.db.connection_context(), models.db.atomic():
        models.Unit.insert(id=4, name="东湖区民政局", kind="office", path="/1/3/4/").execute()

    def writer():
        with models.db.connection_context():
            for n in range(15):
                with models.db.atomic():
                    models.audit.record(OFFICE, "unit.update", "unit", 4, "/1/3/4/", f"并发{n}")
    threads = [threading.Thread(target=writer) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    with models.db.connection_context():
        report = chain.checked(models.audit)
    assert report.whole and report.checked == 90, report
    models.db.close_all()


def test_two_replicas_of_a_periodic_job_through_the_bouncer_never_send_one_revision_twice(pg_url, bounced):
    """publishing's monthly figures, run by two worker replicas at once (tests/integration/
    test_job_replicas.py), each under the job's transaction lock, through the bouncer."""
    migrated_app("publishing", settings_for("publishing", pg_url))  # straight to PostgreSQL
    replicas.test_two_replicas_running_the_figures_job_together_never_send_two_figures_under_one_revision(bounced)
