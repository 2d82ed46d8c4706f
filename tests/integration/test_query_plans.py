"""Every query a list or a page runs has its index: on PostgreSQL, with tables of some size and
fresh statistics, each list API is called as the office, a district and a department with the
filters people use (the whole year's assessment, which reads everything, only for a district and
a department, which must read their own units alone); every SELECT it sends is read back with EXPLAIN, and a sequential scan of a
big table fails the test, unless it sits right under a LIMIT (it stops at the limit: the capped
count of a list reads at most COUNT_CAP + 1 rows)."""
from __future__ import annotations

import json
import logging

import pytest

from services.assessment.models import db as assessment_db
from services.inquiry.models import db as inquiry_db
from services.publishing.models import db as publishing_db
from services.registry.models import db as registry_db
from tests.conftest import auth
from tests.system import migrated_app, settings_for

OFFICE = auth(2, "/1/2/", "joint_office", "admin", person=1)
DISTRICT = auth(3, "/1/3/", "principal_leader", person=2)
DEPT = auth(4, "/1/3/4/", "operator", person=3)
CALLERS = {"office": OFFICE, "district": DISTRICT, "department": DEPT}
ROWS = 40_000  # messages, drafts, transfers: big enough that the planner prefers an index where one serves

UNITS = """INSERT INTO unit (id, name, kind, parent_id, path{extra}) SELECT * FROM (VALUES
    (1, '南昌市', 'region', NULL, '/1/'{v}), (2, '联席会议办公室', 'department', 1, '/1/2/'{v}),
    (3, '东湖区', 'district', 1, '/1/3/'{v}), (4, '东湖区教育局', 'department', 3, '/1/3/4/'{v})) AS u
    UNION ALL SELECT g, '部门' || g, 'department', 1 + (g % 100 = 0)::int * 2, '/1/' || CASE WHEN g % 100 = 0 THEN '3/' ELSE '' END || g || '/'{v2}
    FROM generate_series(5, 3000) g"""
UNIT_COPY = dict(extra=", revision, updated_at", v=", 1, now()", v2=", 1, now()")
ACCOUNT_COPY = """INSERT INTO account (id, unit_id, unit_path, name, kind, category, status, platforms, team,
    activated_at, closed_at, revision, updated_at) SELECT g, u.id, u.path, '账号' || g, 'institutional', 'livelihood',
    CASE WHEN g % 10 = 0 THEN 'closed' ELSE 'active' END, '[]', '[]', NULL, NULL, 1, now()
    FROM generate_series(1, 6000) g JOIN unit u ON u.id = 4 + g % 2997"""
TEXT = "(ARRAY['小区门口路灯坏了一个月', '学校门口交通拥堵', '建议增加公交线路', '感谢及时回应', '路面积水严重'])[1 + g % 5] || g"


def literal(db):
    """Run SQL without parameters (its % are modulo, not placeholders)."""
    return lambda sql: db.execute_sql(sql.replace("%", "%%"))


