"""The annual assessment at a country's size: 150,000 accounts in 40,000 units, a year of 75 M
posts and 100 M citizens' messages (targets: the whole assessment within 60 s, peak memory
within 1 GB), beside a baseline measured in the same run: the kept figures of the year merely
read (one COUNT).

    python -m bench.assessment_country [--fresh]   # writes its section of docs/benchmarks.md

Only the assessment service's database is built: what the assessment reads (its copies of the
units and accounts, its post and message facts, the monthly figures) in the shapes the event
handlers store, generated inside PostgreSQL in the order the events would have come (by time),
for the year 2025, every month of which is settled. The facts' texts (a post's text and review
steps, kept for the monthly archive) are left empty: the assessment never reads them, and at
75 M posts they alone would take some 75 GB, more than this machine's disk holds beside the
rest. The database is kept (`bench_assessment_country`, with a `bench_country` marker) and
reused by a later run; `--fresh` builds it again.

Each measurement runs in a process of its own, so that its peak memory is its own: the
assessment without account rows (what the dashboards ask for), then with a row for each of
the 150,000 accounts (the full table). The kept-figures job that counts the settled months
from the facts is timed once, when the data is generated. The run ends by checking that the
kept figures equal a count from the fact tables.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import subprocess
import sys
import time

import psycopg2

from bench.city import ROOT, Db, _parallel, _url, check_server, indexes_dropped, migrate, read_marker, say
from bench.report import write_section
from tests import infra

NAME = "bench_assessment_country"
VERSION = 1  # raise when the generated data changes: an older database is then rebuilt
PROVINCES, CITIES, COUNTIES, UNITS = 34, 340, 2_900, 40_000
ACCOUNTS, POSTS, MESSAGES = 150_000, 75_000_000, 100_000_000
YEAR = 2025
CHUNK = 2_500_000  # fact rows a statement
FIRST_COUNTY = 2 + PROVINCES + CITIES  # counties and departments hold the accounts
TARGET_SECONDS, TARGET_MB = 60, 1024

# Beijing 2025-01-01 00:00, stored as naive UTC; the g-th of n rows falls at its share of the year
START = "timestamp '2024-12-31 16:00:00'"
AT = f"{START} + (((g - 1)::bigint * 31536000) / %(n)s) * interval '1 second'"

UNIT_ROWS = f"""
INSERT INTO unit (id, name, kind, parent_id, path, revision, updated_at)
SELECT 1, '全国政务微博工作联席会议', 'region', NULL, '/1/', 1, now()::timestamp;
INSERT INTO unit (id, name, kind, parent_id, path, revision, updated_at)
SELECT 1 + p, '第' || p || '省', 'region', 1, '/1/' || (1 + p) || '/', 1, now()::timestamp
FROM generate_series(1, {PROVINCES}) p;
INSERT INTO unit (id, name, kind, parent_id, path, revision, updated_at)
SELECT {1 + PROVINCES} + c, '第' || c || '市', 'prefecture', u.id, u.path || ({1 + PROVINCES} + c) || '/', 1, now()::timestamp
FROM generate_series(1, {CITIES}) c JOIN unit u ON u.id = 2 + (c - 1) % {PROVINCES};
INSERT INTO unit (id, name, kind, parent_id, path, revision, updated_at)
SELECT {FIRST_COUNTY - 1} + k, '第' || k || '县', 'county', u.id, u.path || ({FIRST_COUNTY - 1} + k) || '/', 1, now()::timestamp
FROM generate_series(1, {COUNTIES}) k JOIN unit u ON u.id = {2 + PROVINCES} + (k - 1) % {CITIES};
INSERT INTO unit (id, name, kind, parent_id, path, revision, updated_at)
SELECT {FIRST_COUNTY - 1 + COUNTIES} + j,
       u.name || (ARRAY['公安局', '教育局', '卫生健康委员会', '市场监督管理局', '交通运输局', '生态环境局',
                        '住房和城乡建设局', '人力资源和社会保障局', '民政局', '城市管理局', '应急管理局',
                        '信访局', '新闻办公室'])[(j - 1) / {COUNTIES} % 13 + 1],
       'department', u.id, u.path || ({FIRST_COUNTY - 1 + COUNTIES} + j) || '/', 1, now()::timestamp
FROM generate_series(1, {UNITS - FIRST_COUNTY + 1 - COUNTIES}) j JOIN unit u ON u.id = {FIRST_COUNTY} + (j - 1) % {COUNTIES}"""

ACCOUNT_ROWS = f"""
INSERT INTO account (id, unit_id, unit_path, name, kind, category, status, platforms, team, activated_at, closed_at,
                     revision, updated_at)
