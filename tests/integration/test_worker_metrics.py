"""A worker's /metrics and /healthz on WORKER_METRICS_PORT, on the real RabbitMQ and PostgreSQL:
the relay's and the consumers' counts as events flow from the registry to the other services, the
outbox's gauges, the periodic jobs' metrics (job_last_success_timestamp_seconds among them), the
bearer token; and `python -m services.registry.worker` serving them as the Procfile runs it."""
from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
from contextlib import ExitStack
from pathlib import Path

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from govmb.worker import Worker, run_job, serve_metrics
from services.assessment.archive import build_due
from tests import infra
from tests.conftest import auth, wait_for
from tests.system import SERVICES, migrated_app, settings_for, spec_of

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
TOKEN = "t" * 40
ADMIN = auth(1, "/1/", "admin")


def samples(url: str, token: str = TOKEN) -> dict[tuple, float]:
    """(name, labels…) → value of every sample a worker's /metrics gives."""
    r = requests.get(url + "/metrics", headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert r.status_code == 200, r.text
    return {(s.name, *sorted(s.labels.items())): s.value
            for family in text_string_to_metric_families(r.text) for s in family.samples}


def value(found: dict, name: str, **labels) -> float | None:
    return found.get((name, *sorted(labels.items())))


@pytest.fixture
def served(postgres_server, amqp_url, namespace, monkeypatch):
    """Each service on its own PostgreSQL database over the real RabbitMQ (as the `distributed`
    fixture), its worker's metrics served on a port of its own."""
    apps, urls, workers, servers = {}, {}, [], []
    with ExitStack() as stack:
        for name in SERVICES:
            settings = settings_for(name, stack.enter_context(infra.fresh_database(postgres_server, f"govmb_{name}")),
                                    amqp_url, namespace)
            apps[name] = migrated_app(name, settings).test_client()
            port = infra.free_port()
            monkeypatch.setenv("WORKER_METRICS_PORT", str(port))
            monkeypatch.setenv("WORKER_METRICS_HOST", "127.0.0.1")
            worker = Worker(spec_of(name), settings).start()  # start() reads the environment again
            workers.append(worker)
            server = serve_metrics(worker.spec, dataclasses.replace(settings, metrics_token=TOKEN), worker)
            assert server is not None and server.port == port
            servers.append(server)
            urls[name] = f"http://127.0.0.1:{port}"
        try:
            yield apps, urls
        finally:
            for server in servers:
                server.stop()
            for worker in workers:
                worker.stop()
            for name in SERVICES:
                spec_of(name).db.close_all()


def test_the_relay_and_the_consumers_are_counted(served):
    apps, urls = served
    before = samples(urls["publishing"])
    applied_before = value(before, "govmb_consumer_events_applied_total", service="publishing") or 0
    r = apps["registry"].post("/api/units", json={"name": "南昌市", "kind": "region"}, headers=ADMIN)
    assert r.status_code == 201, r.get_json()
    wait_for(lambda: (value(samples(urls["publishing"]), "govmb_consumer_events_applied_total",
                            service="publishing") or 0) > applied_before, timeout=30, message="publishing applies")
    registry = samples(urls["registry"])
    assert value(registry, "govmb_relay_events_sent_total", service="registry") >= 1
    assert value(registry, "govmb_relay_batches_total", service="registry") >= 1
    assert value(registry, "govmb_relay_send_failures_total", service="registry") == 0
    assert value(registry, "govmb_outbox_backlog", service="registry") == 0  # all confirmed by now
    assert value(registry, "govmb_outbox_oldest_unsent_age_seconds", service="registry") == 0
    publishing = samples(urls["publishing"])
    assert value(publishing, "govmb_consumer_failures_total", service="publishing") == 0
    assert value(publishing, "govmb_consumer_dead_lettered_total", service="publishing") == 0


def test_a_periodic_job_is_counted_and_its_last_success_kept(served):
    _, urls = served
    spec = spec_of("assessment")
    assert run_job(spec, "monthly archives", build_due) is True
    assert run_job(spec, "a job that fails", lambda: 1 / 0) is False
    found = samples(urls["assessment"])
    archive = {"service": "assessment", "job": "monthly archives"}
    assert value(found, "job_last_success_timestamp_seconds", **archive) > 1.7e9
    assert value(found, "govmb_job_runs_total", **archive) >= 1
    assert value(found, "govmb_job_duration_seconds_count", **archive) >= 1
    failing = {"service": "assessment", "job": "a job that fails"}
    assert value(found, "govmb_job_failures_total", **failing) >= 1
    assert value(found, "job_last_success_timestamp_seconds", **failing) is None  # it never succeeded
    # each periodic job's interval, from the worker's start, for the "not succeeded within" alerts
    assert value(found, "govmb_job_interval_seconds", service="assessment", job="monthly archives") == 3600


def test_the_metrics_need_the_token_and_healthz_does_not(served):
    _, urls = served
    assert requests.get(urls["inquiry"] + "/metrics", timeout=5).status_code == 401
    assert requests.get(urls["inquiry"] + "/metrics", headers={"Authorization": "Bearer wrong"},
                        timeout=5).status_code == 401
    health = requests.get(urls["inquiry"] + "/healthz", timeout=5)
    assert health.status_code == 200 and health.json() == {"status": "ok", "stopped_threads": []}


def test_the_worker_process_serves_them_on_its_port(postgres_server, amqp_url, namespace, tmp_path):
    """`python -m services.registry.worker` as the Procfile starts it: its port answers, its first
    job's success shows; SIGTERM stops it."""
    port = infra.free_port()
    with infra.fresh_database(postgres_server, prefix="govmb_registry") as database:
        env = {**os.environ, "AMQP_URL": amqp_url, "BUS_NAMESPACE": namespace, "REGISTRY_DATABASE_URL": database,
               "WORKER_METRICS_PORT": str(port), "WORKER_METRICS_HOST": "127.0.0.1", "METRICS_TOKEN": TOKEN,
               "SESSION_SWEEP_INTERVAL_SECONDS": "1", "GOVMB_DATA_DIR": str(tmp_path), "PYTHONPATH": str(ROOT)}
        env.pop("GOVMB_MODE", None)
        env.pop("PROMETHEUS_MULTIPROC_DIR", None)
        with open(tmp_path / "worker.log", "wb") as log:
            proc = subprocess.Popen([sys.executable, "-m", "services.registry.worker"], cwd=ROOT, env=env,
                                    stdout=log, stderr=log, start_new_session=True)
        url = f"http://127.0.0.1:{port}"
        try:
            def succeeded():
                try:
                    return value(samples(url), "job_last_success_timestamp_seconds", service="registry",
                                 job="session timeouts")
                except requests.RequestException:
                    assert proc.poll() is None, (tmp_path / "worker.log").read_text()[-3000:]
                    return None
            assert wait_for(succeeded, timeout=90, interval=0.5, message="the registry worker's first job") > 1.7e9
            assert requests.get(url + "/healthz", timeout=5).json()["status"] == "ok"
            assert requests.get(url + "/metrics", timeout=5).status_code == 401
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            assert proc.wait(30) == 0
