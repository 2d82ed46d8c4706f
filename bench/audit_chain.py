"""What the audit trail's hash chain costs a write (issue 15): rows written a transaction each,
as the services write them, through `AuditTrail.record` (the chain: a lock held to the commit,
the last row's hash read, an HMAC) beside the same row inserted without the chain, in the same
run, on SQLite and on PostgreSQL; on PostgreSQL also four writers at once, which the chain's
lock puts in a line. Then `audit-verify`'s speed over what was written.

    python -m bench.audit_chain      # writes its section of docs/benchmarks.md (needs PostgreSQL on 5432)
"""
from __future__ import annotations

import datetime as dt
import importlib
import os
import platform
import tempfile
import threading
import time

from bench.report import write_section
from govmb import auditchain
from govmb.auditverify import verify
from govmb.timefmt import utcnow
from tests import infra
from tests.keys import AUDIT
from tests.system import migrated_app, settings_for
from tests.unit.test_audit import OFFICE

N = 2000
WRITERS = 4


def unchained(_db, _model, row: dict, _keys) -> dict:
    """What `record` inserted before the chain: the row as it is, no lock, no read, no hash."""
    return {**row, "at": utcnow()}


def plain(trail) -> None:
    link, auditchain.link = auditchain.link, unchained
    try:
        chained(trail)
    finally:
        auditchain.link = link


def chained(trail) -> None:
    trail.record(OFFICE, "unit.update", "unit", 4, "/1/3/4/", "名称：旧 → 新", "东湖区民政局")


def rate(trail, write, writers: int = 1) -> float:
    """Rows a second, each in its own transaction, `writers` threads at once."""
    def run():
        with trail.db.connection_context():
            for _ in range(N // writers):
                with trail.db.atomic():
                    write(trail)
    threads = [threading.Thread(target=run) for _ in range(writers)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return N / (time.perf_counter() - t0)


def measure(url: str) -> dict[str, float]:
    migrated_app("registry", settings_for("registry", url))
    models = importlib.import_module("services.registry.models")
    trail = models.audit
    with trail.db.connection_context(), trail.db.atomic():
        models.Unit.insert(id=4, name="东湖区民政局", kind="office", path="/1/3/4/").execute()
    figures = {"chained": rate(trail, chained), "plain": rate(trail, plain)}
    if url.startswith("postgres"):
        figures |= {"chained4": rate(trail, chained, WRITERS), "plain4": rate(trail, plain, WRITERS)}
    # The first N rows are chained; the walk stops at the first plain row after them, as it should.
    t0 = time.perf_counter()
    report = verify(trail.db, AUDIT, "registry")
    figures["verify"] = report.checked / (time.perf_counter() - t0)
    assert report.checked == N and report.broken_at == N + 1, report
    return figures


def main() -> None:
    sqlite = measure(f"sqlite:///{tempfile.mkdtemp()}/bench-audit.db")
    with infra.fresh_database(infra.LOCAL_POSTGRES, "govmb_bench_audit") as url:
        pg = measure(url)
        importlib.import_module("services.registry.models").db.close_all()
    body = (f"## The audit trail's hash chain (issue 15)\n\n"
            f"Run on {dt.date.today()} ({platform.machine()}, {os.cpu_count()} cores, PostgreSQL on 127.0.0.1), "
            f"`python -m bench.audit_chain`: {N:,} rows, each in its own transaction, through the registry's trail; "
            f"\"without\" inserts the same row as `record` did before the chain.\n\n"
            f"| rows a second | SQLite | PostgreSQL |\n|---|---:|---:|\n"
            f"| without the chain, one writer | {sqlite['plain']:,.0f} | {pg['plain']:,.0f} |\n"
            f"| with the chain, one writer | {sqlite['chained']:,.0f} | {pg['chained']:,.0f} |\n"
            f"| without the chain, {WRITERS} writers at once | — | {pg['plain4']:,.0f} |\n"
            f"| with the chain, {WRITERS} writers at once | — | {pg['chained4']:,.0f} |\n"
            f"| `audit-verify`, rows checked a second | {sqlite['verify']:,.0f} | {pg['verify']:,.0f} |\n\n"
            f"The chain adds to each audited write a lock (PostgreSQL), the read of the last row by its primary key, "
            f"a `nextval` (PostgreSQL) and an HMAC: {1e3 / pg['chained'] - 1e3 / pg['plain']:.2f} ms a row on "
            f"PostgreSQL and {1e3 / sqlite['chained'] - 1e3 / sqlite['plain']:.2f} ms on SQLite. The lock is held "
            f"from the row to the commit, so a service's audited changes commit one after the other; an audited "
            f"change is a person's decision (an approval, a sign-in), a few a second at a city's busiest, far below "
            f"these rates. Verification reads 1,000 rows a page.\n")
    print(body)
    write_section("audit chain", body)


if __name__ == "__main__":
    main()
