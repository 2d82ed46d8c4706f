"""docs/operations.md stays true to the code.

- Every environment variable the code reads (`os.environ[...]`, `os.environ.get(...)`,
  `os.getenv(...)`, `govmb.config._env(...)`, found with `ast` in govmb/, services/, web/ and
  gunicorn.conf.py; `${NAME:-default}` in the Procfile) has a row in the page's table, with the
  code's default where the code has a constant one; every row names a variable something reads.
  The tests' and benchmarks' own variables have their small table too.
- The deploy files (docker-compose.yml, deploy/distributed.env) set only variables of the table.
- Every metric the page names is one a service's /metrics produces, with the labels the page
  gives, and every `govmb_` metric produced is on the page; the /readyz checks are the ones a
  consuming service reports.
- Every link to a section of the page leads to a heading."""
from __future__ import annotations

import ast
import operator
import re
from functools import cache
from pathlib import Path
from typing import NamedTuple

import pytest
import yaml
from prometheus_client.parser import text_string_to_metric_families

from govmb import service as service_module
from govmb.config import SERVICES
from tests.system import migrated_app, settings_for, spec_of

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "operations.md"
CODE = (REPO / "govmb", REPO / "ops", REPO / "services", REPO / "web", REPO / "gunicorn.conf.py")
TESTS = (REPO / "tests", REPO / "bench")
READ_HELPERS = ("_env",)  # govmb/config.py: os.environ.get with "" as unset
NOT_OURS = {"PATH"}  # the shell's, passed on to subprocesses by tests
BACKTICKED_NAME = re.compile(r"`([A-Z][A-Z0-9_]+)`")
METRIC = re.compile(r"\bgovmb_[a-z_]+\b")
DATABASES = {f"govmb_{s}" for s in SERVICES}  # database names on the page, not metrics


# ------------------------------------------------------------------------------ the code
class Read(NamedTuple):
    name: str
    default: str | None  # the code's constant default; None: none, or not a constant
    where: str


def _is_environ(node: ast.AST) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr == "environ"
            and isinstance(node.value, ast.Name) and node.value.id == "os") or \
        (isinstance(node, ast.Name) and node.id == "environ")


def _names(node: ast.AST) -> list[str]:
    """The variable names a name argument stands for: a string, or an f-string whose holes
    are a service's name (`f"{service.upper()}_DATABASE_URL"`)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        template = "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
        return [template.replace("{}", s.upper()) for s in SERVICES]
    raise AssertionError(f"an environment variable named by {ast.unparse(node)!r}: teach this test to read it")


_OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul}


def _value(node: ast.AST):
    """A default written as a constant, `str(<arithmetic on constants>)`; else None."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
        left, right = _value(node.left), _value(node.right)
        return None if left is None or right is None else _OPS[type(node.op)](left, right)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "str" and len(node.args) == 1:
        inner = _value(node.args[0])
        return None if inner is None else str(inner)
    return None


def _default(node: ast.AST | None) -> str | None:
    value = None if node is None else _value(node)
    return None if value in (None, "") else str(value)  # "" is read as unset


def _read_call(node: ast.Call) -> tuple[ast.AST, ast.AST | None] | None:
    """(name, default) of a call that reads the environment, else None."""
    f = node.func
    reads = ((isinstance(f, ast.Attribute) and f.attr == "get" and _is_environ(f.value))
             or (isinstance(f, ast.Attribute) and f.attr == "getenv" and isinstance(f.value, ast.Name)
                 and f.value.id == "os")
             or (isinstance(f, ast.Name) and f.id in ("getenv", *READ_HELPERS)))
    if not reads or not node.args:
        return None
    return node.args[0], (node.args[1] if len(node.args) > 1 else None)