SELECT g, u.id, u.path, left(u.name, 24) || '发布', 'institutional',
       CASE WHEN g % 3 = 0 THEN 'policy' ELSE 'livelihood' END, 'active', '[]', '[]',
       '2024-06-01 00:00:00', NULL, 1, now()::timestamp
FROM generate_series(1, {ACCOUNTS}) g JOIN unit u ON u.id = {FIRST_COUNTY} + (g - 1) % ({UNITS - FIRST_COUNTY + 1})"""

# the account of the g-th fact: scattered over the accounts, every account about as busy
PICK = f"a.id = ((g::bigint * 7919) %% {ACCOUNTS})::int + 1"

POST_ROWS = f"""
INSERT INTO post_fact (draft_id, account_id, unit_id, unit_path, original, info_type, released_at, fast_track,
                       correction_of, emergency_event_at, emergency_on_time, day, text, reviews)
SELECT g, a.id, a.unit_id, a.unit_path, g %% 10 < 7, CASE WHEN g %% 100 = 50 THEN 'emergency' ELSE 'disclosure' END,
       t.r, false, NULL, CASE WHEN g %% 100 = 50 THEN t.r - interval '1 hour' END,
       CASE WHEN g %% 100 = 50 THEN g %% 700 <> 50 END, pg_temp.bjday(t.r), '', '[]'
FROM generate_series(%(lo)s, %(hi)s) g CROSS JOIN LATERAL (SELECT {AT} AS r) t JOIN account a ON {PICK}"""

# replied within g % 30 hours (24 of 30 within the day); three in four resolved two days later;
# one in 20,000 never answered (the veto's long unanswered messages)
MESSAGE_ROWS = f"""
INSERT INTO message_fact (id, account_id, unit_id, unit_path, category, sentiment, status, step, received_at,
                          replied_at, fed_back_at, resolved_at, reply_due_at, feedback_due_at, verification_due_at,
                          revision, kind, received_day, replied_day, reply_on_time, feedback_on_time)
SELECT g, a.id, a.unit_id, a.unit_path, (ARRAY['query', 'complaint', 'suggestion', 'report', 'praise'])[g %% 5 + 1],
       CASE WHEN g %% 5 = 0 THEN 'negative' WHEN g %% 7 = 0 THEN 'positive' ELSE 'neutral' END,
       x.status, x.status, t.r, x.replied, NULL, x.resolved,
       t.r + interval '24 hours', t.r + interval '14 days', NULL, 1,
       CASE WHEN g %% 4 = 0 THEN 'mention' ELSE 'comment' END, pg_temp.bjday(t.r), pg_temp.bjday(x.replied),
       CASE WHEN x.replied IS NOT NULL THEN x.replied <= t.r + interval '24 hours' END, NULL
FROM generate_series(%(lo)s, %(hi)s) g CROSS JOIN LATERAL (SELECT {AT} AS r) t JOIN account a ON {PICK}
CROSS JOIN LATERAL (SELECT CASE WHEN g %% 20000 = 0 THEN 'received' WHEN g %% 4 = 0 THEN 'replied' ELSE 'resolved' END
                           AS status,
                           CASE WHEN g %% 20000 <> 0 THEN t.r + (g %% 30) * interval '1 hour' END AS replied,
                           CASE WHEN g %% 20000 <> 0 AND g %% 4 <> 0 THEN t.r + (g %% 30 + 48) * interval '1 hour' END
                           AS resolved) x"""

# publishing's monthly figure of each account (figures.report), as assessment stores it
MONTHLY_ROWS = """
INSERT INTO monthly_figure_fact (account_id, month, unit_id, unit_path, category, posts, original, original_share,
                                 quota, quota_met, original_met, revision)
SELECT a.id, m.month, a.unit_id, a.unit_path, a.category, coalesce(c.posts, 0), coalesce(c.original, 0), x.share,
       x.quota, coalesce(c.posts, 0) >= x.quota, coalesce(c.posts, 0) > 0 AND x.share >= 0.6, 1
FROM account a CROSS JOIN (SELECT to_char(make_date(%(year)s, n, 1), 'YYYY-MM') AS month
                           FROM generate_series(1, 12) n) m
LEFT JOIN (SELECT account_id, left(day, 7) AS month, count(*) AS posts, sum(original::int) AS original
           FROM post_fact GROUP BY 1, 2) c ON c.account_id = a.id AND c.month = m.month
CROSS JOIN LATERAL (SELECT CASE WHEN c.posts > 0 THEN round(c.original::numeric / c.posts, 4) ELSE 0 END AS share,
                           CASE a.category WHEN 'livelihood' THEN 20 ELSE 10 END AS quota) x
