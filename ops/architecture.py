"""docs/architecture.md, written from the code itself: the event catalogue (govmb.contracts:
CATALOGUE, SUBSCRIPTIONS, each contract's version and description) and each service's peewee
models. `python -m ops.architecture` (or `make docs`) rewrites the page;
tests/unit/test_architecture.py fails when the page differs from what this would write.
"""
from __future__ import annotations

import importlib
import inspect
import sys

import peewee
from playhouse.migrations import Runner

from govmb.config import ROOT, SERVICES
from govmb.contracts import CATALOGUE, SUBSCRIPTIONS, consumers_of
from govmb.service import ServiceSpec
from ops.cli import spec_of

PAGE = ROOT / "docs" / "architecture.md"
COMMAND = "python -m ops.architecture"
MIGRATIONS_TABLE = inspect.signature(Runner).parameters["table_name"].default


def producer_of(event_type: str) -> str:
    return event_type.split(".", 1)[0]


def event_types() -> list[str]:
    """The services' event types (the catalogue may hold others, e.g. a test's own)."""
    return sorted(t for t in CATALOGUE if producer_of(t) in SERVICES)


def first_sentence(text: str | None) -> str:
    """The first sentence of a docstring, on one line."""
    words = " ".join((text or "").split())
    end = words.find(". ")
    return words if end < 0 else words[:end + 1]


def _subclasses(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_subclasses(sub)]
    return found


def models_of(spec: ServiceSpec) -> list[type[peewee.Model]]:
    """Every model bound to the service's database that has a table: its own, its copies of
    other services' data, its bus tables, its audit trail. A base class of other models is not a
    table of its own; the classes a migration file makes (run on this database) are not models."""
    importlib.import_module(f"{spec.package}.models")
    bound = [m for m in _subclasses(peewee.Model) if m._meta.database is spec.db
             and m.__module__.split(".")[0] in ("govmb", "services") and m.__module__ in sys.modules]
    bases = {base for m in bound for base in m.__mro__[1:]}
    tables = {}
    for model in bound:
        if model not in bases:
            tables.setdefault(model._meta.table_name, model)
    return [tables[name] for name in sorted(tables)]


def what_it_holds(spec: ServiceSpec, model: type[peewee.Model]) -> str:
    """The model's docstring; for a table made by shared code (a copy, the bus tables), that of
    the module that made it."""
    if model.__doc__ or model.__module__ == f"{spec.package}.models":
        return first_sentence(model.__doc__) or "—"
    return first_sentence(sys.modules[model.__module__].__doc__)


def column(field: peewee.Field) -> str:
    if isinstance(field, peewee.ForeignKeyField):
        return f"{field.column_name} → {field.rel_model._meta.table_name}"
    return field.column_name


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def diagram() -> list[str]:
    """Services as nodes; one edge per producer and consumer, labelled with the event types."""
    lines = ["```mermaid", "flowchart LR"]
    for name in SERVICES:
        lines.append(f'    {name}["{name}<br/>{spec_of(name).title}"]')
    for producer in SERVICES:
        for consumer in SERVICES:
            types = [t for t in event_types() if producer_of(t) == producer and t in SUBSCRIPTIONS.get(consumer, ())]
            if types:
                lines.append(f'    {producer} -->|"{"<br/>".join(types)}"| {consumer}')
    return [*lines, "```"]


def events_table() -> list[str]:
    lines = ["| event type | version | producer | consumers | what it means |", "|---|---|---|---|---|"]
    for event_type in event_types():
        c = CATALOGUE[event_type]
        consumers = ", ".join(consumers_of(event_type)) or "none"
        lines.append(f"| `{event_type}` | {c.version} | {producer_of(event_type)} | {consumers} | "
                     f"{_cell(c.description)} |")
    return lines


def service_section(name: str) -> list[str]:
    spec = spec_of(name)
    produces = [t for t in event_types() if producer_of(t) == name]
    consumes = SUBSCRIPTIONS.get(name, ())
    jobs = [job for job, _interval, _run in spec.periodic()]
    lines = [f"### {name}: {spec.title}", "",
             f"`{spec.package}`. Publishes: {', '.join(f'`{t}`' for t in produces) or 'nothing'}. "
             f"Consumes: {', '.join(f'`{t}`' for t in consumes) or 'nothing'}. "
             f"Its worker's periodic jobs: {', '.join(jobs) or 'none'}.", "",
             "| table | what it holds | columns |", "|---|---|---|"]
    for model in models_of(spec):
        columns = ", ".join(column(f) for f in model._meta.sorted_fields)
        lines.append(f"| `{model._meta.table_name}` | {_cell(what_it_holds(spec, model))} | {columns} |")
    lines.append(f"| `{MIGRATIONS_TABLE}` | The migrations applied (playhouse.migrations), one row each. | |")
    return [*lines, ""]


