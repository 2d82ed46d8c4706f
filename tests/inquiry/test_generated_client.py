"""A client system's developer generates a Python client from inquiry's OpenAPI with a real
generator (openapi-python-client) and drives a running inquiry service through it: a 12345
hotline's system posts a citizen's message, reads its status, and reads it again once the unit
has replied (docs/api.md). The service runs as the embedded mode mounts it, under /inquiry, on a
real HTTP server; the client's base URL is the document's first server."""
from __future__ import annotations

import importlib
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import requests
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.serving import make_server

from tests.inquiry.conftest import DEPT_STAFF, INTAKE, inquiry_app

PACKAGE = "govmb_inquiry_client"
GENERATOR = Path(sys.executable).with_name("openapi-python-client")


pytestmark = pytest.mark.slow  # the generator takes some five seconds


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The inquiry service under /inquiry on a free port; its address."""
    service = inquiry_app(tmp_path_factory.mktemp("inquiry"))
    app = DispatcherMiddleware(lambda _env, start: start("404 Not Found", []) or [b""], {"/inquiry": service})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)


@pytest.fixture(scope="module")
def generated(served, tmp_path_factory):
    """The client generated from the running service's document, importable; the document."""
    tmp_path = tmp_path_factory.mktemp("client")
    document = requests.get(f"{served}/inquiry/openapi.json", timeout=10)
    assert document.status_code == 200
    spec = tmp_path / "inquiry.json"
    spec.write_bytes(document.content)
    config = tmp_path / "config.yaml"
    config.write_text(f"project_name_override: govmb-inquiry-client\npackage_name_override: {PACKAGE}\npost_hooks: []\n")
    out = tmp_path / "generated"
    run = subprocess.run([str(GENERATOR), "generate", "--path", str(spec), "--output-path", str(out / PACKAGE),
                          "--config", str(config), "--meta", "none"], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Warning" not in run.stdout + run.stderr, run.stdout + run.stderr  # no operation skipped
    sys.path.insert(0, str(out))
    try:
        yield importlib.import_module(PACKAGE), document.json()
    finally:
        sys.path.remove(str(out))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
            del sys.modules[name]


def client_for(package, base_url: str, headers: dict):
    return package.AuthenticatedClient(base_url=base_url, token=headers["Authorization"].removeprefix("Bearer "),
                                       raise_on_unexpected_status=True)


def test_a_client_system_posts_a_message_and_follows_its_status_through_a_generated_client(served, generated):
    package, document = generated
    base = served + document["servers"][0]["url"]  # /inquiry: where this service is mounted
    intake_message = importlib.import_module(f"{PACKAGE}.api.intake.intake_message")
    client_request = importlib.import_module(f"{PACKAGE}.api.intake.client_request")
    take_action = importlib.import_module(f"{PACKAGE}.api.messages.take_action")
    models = importlib.import_module(f"{PACKAGE}.models")
    hotline = client_for(package, base, INTAKE)

    body = models.Intake.from_dict({"account_id": 1, "kind": "private", "citizen_handle": "12345来电 王女士",
                                    "citizen_contact": "13900000000", "text": "反映学校周边占道经营，影响学生上下学。",
                                    "platform": "sina", "platform_message_id": "S-42"})
    sent = intake_message.sync_detailed(client=hotline, body=body)
    assert sent.status_code == 201, sent.content
    receipt = sent.parsed
    assert isinstance(receipt, models.Receipt) and receipt.status_name == "待回复"
    assert receipt.receipt_number and receipt.query_code and receipt.reply_due_at.utcoffset().total_seconds() == 8 * 3600

    seen = client_request.sync(receipt.id, client=hotline)
    assert seen.status == "received" and seen.receipt_number == receipt.receipt_number

    unit = client_for(package, base, DEPT_STAFF)  # the unit's staff reply, through the same client
    replied = take_action.sync(receipt.id, "reply", client=unit, body=models.Action.from_dict({"text": "已转城管部门处理。"}))
    assert isinstance(replied, models.Message), replied
    after = client_request.sync(receipt.id, client=hotline)
    assert after.status == replied.status != "received"


def test_a_refusal_comes_back_as_a_problem_naming_the_field(served, generated):
    package, document = generated
    intake_message = importlib.import_module(f"{PACKAGE}.api.intake.intake_message")
    models = importlib.import_module(f"{PACKAGE}.models")
    hotline = client_for(package, served + document["servers"][0]["url"], INTAKE)
    outside = models.Intake.from_dict({"account_id": 3, "kind": "comment", "citizen_handle": "@市民", "text": "路灯坏了"})
    answer = intake_message.sync_detailed(client=hotline, body=outside)  # account 3 is not under the system's unit
    assert answer.status_code == 422
    assert isinstance(answer.parsed, models.Problem) and "account_id" in answer.parsed.errors.to_dict()