def reads_in(path: Path) -> list[Read]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    where = str(path.relative_to(REPO))
    or_defaults = {id(v.values[0]): v.values[-1] for v in ast.walk(tree)  # `os.environ.get(X) or "900"`
                   if isinstance(v, ast.BoolOp) and isinstance(v.op, ast.Or)}
    helper = {id(n) for f in ast.walk(tree) if isinstance(f, ast.FunctionDef) and f.name in READ_HELPERS
              for n in ast.walk(f)}  # `_env` reads its argument: its callers name the variables
    out = []
    for node in ast.walk(tree):
        if id(node) in helper:
            continue
        if isinstance(node, ast.Call) and (found := _read_call(node)):
            name, default = found
            default = default if default is not None else or_defaults.get(id(node))
            out += [Read(n, _default(default), f"{where}:{node.lineno}") for n in _names(name)]
        elif isinstance(node, ast.Subscript) and _is_environ(node.value):
            out += [Read(n, None, f"{where}:{node.lineno}") for n in _names(node.slice)]
        elif (isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], (ast.In, ast.NotIn))
              and _is_environ(node.comparators[0])):
            out += [Read(n, None, f"{where}:{node.lineno}") for n in _names(node.left)]
    return out


def python_files(roots) -> list[Path]:
    files = []
    for root in roots:
        files += [root] if root.is_file() else sorted(p for p in root.rglob("*.py") if "node_modules" not in p.parts)
    return files


def procfile_reads() -> list[Read]:
    text = (REPO / "Procfile").read_text(encoding="utf-8")
    return [Read(m[1], m[2] or None, "Procfile") for m in re.finditer(r"\$\{(\w+)(?::-([^}]*))?\}", text)]


@cache
def code_reads() -> tuple[Read, ...]:
    return tuple(r for p in python_files(CODE) for r in reads_in(p)) + tuple(procfile_reads())


@cache
def reads_in_tests_and_bench() -> tuple[Read, ...]:
    return tuple(r for p in python_files(TESTS) for r in reads_in(p) if r.name not in NOT_OURS)


# ------------------------------------------------------------------------------ the page
def page() -> str:
    return DOC.read_text(encoding="utf-8")


def tables() -> list[list[list[str]]]:
    """Every table of the page: its rows of cells, the header first, the separator dropped."""
    out, current = [], None
    for line in page().splitlines():
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if current is None:
                current = []
                out.append(current)
            if not all(set(c) <= set("-: ") for c in cells):
                current.append(cells)
        else:
            current = None
    return out


def table(*header: str) -> list[list[str]]:
    """The body of the one table whose header is exactly these columns."""
    found = [t[1:] for t in tables() if t and t[0] == list(header)]
    assert len(found) == 1, f"docs/operations.md should have one table headed {' | '.join(header)}, has {len(found)}"
    return found[0]


def rows_by_name(rows: list[list[str]]) -> dict[str, list[str]]:
    return {name: row for row in rows for name in BACKTICKED_NAME.findall(row[0])}


def variables() -> dict[str, list[str]]:
    return rows_by_name(table("variable", "read by", "meaning", "default"))


def variables_of_the_tests() -> dict[str, list[str]]:
    return rows_by_name(table("variable", "meaning", "default"))


# ------------------------------------------------------------------------------ variables
def test_the_scan_finds_the_reads_it_must():
    """A scan that finds nothing would pass the rest: it must see each way the code reads."""
    names = {r.name for r in code_reads()}
    assert {"GOVMB_MODE", "INQUIRY_DATABASE_URL", "ASSESSMENT_URL", "SWEEP_INTERVAL_SECONDS", "WEB_CONCURRENCY",
            "CLIENT_TOKEN_TTL_SECONDS", "INQUIRY_PORT"} <= names, names
    defaults = {r.name: r.default for r in code_reads()}
    assert defaults["TOKEN_TTL_SECONDS"] == "300"  # `... or "300"`
    assert defaults["CLIENT_TOKEN_TTL_SECONDS"] == "900"  # `... or "900"`
    assert defaults["REGISTRY_PORT"] == "8001"  # the Procfile's ${REGISTRY_PORT:-8001}