def fill_inquiry():
    run = literal(inquiry_db)
    run(UNITS.format(**UNIT_COPY))
    run(ACCOUNT_COPY)
    run(f"""INSERT INTO message (id, account_id, unit_id, unit_path, platform, kind, source, via, citizen_handle,
        citizen_contact, text, category, sentiment, category_confirmed, sentiment_confirmed, status, received_at,
        reply_due_at, feedback_due_at, provisional, reply_text, feedback_text, result_text, revision, due_at)
        SELECT g, a.id, a.unit_id, a.unit_path, (ARRAY['sina','tencent'])[1 + g % 2], 'comment', 'staff', '', '@网友', '',
        {TEXT}, (ARRAY['query','complaint','report','suggestion','praise'])[1 + g % 5],
        (ARRAY['positive','neutral','negative'])[1 + g % 3], false, false,
        (ARRAY['received','replied','accepted','resolved'])[1 + g % 4], now() - g * interval '10 minutes',
        now() - g * interval '10 minutes' + interval '24 hours', now() + interval '3 days', false, '', '', '', 1,
        CASE g % 4 WHEN 0 THEN now() - g * interval '10 minutes' + interval '24 hours'
                   WHEN 1 THEN now() + interval '3 days' END
        FROM generate_series(1, {ROWS}) g JOIN account a ON a.id = 1 + g % 6000""")
    run(f"""INSERT INTO transfer (message_id, from_unit_id, from_unit_path, to_unit_id, to_unit_path, status, note,
        reason, sent_by, sent_at, answered_by, answered_at) SELECT g, 2, '/1/2/', m.unit_id, m.unit_path,
        (ARRAY['pending','accepted','returned'])[1 + g % 3], '请办理', '', '办公室', now() - g * interval '1 hour', '',
        CASE WHEN g % 3 <> 0 THEN now() - g * interval '1 hour' + interval '30 minutes' END
        FROM generate_series(1, {ROWS}) g JOIN message m ON m.id = g""")
    run(f"""INSERT INTO problem_notice (title, importance, kind, content, unit_id, unit_path, issued_by,
        issued_by_unit_path, issued_at, status, reply, replied_by, replied_at) SELECT '通报' || g, 'high', '民生',
        '内容', u.id, u.path, '办公室', '/1/2/', now() - g * interval '1 hour',
        CASE WHEN g % 2 = 0 THEN 'replied' ELSE 'issued' END, '', '',
        CASE WHEN g % 2 = 0 THEN now() - g * interval '1 hour' + interval '1 day' END
        FROM generate_series(1, {ROWS}) g JOIN unit u ON u.id = 4 + g % 2997""")


def fill_publishing():
    run = literal(publishing_db)
    run(UNITS.format(**UNIT_COPY))
    run(ACCOUNT_COPY)
    run(f"""INSERT INTO draft (id, account_id, unit_id, unit_path, author_id, author_name, text, media, info_type,
        original, source, topic, series_title, "column", platforms, major, status, fast_track, revision, created_at,
        released_at, apology) SELECT g, a.id, a.unit_id, a.unit_path, 3, '甲', {TEXT}, '[]', 'disclosure', true, '', '',
        '', '', '["sina"]', false, CASE WHEN g % 5 = 0 THEN 'draft' ELSE 'released' END, false, 1,
        now() - g * interval '10 minutes', CASE WHEN g % 5 = 0 THEN NULL ELSE now() - g * interval '10 minutes' END, ''
        FROM generate_series(1, {ROWS}) g JOIN account a ON a.id = 1 + g % 6000""")
    run(f"""INSERT INTO lexicon_entry (word, category, severity, note, created_at, revision) SELECT '词' || g,
        'sensitive', 'warn', '', now() - (g % 997) * interval '1 hour', 1 FROM generate_series(1, {ROWS}) g""")
    run(f"""INSERT INTO directive (id, title, lead_draft_id, due_at, issued_by, issued_at) SELECT g, '口径' || g, g,
        now() - g * interval '1 hour' + (g % 7) * interval '1 day', '办公室', now() - g * interval '1 hour'
        FROM generate_series(1, {ROWS}) g""")
    run(f"""INSERT INTO directive_target (directive_id, account_id, unit_id, unit_path, url, recorded_by)
        SELECT g, a.id, a.unit_id, a.unit_path, '', ''
        FROM generate_series(1, {ROWS}) g JOIN account a ON a.id = 1 + g % 6000""")


def fill_registry():
    run = literal(registry_db)
    run(UNITS.format(extra=", revision, created_at, updated_at", v=", 1, now(), now()", v2=", 1, now(), now()"))
    run("""INSERT INTO person (id, unit_id, name, username, password_hash, roles, rank, title, active, created_at)
        SELECT g, u.id, '人员' || g, 'user' || g, 'x', 'operator', 'staff', '', true, now()
        FROM generate_series(1, 100000) g JOIN unit u ON u.id = 1 + g % 3000""")
    run("""INSERT INTO account (id, unit_id, name, kind, category, profile, positioning, rules, mechanism,
        exception_reason, exception_approved, status, close_reason, notice_url, revision, created_by_id, created_at)
        SELECT g, u.id, '账号' || g, 'institutional', 'livelihood', '', '', '', '', '', false,
        CASE WHEN g % 10 = 0 THEN 'closed' ELSE 'active' END, '', '', 1, 1, now()
        FROM generate_series(1, 100000) g JOIN unit u ON u.id = 1 + g % 3000""")


