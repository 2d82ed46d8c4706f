"""deploy/monitoring stays true to the code: Prometheus accepts the alert rules and the scrape
configuration (`promtool`, Debian's `prometheus` package, installed by `make tools`), a few alerts
fire on synthetic series (alerts_test.yml), every metric the rules and the Grafana dashboard name is
one the code registers, and the dashboard is well-formed. The worker's metrics app answers
/healthz and guards /metrics with the token."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from govmb import observability
from govmb.metrics_api import metrics_app
from govmb.observability import WORKER_REGISTRY
from govmb.worker import OutboxGauges
from tests.unit.test_operations_doc import consuming_service, produced_metrics  # noqa: F401 (a fixture)

REPO = Path(__file__).resolve().parents[2]
MONITORING = REPO / "deploy" / "monitoring"
RULES, RULE_TESTS, CONFIG = MONITORING / "alerts.yml", MONITORING / "alerts_test.yml", MONITORING / "prometheus.yml"
DASHBOARD = MONITORING / "grafana-dashboard.json"
OURS = re.compile(r"\b(govmb_[a-z0-9_]+|job_last_success_timestamp_seconds)\b")
PROMETHEUS_OWN = {"up"}  # what Prometheus records of each scrape


def promtool(*args: str, cwd: Path = MONITORING) -> subprocess.CompletedProcess:
    if not shutil.which("promtool"):
        pytest.skip("promtool is missing: `make tools` installs Debian's prometheus package, which has it")
    return subprocess.run(["promtool", *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def test_promtool_accepts_the_rules():
    done = promtool("check", "rules", RULES.name)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "SUCCESS" in done.stdout


def test_the_alerts_fire_on_synthetic_series():
    done = promtool("test", "rules", RULE_TESTS.name)
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_rule_test_fails_when_the_alert_it_expects_is_gone(tmp_path):
    # the rule tests' own check: without the monthly archives' alert, alerts_test.yml fails
    rules = yaml.safe_load(RULES.read_text(encoding="utf-8"))
    for group in rules["groups"]:
        group["rules"] = [r for r in group["rules"] if r.get("alert") != "GovmbMonthlyArchivesLate"]
    (tmp_path / "alerts.yml").write_text(yaml.safe_dump(rules), encoding="utf-8")
    shutil.copy(RULE_TESTS, tmp_path / "alerts_test.yml")
    done = promtool("test", "rules", "alerts_test.yml", cwd=tmp_path)
    assert done.returncode != 0 and "GovmbMonthlyArchivesLate" in done.stdout + done.stderr


def test_promtool_accepts_the_scrape_configuration(tmp_path):
    # its token file is the deployment's: here, one of the test's own in its place
    token = tmp_path / "token"
    token.write_text("t" * 40)
    text = CONFIG.read_text(encoding="utf-8").replace("/etc/prometheus/secrets/govmb-metrics-token", str(token))
    (tmp_path / "prometheus.yml").write_text(text, encoding="utf-8")
    shutil.copy(RULES, tmp_path / "alerts.yml")
    done = promtool("check", "config", "prometheus.yml", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_scrape_configuration_sends_the_token_from_a_file_and_keeps_the_jobs_label():
    config = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    assert set(jobs) == {"govmb-apis", "govmb-web", "govmb-workers"}
    for job in jobs.values():
        assert job["authorization"]["type"] == "Bearer" and "credentials_file" in job["authorization"]
        assert "credentials" not in job["authorization"]  # never the token itself
    # the job metrics' own `job` label (the periodic job) is kept, not renamed exported_job
    assert jobs["govmb-workers"]["honor_labels"] is True
    assert all(t.endswith(":9100") for t in jobs["govmb-workers"]["static_configs"][0]["targets"])


# ------------------------------------------------------------------------------ metric names
def expressions() -> dict[str, list[str]]:
    rules = yaml.safe_load(RULES.read_text(encoding="utf-8"))
    dashboard = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    return {"alerts.yml": [r["expr"] for g in rules["groups"] for r in g["rules"]],
            "grafana-dashboard.json": [t["expr"] for p in dashboard["panels"] for t in p["targets"]]}


def sample_names(family_name: str, kind: str) -> set[str]:
    return {"counter": {f"{family_name}_total"},
            "histogram": {f"{family_name}_bucket", f"{family_name}_sum", f"{family_name}_count"}}.get(kind, {family_name})


def registered(api_produced: dict) -> set[str]:
    """Every sample name the code gives: the workers' registry and the outbox's gauges (from their
    definitions), and what an API's /metrics produces."""
    names = set(api_produced)
    for family in [*WORKER_REGISTRY.collect(), *OutboxGauges(None).describe()]:
        names |= sample_names(family.name, family.type)
    return names


