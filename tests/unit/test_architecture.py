"""docs/architecture.md is what `python -m ops.architecture` writes from the code, and what it
writes is true: the tables are those the migrations make, the events those of the catalogue."""
import difflib
import re

import peewee
import pytest
from playhouse.migrations import Runner

from govmb.config import SERVICES
from govmb.contracts import CATALOGUE, consumers_of
from ops import architecture
from tests.system import spec_of


def test_the_page_is_what_the_generator_writes():
    written = architecture.PAGE.read_text(encoding="utf-8")
    expected = architecture.render()
    if written != expected:
        diff = "".join(list(difflib.unified_diff(written.splitlines(True), expected.splitlines(True),
                                                 "docs/architecture.md", "what the code says", n=1))[:40])
        pytest.fail(f"docs/architecture.md is out of date: run `{architecture.COMMAND}` (or `make docs`) "
                    f"and commit it.\n{diff}")


def section(page: str, service: str) -> str:
    return page.split(f"### {service}: ", 1)[1].split("\n### ", 1)[0]


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_lists_the_tables_its_migrations_make(service, tmp_path):
    db = peewee.SqliteDatabase(str(tmp_path / f"{service}.db"))  # the migrations run on their own database
    with db.connection_context():
        Runner(db, str(spec_of(service).migrations)).up()
        made = set(db.get_tables())
    listed = set(re.findall(r"^\| `(\w+)` \|", section(architecture.render(), service), re.M))
    assert listed == made, {"not on the page": made - listed, "not made by a migration": listed - made}


SERVICE_EVENTS = [t for t in CATALOGUE if t.split(".")[0] in SERVICES]  # tests add events of their own


def test_every_event_is_listed_once_with_its_producer_consumers_and_version():
    rows = [line for line in architecture.render().splitlines()
            if line.startswith("| `") and line.split("`")[1] in CATALOGUE]
    listed = {line.split("`")[1]: [cell.strip() for cell in line.split("|")[2:6]] for line in rows}
    assert len(rows) == len(listed) == len(SERVICE_EVENTS) and set(listed) == set(SERVICE_EVENTS)
    for event_type, (version, producer, consumers, meaning) in listed.items():
        c = CATALOGUE[event_type]
        assert (int(version), producer, consumers, meaning) == (
            c.version, event_type.split(".")[0], ", ".join(consumers_of(event_type)), c.description)
        assert producer in SERVICES and set(consumers.split(", ")) <= set(SERVICES)


def test_the_diagram_has_an_edge_for_each_producer_and_consumer_labelled_with_their_events():
    edges = re.findall(r'^    (\w+) -->\|"([^"]+)"\| (\w+)$', architecture.render(), re.M)
    found = {(p, c): set(label.split("<br/>")) for p, label, c in edges}
    expected = {}
    for event_type in SERVICE_EVENTS:
        for consumer in consumers_of(event_type):
            expected.setdefault((event_type.split(".")[0], consumer), set()).add(event_type)
    assert found == expected
