"""Keep-alive between the web app and a service: a real registry under gunicorn (gunicorn.conf.py as
the Procfile runs it) and the web app's ServiceClient making calls. The service's JSON access log
names each request's client port, one per TCP connection: with keep-alive, a handful of
connections carry every call; with KEEPALIVE_SECONDS=0 (gunicorn closes after each answer) each
call opens its own. The same log shows the access line's fields: the path without its query, a
quote in a path escaped as JSON, the correlation id."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

from govmb.context import reset_correlation_id, set_correlation_id
from tests import infra
from tests.conftest import wait_for
from web.client import ServiceClient

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
CALLS = 40


@contextmanager
def registry_under_gunicorn(tmp_path: Path, **env: str):
    """The registry's API under gunicorn on a free port (one worker of four threads, SQLite), its
    access log (stdout) in a file; the log's lines once it has stopped."""
    port, log = infra.free_port(), tmp_path / "access.log"
    environ = {**os.environ, "BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "1", "THREADS": "4",
               "GOVMB_DATA_DIR": str(tmp_path), "REGISTRY_DATABASE_URL": f"sqlite:///{tmp_path / 'registry.db'}",
               "PYTHONPATH": str(ROOT), **env}
    environ.pop("GOVMB_MODE", None)
    environ.pop("PROMETHEUS_MULTIPROC_DIR", None)
    with open(log, "wb") as out, open(tmp_path / "error.log", "wb") as err:
        proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py",
                                 "services.registry.app:create_app()"], cwd=ROOT, env=environ, stdout=out,
                                stderr=err, start_new_session=True)
    lines: list[dict] = []
    try:
        wait_for(lambda: _answers(f"http://127.0.0.1:{port}/healthz") or proc.poll() is not None, timeout=60,
                 interval=0.2, message="gunicorn to answer")
        assert proc.poll() is None, (tmp_path / "error.log").read_text()
        yield f"http://127.0.0.1:{port}", lines
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(30)
        lines += [json.loads(line) for line in log.read_text().splitlines() if line.strip()]


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False


def _calls(client: ServiceClient, n: int, threads: int = 1, mark: str = "keepalive") -> list[int]:
    def one(i: int) -> int:
        token = set_correlation_id(f"{mark}-{i}")
        try:
            return client.get("/healthz", params={"secret": "citizen-contact"}).status_code
        finally:
            reset_correlation_id(token)
    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(one, range(n)))


def _connections(lines: list[dict], mark: str = "keepalive") -> set[int]:
    """The client ports of the web client's calls marked `mark` (one per TCP connection it opened)."""
    calls = [line for line in lines if str(line.get("correlation_id", "")).startswith(f"{mark}-")]
    assert len(calls) == CALLS, f"{len(calls)} access lines of {mark}, not {CALLS}"
    return {line["remote_port"] for line in calls}


def test_the_web_client_reuses_its_connections_to_a_service(tmp_path):
    with registry_under_gunicorn(tmp_path) as (url, lines):
        client = ServiceClient(url)
        assert _calls(client, CALLS) == [200] * CALLS
        # side by side, as get_together calls: as many threads as the worker's (THREADS)
        assert _calls(client, CALLS, threads=4, mark="together") == [200] * CALLS
    assert len(_connections(lines)) == 1  # one after the other: one connection
    assert len(_connections(lines, "together")) <= 4, sorted(_connections(lines, "together"))


def test_without_keepalive_each_call_opens_a_connection(tmp_path):
    # the measurement itself: gunicorn closing after every answer shows as one port per call
    with registry_under_gunicorn(tmp_path, KEEPALIVE_SECONDS="0") as (url, lines):
        assert _calls(ServiceClient(url), CALLS) == [200] * CALLS
    assert len(_connections(lines)) == CALLS


def test_the_access_log_is_json_without_the_query(tmp_path):
    with registry_under_gunicorn(tmp_path) as (url, lines):
        client = ServiceClient(url)
        token = set_correlation_id("access-log-check")
        try:
            assert client.get('/no"such/path', params={"phone": "13800000000"}).status_code == 404
        finally:
            reset_correlation_id(token)
    line = next(x for x in lines if x.get("correlation_id") == "access-log-check")
    assert line["path"] == '/no"such/path'  # the quote is JSON's to escape, not gunicorn's backslash
    assert line["method"] == "GET" and line["status"] == 404 and line["protocol"] == "HTTP/1.1"
    assert isinstance(line["duration_seconds"], float) and isinstance(line["remote_port"], int)
    assert {"time", "level", "name", "message"} <= set(line) and line["name"] == "gunicorn.access"
    assert not [x for x in lines if "13800000000" in json.dumps(x) or "citizen-contact" in json.dumps(x)]