def test_every_metric_the_rules_and_the_dashboard_use_is_registered(consuming_service, monkeypatch):  # noqa: F811
    known = registered(produced_metrics(consuming_service, monkeypatch))
    assert {"job_last_success_timestamp_seconds", "govmb_relay_events_sent_total", "govmb_http_requests_total",
            "govmb_outbox_oldest_unsent_age_seconds", "govmb_dead_letters"} <= known  # the collection itself
    for where, exprs in expressions().items():
        used = {name for expr in exprs for name in OURS.findall(expr)}
        assert len(used) >= 10, f"{where}: the scan found only {sorted(used)}"
        unknown = sorted(used - known)
        assert not unknown, f"{where} uses metrics the code does not register: {unknown}"
        others = {m for expr in exprs for m in re.findall(r"\b([a-z_]+)\{", expr)} - used - PROMETHEUS_OWN
        assert not others, f"{where}: metrics neither ours nor Prometheus's: {sorted(others)}"


def test_the_rules_watch_what_the_issue_names():
    used = {name for expr in expressions()["alerts.yml"] for name in OURS.findall(expr)}
    assert {"govmb_http_requests_total", "govmb_http_request_seconds_bucket", "govmb_database_up",
            "govmb_outbox_backlog", "govmb_outbox_oldest_unsent_age_seconds", "govmb_dead_letters",
            "govmb_consumer_failures_total", "job_last_success_timestamp_seconds"} <= used
    assert any('job="monthly archives"' in e for e in expressions()["alerts.yml"])
    assert any('up{job="govmb-workers"}' in e for e in expressions()["alerts.yml"])


def test_the_dashboard_is_well_formed():
    dashboard = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    ids = [p["id"] for p in dashboard["panels"]]
    assert len(ids) == len(set(ids)), f"panel ids repeat: {ids}"
    assert dashboard["uid"] and dashboard["title"]
    for panel in dashboard["panels"]:
        assert panel["targets"] and all(t["expr"] and t["refId"] for t in panel["targets"]), panel["title"]
        assert {"x", "y", "w", "h"} <= set(panel["gridPos"]) and panel["gridPos"]["x"] + panel["gridPos"]["w"] <= 24
        assert panel["datasource"]["uid"] == "${datasource}"
    variables = {v["name"] for v in dashboard["templating"]["list"]}
    assert {"datasource", "service"} <= variables


# ------------------------------------------------------------------------------ the worker's server
def call(app, path: str, authorization: str = "") -> tuple[str, bytes]:
    answer = {}
    body = b"".join(app({"PATH_INFO": path, "HTTP_AUTHORIZATION": authorization},
                        lambda status, headers: answer.update(status=status)))
    return answer["status"], body


def test_the_worker_metrics_app_guards_metrics_with_the_token():
    token = "s" * 40
    app = metrics_app(lambda: b"govmb_x 1\n", lambda: [], token)
    assert call(app, "/metrics")[0].startswith("401")
    assert call(app, "/metrics", "Bearer " + "x" * 40)[0].startswith("401")
    assert call(app, "/metrics", f"Bearer {token}") == ("200 OK", b"govmb_x 1\n")
    assert call(metrics_app(lambda: b"", lambda: [], ""), "/metrics")[0] == "200 OK"  # no token: open
    assert call(app, "/other")[0].startswith("404")


def test_the_worker_healthz_says_which_thread_stopped():
    assert call(metrics_app(bytes, lambda: [], ""), "/healthz") == (
        "200 OK", b'{"status": "ok", "stopped_threads": []}')
    status, body = call(metrics_app(bytes, lambda: ["registry-relay"], ""), "/healthz")
    assert status.startswith("503") and json.loads(body)["stopped_threads"] == ["registry-relay"]


def test_the_access_formatter_writes_json_without_the_query():
    import logging
    atoms = {"m": "GET", "U": '/a\\"b', "q": "phone=138", "H": "HTTP/1.1", "s": "200", "B": 12, "L": "0.010000",
             "h": "10.0.0.1", "{remote_port}e": "51234", "a": "curl", "{x-correlation-id}o": "abc"}
    record = logging.LogRecord("gunicorn.access", logging.INFO, __file__, 1, "%(m)s %(U)s", (atoms,), None)
    line = json.loads(observability.AccessLogFormatter().format(record))
    assert line["path"] == '/a"b' and line["status"] == 200 and line["bytes"] == 12
    assert line["remote_port"] == 51234 and line["correlation_id"] == "abc" and line["duration_seconds"] == 0.01
    assert "138" not in json.dumps(line)