def fill_assessment():
    run = literal(assessment_db)
    run(UNITS.format(**UNIT_COPY))
    run(ACCOUNT_COPY.replace("NULL, NULL, 1, now()", "'2025-01-01 00:00:00', NULL, 1, now()"))
    moment = "timestamp '2026-01-01' + g * interval '13 minutes'"  # naive UTC, as the facts store times
    day = "to_char(timestamp '2026-01-01' + g * interval '13 minutes', 'YYYY-MM-DD')"
    run(f"""INSERT INTO post_fact (draft_id, account_id, unit_id, unit_path, original, info_type, released_at, fast_track,
        day, text, reviews) SELECT g, a.id, a.unit_id, a.unit_path, g % 3 <> 0, 'disclosure', {moment}, false, {day}, '', '[]'
        FROM generate_series(1, {ROWS}) g JOIN account a ON a.id = 1 + g % 6000""")
    run(f"""INSERT INTO message_fact (id, account_id, unit_id, unit_path, category, sentiment, status, step, received_at,
        replied_at, reply_due_at, feedback_due_at, revision, kind, received_day, replied_day, reply_on_time)
        SELECT g, a.id, a.unit_id, a.unit_path, 'query', 'neutral', 'replied', 'x', {moment},
        CASE WHEN g % 10 = 0 THEN NULL ELSE {moment} END, {moment}, {moment}, 1, 'comment', {day},
        CASE WHEN g % 10 = 0 THEN NULL ELSE {day} END, CASE WHEN g % 10 = 0 THEN NULL ELSE true END
        FROM generate_series(1, {ROWS}) g JOIN account a ON a.id = 1 + g % 6000""")
    run(f"""INSERT INTO inspection (unit_id, unit_path, inspected_on, checked, found, required, fix_by, status,
        recorded_by, recorded_at, fix_report, reported_by, review_comment, reviewed_by) SELECT u.id, u.path,
        date '2026-01-01' + g % 300, '检查' || g, '', '', date '2026-02-01' + g % 300, 'open', '督查', now(), '', '', '', ''
        FROM generate_series(1, {ROWS}) g JOIN unit u ON u.id = 4 + g % 2997""")
    run("INSERT INTO last_post (account_id, day) SELECT account_id, MAX(day) FROM post_fact GROUP BY account_id")
    run(f"""INSERT INTO archive (unit_id, unit_name, unit_path, month, pdf, summary, sha256, chain, created_at)
        SELECT u.id, u.name, u.path, to_char(date '2024-01-01' + (g / 2997) * interval '1 month', 'YYYY-MM'), '',
        '{{}}', md5(g::text), md5(g::text), now()
        FROM generate_series(1, {ROWS}) g JOIN unit u ON u.id = 4 + g % 2997""")


