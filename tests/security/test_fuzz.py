"""Property-based fuzzing of every service's OpenAPI (schemathesis): whatever a caller sends,
no answer is a 5xx, and every answer is one the operation documents (status code, content
type, body schema).

The four services run in-process as the embedded mode runs them (SQLite, the in-process bus,
the demo city), with a few objects of every kind made through the APIs (a draft, a released
post and its directive, a message, its transfer, a notice, an inspection, a training session,
a duty shift, an archive, a client system), so that generated ids reach real objects: ids in
paths are drawn from small numbers as often as from anywhere, and `action` from the service's
own steps. Each example goes with one of three tokens (the city-wide roles; a department's
staff with every staff role; a client system's intake token) so that the fuzzer gets past
401 and 403. Hypothesis is derandomized: a run is the same run in CI and on a laptop."""
from __future__ import annotations

import datetime as dt
import os
import re

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from govmb.auth import CITY_WIDE, UNIT_STAFF
from govmb.config import SERVICES
from govmb.timefmt import beijing_today, last_month
from services.inquiry.handling import MACHINE as MESSAGE_MACHINE
from services.publishing.review import MACHINE as DRAFT_MACHINE
from services.registry.accounts import MACHINE as ACCOUNT_MACHINE
from services.registry.models import Person, db
from tests.conftest import auth, wait_for
from tests.inquiry.conftest import system_auth
from tests.system import demo_system


@schemathesis.check
def success_is_documented(ctx, response, case) -> None:
    """Every operation documents a `default` error (a problem+json body), which schemathesis's
    status code check takes to cover any status: a success must still be one it names."""
    named = [code for code in case.operation.responses.status_codes if code != "default"]
    if response.status_code < 400 and str(response.status_code) not in named:
        raise AssertionError(f"{case.operation.label} answered {response.status_code}; documented: {named}")


CHECKS = [not_a_server_error, status_code_conformance, success_is_documented, content_type_conformance,
          response_schema_conformance]
# examples per operation: valid input, then input that breaks the schema. The 230 operations of
# the four services (95 when it was 30 and 15 a operation) take about four minutes on one core;
# FUZZ_SCALE=10 runs ten times as many (docs/security.md).
SCALE = int(os.environ.get("FUZZ_SCALE", "1"))
EXAMPLES = {GenerationMode.POSITIVE: 20 * SCALE, GenerationMode.NEGATIVE: 10 * SCALE}
WHO = ("city", "staff", "intake")
STEPS = {"registry": ACCOUNT_MACHINE.transitions, "publishing": DRAFT_MACHINE.transitions, "inquiry": MESSAGE_MACHINE.transitions, "assessment": {}}
YEARS = st.integers(2024, 2027)
QUARTERS = st.builds("{}-Q{}".format, YEARS, st.integers(1, 4))
PATH_VALUES = {  # a path parameter by its name → values that reach real objects and periods
    "year": YEARS,
    "quarter": QUARTERS,
    "period": st.one_of(YEARS.map(str), QUARTERS, st.builds("{}-{:02d}".format, YEARS, st.integers(1, 12))),
}
SMALL_IDS = st.integers(1, 60)


@pytest.fixture(scope="module")
def embedded(tmp_path_factory):
    """The embedded system with the demo city; every service's app by its mount path."""
    with demo_system(tmp_path_factory.mktemp("fuzz")) as system:
        yield system.server.app.mounts


@pytest.fixture(scope="module")
def tokens(embedded) -> dict[str, dict]:
    """The three callers, and one token per staff member of 南昌市教育局 (review needs two people)."""
    with db.connection_context():
        admin = Person.get(Person.username == "admin")
        staff = {p.username: p for p in Person.select().where(Person.username.startswith("jy_"))}
    unit, path = staff["jy_zhuyao"].unit_id, staff["jy_zhuyao"].unit.path
    people = {name: auth(unit, path, *sorted(p.role_set), person=p.id) for name, p in staff.items()}
    return {"city": auth(admin.unit_id, admin.unit.path, *sorted(CITY_WIDE), person=admin.id),
            "staff": auth(unit, path, *UNIT_STAFF, person=staff["jy_zhuyao"].id),
            "intake": system_auth(unit, path), "unit_id": unit, **people}