# The state machines of the workflow core (govmb.workflow): (title, module, its names' module)
MACHINES = (("An account (registry)", "services.registry.accounts", "govmb.contracts.registry"),
            ("An account's change filing, 变更备案 (registry)", "services.registry.changes", "govmb.contracts.registry"),
            ("A draft (publishing)", "services.publishing.review", "govmb.contracts.publishing"),
            ("A citizen's message (inquiry)", "services.inquiry.handling", "govmb.contracts.inquiry"),
            ("A transfer (inquiry)", "services.inquiry.transfers", "govmb.contracts.inquiry"),
            ("A problem notice (inquiry)", "services.inquiry.notices", "services.inquiry.notices"),
            ("An inspection (assessment)", "services.assessment.inspections", "services.assessment.inspections"),
            ("A dormant account's rectification order (assessment)", "services.assessment.dormancy",
             "services.assessment.dormancy"))


def machines_section() -> list[str]:
    """Each machine's table of transitions, read from the machine itself."""
    lines = ["## State machines", "",
             "Every change of state goes through one workflow core (`govmb/workflow.py`): a machine is an",
             "Enum of states and one table of transitions; `Machine.apply` locks the row, checks who may",
             "and from which state, runs the action's own effect, stamps its time, sets the state, bumps",
             "the revision, records the step and sends the event in one transaction. The tables below",
             "are read from the machines themselves.", ""]
    for title, module, names in MACHINES:
        machine = importlib.import_module(module).MACHINE
        contract = importlib.import_module(names)
        prefix = f"{machine.name.upper()}_" if hasattr(contract, f"{machine.name.upper()}_STATUS_NAMES") else ""
        names = getattr(contract, f"{prefix}STATUS_NAMES"), getattr(contract, f"{prefix}ACTION_NAMES")
        lines += [f"### {title}", "", *machine.describe(*names), ""]
    return lines


def render() -> str:
    lines = [
        "# Architecture",
        "",
        f"<!-- Generated by `{COMMAND}` (`make docs`) from govmb/contracts and the services' models;",
        "     do not edit by hand: tests/unit/test_architecture.py fails when this page differs. -->",
        "",
        "Four services, each with its own database, talk only by events over RabbitMQ (the bus:",
        "[bus.md](bus.md)); the web app keeps no data and calls their HTTP APIs. This page is written",
        "from the code's own event catalogue (`govmb.contracts`: `CATALOGUE`, `SUBSCRIPTIONS`) and",
        "the services' peewee models, so it says what the code does.",
        "",
        "## Layers",
        "",
        "Within a service, only `api.py` (the routes), `schemas.py` (their request and answer shapes)",
        "and `app.py` speak HTTP; `worker.py` and `jobs.py` start its processes. Every other module is",
        "its domain: it takes the caller as an `Identity` (`govmb.identity`) and, when it cannot do",
        "what was asked, raises `govmb.domain`'s `Invalid(field, message)`, `Refused`, `NotFound` or",
        "`Conflict`, which `govmb.errors` alone answers as problem details (422, 403, 404, 409).",
        "`tests/unit/test_layers.py` fails when a domain module reaches Flask or werkzeug, directly",
        "or through a module of the shared library.",
        "",
        *machines_section(),
        "## Who sends what to whom",
        "",
        *diagram(),
        "",
        "## Events",
        "",
        "Each event type has a marshmallow contract of that version in `govmb/contracts/`; the",
        "producer validates before writing to its outbox, each consumer on receipt.",
        "",
        *events_table(),
        "",
        "## Services and their data",
        "",
        "Each service's tables, from its models: its own records, its copies of the registry's units",
        "and accounts (fed by events), its outbox, inbox and failure log, its audit trail, and the",
        "migrations' version table.",
        "",
    ]
    for name in SERVICES:
        lines += service_section(name)
    return "\n".join(lines).rstrip("\n") + "\n"


def main() -> int:
    PAGE.write_text(render(), encoding="utf-8")
    print(f"wrote {PAGE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
