"""The distributed mode as the Procfile runs it: every API under gunicorn and every worker
as separate processes, on RabbitMQ and one PostgreSQL database per service."""
import os
import signal
import subprocess
import sys
from contextlib import ExitStack
from pathlib import Path

import pytest
import requests

from tests import infra
from tests.conftest import auth, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("registry", "publishing", "inquiry", "assessment")
ADMIN = auth(1, "/1/", "admin")


def procfile() -> dict[str, str]:
    lines = [ln for ln in (ROOT / "Procfile").read_text().splitlines() if ln and not ln.startswith("#")]
    return dict(ln.split(": ", 1) for ln in lines)


@pytest.fixture
def cluster(postgres_server, amqp_url, namespace):
    ports = {name: infra.free_port() for name in (*SERVICES, "web")}
    env = {**os.environ, "AMQP_URL": amqp_url, "BUS_NAMESPACE": namespace, "WEB_CONCURRENCY": "2",
           "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}", "PYTHONPATH": str(ROOT)}
    env.pop("GOVMB_MODE", None)
    procs = []
    with ExitStack() as stack:
        for name in SERVICES:
            env[f"{name.upper()}_DATABASE_URL"] = stack.enter_context(
                infra.fresh_database(postgres_server, prefix=f"govmb_{name}"))
            env[f"{name.upper()}_PORT"] = str(ports[name])
            env[f"{name.upper()}_URL"] = f"http://127.0.0.1:{ports[name]}"
        env["WEB_PORT"] = str(ports["web"])
        try:
            for name, command in procfile().items():
                procs.append(subprocess.Popen(["sh", "-c", command],
                                              cwd=ROOT, env=env, start_new_session=True,
                                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
            for name, url in urls.items():
                wait_for(lambda: _ready(url), timeout=60, interval=0.3, message=f"{name} ready")
            yield urls
        finally:
            for p in procs:
                try:
                    os.killpg(p.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
            for p in procs:
                try:
                    p.wait(20)
                except subprocess.TimeoutExpired:
                    os.killpg(p.pid, signal.SIGKILL)


def _ready(url: str) -> bool:
    try:
        return requests.get(url + "/readyz", timeout=2).status_code == 200
    except requests.RequestException:
        return False


def test_the_procfile_runs_the_whole_system_and_units_flow(cluster):
    assert set(procfile()) == {*SERVICES, *(f"{s}-worker" for s in SERVICES), "web"}
    r = requests.post(cluster["registry"] + "/api/units", json={"name": "南昌市", "kind": "region"},
                      headers=ADMIN, timeout=5)
    assert r.status_code == 201, r.text
    for name in ("publishing", "inquiry", "assessment"):
        wait_for(lambda: [u["name"] for u in requests.get(cluster[name] + "/api/units", headers=ADMIN, timeout=5).json()]
                 == ["南昌市"], message=f"{name}'s copy")
    status = requests.get(cluster["web"] + "/status/panel", timeout=10).text
    assert status.count("<td>正常</td>") == 4  # each service ready (its checks say 正常 too)
    ready = requests.get(cluster["registry"] + "/readyz", timeout=5).json()
    assert ready["checks"]["broker"] == "ok" and ready["checks"]["outbox_backlog"] == 0