@pytest.fixture(scope="module")
def seeded(embedded, tokens) -> None:
    """A few objects of every kind, made through the APIs."""
    clients = {name: embedded[f"/{name}"].test_client() for name in SERVICES}
    city, staff, unit = tokens["city"], tokens["staff"], tokens["unit_id"]

    def made(service: str, path: str, body: dict, headers: dict) -> dict:
        r = clients[service].post(path, json=body, headers=headers)
        assert r.status_code in (200, 201), (path, r.json)
        return r.json

    active = [a for a in clients["registry"].get("/api/accounts", headers=staff).json if a["status"] == "active"]
    account = active[0]
    for name in ("publishing", "inquiry", "assessment"):
        wait_for(lambda: any(a["id"] == account["id"] and a["status"] == "active"  # its last revision, not the first
                             for a in clients[name].get("/api/accounts", headers=city).json),
                 message=f"{name}'s copy of account {account['id']}, active")
    made("registry", "/api/clients", {"name": "12345热线", "unit_id": unit}, city)

    text = {"account_id": account["id"], "info_type": "participation", "text": "市教育局发布今年秋季学期开学安排。"}
    made("publishing", "/api/drafts", text, staff)
    lead = made("publishing", "/api/drafts", text, tokens["jy_caozuo"])
    for step, who in (("submit", "jy_caozuo"), ("check", "jy_hegao"), ("approve", "jy_fenguan")):
        lead = made("publishing", f"/api/drafts/{lead['id']}/actions/{step}", {"acknowledge": True}, tokens[who])
    for platform in lead["platforms"]:
        made("publishing", f"/api/drafts/{lead['id']}/actions/record_publication",
             {"platform": platform, "url": f"https://{platform}.example.cn/{lead['id']}"}, tokens["jy_caozuo"])
    due = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1)).isoformat()
    made("publishing", "/api/directives", {"title": "统一口径：开学安排", "lead_draft_id": lead["id"], "due_at": due}, city)

    received = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=1)).isoformat()
    message = made("inquiry", "/api/messages", {
        "account_id": account["id"], "kind": "comment", "citizen_handle": "@市民", "received_at": received,
        "text": "学校门口路灯坏了，请尽快维修。", "category": "complaint", "sentiment": "negative"}, staff)
    made("inquiry", f"/api/messages/{message['id']}/transfers", {"to_unit_id": 4, "note": "请公安局处理"}, city)
    made("inquiry", "/api/notices", {"title": "路灯损坏", "importance": "high", "kind": "市政",
                                     "content": "近一日多条留言反映路灯损坏", "unit_id": unit}, city)

    day = beijing_today()
    made("assessment", "/api/inspections", {
        "unit_id": unit, "inspected_on": (day - dt.timedelta(days=3)).isoformat(), "checked": "发布、回复情况",
        "found": "留言超过 24 小时未回复", "required": "逐条回复", "fix_by": (day + dt.timedelta(days=14)).isoformat()}, city)
    made("assessment", "/api/training/sessions", {
        "kind": "exchange", "title": "政务微博工作交流", "held_on": (day - dt.timedelta(days=1)).isoformat(), "hours": 1.5,
        "trainers": [{"name": "王敏", "kind": "practitioner", "affiliation": "南昌市教育局"}],
        "attendees": [{"person_name": "王敏", "unit_id": unit}]}, city)
    made("assessment", "/api/roster/shifts", {
        "account_id": account["id"], "starts_at": f"{day}T08:00:00", "ends_at": f"{day}T20:00:00",
        "person_name": "王敏", "phone": "0791-8888 1234"}, staff)
    made("assessment", "/api/archives", {"month": last_month(day)}, city)


@pytest.fixture(scope="module")
def schemas(embedded, seeded) -> dict:
    return {name: schemathesis.openapi.from_wsgi("/openapi.json", embedded[f"/{name}"]) for name in SERVICES}


def cases(operation, mode: GenerationMode, steps: dict):
    """The operation's cases; half of them with path parameters that name real objects."""
    known = {}
    for parameter in operation.path_parameters:
        name = parameter.name
        if name == "action":
            known[name] = st.sampled_from(sorted(steps))
        elif name in PATH_VALUES:
            known[name] = PATH_VALUES[name]
        elif name.endswith(("_id", "_pk")):
            known[name] = SMALL_IDS
    anywhere = operation.as_strategy(mode)
    if not known:
        return anywhere
    chosen = st.fixed_dictionaries(known).flatmap(lambda values: operation.as_strategy(mode, path_parameters=values))
    return st.one_of(chosen, anywhere)


def fuzz(operation, steps: dict, tokens: dict[str, dict]) -> None:
    for mode, examples in EXAMPLES.items():
        @given(case=cases(operation, mode, steps), who=st.sampled_from(WHO))
        @settings(max_examples=examples, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck), phases=[Phase.generate])
        def run(case, who):
            case.call_and_validate(headers=tokens[who], checks=CHECKS)

        try:
            run()
        except Unsatisfiable:
            # no invalid case exists for an open operation without parameters or body
            if mode is GenerationMode.POSITIVE:
                raise


@pytest.mark.slow  # about four CPU-minutes: run beside the integration tests, whose process mostly waits (Makefile)
@pytest.mark.timeout(900)
@pytest.mark.parametrize("service", SERVICES)
def test_no_input_gets_a_5xx_or_an_undocumented_answer(service, schemas, tokens, subtests):
    operations = [result.ok() for result in schemas[service].get_all_operations()]
    assert len(operations) > 10
    for operation in operations:
        with subtests.test(msg=operation.label):
            fuzz(operation, STEPS[service], tokens)


@pytest.mark.parametrize("service", SERVICES)
def test_the_openapi_says_which_operations_need_a_token(service, embedded):
    """An operation documented with the bearer token answers 401 without one; one documented
    as open (`security: []`, e.g. the public hall) does not."""
    client = embedded[f"/{service}"].test_client()
    spec = client.get("/openapi.json").json
    if service == "registry":  # the fuzzing before spent this address's sign-in tries: a 429 would say nothing
        from services.registry.api import limiter
        limiter.reset()
    wrong = []
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            documented_open = operation.get("security", spec["security"]) == []
            status = client.open(re.sub(r"\{\w+\}", "1", path), method=method.upper(), json={}).status_code
            if (status == 401) == documented_open:
                wrong.append(f"{method.upper()} {path}: {status} without a token, documented "
                             f"{'open' if documented_open else 'with the bearer token'}")
    assert not wrong, "\n".join(wrong)