ORDER BY m.month, a.id"""

LAST_POSTS = "INSERT INTO last_post (account_id, day) SELECT account_id, max(day) FROM post_fact GROUP BY account_id"

MARKER = """
CREATE TABLE bench_country (version int NOT NULL, generated_at timestamp NOT NULL, seconds float8 NOT NULL,
                            job_seconds float8, sizes text);
INSERT INTO bench_country VALUES (%(version)s, now(), %(seconds)s, NULL, NULL)"""


def marker(url: str) -> dict | None:
    """What the kept database says of itself, if it holds this version's data."""
    row = read_marker(url, "bench_country", ("version", "seconds", "job_seconds", "sizes"))
    if row is None or row["version"] != VERSION:
        return None
    return {"seconds": row["seconds"], "job": row["job_seconds"], "sizes": json.loads(row["sizes"]) if row["sizes"] else None}


def build(server: str) -> dict:
    admin = psycopg2.connect(server)
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{NAME}" WITH (FORCE)')
        cur.execute(f'CREATE DATABASE "{NAME}"')
    admin.close()
    url = _url(server, NAME)
    migrate({"assessment": url}, quiet=True)
    t0 = time.perf_counter()
    print(f"Generating the country's assessment data ({UNITS:,} units, {ACCOUNTS:,} accounts, {POSTS:,} posts, "
          f"{MESSAGES:,} messages of {YEAR})", flush=True)
    first, second = Db("assessment", url), Db("assessment", url)
    first.step("units", UNIT_ROWS)
    first.step("accounts", ACCOUNT_ROWS)
    first.run("ANALYZE unit, account")

    def facts(db: Db, table: str, sql: str, n: int) -> None:
        with indexes_dropped(db, (table,)):
            for lo in range(1, n + 1, CHUNK):
                db.run(sql, lo=lo, hi=min(n, lo + CHUNK - 1), n=n)
                if (lo - 1) % (10 * CHUNK) == 0:
                    say(f"  {table:<14} {min(n, lo + CHUNK - 1):>13,} of {n:,} rows  {time.perf_counter() - t0:7.0f} s")
    _parallel([first, second], lambda: facts(first, "post_fact", POST_ROWS, POSTS),
              lambda: facts(second, "message_fact", MESSAGE_ROWS, MESSAGES))
    first.step("monthly figures", MONTHLY_ROWS, year=YEAR)
    first.step("last posts", LAST_POSTS)
    first.run("VACUUM (ANALYZE)")
    generated = time.perf_counter() - t0
    say(f"  generated in {generated:.0f} s")
    first.close()
    second.close()
    with psycopg2.connect(url) as conn, conn.cursor() as cur:
        cur.execute(MARKER, {"version": VERSION, "seconds": generated})
    conn.close()
    return marker(url)


def counted(url: str, data: dict) -> dict:
    """The data with the kept-figures job run on it (as the worker runs it), once: how long it
    took is kept beside the data."""
    if data["job"] is None:
        data["job"] = json.loads(_measure(url, "job"))["seconds"]
        say(f"  the kept-figures job counted the settled months in {data['job']:.0f} s")
        data["sizes"] = _sizes(url)
        with psycopg2.connect(url) as conn, conn.cursor() as cur:
            cur.execute("UPDATE bench_country SET job_seconds = %(job)s, sizes = %(sizes)s",
                        {"job": data["job"], "sizes": json.dumps(data["sizes"])})
        conn.close()
    return data


def _sizes(url: str) -> dict:
    with psycopg2.connect(url) as conn, conn.cursor() as cur:
        cur.execute("SELECT pg_database_size(current_database()), pg_total_relation_size('post_fact'), "
                    "pg_total_relation_size('message_fact'), pg_total_relation_size('kept_figure')")
        total, posts, messages, kept = cur.fetchone()
    conn.close()
    return {"database": total, "post_fact": posts, "message_fact": messages, "kept_figure": kept}


