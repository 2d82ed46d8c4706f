"""Issue 15, operations: /metrics behind a token (production requires one) and still answering
while the database is down; /readyz 503 while the revocation store, which every request asks,
cannot be reached."""
from __future__ import annotations

from dataclasses import replace

from tests import infra
from tests.system import migrated_app, settings_for

TOKEN = "metrics-" + "t" * 40


def service(tmp_path, name="inquiry", **changes):
    settings = replace(settings_for(name, f"sqlite:///{tmp_path / 'x.db'}"), **changes)
    return migrated_app(name, settings)


def test_metrics_answer_only_with_the_token_when_one_is_set(tmp_path):
    client = service(tmp_path, metrics_token=TOKEN).test_client()
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}):
        r = client.get("/metrics", headers=headers)
        assert r.status_code == 401 and "govmb_" not in r.get_data(as_text=True)
    r = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 200 and 'govmb_database_up{service="inquiry"} 1' in r.get_data(as_text=True)
    assert client.get("/readyz").status_code == 200  # the probes stay open


def test_the_web_apps_metrics_are_behind_the_token_too():
    from tests.security.test_hardening import web_app
    client = web_app(metrics_token=TOKEN).test_client()
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200


def test_metrics_still_answer_while_the_database_is_down(tmp_path):
    app = service(tmp_path)  # the app is up; now its database file goes away
    (tmp_path / "x.db").unlink()
    (tmp_path / "x.db").mkdir()  # a directory where the file was: every statement fails
    client = app.test_client()
    r = client.get("/metrics")
    assert r.status_code == 200 and 'govmb_database_up{service="inquiry"} 0' in r.get_data(as_text=True)
    assert client.get("/readyz").status_code == 503


def test_readyz_is_503_while_the_revocation_store_is_unreachable(tmp_path):
    nowhere = f"redis://127.0.0.1:{infra.free_port()}/0"
    ready = service(tmp_path, revocation_store_uri=nowhere).test_client().get("/readyz")
    assert ready.status_code == 503 and ready.json["checks"]["revocation_store"].startswith("失败")
