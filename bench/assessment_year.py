"""The annual assessment of a city's year on PostgreSQL: 2,000 accounts in 400 units, a million
posts and two million citizens' messages (target: under 5 seconds), beside a baseline
measured in the same run: the same tables merely scanned (one COUNT per fact table).

    python -m bench.assessment_year [--posts 1000000 --messages 2000000]   # writes its section of docs/benchmarks.md

The facts are generated inside PostgreSQL (generate_series), in the shapes the event
handlers store; the assessment is the service's own `annual.assess`, as the API runs it.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import time

from bench.report import write_section
from govmb.timefmt import BEIJING
from services.assessment import annual
from services.assessment.figures import Period
from tests import infra
from tests.system import migrated_app, settings_for, spec_of

ACCOUNTS, UNITS = 2000, 400
UTC = "({t})"  # a time as the facts store it: a timestamp, naive UTC
DAY = "to_char({t} + interval '8 hours', 'YYYY-MM-DD')"


def generate(db, posts: int, messages: int) -> None:
    run = _runner(db)
    start = "timestamp '2025-12-31 16:00:00'"  # Beijing 2026-01-01 00:00
    minute = f"{start} + (g % 525000) * interval '1 minute'"
    run("INSERT INTO unit (id, name, kind, parent_id, path, revision, updated_at) "
                   "VALUES (1, '南昌市', 'region', NULL, '/1/', 1, now())")
    run(f"INSERT INTO unit (id, name, kind, parent_id, path, revision, updated_at) "
                   f"SELECT g + 1, '单位' || g, 'department', 1, '/1/' || (g + 1) || '/', 1, now() "
                   f"FROM generate_series(1, {UNITS}) g")
    run(f"INSERT INTO account (id, unit_id, unit_path, name, kind, category, status, platforms, team, "
                   f"activated_at, closed_at, revision, updated_at) "
                   f"SELECT g, g % {UNITS} + 2, '/1/' || (g % {UNITS} + 2) || '/', '账号' || g, 'institutional', "
                   f"CASE WHEN g % 2 = 0 THEN 'livelihood' ELSE 'policy' END, 'active', '[]', '[]', "
                   f"'2025-01-01 00:00:00', NULL, 1, now() FROM generate_series(1, {ACCOUNTS}) g")
    run(f"INSERT INTO post_fact (draft_id, account_id, unit_id, unit_path, original, info_type, released_at, "
                   f"fast_track, correction_of, emergency_event_at, emergency_on_time, day, text, reviews) "
                   f"SELECT g, g % {ACCOUNTS} + 1, (g % {ACCOUNTS} + 1) % {UNITS} + 2, "
                   f"'/1/' || ((g % {ACCOUNTS} + 1) % {UNITS} + 2) || '/', g % 3 <> 0, "
                   f"CASE WHEN g % 100 = 0 THEN 'emergency' ELSE 'disclosure' END, {UTC.format(t=minute)}, false, "
                   f"NULL, NULL, CASE WHEN g % 100 = 0 THEN g % 300 <> 0 END, {DAY.format(t=minute)}, '', '[]' "
                   f"FROM generate_series(1, {posts}) g")
    due = f"({minute}) + interval '24 hours'"
    replied = f"({minute}) + (g % 30) * interval '1 hour'"  # 24 of 30 within the 24 hours
    run(f"INSERT INTO message_fact (id, account_id, unit_id, unit_path, category, sentiment, status, step, "
                   f"received_at, replied_at, fed_back_at, resolved_at, reply_due_at, feedback_due_at, "
                   f"verification_due_at, revision, kind, received_day, replied_day, reply_on_time, feedback_on_time) "
                   f"SELECT g, g % {ACCOUNTS} + 1, (g % {ACCOUNTS} + 1) % {UNITS} + 2, "
                   f"'/1/' || ((g % {ACCOUNTS} + 1) % {UNITS} + 2) || '/', 'query', "
                   f"CASE WHEN g % 5 = 0 THEN 'negative' ELSE 'neutral' END, "
                   f"CASE WHEN g % 10 = 0 THEN 'received' WHEN g % 3 = 0 THEN 'resolved' ELSE 'replied' END, 'x', "
                   f"{UTC.format(t=minute)}, CASE WHEN g % 10 <> 0 THEN {UTC.format(t=replied)} END, NULL, "
                   f"CASE WHEN g % 10 <> 0 AND g % 3 = 0 THEN {UTC.format(t=replied)} END, "
                   f"{UTC.format(t=due)}, {UTC.format(t=due + ' + interval ' + chr(39) + '3 days' + chr(39))}, "
                   f"NULL, 1, 'comment', {DAY.format(t=minute)}, "
                   f"CASE WHEN g % 10 <> 0 THEN {DAY.format(t=replied)} END, "
                   f"CASE WHEN g % 10 <> 0 THEN g % 30 <= 24 END, NULL FROM generate_series(1, {messages}) g")
    run(f"INSERT INTO monthly_figure_fact (account_id, month, unit_id, unit_path, category, posts, original, "
                   f"original_share, quota, quota_met, original_met, revision) "
                   f"SELECT a, '2026-' || lpad(m::text, 2, '0'), a % {UNITS} + 2, '/1/' || (a % {UNITS} + 2) || '/', "
                   f"'livelihood', 20 + a % 7 - 3, 14, 0.7, 20, 20 + a % 7 - 3 >= 20, true, 1 "
                   f"FROM generate_series(1, {ACCOUNTS}) a, generate_series(1, 12) m")
    run("ANALYZE")


def _runner(db):
    def run(sql: str) -> None:
        db.execute_sql(sql.replace("%", "%%"))  # the driver takes % for a parameter
    return run


def timed(fn, runs: int = 3) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--messages", type=int, default=2_000_000)
    args = parser.parse_args()
    server = os.environ.get("DATABASE_URL", infra.LOCAL_POSTGRES)
    with infra.fresh_database(server, prefix="govmb_bench_assessment") as url:
        migrated_app("assessment", settings_for("assessment", url))
        db = spec_of("assessment").db
        t0 = time.perf_counter()
        with db.connection_context():
            generate(db, args.posts, args.messages)
        made = time.perf_counter() - t0
        asof = dt.datetime(2027, 1, 1, tzinfo=BEIJING)
        with db.connection_context():
            scan, _ = timed(lambda: [db.execute_sql(f"SELECT count(*) FROM {t}").fetchone()
                                     for t in ("post_fact", "message_fact", "monthly_figure_fact")])
            whole, result = timed(lambda: annual.assess(Period.parse("2026"), asof))
        db.close_all()
    units, accounts = len(result["units"]), len(result["accounts"])
    posts = sum(u["counts"]["posts"] for u in result["units"])
    messages = sum(u["counts"]["messages"] for u in result["units"])
    verdict = "met" if whole < 5 else "**not met**"
    body = (f"Run on {dt.date.today()} ({platform.machine()}, {os.cpu_count()} cores, PostgreSQL on 127.0.0.1), "
            f"`python -m bench.assessment_year`; median of 3 runs each.\n\n"
            f"| what | seconds |\n|---|---|\n"
            f"| baseline: scan the three fact tables (COUNT each) | {scan:.2f} |\n"
            f"| the whole annual assessment (`annual.assess`: counts, rates, scores, vetoes, ranking) | {whole:.2f} |\n\n"
            f"Assessed {units} units and {accounts} accounts, counting {posts:,} posts and {messages:,} messages "
            f"of 2026 (generated in {made:.0f} s). Target under 5 s: {verdict}. "
            f"The assessment costs {whole / scan:.1f}× a bare scan of the same rows.\n")
    print(body)
    write_section("Annual assessment", body)


if __name__ == "__main__":
    main()