def _measure(url: str, what: str) -> str:
    """One measurement in a process of its own (its peak memory is its own); its JSON answer."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-m", "bench.assessment_country", "--measure", what, "--url", url],
                         cwd=ROOT, env=env, check=True, stdout=subprocess.PIPE, text=True).stdout
    return out.strip().splitlines()[-1]


def measure(url: str, what: str) -> dict:
    """Run in the measuring process: bind the service to the database, then time `what`."""
    from services.assessment import annual, kept
    from services.assessment.figures import Period
    from services.assessment.models import KeptFigure
    from tests.system import migrated_app, settings_for, spec_of
    migrated_app("assessment", settings_for("assessment", url))
    db = spec_of("assessment").db
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    with db.connection_context():
        if what == "job":
            months = kept.snapshot()
            answer = {"months": months}
        elif what == "baseline":
            answer = {"rows": KeptFigure.select().count()}
        else:
            result = annual.assess(Period.parse(str(YEAR)), accounts=what == "accounts")
            answer = {"units": len(result["units"]), "accounts": len(result["accounts"]),
                      "posts": sum(u["counts"]["posts"] for u in result["units"]),
                      "messages": sum(u["counts"]["messages"] for u in result["units"]),
                      "vetoed": sum(bool(u["vetoes"]) for u in result["units"])}
    seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KB on Linux
    db.close_all()
    return {**answer, "seconds": seconds, "peak_mb": peak / 1024, "start_mb": before / 1024}


def check(url: str) -> tuple[bool, str]:
    """The kept figures of the year against a count from the facts."""
    sums = ("SELECT (SELECT sum(posts) FROM kept_figure WHERE month LIKE %(y)s), "
            "(SELECT count(*) FROM post_fact WHERE day LIKE %(y)s), "
            "(SELECT sum(messages) FROM kept_figure WHERE month LIKE %(y)s), "
            "(SELECT count(*) FROM message_fact WHERE received_day LIKE %(y)s)")
    with psycopg2.connect(url) as conn, conn.cursor() as cur:
        cur.execute(sums, {"y": f"{YEAR}-%"})
        kept_posts, posts, kept_messages, messages = cur.fetchone()
    conn.close()
    ok = kept_posts == posts and kept_messages == messages
    return ok, (f"kept posts {kept_posts:,} against {posts:,} counted from the facts, kept messages {kept_messages:,} "
                f"against {messages:,}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--fresh", action="store_true", help="build the data again even if it is kept")
    parser.add_argument("--no-report", action="store_true", help="print the results, leave docs/benchmarks.md")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.url, args.measure)))
        return
    server = os.environ.get("DATABASE_URL", infra.LOCAL_POSTGRES)
    check_server(server)
    url = _url(server, NAME)
    kept_data = None if args.fresh else marker(url)
    if kept_data is None:
        kept_data = build(server)
        reused = False
    else:
        migrate({"assessment": url})
        reused = True
        print(f"Reusing the country's assessment data generated earlier ({kept_data['seconds'] / 60:.0f} min)")
    kept_data = counted(url, kept_data)
    runs = {what: json.loads(_measure(url, what)) for what in ("baseline", "units", "accounts")}
    ok, detail = check(url)
    base, units, accounts = runs["baseline"], runs["units"], runs["accounts"]
    met = (units["seconds"] <= TARGET_SECONDS and accounts["seconds"] <= TARGET_SECONDS
           and max(units["peak_mb"], accounts["peak_mb"]) <= TARGET_MB)
    sizes = kept_data["sizes"]
    body = (
        f"Run on {dt.date.today()} ({platform.machine()}, {os.cpu_count()} cores, PostgreSQL on 127.0.0.1), "
        f"`python -m bench.assessment_country`; each measurement in a process of its own (peak memory: its "
        f"resident set at most; a bare process with the service loaded holds {units['start_mb']:.0f} MB).\n\n"
        f"| what | seconds | peak memory |\n|---|---|---|\n"
        f"| baseline: read the year's kept figures ({base['rows']:,} rows, one COUNT) | {base['seconds']:.2f} | "
        f"{base['peak_mb']:.0f} MB |\n"
        f"| the annual assessment without account rows (what the dashboards read) | {units['seconds']:.1f} | "
        f"{units['peak_mb']:.0f} MB |\n"
        f"| the annual assessment with a row for every account | {accounts['seconds']:.1f} | "
        f"{accounts['peak_mb']:.0f} MB |\n"
        f"| the kept-figures job counting the 12 settled months from the facts (once, when generated) | "
        f"{kept_data['job']:.0f} | |\n\n"
        f"Assessed {units['units']:,} units and {accounts['accounts']:,} accounts of {YEAR}, counting "
        f"{units['posts']:,} posts and {units['messages']:,} messages ({units['vetoed']:,} units vetoed). "
        f"The data ({UNITS:,} units, {ACCOUNTS:,} accounts, {POSTS:,} post facts, {MESSAGES:,} message facts; "
        f"{sizes['database'] / 2**30:.0f} GB, of which post facts {sizes['post_fact'] / 2**30:.0f} GB and message "
        f"facts {sizes['message_fact'] / 2**30:.0f} GB) was generated in {kept_data['seconds'] / 60:.0f} min"
        f"{' in an earlier run and reused' if reused else ''}. "
        f"Targets within {TARGET_SECONDS} s and {TARGET_MB} MB: {'met' if met else '**not met**'}. "
        f"Nothing lost: {'yes' if ok else '**no**'}, {detail}.\n")
    print(body)
    if not args.no_report:
        write_section("Annual assessment at country scale", body)
    if not ok:
        raise SystemExit("the kept figures differ from the facts")


if __name__ == "__main__":
    main()
