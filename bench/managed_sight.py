"""What the managing unit (管理部门, X6) costs the lists of drafts: the first page of
`GET /publishing/api/drafts` (newest first, 20 rows) for a district leader, for a department's
operator and for a managing unit's operator, with the condition the service now uses
(`govmb.account_copy.account_rows_in_sight`: the unit's subtree, or an account managed from it)
beside the condition before (`govmb.identity.in_sight`: the subtree alone), in the same run, on
PostgreSQL with the publishing service's own migrations.

    python -m bench.managed_sight      # writes its section of docs/benchmarks.md (PostgreSQL on 5432)
"""
from __future__ import annotations

import datetime as dt
import os
import platform
import statistics
import time

import psycopg2

from bench.city import migrate
from bench.report import write_section
from govmb.account_copy import account_rows_in_sight
from govmb.db import open_database
from govmb.identity import Identity, in_sight
from services.publishing.models import Account, Draft, db

SERVER = os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
DISTRICTS, DEPARTMENTS, ACCOUNTS_PER_DEPARTMENT, DRAFTS = 20, 50, 3, 1_000_000
MANAGED = 200  # accounts of the city that name a managing unit (each district's media centre manages ten)
ROUNDS = 30


def fill(url: str) -> None:
    """Units /1/<district>/<department>/ with three accounts each; the media centre of each district
    (/1/<d>/999/) manages ten of its departments' accounts; a million drafts spread over them."""
    con = psycopg2.connect(url)
    con.autocommit = True
    with con.cursor() as cur:
        cur.execute("""INSERT INTO account (id, unit_id, unit_path, name, kind, category, status, platforms, team,
                                            revision, updated_at, managing_unit_id, managing_unit_path)
            SELECT a, 1000 * d + p, '/1/' || d || '/' || (1000 * d + p) || '/', '账号' || a, 'institutional',
                   'livelihood', 'active', '[]', '[]', 1, now(),
                   CASE WHEN p <= 10 AND k = 1 THEN 1000 * d + 999 END,
                   CASE WHEN p <= 10 AND k = 1 THEN '/1/' || d || '/' || (1000 * d + 999) || '/' END
            FROM generate_series(1, %s) d, generate_series(1, %s) p, generate_series(1, %s) k,
                 LATERAL (SELECT ((d - 1) * %s + (p - 1)) * %s + k AS a) ids""",
                    (DISTRICTS, DEPARTMENTS, ACCOUNTS_PER_DEPARTMENT, DEPARTMENTS, ACCOUNTS_PER_DEPARTMENT))
        accounts = DISTRICTS * DEPARTMENTS * ACCOUNTS_PER_DEPARTMENT
        cur.execute("""INSERT INTO draft (account_id, unit_id, unit_path, author_id, author_name, text, info_type,
                                          original, source, topic, series_title, "column", major, apology, fast_track,
                                          omitted, status, platforms, media, created_at, revision)
            SELECT a.id, a.unit_id, a.unit_path, 1, '撰稿人', '第' || n || '条', 'other', true, '', '', '', '',
                   false, '', false, '{}', 'released', '[]', '[]', now() - make_interval(mins => n), 1
            FROM generate_series(1, %s) n JOIN account a ON a.id = 1 + n %% %s""", (DRAFTS, accounts))
        cur.execute("ANALYZE")
    con.close()


def first_page(query) -> float:
    """Milliseconds for the first page (median of ROUNDS)."""
    times = []
    for _ in range(ROUNDS):
        t0 = time.perf_counter()
        list(query.order_by(Draft.created_at.desc(), Draft.id.desc()).limit(20))
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main() -> None:
    url = _database()
    fill(url)
    db.initialize(open_database(url))
    people = {"区领导（/1/3/）": Identity(1, "区领导", 3, "/1/3/", frozenset({"leader"})),
              "部门操作员（/1/3/3005/）": Identity(2, "操作员", 3005, "/1/3/3005/", frozenset({"operator"})),
              "管理部门操作员（/1/3/3999/，管理十个账号）": Identity(3, "融媒体中心", 3999, "/1/3/3999/",
                                                                 frozenset({"operator"}))}
    rows = []
    with db.connection_context():
        for name, who in people.items():
            before = first_page(in_sight(Draft.select(), Draft.unit_path, who))
            now = first_page(account_rows_in_sight(Draft.select(), Draft, Account, who))
            seen = account_rows_in_sight(Draft.select(), Draft, Account, who).count()
            rows.append(f"| {name} | {seen:,} | {before:.1f} | {now:.1f} |")
        version = db.execute_sql("SHOW server_version").fetchone()[0]
    body = (f"## Lists with the managing unit (issue 18, X6)\n\n"
            f"Run on {dt.date.today()} ({platform.machine()}, {os.cpu_count()} cores, PostgreSQL {version}), "
            f"`python -m bench.managed_sight`: {DISTRICTS * DEPARTMENTS * ACCOUNTS_PER_DEPARTMENT:,} accounts "
            f"({MANAGED} with a managing unit), {DRAFTS:,} drafts; the first page of the drafts list (20 rows, "
            f"newest first), median of {ROUNDS}. Baseline: the condition before the managing unit, the unit's "
            f"subtree alone, in the same run.\n\n"
            f"| who | drafts in sight | baseline: subtree only (ms) | subtree or managed account (ms) |\n"
            f"|---|---|---|---|\n" + "\n".join(rows) + "\n\n"
            "The managing unit's operator sees nothing under the baseline (its drafts are all of accounts it "
            "manages). The condition first asks the account copy which accounts the caller's subtree manages "
            "that are not already under it (none for most units, and none for a district, whose managed "
            "accounts lie below it anyway): then the list keeps the plain condition; otherwise those few "
            "accounts are named, and the database reads their drafts through the account index beside the "
            "unit path's. A first version with a subquery inside the OR took 257 ms for the department's "
            "operator (baseline 3 ms) and 323 ms for the district (67 ms): the planner could use neither index.\n")
    print(body)
    write_section("managed sight", body)


def _database() -> str:
    """A fresh database migrated by the publishing service's own migrations."""
    admin = psycopg2.connect(SERVER)
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute('DROP DATABASE IF EXISTS "govmb_bench_managed" WITH (FORCE)')
        cur.execute('CREATE DATABASE "govmb_bench_managed"')
    admin.close()
    url = SERVER.rsplit("/", 1)[0] + "/govmb_bench_managed"
    migrate({"publishing": url}, quiet=True)
    return url


if __name__ == "__main__":
    main()