def test_every_variable_the_code_reads_has_a_row():
    documented = variables()
    missing = sorted({f"{r.name} ({r.where})" for r in code_reads() if r.name not in documented})
    assert not missing, f"read by the code, not in docs/operations.md's table of environment variables: {missing}"


def test_every_default_in_the_table_is_the_codes():
    documented = variables()
    wrong = sorted({f"{r.name}: the code's default is {r.default!r} ({r.where}), the table says {documented[r.name][-1]!r}"
                    for r in code_reads() if r.default and r.name in documented
                    and f"`{r.default}`" not in documented[r.name][-1]})
    assert not wrong, wrong


def test_every_variable_in_the_table_is_read_by_the_code():
    read = {r.name for r in code_reads()}
    stale = sorted(set(variables()) - read)
    assert not stale, f"in docs/operations.md's table, but nothing in govmb/, services/, web/, gunicorn.conf.py or the Procfile reads: {stale}"


def test_the_tests_variables_are_documented_and_read():
    documented, own = {**variables(), **variables_of_the_tests()}, variables_of_the_tests()
    missing = sorted({f"{r.name} ({r.where})" for r in reads_in_tests_and_bench() if r.name not in documented})
    assert not missing, f"read by tests/ or bench/, not in docs/operations.md: {missing}"
    wrong = sorted({f"{r.name}: {r.default!r} ({r.where})" for r in reads_in_tests_and_bench()
                    if r.default and r.name in own and f"`{r.default}`" not in own[r.name][-1]})
    assert not wrong, f"defaults of the tests' table that are not the code's: {wrong}"
    stale = sorted(set(own) - {r.name for r in reads_in_tests_and_bench()})
    assert not stale, f"in the tests' table, but no test or benchmark reads: {stale}"


def test_the_deploy_files_set_only_documented_variables():
    documented = variables()
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text(encoding="utf-8"))
    ours = {name: svc for name, svc in compose["services"].items() if svc.get("image") == "govmb:latest"}
    assert ours, "docker-compose.yml's application services (image govmb:latest) not found"
    set_by = {f"docker-compose.yml {name}": set(svc.get("environment") or {}) for name, svc in ours.items()}
    env_file = (REPO / "deploy" / "distributed.env").read_text(encoding="utf-8")
    set_by["deploy/distributed.env"] = set(re.findall(r"^([A-Z][A-Z0-9_]*)=", env_file, re.M))
    unknown = sorted(f"{name} ({where})" for where, names in set_by.items() for name in names - set(documented))
    assert not unknown, f"set for the system but not in docs/operations.md's table: {unknown}"


# ------------------------------------------------------------------------------ health and metrics
@pytest.fixture(scope="module")
def consuming_service(tmp_path_factory):
    """Publishing (it consumes, so it reports dead letters) on SQLite, pointed at a broker
    address where nothing listens: the broker check fails at once, as the page says it may."""
    path = tmp_path_factory.mktemp("ops") / "publishing.db"
    settings = settings_for("publishing", f"sqlite:///{path}", amqp_url="amqp://guest:guest@127.0.0.1:1/%2F")
    yield migrated_app("publishing", settings).test_client()
    spec_of("publishing").db.close()


def test_the_readiness_checks_are_the_ones_documented(consuming_service):
    r = consuming_service.get("/readyz")
    assert r.status_code == 200, r.get_json()  # only the database decides; the broker is away
    assert r.get_json()["checks"]["broker"].startswith("失败")
    produced = set(r.get_json()["checks"])
    documented = {row[0].strip("`") for row in table("check", "value", "decides readiness")}
    assert produced == documented, f"/readyz reports {sorted(produced)}; the page documents {sorted(documented)}"