CALLS = {
    "inquiry": (fill_inquiry, ("message", "transfer", "problem_notice"), [
        "/api/messages", "/api/messages?sort=received", "/api/messages?sort=-received", "/api/messages?overdue=true",
        "/api/messages?status=received", "/api/messages?q=路灯坏了", "/api/messages?account_id=5",
        "/api/messages?unit_id=4", "/api/messages?from=2026-01-01&to=2026-01-31", "/api/messages?page=20",
        "/api/transfers", "/api/transfers?waiting=true", "/api/notices", "/api/notices?unit_id=4",
        "/api/transfers?sort=-sent", "/api/transfers?sort=sent", "/api/transfers?sort=answered",
        "/api/transfers?sort=-answered", "/api/transfers?waiting=true&sort=sent",
        "/api/transfers?returned=true&sort=answered", "/api/notices?sort=issued", "/api/notices?sort=-issued",
        "/api/notices?sort=replied", "/api/notices?sort=-replied"]),
    # directives are a few a week in a city, each to many accounts: their own table may be read whole, not their targets
    "publishing": (fill_publishing, ("draft", "lexicon_entry", "directive_target"), [
        "/api/drafts", "/api/drafts?released=true&sort=-released", "/api/drafts?q=交通拥堵", "/api/drafts?account_id=5",
        "/api/drafts?queue=true", "/api/drafts?unit_id=4", "/api/drafts?status=draft",
        ("/api/lexicon", ("office",)), ("/api/lexicon?sort=-word", ("office",)),
        ("/api/lexicon?sort=added", ("office",)), ("/api/lexicon?sort=-added", ("office",)),
        "/api/directives", "/api/directives?sort=issued",
        "/api/directives?sort=due", "/api/directives?sort=-due"]),
    # inspections are a few hundred a year in a city: their overdue-first order may sort them all
    "assessment": (fill_assessment, ("post_fact", "message_fact", "archive"), [
        "/api/inspections", "/api/inspections?overdue=true", "/api/inspections?unit_id=4", "/api/archives",
        "/api/inspections?sort=inspected", "/api/inspections?sort=-inspected", "/api/inspections?sort=fix_by",
        "/api/inspections?sort=-fix_by", "/api/archives?sort=month", "/api/archives?sort=-month",
        "/api/archives?sort=unit", "/api/archives?sort=-unit", "/api/archives?month=2024-06",
        ("/api/assessment/2026?accounts=false", ("district", "department")),
        ("/api/assessment/2026-11", ("district", "department")), ("/api/warnings", ("district", "department")), ("/api/warnings/summary", ("district", "department")),
        "/api/assessment/2026/records?kind=reply_timeliness&unit_id=4",
        "/api/assessment/2026/records?kind=original&unit_id=4"]),
    "registry": (fill_registry, ("person", "account"), [
        "/api/accounts", "/api/accounts?sort=name", "/api/accounts?unit_id=4", "/api/people", "/api/people?unit_id=4",
        "/api/units", "/api/units?unit_id=4", "/api/units?q=部门1"]),
}


class Statements(logging.Handler):
    """The SQL and parameters peewee sends (its logger, at DEBUG)."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.sent: list[tuple[str, tuple]] = []

    def emit(self, record):
        if isinstance(record.msg, tuple) and len(record.msg) == 2:
            self.sent.append(record.msg)


STREAMING = {"Nested Loop", "Hash Join", "Merge Join", "Subquery Scan", "Result", "Append", "Gather"}


def seq_scans(plan: dict, big: tuple[str, ...], bounded: bool = False) -> list[str]:
    """The sequential scans of big tables in a JSON plan that are not bounded: a scan is bounded
    when a Limit above it takes rows from it as they come (through joins on their outer side, never
    a sort, an aggregate or the inner side of a hash join, which read everything first)."""
    node = plan["Node Type"]
    found = []
    if node == "Seq Scan" and plan.get("Relation Name") in big and not bounded:
        found.append(f"{plan['Relation Name']} (filter {plan.get('Filter', '-')})")
    for child in plan.get("Plans", []):
        streams = node == "Limit" or (bounded and node in STREAMING and child.get("Parent Relationship") == "Outer")
        found += seq_scans(child, big, streams)
    return found


def recomputed(plan: dict) -> list[str]:
    """Conditions that compute a row's bigrams again (`govmb.textsearch`: a search's recheck
    must compare the stored ones; the query's own are folded into a constant at planning)."""
    found = [f"{plan['Node Type']}: {plan[key]}" for key in ("Filter", "Recheck Cond", "Index Cond")
             if "govmb_bigrams(" in plan.get(key, "")]
    for child in plan.get("Plans", []):
        found += recomputed(child)
    return found