def produced_metrics(client, monkeypatch) -> dict[str, set[str]]:
    """Each metric and sample name of /metrics after a request, with its label names."""
    # No broker in unit tests: the dead-letter count is what a passive declare would answer.
    monkeypatch.setattr(service_module.DeadLetterCount, "__call__", lambda self: 2)
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    assert client.get("/healthz").status_code == 200
    body = client.get("/metrics").get_data(as_text=True)
    out: dict[str, set[str]] = {}
    for family in text_string_to_metric_families(body):
        if not family.name.startswith("govmb_"):
            continue
        labels = {k for s in family.samples for k in s.labels if k != "le"}
        out[family.name] = labels
        for sample in family.samples:
            out.setdefault(sample.name, labels)
    return out


def worker_metrics() -> dict[str, set[str]]:
    """Each metric and sample name a worker's /metrics gives (govmb/worker.py), with its label names,
    from the definitions: the workers' registry and the outbox's gauges."""
    from govmb.observability import WORKER_REGISTRY
    from govmb.worker import OutboxGauges
    out: dict[str, set[str]] = {}
    for collector in list(WORKER_REGISTRY._collector_to_names):
        labels = set(getattr(collector, "_labelnames", ())) or {"service"}
        for name in WORKER_REGISTRY._collector_to_names[collector]:
            out[name] = labels
        out[collector.describe()[0].name] = labels
    for family in OutboxGauges(None).describe():
        out[family.name] = {"service"}
    return out


def test_every_worker_metric_is_on_the_page_with_its_labels():
    produced = worker_metrics()
    rows = table("worker metric", "type", "labels", "what")
    in_table = {row[0].strip("`"): set(re.findall(r"`(\w+)`", row[2])) for row in rows}
    families = {n for n in produced if not n.endswith(("_bucket", "_sum", "_count", "_created"))}
    missing = sorted(f for f in families if f not in in_table and f"{f}_total" not in in_table)
    assert not missing, f"a worker's /metrics produces these, the page's table of worker metrics lacks them: {missing}"
    for metric, labels in in_table.items():
        assert metric in produced, f"the page's worker metric {metric} is not one a worker produces"
        assert labels == produced[metric], f"{metric}: labels {sorted(produced[metric])}, the page says {sorted(labels)}"


def test_every_metric_named_is_produced_with_the_labels_given(consuming_service, monkeypatch):
    produced = {**worker_metrics(), **produced_metrics(consuming_service, monkeypatch)}
    named = set(METRIC.findall(page())) - DATABASES
    assert {"govmb_http_requests_total", "govmb_dead_letters"} <= named  # the page names them at all
    unknown = sorted(named - set(produced))
    assert not unknown, f"docs/operations.md names metrics no service produces: {unknown}; produced: {sorted(produced)}"
    for row in table("metric", "type", "labels", "what"):
        metric = row[0].strip("`")
        documented = set(re.findall(r"`(\w+)`", row[2]))
        assert documented == produced[metric], f"{metric}: labels {sorted(produced[metric])}, the page says {sorted(documented)}"


def test_every_metric_produced_is_on_the_page(consuming_service, monkeypatch):
    produced = produced_metrics(consuming_service, monkeypatch)
    families = {name for name in produced if not name.endswith(("_bucket", "_sum", "_count", "_created"))}
    in_table = {row[0].strip("`") for row in table("metric", "type", "labels", "what")}
    # a counter's family is `x`, its sample `x_total`: either in the table will do
    missing = sorted(f for f in families if f not in in_table and f"{f}_total" not in in_table)
    assert not missing, f"/metrics produces these, docs/operations.md's metrics table lacks them: {missing}"


# ------------------------------------------------------------------------------ links
def slug(heading: str) -> str:
    """A heading's anchor, as GitHub makes it."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def test_every_link_to_a_section_of_the_page_leads_to_a_heading():
    anchors = {slug(line.lstrip("#")) for line in page().splitlines() if line.startswith("#")}
    broken = sorted(set(re.findall(r"\]\(#([^)]+)\)", page())) - anchors)
    assert not broken, f"links to sections docs/operations.md does not have: {broken}"