@pytest.mark.parametrize("service", list(CALLS))
def test_every_list_query_uses_an_index(pg_url, service):
    fill, big, paths = CALLS[service]
    app = migrated_app(service, settings_for(service, pg_url))
    db = {"inquiry": inquiry_db, "publishing": publishing_db, "registry": registry_db,
          "assessment": assessment_db}[service]
    with app.app_context():
        fill()
        db.execute_sql("ANALYZE")
    log, handler = logging.getLogger("peewee"), Statements()
    log.addHandler(handler)
    level = log.level
    log.setLevel(logging.DEBUG)
    try:
        client = app.test_client()
        for path in paths:
            path, callers = path if isinstance(path, tuple) else (path, tuple(CALLERS))
            for who, headers in ((c, CALLERS[c]) for c in callers):
                r = client.get(path, headers=headers)
                assert r.status_code == 200, (who, path, r.get_data(as_text=True)[:300])
    finally:
        log.removeHandler(handler)
        log.setLevel(level)
    selects = {(sql, tuple(params)) for sql, params in handler.sent if sql.lstrip().upper().startswith("SELECT")}
    assert len(selects) >= len(paths)
    problems = []
    with app.app_context():
        for sql, params in sorted(selects):
            result = db.execute_sql("EXPLAIN (FORMAT JSON) " + sql, params).fetchone()[0]
            plan = (json.loads(result) if isinstance(result, str) else result)[0]["Plan"]
            for scan in seq_scans(plan, big) + recomputed(plan):
                problems.append(f"{scan}: …{sql[-240:]} {params}")
    assert not problems, "sequential scans of big tables, or bigrams computed per row:\n" + "\n".join(problems)


def test_a_common_word_is_found_along_the_lists_order_and_a_rare_one_through_its_index(pg_url):
    """A search's plan whatever the word: one held by a fifth of the messages (路灯) is looked for
    walking the inbox's own order, stopping at the page's end; one held by none (地铁, 路灯亮: its
    bigram 灯亮 is in no message) is read from the bigram index, not looked for through every row.
    The statements the service sent, its settings included, are replayed in one transaction with
    EXPLAIN in front of each SELECT."""
    app = migrated_app("inquiry", settings_for("inquiry", pg_url))
    with app.app_context():
        fill_inquiry()
        inquiry_db.execute_sql("ANALYZE")
    plans, settings = {}, {}
    for q in ("路灯", "路灯坏了", "地铁", "路灯亮"):
        log, handler = logging.getLogger("peewee"), Statements()
        log.addHandler(handler)
        level = log.level
        log.setLevel(logging.DEBUG)
        try:
            r = app.test_client().get("/api/messages", query_string={"q": q}, headers=OFFICE)
            assert r.status_code == 200, r.get_data(as_text=True)
        finally:
            log.removeHandler(handler)
            log.setLevel(level)
        with app.app_context(), inquiry_db.atomic():
            texts = []
            for sql, params in handler.sent:
                if sql.lstrip().upper().startswith("SET"):
                    inquiry_db.execute_sql(sql, params)
                elif "ORDER BY" in sql:  # the page (the count has no order)
                    result = inquiry_db.execute_sql("EXPLAIN (FORMAT JSON) " + sql, params).fetchone()[0]
                    texts.append(json.dumps(result, ensure_ascii=False))
        plans[q] = texts[-1]
        settings[q] = " ".join(sql for sql, _ in handler.sent if sql.lstrip().upper().startswith("SET"))
    for common in ("路灯", "路灯坏了"):
        assert "message_due_at_id" in plans[common] and "Bitmap" not in plans[common], plans[common]
        assert "enable_indexscan" not in settings[common]
    for rare in ("地铁", "路灯亮"):
        assert "message_text_bigrams" in plans[rare] and "message_due_at_id" not in plans[rare], plans[rare]
        # At this size the planner would read the index even unasked; with two million rows it
        # took the rare word for one in a hundred and walked the whole inbox (docs/benchmarks.md)
        assert "enable_indexscan = off" in settings[rare]
