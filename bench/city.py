"""A city's year in the four services' PostgreSQL databases, as the events would have made it,
for the pages benchmark (`bench/pages.py`).

    python -m bench.city [--scale city|country] [--fresh]     # builds the databases, or keeps them

The databases are the distributed mode's, one per service (`bench_pages_registry` …), made by
the project's own migrations (`python -m ops.cli migrate <service>`). The registry's units,
people and accounts are generated first; each consuming service's copies of the unit tree and
the accounts are copied from them in the form the handlers of `registry.unit.changed` and
`registry.account.*` store. Publishing's posts (with their review steps, publications, audit
rows, monthly figures and directives) and inquiry's messages (with the deadlines of the
service's own working-day calendar, the keywords intake segments, transfers, missed deadlines, problem notices and audit
rows) are generated inside PostgreSQL (generate_series, INSERT … SELECT). Assessment's facts
are derived from those rows by SQL doing what its event handlers do (times as naive UTC,
Beijing days, on-time flags) and streamed between the databases by COPY; its own inputs
(followers per account and day, a duty roster, inspections, training) are generated in place.

Not generated: rows no list or summary reads (message steps, check findings, result posts,
security records, client systems), the monthly archives (PDFs the worker renders) and the
bus's outbox and inbox. The databases carry a `bench_city` table (scale, version, when the
data ends, how long it took); a later run with the same scale and version reuses them.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

import psycopg2
from argon2 import PasswordHasher

from govmb.config import SERVICES
from govmb.contracts.registry import STATUS_NAMES
from govmb.platforms import NANCHANG
from services.inquiry import workdays
from tests import infra

ROOT = Path(__file__).resolve().parent.parent
VERSION = 2  # raise when the generated data changes: older databases are then rebuilt
START = dt.datetime(2025, 12, 31, 16, 0)  # 2026-01-01 00:00 in Beijing, stored as naive UTC
END = dt.datetime(2026, 12, 31, 16, 0)  # 2027-01-01 00:00 in Beijing
SLOTS = 4  # people per unit: operator, responsible office, leader in charge, principal leader
CHUNK = 250_000  # rows of the big tables per statement


@dataclass(frozen=True)
class Scale:
    name: str
    districts: int
    departments: int  # below each district
    city_departments: int
    accounts: int
    posts: int
    messages: int
    transfers: int
    notices: int

    @property
    def units(self) -> int:
        return 2 + self.districts + self.city_departments + self.districts * self.departments

    @property
    def office(self) -> int:
        """The joint-meeting office's unit (联席会议办公室), right after the districts."""
        return self.districts + 2

    @property
    def first_department(self) -> int:
        """The first department below the first district (unit 2)."""
        return self.office + self.city_departments + 1


SCALES = {"city": Scale("city", 12, 30, 30, 2_000, 1_000_000, 2_000_000, 20_000, 2_000),
          "country": Scale("country", 1_300, 30, 40, 150_000, 75_000_000, 100_000_000, 1_000_000, 100_000)}


def person_id(unit: int, slot: int) -> int:
    return (unit - 1) * SLOTS + slot


def database_names(scale: Scale) -> dict[str, str]:
    prefix = "bench_pages" if scale.name == "city" else f"bench_pages_{scale.name}"
    return {s: f"{prefix}_{s}" for s in SERVICES}


# ------------------------------------------------------------------------------ vocabulary

CITY = "南昌市"
DISTRICTS = [("东湖区", "district"), ("西湖区", "district"), ("青云谱区", "district"), ("青山湖区", "district"),
             ("新建区", "district"), ("红谷滩区", "district"), ("南昌县", "county"), ("进贤县", "county"),
             ("安义县", "county"), ("湾里管理局", "zone"), ("南昌高新技术产业开发区", "zone"),
             ("南昌经济技术开发区", "zone")]
DEPARTMENTS = ["公安局", "教育局", "卫生健康委员会", "市场监督管理局", "交通运输局", "生态环境局", "住房和城乡建设局",
               "人力资源和社会保障局", "民政局", "文化广电新闻出版旅游局", "财政局", "自然资源局", "城市管理局",
               "农业农村局", "水利局", "商务局", "应急管理局", "统计局", "审计局", "司法局", "退役军人事务局",
               "医疗保障局", "林业局", "体育局", "科学技术局", "工业和信息化局", "发展和改革委员会", "信访局",
               "行政审批局", "新闻办公室"]
SUFFIXES = ["发布", "在线", "微博", "服务", "之声", "资讯", "政务", "动态"]
SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高")
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英",
         "华", "平", "刚", "桂英", "文", "辉", "建华", "志强", "晓燕", "海燕", "红", "丹"]
CODES = [code for code, _ in NANCHANG]
PLATFORM_NAMES = [name for _, name in NANCHANG]
INFO_TYPES = ["disclosure", "disclosure", "central_work", "hot_issue", "participation", "response"]
KINDS = ["comment"] * 12 + ["mention"] * 3 + ["private"] * 3 + ["forward"] * 2
SOURCES = ["import"] * 10 + ["api"] * 6 + ["staff"] * 3 + ["hall"]
CATEGORIES = ["query"] * 8 + ["complaint"] * 5 + ["report"] + ["suggestion"] * 4 + ["praise"] * 2
TOPICS = ["路灯维修改造", "老旧小区改造", "城市道路提升", "垃圾分类", "校园周边交通整治", "防汛", "消防安全", "食品安全",
          "医保政策", "就业创业服务", "养老服务", "公交线路优化", "停车秩序治理", "空气质量", "河湖长制",
          "农村人居环境", "疫苗接种", "营商环境", "一网通办", "保供稳价"]
NOTICE_KINDS = ["舆情风险", "回复不及时", "内容差错", "长期不更新", "服务质量"]
REPLIES = ["您好，您反映的问题已收到，我们将尽快核实处理。", "您好，已转相关科室办理，请耐心等待。",
           "感谢您的留言，我们已安排工作人员现场查看。"]
FEEDBACKS = ["经核实，该问题已列入整改计划，预计本周内处理完毕。", "已联系属地街道和相关单位共同处置。"]
RESULTS = ["问题已处理完毕，感谢您对我们工作的监督。", "经现场核查并协调处置，现已恢复正常。"]
LEXICON = ["绝密", "机密", "秘密", "内部资料", "内部文件", "未公开", "身份证号", "密级", "涉密", "红头文件"]

POST_OPENERS = ["【便民提示】", "【政务公开】", "【工作动态】", "【权威发布】", "【民生关注】", "【通知公告】", "【安全提醒】",
                "【政策解读】"]
POST_SUBJECTS = ["我区", "我局", "市政府", "区政府", "相关部门", "各街道", "执法人员", "工作人员", "社区网格员", "志愿者"]
POST_ACTIONS = ["开展了", "启动", "部署", "完成", "推进", "召开会议研究", "发布", "组织", "检查", "督导"]
POST_TOPICS = ["路灯维修改造工程", "老旧小区改造", "城市道路提升工程", "垃圾分类宣传", "校园周边交通整治", "夏季防汛工作",
               "消防安全检查", "食品安全专项检查", "医保政策宣讲", "就业创业服务", "养老服务补贴发放", "公交线路优化",
               "停车秩序治理", "环境空气质量监测", "河湖长制巡查", "农村人居环境整治", "疫苗接种服务", "营商环境优化",
               "政务服务一网通办", "春节保供稳价"]
POST_DETAILS = ["，现将有关情况公布如下。", "，欢迎广大市民监督。", "，请市民朋友相互转告。", "，具体安排详见附件。",
                "，如有疑问请拨打12345热线咨询。", "，共排查问题隐患一百余处，已全部整改到位。", "，惠及群众三万余人。",
                "，进一步提升了群众的获得感和幸福感。", "，确保各项工作落到实处。", "，相关工作将持续推进。"]
MSG_PLACES = ["八一大道", "红谷中大道", "青山湖北路", "民德路", "象山南路", "阳明东路", "北京西路", "洪都中大道",
              "幸福小区", "朝阳新城", "丰和南大道", "井冈山大道"]
MSG_ISSUES = ["路灯不亮已经一个多星期了", "下水道堵塞污水横流", "夜间施工噪音扰民", "占道经营十分严重", "共享单车乱停乱放",
              "垃圾清运不及时", "公交车班次太少", "小区电梯经常故障", "楼下餐馆油烟扰民", "学校门口交通拥堵",
              "违章停车堵塞消防通道", "自来水水质发黄", "路面坑洼多次有人摔倒", "广场舞音响太吵", "物业费收取不合理"]
MSG_ASKS = ["请相关部门尽快处理。", "希望领导重视一下。", "多次反映没有结果，请给个答复。", "请问什么时候能解决？",
            "感谢政府的关心！", "建议增设相关设施。", "请问办理需要哪些材料？"]


def post_text(rng: random.Random) -> str:
    """A post of 50 to 200 characters from the small vocabulary above."""
    target, parts = rng.randint(50, 200), [rng.choice(POST_OPENERS)]
    while len("".join(parts)) < target:
        parts.append(rng.choice(POST_SUBJECTS) + rng.choice(POST_ACTIONS) + rng.choice(POST_TOPICS)
                     + rng.choice(POST_DETAILS))
    return "".join(parts)[:200]


def message_text(rng: random.Random) -> str:
    """A citizen's message of 20 to 150 characters."""
    target, parts = rng.randint(20, 150), ["您好，"]
    while len("".join(parts)) < target:
        parts.append(rng.choice(MSG_PLACES) + rng.choice(MSG_ISSUES) + "，" + rng.choice(MSG_ASKS))
    return "".join(parts)[:150]


def text_pool(make, n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [make(rng) for _ in range(n)]


def deadline_days() -> dict[str, list]:
    """For each Beijing day a message may arrive on: its feedback and verification deadlines by
    the inquiry service's own calendar (`workdays.deadlines`, nothing entered by the office)."""
    calendar, out = workdays.WorkCalendar(), {"day": [], "feedback": [], "verification": [], "fp": [], "vp": []}
    day = dt.date(2025, 12, 25)
    while day <= dt.date(2027, 2, 28):
        noon = dt.datetime.combine(day, dt.time(4, 0))  # 12:00 in Beijing, as naive UTC
        short, full = workdays.deadlines(noon, calendar), workdays.deadlines(noon, calendar, verification=True)
        for key, value in (("day", day), ("feedback", short["feedback_due_at"]),
                           ("verification", full["verification_due_at"]), ("fp", short["provisional"]),
                           ("vp", full["provisional"])):
            out[key].append(value)
        day += dt.timedelta(days=1)
    return out


def sql_array(words: list[str]) -> str:
    return "ARRAY[" + ", ".join("'" + w.replace("'", "''") + "'" for w in words) + "]"


# ------------------------------------------------------------------------------ connections

FUNCTIONS = (
    # a pseudo-random number in [0, 2^31) for row g and a purpose (salt): the same in every database
    "CREATE FUNCTION pg_temp.h(g bigint, salt int) RETURNS int LANGUAGE sql IMMUTABLE "
    "AS 'SELECT hashint8(g * 1000003 + salt) & 2147483647'",
    f"CREATE FUNCTION pg_temp.pname(pid int) RETURNS text LANGUAGE sql IMMUTABLE AS "
    f"$$ SELECT ({sql_array(SURNAMES)})[mod(pid, {len(SURNAMES)}) + 1] "
    f"|| ({sql_array(GIVEN)})[mod(pid * 7 + pid / {len(SURNAMES)}, {len(GIVEN)}) + 1] $$",
    # an event's time of a whole second (govmb.timefmt.iso_utc), as the review steps' JSON holds it
    "CREATE FUNCTION t timestamp RETURNS text LANGUAGE sql IMMUTABLE "
    "AS $$ SELECT to_char(t, 'YYYY-MM-DD\"T\"HH24:MI:SS\"+00:00\"') $$",
    "CREATE FUNCTION pg_temp.bjday(t timestamp) RETURNS text LANGUAGE sql IMMUTABLE "
    "AS $$ SELECT to_char(t + interval '8 hours', 'YYYY-MM-DD') $$",
)
SESSION = ("SET session_replication_role = replica",  # bulk load: the generated rows are consistent by construction
           "SET maintenance_work_mem = '1GB'", "SET work_mem = '256MB'", "SET synchronous_commit = off")
_print_lock = threading.Lock()
STOP = threading.Event()  # set on Ctrl-C or a failure: no statement starts after it


def say(text: str) -> None:
    with _print_lock:
        print(text, flush=True)


class Db:
    """One service's database on one autocommit connection (its temporary tables and functions)."""

    def __init__(self, service: str, url: str):
        self.service, self.url = service, url
        self.conn = psycopg2.connect(url)
        self.conn.autocommit = True
        for sql in (*SESSION, *FUNCTIONS):
            self.run(sql)

    def run(self, sql: str, **params) -> int:
        if STOP.is_set():
            raise RuntimeError("stopped")
        with self.conn.cursor() as cur:
            cur.execute(sql, params or None)  # with parameters, a literal % is written %%
            return cur.rowcount

    def value(self, sql: str, **params):
        with self.conn.cursor() as cur:
            cur.execute(sql, params or None)
            return cur.fetchone()[0]

    def step(self, label: str, sql: str, total: int | None = None, **params) -> int:
        """Run `sql` (in chunks of `lo`..`hi` up to `total`, if given), saying how long it took."""
        t0, rows = time.perf_counter(), 0
        if total is None:
            rows = self.run(sql, **params)
        else:
            for lo in range(1, total + 1, CHUNK):
                rows += self.run(sql, lo=lo, hi=min(total, lo + CHUNK - 1), **params)
        say(f"  {self.service:<10} {label:<34} {rows:>12,} rows {time.perf_counter() - t0:7.1f} s")
        return rows

    def close(self) -> None:
        self.conn.close()


def pipe(src: Db, select: str, dst: Db, target: str, label: str, **params) -> None:
    """COPY the rows of `select` in `src` into `target` of `dst`, streamed through a pipe."""
    t0 = time.perf_counter()
    with src.conn.cursor() as cur:
        copy_out = cur.mogrify(f"COPY ({select}) TO STDOUT", params).decode()
    read_end, write_end = os.pipe()
    failed: list[BaseException] = []

    def produce() -> None:
        try:
            with os.fdopen(write_end, "wb") as out, src.conn.cursor() as cur:
                cur.copy_expert(copy_out, out)
        except BaseException as exc:  # handed to the reading side
            failed.append(exc)

    producer = threading.Thread(target=produce, daemon=True)
    producer.start()
    try:
        with os.fdopen(read_end, "rb") as source, dst.conn.cursor() as cur:
            cur.copy_expert(f"COPY {target} FROM STDIN", source)
            rows = cur.rowcount
    finally:
        producer.join()
    if failed:
        raise failed[0]
    say(f"  {dst.service:<10} {label:<34} {rows:>12,} rows {time.perf_counter() - t0:7.1f} s")


@contextmanager
def indexes_dropped(db: Db, tables: tuple[str, ...]):
    """The tables' secondary indexes dropped while they are filled, then built again as the
    migrations defined them (their definitions are read from the catalogue, not repeated here)."""
    defs = _index_definitions(db, tables)
    for name, _sql in defs:
        db.run(f'DROP INDEX "{name}"')
    yield
    t0 = time.perf_counter()
    for _name, sql in defs:
        db.run(sql)
    say(f"  {db.service:<10} {f'{len(defs)} indexes built again':<34} {'':>17} {time.perf_counter() - t0:7.1f} s")


def _index_definitions(db: Db, tables: tuple[str, ...]) -> list[tuple[str, str]]:
    with db.conn.cursor() as cur:
        cur.execute("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' "
                    "AND tablename = ANY(%(tables)s) AND indexname NOT IN (SELECT conname FROM pg_constraint) "
                    "ORDER BY indexname", {"tables": list(tables)})
        return cur.fetchall()


# ------------------------------------------------------------------------------ the plan


@dataclass(frozen=True)
class Plan:
    """What every statement is parametrised by."""
    scale: Scale
    cutoff: dt.datetime  # the data ends here (naive UTC): "now" for the generated year

    @property
    def span(self) -> int:
        return int((self.cutoff - START).total_seconds())

    def finished_months(self) -> list[str]:
        """The Beijing months of 2026 that ended before the cutoff (their monthly figures are in)."""
        current = (self.cutoff + dt.timedelta(hours=8)).strftime("%Y-%m")
        return [f"2026-{m:02d}" for m in range(1, 13) if f"2026-{m:02d}" < current]

    def params(self) -> dict:
        s = self.scale
        return {"start": START, "cutoff": self.cutoff, "span": self.span, "nunits": s.units, "office": s.office,
                "office_pid": person_id(s.office, 1), "office_path": f"/1/{s.office}/", "city": CITY,
                "districts": [n for n, _ in DISTRICTS], "district_kinds": [k for _, k in DISTRICTS],
                "nd": s.districts, "np": s.departments, "nc": s.city_departments, "depts": DEPARTMENTS,
                "first_dd": s.first_department, "codes": CODES, "pnames": PLATFORM_NAMES, "topics": TOPICS}


def cutoff_now() -> dt.datetime:
    """The data ends at the last whole hour (naive UTC), or at the end of 2026."""
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, minute=0, second=0, microsecond=0)
    if now < START + dt.timedelta(days=30):
        raise SystemExit(f"this machine's clock says {now:%Y-%m-%d}: the benchmark generates the year 2026 up to now, "
                         "so it needs a date after January 2026")
    return min(now, END)


# ------------------------------------------------------------------------------ registry

UNITS = """
INSERT INTO unit (id, name, kind, parent_id, path, revision, created_at, updated_at)
SELECT id, name, kind, parent_id, path, 1, timestamp '2024-12-01', timestamp '2024-12-01' FROM (
  SELECT 1 AS id, %(city)s AS name, 'prefecture' AS kind, NULL::int AS parent_id, '/1/' AS path
  UNION ALL
  SELECT 1 + d, coalesce((%(districts)s::text[])[d], '第' || d || '区'),
         coalesce((%(district_kinds)s::text[])[d], 'county'), 1, '/1/' || (1 + d) || '/'
  FROM generate_series(1, %(nd)s) d
  UNION ALL
  SELECT %(office)s, %(city)s || '政务微博联席会议办公室', 'office', 1, '/1/' || %(office)s || '/'
  UNION ALL
  SELECT %(office)s + c, %(city)s || coalesce((%(depts)s::text[])[c], '第' || c || '局'), 'department', 1,
         '/1/' || (%(office)s + c) || '/'
  FROM generate_series(1, %(nc)s) c
  UNION ALL
  SELECT x.id, coalesce((%(districts)s::text[])[d], '第' || d || '区') || coalesce((%(depts)s::text[])[j], '第' || j || '局'),
         'department', 1 + d, '/1/' || (1 + d) || '/' || x.id || '/'
  FROM generate_series(1, %(nd)s) d, generate_series(1, %(np)s) j,
       LATERAL (SELECT %(first_dd)s + (d - 1) * %(np)s + (j - 1) AS id) x
) u ORDER BY id"""

PEOPLE = """
INSERT INTO person (id, unit_id, name, username, password_hash, roles, rank, title, active, created_at)
SELECT (u.id - 1) * 4 + s, u.id, pg_temp.pname((u.id - 1) * 4 + s), 'u' || u.id || '_' || s, %(hash)s,
       CASE WHEN u.kind = 'office' THEN (CASE s WHEN 3 THEN 'supervision' ELSE 'joint_office' END)
            ELSE (ARRAY['operator', 'responsible_office', 'leader', 'principal_leader'])[s] END,
       (ARRAY['staff', 'section', 'county', 'county'])[s], (ARRAY['科员', '科长', '分管负责人', '主要负责人'])[s],
       true, timestamp '2024-12-01'
FROM unit u, generate_series(1, 4) s ORDER BY 1"""

# status by account number: mostly running, a few at each other step of their life
ACCOUNT_STATUS = """CASE mod(g, 100) WHEN 0 THEN 'filing' WHEN 1 THEN 'filing' WHEN 2 THEN 'applied'
  WHEN 3 THEN 'filed' WHEN 4 THEN 'returned' WHEN 5 THEN 'closed' WHEN 6 THEN 'closing_requested'
  WHEN 7 THEN 'declared' ELSE 'active' END"""

ACCOUNTS = f"""
INSERT INTO account (id, unit_id, name, kind, category, owner_id, profile, positioning, rules, mechanism,
  exception_reason, exception_approved, status, close_reason, notice_url, revision, created_by_id, created_at,
  applied_at, approved_at, filed_at, activated_at, closing_requested_at, closing_approved_at, superior_informed_at,
  notice_posted_at, closed_at)
SELECT g, unit_id,
  CASE WHEN kind = 'private' THEN pg_temp.pname(op) || '的微博'
       ELSE left(uname, 24) || (%(suffixes)s::text[])[mod((g - 1) / %(nunits)s, 8) + 1] END,
  kind, CASE WHEN kind = 'private' THEN NULL WHEN mod(g, 3) = 0 THEN 'policy' ELSE 'livelihood' END,
  CASE kind WHEN 'private' THEN op WHEN 'official' THEN op + 2 WHEN 'leader' THEN op + 3 END,
  CASE WHEN kind = 'private' THEN '个人生活分享' ELSE '' END,
  CASE WHEN kind = 'private' THEN '' ELSE '发布本单位政务信息，回应群众关切' END,
  CASE WHEN kind = 'private' THEN '' ELSE '信息发布三审制度' END,
  CASE WHEN kind = 'private' THEN '' ELSE '专人值守，24小时内回复网民留言' END,
  '', false, status, CASE WHEN status = 'closed' THEN '机构调整，账号停止运营' ELSE '' END,
  CASE WHEN status = 'closed' THEN 'https://weibo.example.cn/notice/' || g ELSE '' END,
  1 + (approved IS NOT NULL)::int + (status = 'returned')::int + (filed IS NOT NULL)::int
    + 2 * (activated IS NOT NULL)::int + (status IN ('closing_requested', 'closed'))::int + 4 * (status = 'closed')::int,
  op, created, applied, approved, filed, activated,
  CASE status WHEN 'closing_requested' THEN %(cutoff)s::timestamp - interval '10 days'
              WHEN 'closed' THEN timestamp '2025-09-01' END,
  CASE WHEN status = 'closed' THEN timestamp '2025-09-03' END, CASE WHEN status = 'closed' THEN timestamp '2025-09-04' END,
  CASE WHEN status = 'closed' THEN timestamp '2025-09-06' END, CASE WHEN status = 'closed' THEN timestamp '2025-10-01' END
FROM (
  SELECT t.*, CASE WHEN filed IS NOT NULL AND status IN ('active', 'closing_requested', 'closed')
                   THEN filed + interval '2 days' END AS activated
  FROM (
    SELECT s.*, CASE WHEN approved IS NOT NULL AND status IN ('filed', 'active', 'closing_requested', 'closed')
                     THEN approved + interval '3 days' END AS filed
    FROM (
      SELECT g, u.id AS unit_id, u.name AS uname, (u.id - 1) * 4 + 1 AS op, st.status, k.kind, c.created,
             CASE WHEN k.kind <> 'private' THEN c.created + interval '1 day' END AS applied,
             CASE WHEN st.status NOT IN ('applied', 'returned', 'declared') THEN c.created + interval '3 days' END AS approved
      FROM generate_series(1, %(accounts)s) g
      JOIN unit u ON u.id = mod(g - 1, %(nunits)s) + 1
      CROSS JOIN LATERAL (SELECT {ACCOUNT_STATUS} AS status) st
      CROSS JOIN LATERAL (SELECT CASE WHEN st.status = 'declared' THEN 'private' WHEN mod(g, 20) = 3 THEN 'official'
                                      WHEN mod(g, 50) = 9 THEN 'leader' ELSE 'institutional' END AS kind) k
      CROSS JOIN LATERAL (SELECT timestamp '2025-01-02 01:00' + mod(g, 180) * interval '1 day' AS created) c
    ) s
  ) t
) a ORDER BY g"""

PLATFORMS = """
INSERT INTO account_platform (account_id, platform, handle, url, registered_at, deregistered_at)
SELECT a.id, p.code, a.name, 'https://weibo.example.cn/' || p.code || '/' || a.id, a.activated_at - interval '1 day',
       CASE WHEN a.status = 'closed' THEN a.closed_at - interval '1 day' END
FROM account a CROSS JOIN LATERAL (
  SELECT (%(codes)s::text[])[mod(a.id, 5) + 1] AS code
  UNION ALL SELECT (%(codes)s::text[])[mod(a.id + 1, 5) + 1] WHERE mod(a.id, 3) = 0) p
WHERE a.activated_at IS NOT NULL ORDER BY a.id, p.code"""

TEAMS = """
INSERT INTO team_member (account_id, person_id, role)
SELECT a.id, (a.unit_id - 1) * 4 + r.slot, r.role FROM account a
CROSS JOIN (VALUES (3, 'leader_in_charge', 1), (2, 'responsible_office', 2), (1, 'operator', 3)) r(slot, role, n)
WHERE a.kind <> 'private' ORDER BY a.id, r.n"""

STEPS = """
INSERT INTO account_step (account_id, action, from_status, to_status, actor_id, actor_name, actor_unit, comment,
                          detail, at)
SELECT a.id, s.action, s.f, s.t, x.pid, pg_temp.pname(x.pid), pu.name, '', '', s.at
FROM account a
CROSS JOIN LATERAL (VALUES
  ('declare', NULL, 'declared', 1, a.created_at, a.status = 'declared'),
  ('apply', NULL, 'applied', 1, a.applied_at, a.applied_at IS NOT NULL),
  ('return', 'applied', 'returned', 4, a.applied_at + interval '1 day', a.status = 'returned'),
  ('approve', 'applied', 'filing', 4, a.approved_at, a.approved_at IS NOT NULL),
  ('acknowledge_filing', 'filing', 'filed', 0, a.filed_at, a.filed_at IS NOT NULL),
  ('register_platform', 'filed', 'filed', 1, a.activated_at - interval '1 day', a.activated_at IS NOT NULL),
  ('activate', 'filed', 'active', 1, a.activated_at, a.activated_at IS NOT NULL),
  ('request_close', 'active', 'closing_requested', 1, a.closing_requested_at, a.closing_requested_at IS NOT NULL),
  ('approve_close', 'closing_requested', 'closing_approved', 4, a.closing_approved_at, a.closing_approved_at IS NOT NULL),
  ('inform_superior', 'closing_approved', 'superior_informed', 1, a.superior_informed_at, a.superior_informed_at IS NOT NULL),
  ('post_notice', 'superior_informed', 'notice_posted', 1, a.notice_posted_at, a.notice_posted_at IS NOT NULL),
  ('close', 'notice_posted', 'closed', 1, a.closed_at, a.closed_at IS NOT NULL)
) s(action, f, t, slot, at, happened)
CROSS JOIN LATERAL (SELECT CASE WHEN s.slot = 0 THEN %(office_pid)s ELSE (a.unit_id - 1) * 4 + s.slot END AS pid) x
JOIN unit pu ON pu.id = (x.pid - 1) / 4 + 1
WHERE s.happened ORDER BY s.at, a.id"""

REGISTRY_AUDIT = """
INSERT INTO audit_entry (at, actor_id, actor_name, actor_unit_id, actor_unit_name, actor_roles, actor_client, action,
  subject_type, subject_id, subject_name, unit_path, unit_name, detail, correlation_id)
SELECT * FROM (
  SELECT u.created_at AS at, 0, '系统', 0, '', '', '', 'unit.create', 'unit', u.id::text, u.name, u.path, u.name, '', ''
  FROM unit u
  UNION ALL
  SELECT p.created_at, 0, '系统', 0, '', '', '', 'person.create', 'person', p.id::text, p.name, u.path, u.name,
         '用户名：' || p.username || '；单位：' || u.name || '；角色：' || p.roles || '；级别：' || p.rank, ''
  FROM person p JOIN unit u ON u.id = p.unit_id
  UNION ALL
  SELECT s.at, s.actor_id, s.actor_name, p.unit_id, s.actor_unit, p.roles, '', 'account.' || s.action, 'account',
         a.id::text, a.name, u.path, u.name,
         coalesce(%(status_names)s::jsonb ->> s.from_status, '') || ' → ' || (%(status_names)s::jsonb ->> s.to_status), ''
  FROM account_step s JOIN account a ON a.id = s.account_id JOIN unit u ON u.id = a.unit_id
  JOIN person p ON p.id = s.actor_id
) x ORDER BY 1"""


def registry(db: Db, plan: Plan) -> None:
    p = plan.params()
    db.step("units", UNITS, **p)
    password = PasswordHasher().hash(os.urandom(24).hex())  # nobody knows it; the benchmark sets its own
    db.step("people", PEOPLE, hash=password)
    with indexes_dropped(db, ("account_step", "audit_entry")):
        db.step("accounts", ACCOUNTS, accounts=plan.scale.accounts, suffixes=SUFFIXES, **p)
        db.step("platforms", PLATFORMS, **p)
        db.step("teams", TEAMS)
        db.step("account steps", STEPS, **p)
        db.step("audit trail", REGISTRY_AUDIT, status_names=json.dumps(STATUS_NAMES, ensure_ascii=False))


# ------------------------------------------------------------------------------ the copies

UNIT_COPY = "SELECT id, name, kind, parent_id, path, revision, now()::timestamp FROM unit ORDER BY id"
# what `apply_account_snapshot` stores of `services.registry.accounts.snapshot`, JSON as json.dumps writes it
ACCOUNT_COPY = """
SELECT a.id, a.unit_id, u.path, a.name, a.kind, a.category, a.status,
  '[' || coalesce((SELECT string_agg('{"platform": ' || to_json(p.platform)::text || ', "handle": '
                   || to_json(p.handle)::text || ', "url": ' || to_json(p.url)::text || '}', ', ' ORDER BY p.platform)
                   FROM account_platform p WHERE p.account_id = a.id), '') || ']',
  '[' || coalesce((SELECT string_agg('{"person_id": ' || t.person_id || ', "name": ' || to_json(pe.name)::text
                   || ', "role": ' || to_json(t.role)::text || '}', ', ' ORDER BY t.id)
                   FROM team_member t JOIN person pe ON pe.id = t.person_id WHERE t.account_id = a.id), '') || ']',
  a.activated_at, a.closed_at, a.revision, now()::timestamp
FROM account a JOIN unit u ON u.id = a.unit_id ORDER BY a.id"""
ACCOUNT_COLUMNS = ("account (id, unit_id, unit_path, name, kind, category, status, platforms, team, activated_at, "
                   "closed_at, revision, updated_at)")

# The accounts that post and receive messages (running, not private), numbered from 0 in the
# same order in every database, with the platform they publish on and their operator.
BENCH_ACCOUNTS = """
CREATE TEMP TABLE bench_account AS
SELECT (row_number() OVER (ORDER BY id) - 1)::int AS k, id, unit_id, unit_path, category,
       (%(codes)s::text[])[mod(id, 5) + 1] AS platform, (%(pnames)s::text[])[mod(id, 5) + 1] AS platform_name,
       (unit_id - 1) * 4 + 1 AS op
FROM account WHERE status IN ('active', 'closing_requested') AND kind <> 'private';
ALTER TABLE bench_account ADD PRIMARY KEY (k)"""


def copy_registry(src: Db, targets: list[Db], plan: Plan) -> None:
    for db in targets:
        pipe(src, UNIT_COPY, db, "unit (id, name, kind, parent_id, path, revision, updated_at)", "units (copy)")
        pipe(src, ACCOUNT_COPY, db, ACCOUNT_COLUMNS, "accounts (copy)")
        db.run(BENCH_ACCOUNTS, **plan.params())


# ------------------------------------------------------------------------------ publishing

TEXTS = """
CREATE TEMP TABLE bench_text (i int PRIMARY KEY, text text NOT NULL, keywords text NOT NULL);
INSERT INTO bench_text SELECT i - 1, t, k FROM unnest(%(texts)s::text[], %(keywords)s::text[]) WITH ORDINALITY AS x(t, k, i)"""

# an account for the g-th row: some post (and are written to) much more than others
PICK_ACCOUNT = "a.k = floor(%(nact)s * power(pg_temp.h(g, 1)::float8 / 2147483648.0, 1.6))::int"
AT = "%(start)s::timestamp + (((g - 1)::bigint * %(span)s) / %(n)s) * interval '1 second'"

DRAFTS = f"""
INSERT INTO draft (id, account_id, unit_id, unit_path, author_id, author_name, text, media, info_type, original,
  source, topic, series_title, series_no, series_total, "column", platforms, major, planned_at, event_at, due_at,
  corrects_id, answers_message_id, apology, status, fast_track, revision, created_at, submitted_at, checked_at,
  approved_at, released_at)
SELECT g, a.id, a.unit_id, a.unit_path, a.op, pg_temp.pname(a.op), t.text, '[]', x.info_type,
  mod(pg_temp.h(g, 3), 10) < 7, '', '', '', NULL, NULL, '', '["' || a.platform || '"]', false, NULL,
  x.event_at, x.event_at + interval '2 hours', NULL, NULL, '', 'released', false, 6,
  tm.r - interval '3 hours', tm.r - interval '2 hours', tm.r - interval '1 hour', tm.r - interval '30 minutes', tm.r
FROM generate_series(%(lo)s, %(hi)s) g
CROSS JOIN LATERAL (SELECT {AT} AS r) tm
JOIN bench_account a ON {PICK_ACCOUNT}
JOIN bench_text t ON t.i = mod(pg_temp.h(g, 2), %(ntext)s)
CROSS JOIN LATERAL (
  SELECT CASE WHEN mod(g, 100) = 50 THEN 'emergency' ELSE (%(types)s::text[])[mod(pg_temp.h(g, 6), 6) + 1] END AS info_type,
         CASE WHEN mod(g, 100) = 50 THEN tm.r - mod(pg_temp.h(g, 4), 150) * interval '1 minute' END AS event_at) x"""

# two drafts of each account on their way through review, written in the last days
OPEN_DRAFTS = """
INSERT INTO draft (id, account_id, unit_id, unit_path, author_id, author_name, text, media, info_type, original,
  source, topic, series_title, "column", platforms, major, apology, status, fast_track, revision, created_at,
  submitted_at, checked_at, approved_at)
SELECT %(n)s + 2 * a.k + s + 1, a.id, a.unit_id, a.unit_path, a.op, pg_temp.pname(a.op), t.text, '[]', 'disclosure',
  true, '', '', '', '', '["' || a.platform || '"]', false, '', st.status, false, 2, c.at,
  CASE WHEN st.status IN ('submitted', 'checked', 'approved', 'returned') THEN c.at + interval '1 hour' END,
  CASE WHEN st.status IN ('checked', 'approved') THEN c.at + interval '2 hours' END,
  CASE WHEN st.status = 'approved' THEN c.at + interval '3 hours' END
FROM bench_account a CROSS JOIN generate_series(0, 1) s
JOIN bench_text t ON t.i = mod(pg_temp.h(a.k * 2 + s, 7), %(ntext)s)
CROSS JOIN LATERAL (SELECT (ARRAY['draft', 'submitted', 'checked', 'approved', 'returned'])[mod(a.k + s, 5) + 1]
                           AS status) st
CROSS JOIN LATERAL (SELECT %(cutoff)s::timestamp - (1 + mod(a.k + 3 * s, 120)) * interval '1 hour' AS at) c
ORDER BY 1"""

REVIEW_STEPS = """
INSERT INTO review_step (draft_id, action, from_status, to_status, actor_id, actor_name, comment, channel, approver,
                         approved_at, at)
SELECT d.id, s.action, s.f, s.t, d.author_id + s.slot, pg_temp.pname(d.author_id + s.slot), s.comment, '', '', NULL, s.at
FROM draft d JOIN bench_account a ON a.id = d.account_id
CROSS JOIN LATERAL (VALUES
  ('submit', 'draft', 'submitted', 0, '', d.submitted_at),
  ('check', 'submitted', 'checked', 1, '', d.checked_at),
  ('approve', 'checked', 'approved', 2, '', d.approved_at),
  ('record_publication', 'approved', 'released', 0,
   a.platform_name || '：https://weibo.example.cn/' || a.platform || '/' || d.account_id || '/' || d.id, d.released_at)
) s(action, f, t, slot, comment, at)
WHERE d.id BETWEEN %(lo)s AND %(hi)s ORDER BY d.id, s.at"""

PUBLICATIONS = """
INSERT INTO publication (draft_id, platform, url, published_at, recorded_by)
SELECT d.id, a.platform, 'https://weibo.example.cn/' || a.platform || '/' || d.account_id || '/' || d.id,
       d.released_at, d.author_name
FROM draft d JOIN bench_account a ON a.id = d.account_id WHERE d.id BETWEEN %(lo)s AND %(hi)s ORDER BY d.id"""

# what review.transition audits of each post: the check, the approval and the release
DRAFT_AUDIT = """
INSERT INTO audit_entry (at, actor_id, actor_name, actor_unit_id, actor_unit_name, actor_roles, actor_client, action,
  subject_type, subject_id, subject_name, unit_path, unit_name, detail, correlation_id)
SELECT s.at, d.author_id + s.slot, pg_temp.pname(d.author_id + s.slot), d.unit_id, u.name,
  CASE WHEN u.kind = 'office' THEN 'joint_office' ELSE (ARRAY['operator', 'responsible_office', 'leader'])[s.slot + 1] END,
  '', s.action, 'draft', d.id::text, left(d.text, 40), d.unit_path, u.name, s.detail, ''
FROM draft d JOIN unit u ON u.id = d.unit_id JOIN bench_account a ON a.id = d.account_id
CROSS JOIN LATERAL (VALUES
  ('draft.check', 1, '待核稿 → 待审批', d.checked_at),
  ('draft.approve', 2, '待审批 → 已审批，待发布', d.approved_at),
  ('draft.release', 0, '已审批，待发布 → 已发布；' || a.platform_name, d.released_at)
) s(action, slot, detail, at)
WHERE d.id BETWEEN %(lo)s AND %(hi)s ORDER BY s.at, d.id"""

# publishing's record of what it reported (figures.report), for the finished months
MONTHLY = """
INSERT INTO monthly_figure (account_id, month, posts, original, revision)
SELECT a.id, m.month, coalesce(c.posts, 0), coalesce(c.original, 0), 1
FROM bench_account a CROSS JOIN unnest(%(months)s::text[]) m(month)
LEFT JOIN (SELECT account_id, to_char(released_at + interval '8 hours', 'YYYY-MM') AS month, count(*) AS posts,
                  sum(CASE WHEN original THEN 1 ELSE 0 END) AS original
           FROM draft WHERE status = 'released' GROUP BY 1, 2) c ON c.account_id = a.id AND c.month = m.month
ORDER BY m.month, a.id"""

DIRECTIVES = """
INSERT INTO directive (id, title, lead_draft_id, due_at, issued_by, issued_at)
SELECT i, '统一口径：' || (%(topics)s::text[])[mod(i, 20) + 1],
       (SELECT max(id) FROM draft WHERE status = 'released' AND released_at <= x.at), x.at + interval '2 days',
       pg_temp.pname(%(office_pid)s), x.at
FROM generate_series(1, %(k)s) i
CROSS JOIN LATERAL (SELECT %(start)s::timestamp + interval '1 day' + (i - 1) * %(gap)s * interval '1 second' AS at) x"""

TARGETS = """
INSERT INTO directive_target (directive_id, account_id, unit_id, unit_path, forwarded_at, url, recorded_by)
SELECT d.id, a.id, a.unit_id, a.unit_path, f.at,
       CASE WHEN f.at IS NULL THEN '' ELSE 'https://weibo.example.cn/' || a.platform || '/' || a.id || '/f' || d.id END,
       CASE WHEN f.at IS NULL THEN '' ELSE pg_temp.pname(a.op) END
FROM directive d CROSS JOIN bench_account a
CROSS JOIN LATERAL (SELECT CASE WHEN mod(pg_temp.h(a.id::bigint * 1000 + d.id, 30), 10) <> 0
  THEN d.issued_at + mod(pg_temp.h(a.id::bigint * 1000 + d.id, 31), 72 * 60) * interval '1 minute' END AS at) f
ORDER BY d.id, a.id"""

LEXICON_SQL = """
INSERT INTO lexicon_entry (word, category, severity, note, created_at, revision)
SELECT w || CASE WHEN n = 0 THEN '' ELSE n::text END, CASE WHEN mod(n, 2) = 0 THEN 'classified' ELSE 'sensitive' END,
       CASE WHEN mod(n, 3) = 0 THEN 'block' ELSE 'warn' END, '', %(start)s, 1
FROM unnest(%(words)s::text[]) w, generate_series(0, 19) n;
INSERT INTO lexicon_version (id, version) VALUES (1, 1) ON CONFLICT (id) DO NOTHING"""


def publishing(db: Db, plan: Plan) -> None:
    p, n = plan.params(), plan.scale.posts
    nact = db.value("SELECT count(*) FROM bench_account")
    db.run(TEXTS, texts=text_pool(post_text, 20_000, 2026), keywords=[""] * 20_000)
    tables = ("draft", "review_step", "publication", "audit_entry", "monthly_figure", "directive_target")
    with indexes_dropped(db, tables):
        db.step("posts", DRAFTS, n, n=n, nact=nact, ntext=20_000, types=INFO_TYPES, **p)
        db.step("drafts under review", OPEN_DRAFTS, n=n, ntext=20_000, **p)
        db.step("review steps", REVIEW_STEPS, n)
        db.step("publications", PUBLICATIONS, n)
        db.step("audit trail", DRAFT_AUDIT, n)
        db.step("monthly figures", MONTHLY, months=plan.finished_months())
        k = 2 * len(plan.finished_months())
        gap = int((plan.span - 5 * 86400) / max(k, 1))
        db.step("directives", DIRECTIVES, k=k, gap=gap, **p)
        db.step("directive targets", TARGETS)
        db.step("lexicon", LEXICON_SQL, words=LEXICON, **p)


# ------------------------------------------------------------------------------ inquiry

DEADLINES = """
CREATE TEMP TABLE bench_deadline (day date PRIMARY KEY, feedback timestamp, verification timestamp, fp bool, vp bool);
INSERT INTO bench_deadline SELECT * FROM unnest(%(day)s::date[], %(feedback)s::timestamp[],
                                                %(verification)s::timestamp[], %(fp)s::bool[], %(vp)s::bool[])"""

# Each message has a plan (0 never answered, 1 replied, 2 accepted, 3 verifying, 4 resolved after
# verification, 5 resolved) and the times of its steps; a step after the cutoff has not happened yet.
MESSAGE_PLAN = f"""
SELECT g, tm.r, a.id AS account_id, a.unit_id, a.unit_path, a.platform,
  CASE WHEN mod(pg_temp.h(g, 2), 1000) < 3 AND tm.r > %(cutoff)s::timestamp - interval '80 days' THEN 0
       WHEN mod(pg_temp.h(g, 2), 1000) < 100 THEN 1 WHEN mod(pg_temp.h(g, 2), 1000) < 300 THEN 2
       WHEN mod(pg_temp.h(g, 2), 1000) < 350 THEN 3 WHEN mod(pg_temp.h(g, 2), 1000) < 400 THEN 4 ELSE 5 END AS plan,
  (%(kinds)s::text[])[mod(pg_temp.h(g, 7), 20) + 1] AS kind, (%(sources)s::text[])[mod(pg_temp.h(g, 11), 20) + 1] AS source,
  c.category,
  CASE WHEN c.category IN ('complaint', 'report') AND mod(pg_temp.h(g, 8), 10) > 0 THEN 'negative'
       WHEN c.category = 'praise' THEN 'positive' WHEN mod(pg_temp.h(g, 8), 10) = 0 THEN 'negative'
       WHEN mod(pg_temp.h(g, 8), 10) = 1 THEN 'positive' ELSE 'neutral' END AS sentiment
FROM generate_series(%(lo)s, %(hi)s) g
CROSS JOIN LATERAL (SELECT {AT} AS r) tm
JOIN bench_account a ON {PICK_ACCOUNT}
CROSS JOIN LATERAL (SELECT (%(categories)s::text[])[mod(pg_temp.h(g, 12), 20) + 1] AS category) c"""

MESSAGE_TIMES = f"""
SELECT b.*, CASE WHEN b.plan >= 1 THEN b.r + mod(pg_temp.h(b.g, 3), 30) * interval '1 hour'
                                            + mod(pg_temp.h(b.g, 4), 60) * interval '1 minute' END AS rp
FROM ({MESSAGE_PLAN}) b"""

MESSAGE_LATER = f"""
SELECT q.*, CASE WHEN q.plan >= 2 THEN q.rp + (1 + mod(pg_temp.h(q.g, 5), 90)) * interval '1 hour' END AS fp,
  CASE WHEN q.plan >= 4 THEN q.rp + (1 + mod(pg_temp.h(q.g, 5), 90)) * interval '1 hour'
                               + (1 + mod(pg_temp.h(q.g, 6), 20)) * interval '1 day' END AS sp
FROM ({MESSAGE_TIMES}) q"""

MESSAGE_NOW = f"""
SELECT e.*, CASE WHEN e.plan IN (3, 4) AND e.fed_back_at IS NOT NULL THEN dv.verification END AS vdue,
  CASE WHEN e.resolved_at IS NOT NULL THEN 'resolved'
       WHEN e.fed_back_at IS NOT NULL THEN CASE WHEN e.plan IN (3, 4) THEN 'verifying' ELSE 'accepted' END
       WHEN e.replied_at IS NOT NULL THEN 'replied' ELSE 'received' END AS status, dv.vp
FROM (SELECT l.*, CASE WHEN l.rp <= %(cutoff)s THEN l.rp END AS replied_at,
             CASE WHEN l.fp <= %(cutoff)s THEN l.fp END AS fed_back_at,
             CASE WHEN l.sp <= %(cutoff)s THEN l.sp END AS resolved_at FROM ({MESSAGE_LATER}) l) e
JOIN bench_deadline dv ON dv.day = (e.r + interval '8 hours')::date"""

MESSAGES = f"""
INSERT INTO message (id, account_id, unit_id, unit_path, platform, platform_message_id, kind, source, via,
  citizen_handle, citizen_contact, text, category, sentiment, category_confirmed, sentiment_confirmed, status,
  received_at, reply_due_at, feedback_due_at, verification_due_at, due_at, provisional, replied_at, fed_back_at,
  resolved_at, reply_text, feedback_text, result_text, revision/*columns*/)
SELECT m.g, m.account_id, m.unit_id, m.unit_path, CASE WHEN m.source = 'hall' THEN '' ELSE m.platform END,
  CASE WHEN m.source IN ('import', 'api') THEN 'm' || m.g END, m.kind, m.source,
  CASE WHEN m.source = 'api' THEN '12345热线' ELSE '' END, '网友' || mod(pg_temp.h(m.g, 9), 1000000),
  CASE WHEN m.source = 'api' THEN '1390000' || lpad(mod(m.g, 10000)::text, 4, '0') ELSE '' END,
  t.text, m.category, m.sentiment, m.status <> 'received', m.status <> 'received', m.status,
  m.r, m.r + interval '24 hours', d.feedback, m.vdue,
  CASE m.status WHEN 'received' THEN m.r + interval '24 hours' WHEN 'replied' THEN d.feedback
                WHEN 'verifying' THEN m.vdue END,
  d.fp OR (m.vdue IS NOT NULL AND m.vp), m.replied_at, m.fed_back_at, m.resolved_at,
  CASE WHEN m.replied_at IS NULL THEN '' ELSE (%(replies)s::text[])[mod(m.g, 3) + 1] END,
  CASE WHEN m.fed_back_at IS NULL THEN '' ELSE (%(feedbacks)s::text[])[mod(m.g, 2) + 1] END,
  CASE WHEN m.resolved_at IS NULL THEN '' ELSE (%(results)s::text[])[mod(m.g, 2) + 1] END,
  1 + (m.status <> 'received')::int + (m.replied_at IS NOT NULL)::int + (m.fed_back_at IS NOT NULL)::int
    + (m.resolved_at IS NOT NULL)::int/*values*/
FROM ({MESSAGE_NOW}) m
JOIN bench_deadline d ON d.day = (m.r + interval '8 hours')::date
JOIN bench_text t ON t.i = mod(pg_temp.h(m.g, 10), %(ntext)s)"""

# departments a message can be transferred to: those with a running account (so they are assessed)
BENCH_DEPARTMENTS = """
CREATE TEMP TABLE bench_dept AS
SELECT (row_number() OVER (ORDER BY u.id) - 1)::int AS k, u.id, u.path FROM unit u
WHERE u.kind = 'department' AND EXISTS (SELECT 1 FROM bench_account a WHERE a.unit_id = u.id);
ALTER TABLE bench_dept ADD PRIMARY KEY (k)"""

TRANSFERS = """
INSERT INTO transfer (id, message_id, from_unit_id, from_unit_path, to_unit_id, to_unit_path, previous_unit_id,
  previous_unit_path, status, note, reason, sent_by, sent_at, answered_by, answered_at)
SELECT row_number() OVER (ORDER BY m.id), m.id, %(office)s, %(office_path)s, t.id, t.path, m.unit_id, m.unit_path,
  s.status, '请核实办理并及时回复网民',
  CASE WHEN s.status = 'returned' THEN '该事项不属于本单位职责范围，建议转交属地街道办理' ELSE '' END,
  pg_temp.pname(%(office_pid)s), m.received_at + interval '1 hour',
  CASE WHEN s.status = 'pending' THEN '' ELSE pg_temp.pname((t.id - 1) * 4 + 1) END,
  CASE WHEN s.status <> 'pending' THEN m.received_at + interval '7 hours' END
FROM message m
CROSS JOIN LATERAL (SELECT CASE WHEN m.status = 'received' OR m.received_at + interval '7 hours' > %(cutoff)s
                                THEN 'pending' WHEN mod(pg_temp.h(m.id, 21), 10) = 0 THEN 'returned'
                                ELSE 'accepted' END AS status,
                           mod(pg_temp.h(m.id, 20), %(ndept)s) AS k0) s
JOIN bench_dept t0 ON t0.k = s.k0
JOIN bench_dept t ON t.k = mod(s.k0 + (t0.id = m.unit_id)::int, %(ndept)s)
WHERE mod(m.id, %(stride)s) = mod(37, %(stride)s) AND m.received_at + interval '1 hour' <= %(cutoff)s"""

# the unit responsible now handles it; a returned one went back to the unit that had it
TRANSFERRED = """
UPDATE message m SET unit_id = CASE WHEN t.status = 'returned' THEN m.unit_id ELSE t.to_unit_id END,
                     unit_path = CASE WHEN t.status = 'returned' THEN m.unit_path ELSE t.to_unit_path END,
                     revision = m.revision + CASE WHEN t.status = 'returned' THEN 2 ELSE 1 END
FROM transfer t WHERE t.message_id = m.id"""

# what the overdue sweep records: each deadline missed, once
MISSED = """
INSERT INTO missed_deadline (message_id, deadline, due_at, found_at)
SELECT id, x.deadline, x.due, x.due + interval '1 minute' FROM message
CROSS JOIN LATERAL (VALUES ('reply', reply_due_at, replied_at), ('feedback', feedback_due_at, fed_back_at),
                           ('verification', verification_due_at, resolved_at)) x(deadline, due, done)
WHERE id BETWEEN %(lo)s AND %(hi)s AND x.due IS NOT NULL
  AND ((x.done IS NULL AND x.due < %(cutoff)s) OR x.done > x.due)
ORDER BY x.due + interval '1 minute', id"""

NOTICES = """
INSERT INTO problem_notice (id, title, importance, kind, content, unit_id, unit_path, issued_by, issued_by_unit_path,
  issued_at, status, reply, replied_by, replied_at)
SELECT g, '关于' || (%(topics)s::text[])[mod(pg_temp.h(g, 42), 20) + 1] || '问题的通报',
  (ARRAY['high', 'medium', 'low'])[mod(pg_temp.h(g, 43), 3) + 1], (%(kinds)s::text[])[mod(pg_temp.h(g, 44), 5) + 1],
  t.text, d.id, d.path, pg_temp.pname(%(office_pid)s), %(office_path)s, x.at,
  CASE WHEN x.replied IS NULL THEN 'issued' ELSE 'replied' END,
  CASE WHEN x.replied IS NULL THEN '' ELSE '已组织整改，具体情况如下：问题已处理完毕。' END,
  CASE WHEN x.replied IS NULL THEN '' ELSE pg_temp.pname((d.id - 1) * 4 + 1) END, x.replied
FROM generate_series(1, %(notices)s) g
JOIN bench_dept d ON d.k = mod(pg_temp.h(g, 40), %(ndept)s)
JOIN bench_text t ON t.i = mod(pg_temp.h(g, 45), %(ntext)s)
CROSS JOIN LATERAL (SELECT %(start)s::timestamp + (((g - 1)::bigint * (%(span)s - 3 * 86400)) / %(notices)s)
                           * interval '1 second' AS at) a
CROSS JOIN LATERAL (SELECT a.at, CASE WHEN mod(pg_temp.h(g, 41), 10) < 7 AND a.at + interval '5 days' <= %(cutoff)s
                                      THEN a.at + (1 + mod(g, 5)) * interval '1 day' END AS replied) x"""

TRANSFER_AUDIT = """
INSERT INTO audit_entry (at, actor_id, actor_name, actor_unit_id, actor_unit_name, actor_roles, actor_client, action,
  subject_type, subject_id, subject_name, unit_path, unit_name, detail, correlation_id)
SELECT * FROM (
  SELECT t.sent_at AS at, %(office_pid)s, pg_temp.pname(%(office_pid)s), %(office)s, o.name, 'joint_office', '',
         'transfer.send', 'transfer', t.id::text, '留言 ' || t.message_id, t.to_unit_path, tu.name,
         pu.name || ' → ' || tu.name || '；' || t.note, ''
  FROM transfer t JOIN unit tu ON tu.id = t.to_unit_id JOIN unit pu ON pu.id = t.previous_unit_id
  JOIN unit o ON o.id = %(office)s
  UNION ALL
  SELECT t.answered_at, (t.to_unit_id - 1) * 4 + 1, t.answered_by, t.to_unit_id, tu.name, 'operator', '',
         CASE t.status WHEN 'returned' THEN 'transfer.return' ELSE 'transfer.accept' END, 'transfer', t.id::text,
         '留言 ' || t.message_id, t.to_unit_path, tu.name,
         pu.name || ' → ' || tu.name || CASE WHEN t.status = 'returned' THEN '；退回理由：' || t.reason ELSE '' END, ''
  FROM transfer t JOIN unit tu ON tu.id = t.to_unit_id JOIN unit pu ON pu.id = t.previous_unit_id
  WHERE t.answered_at IS NOT NULL
) x ORDER BY 1"""


def intake_keywords(texts: list[str]) -> list[str]:
    """Each text's keywords as intake stores them (services/inquiry/handling.py), for hot topics."""
    from services.inquiry import classify
    return [" ".join(dict.fromkeys(classify.keywords_from(classify.analyse(t))))[:1000] for t in texts]


def has_column(db: Db, table: str, column: str) -> bool:
    return bool(db.value("SELECT count(*) FROM information_schema.columns WHERE table_schema = 'public' "
                         "AND table_name = %(table)s AND column_name = %(column)s", table=table, column=column))


def messages_sql(db: Db) -> str:
    """MESSAGES, with the keywords intake segments when the schema has them (inquiry's migration 0014)."""
    if not has_column(db, "message", "keywords"):
        return MESSAGES
    return MESSAGES.replace("/*columns*/", ", keywords").replace("/*values*/", ", t.keywords")


def inquiry(db: Db, plan: Plan) -> None:
    p, n, s = plan.params(), plan.scale.messages, plan.scale
    nact = db.value("SELECT count(*) FROM bench_account")
    texts = text_pool(message_text, 20_000, 2027)
    db.run(TEXTS, texts=texts, keywords=intake_keywords(texts))
    db.run(DEADLINES, **deadline_days())
    tables = ("message", "transfer", "missed_deadline", "problem_notice", "audit_entry")
    with indexes_dropped(db, tables):
        db.step("messages", messages_sql(db), n, n=n, nact=nact, ntext=20_000, kinds=KINDS, sources=SOURCES,
                categories=CATEGORIES, replies=REPLIES, feedbacks=FEEDBACKS, results=RESULTS, **p)
        db.run(BENCH_DEPARTMENTS)
        ndept = db.value("SELECT count(*) FROM bench_dept")
        db.step("transfers", TRANSFERS, ndept=ndept, stride=max(1, n // s.transfers), **p)
        db.step("transferred messages", TRANSFERRED)
        db.step("missed deadlines", MISSED, n, **p)
        db.step("problem notices", NOTICES, notices=s.notices, ndept=ndept, ntext=20_000, kinds=NOTICE_KINDS, **p)
        db.step("audit trail", TRANSFER_AUDIT, **p)


# ------------------------------------------------------------------------------ assessment

FOLLOWERS = """
INSERT INTO follower_count (account_id, day, followers, entered_by, entered_at)
SELECT a.id, d::date, 2000 + mod(a.id * 7919, 90000) + (d::date - date '2026-01-01') * (1 + mod(a.id, 25)),
       pg_temp.pname(a.op), d + interval '25 hours'
FROM generate_series(timestamp '2026-01-01', %(last)s::timestamp, interval '1 day') d CROSS JOIN bench_account a
ORDER BY d, a.id"""

DUTY = """
INSERT INTO duty_shift (unit_id, unit_path, account_id, starts_at, ends_at, person_name, phone, entered_by, entered_at)
SELECT u.id, u.path, NULL, d - interval '8 hours', d + interval '16 hours',
       pg_temp.pname((u.id - 1) * 4 + 1 + mod(d::date - date '2026-01-01', 3)),
       '1380' || lpad(mod(u.id * 31 + (d::date - date '2026-01-01'), 10000000)::text, 7, '0'),
       pg_temp.pname((u.id - 1) * 4 + 2), timestamp '2025-12-20'
FROM generate_series(timestamp '2026-01-01', %(last)s::timestamp, interval '1 day') d CROSS JOIN unit u
ORDER BY d, u.id"""

INSPECTIONS = """
INSERT INTO inspection (id, unit_id, unit_path, inspected_on, checked, found, required, fix_by, status, recorded_by,
  recorded_at, fix_report, fixed_on, reported_by, reported_at, review_comment, reviewed_by, reviewed_at)
SELECT row_number() OVER (ORDER BY u.id), u.id, u.path, x.day, '账号运行、信息发布审核、网民留言办理情况',
  (ARRAY['两周内未更新', '网民留言回复超时', '信息发布未经审核', '账号简介信息不完整'])[mod(u.id, 4) + 1],
  '限期整改并报送整改情况', x.day + 30, x.status, pg_temp.pname(%(office_pid)s), x.day + interval '10 hours',
  CASE WHEN x.status = 'open' THEN '' ELSE '已完成整改，建立长效机制。' END,
  CASE WHEN x.status = 'open' THEN NULL ELSE x.day + 20 END,
  CASE WHEN x.status = 'open' THEN '' ELSE pg_temp.pname((u.id - 1) * 4 + 1) END,
  CASE WHEN x.status = 'open' THEN NULL ELSE x.day + interval '20 days 10 hours' END,
  CASE WHEN x.status = 'rejected' THEN '整改不到位，请重新整改' WHEN x.status = 'accepted' THEN '整改到位' ELSE '' END,
  CASE WHEN x.status IN ('accepted', 'rejected') THEN pg_temp.pname(%(office_pid)s + 2) ELSE '' END,
  CASE WHEN x.status IN ('accepted', 'rejected') THEN x.day + interval '25 days 10 hours' END
FROM unit u CROSS JOIN LATERAL (
  SELECT (date '2026-01-05' + mod(u.id * 37, greatest(1, %(days)s - 40)))::date AS day,
         (ARRAY['open', 'reported', 'accepted', 'rejected'])[mod(u.id / 3, 4) + 1] AS status) x
WHERE u.kind = 'department' AND mod(u.id, 3) = 0;
INSERT INTO inspection_step (inspection_id, action, text, fixed_on, actor_id, actor_name, at)
SELECT i.id, s.action, s.text, s.fixed_on, s.actor, pg_temp.pname(s.actor), s.at FROM inspection i
CROSS JOIN LATERAL (VALUES
  ('record', i.found, NULL::date, %(office_pid)s + 2, i.recorded_at, true),
  ('report', i.fix_report, i.fixed_on, (i.unit_id - 1) * 4 + 1, i.reported_at, i.reported_at IS NOT NULL),
  (CASE i.status WHEN 'rejected' THEN 'reject' ELSE 'accept' END, i.review_comment, NULL::date, %(office_pid)s + 2,
   i.reviewed_at, i.reviewed_at IS NOT NULL)) s(action, text, fixed_on, actor, at, happened)
WHERE s.happened ORDER BY s.at, i.id"""

TRAINING = """
INSERT INTO training_session (id, kind, title, held_on, hours, place, recorded_by, recorded_at)
SELECT m, CASE WHEN mod(m, 2) = 1 THEN 'course' ELSE 'exchange' END,
       CASE WHEN mod(m, 2) = 1 THEN '政务微博运营能力培训（第' || m || '期）' ELSE '政务微博工作经验交流座谈会' || m END,
       make_date(2026, m, 15), 3.0, '市行政中心会议室', pg_temp.pname(%(office_pid)s), make_date(2026, m, 16)
FROM generate_series(1, %(months)s) m;
INSERT INTO training_trainer (session_id, name, kind, affiliation)
SELECT id, pg_temp.pname(1000000 + id), 'platform_expert', '新浪微博政务运营中心' FROM training_session;
INSERT INTO training_invitation (session_id, unit_id, unit_path)
SELECT s.id, u.id, u.path FROM training_session s CROSS JOIN unit u WHERE u.parent_id = 1 ORDER BY s.id, u.id;
INSERT INTO training_attendee (session_id, person_name, unit_id, unit_path, recorded_by, recorded_at)
SELECT i.session_id, pg_temp.pname((i.unit_id - 1) * 4 + s), i.unit_id, i.unit_path, pg_temp.pname(%(office_pid)s),
       make_date(2026, i.session_id, 16)
FROM training_invitation i CROSS JOIN generate_series(1, 2) s ORDER BY i.session_id, i.unit_id, s"""


def assessment_inputs(db: Db, plan: Plan) -> None:
    """Assessment's own inputs: followers per account and day, the duty roster, inspections, training."""
    p = plan.params()
    last_day = (plan.cutoff + dt.timedelta(hours=8)).date() - dt.timedelta(days=1)
    with indexes_dropped(db, ("follower_count", "duty_shift")):
        db.step("followers per account and day", FOLLOWERS, last=last_day)
        db.step("duty roster", DUTY, last=min(last_day + dt.timedelta(days=30), dt.date(2027, 1, 31)))
    db.step("inspections", INSPECTIONS, days=(last_day - dt.date(2026, 1, 1)).days, **p)
    db.step("training", TRAINING, months=len(plan.finished_months()), **p)


# The facts, as assessment's handlers store the events' payloads (services/assessment/handlers.py).
POST_FACTS = """
SELECT d.id, d.account_id, d.unit_id, d.unit_path, d.original, d.info_type, d.released_at, d.fast_track,
  d.corrects_id, d.event_at, CASE WHEN d.due_at IS NOT NULL THEN d.released_at <= d.due_at END,
  pg_temp.bjday(d.released_at), d.text,
  '[' || coalesce((SELECT string_agg('{"action": ' || to_json(s.action)::text || ', "actor_name": '
      || to_json(s.actor_name)::text || ', "at": ' || to_json(pg_temp.utc(s.at))::text || ', "comment": '
      || to_json(s.comment)::text || ', "channel": ' || to_json(s.channel)::text || ', "approver": '
      || to_json(s.approver)::text || '}', ', ' ORDER BY s.id) FROM review_step s WHERE s.draft_id = d.id), '') || ']'
FROM draft d WHERE d.status = 'released' ORDER BY d.id"""
POST_FACT_COLUMNS = ("post_fact (draft_id, account_id, unit_id, unit_path, original, info_type, released_at, fast_track, "
                     "correction_of, emergency_event_at, emergency_on_time, day, text, reviews)")

MESSAGE_FACTS = """
SELECT id, account_id, unit_id, unit_path, category, sentiment, status,
  CASE status WHEN 'received' THEN 'received' WHEN 'replied' THEN 'replied' WHEN 'resolved' THEN 'resolved'
              ELSE 'fed_back' END,
  received_at, replied_at, fed_back_at, resolved_at,
  reply_due_at, feedback_due_at, verification_due_at, revision, kind,
  pg_temp.bjday(received_at), pg_temp.bjday(replied_at),
  CASE WHEN replied_at IS NOT NULL THEN replied_at <= reply_due_at END,
  CASE WHEN fed_back_at IS NOT NULL THEN fed_back_at <= feedback_due_at END
FROM message ORDER BY id"""
MESSAGE_FACT_COLUMNS = ("message_fact (id, account_id, unit_id, unit_path, category, sentiment, status, step, received_at, "
                        "replied_at, fed_back_at, resolved_at, reply_due_at, feedback_due_at, verification_due_at, "
                        "revision, kind, received_day, replied_day, reply_on_time, feedback_on_time)")

FACTS = (
    ("publishing", "post facts", POST_FACTS, POST_FACT_COLUMNS),
    ("publishing", "monthly figure facts", """
SELECT f.account_id, f.month, a.unit_id, a.unit_path, a.category, f.posts, f.original, x.share,
  x.quota, f.posts >= x.quota, f.posts > 0 AND x.share >= 0.6, f.revision
FROM monthly_figure f JOIN account a ON a.id = f.account_id
CROSS JOIN LATERAL (SELECT CASE WHEN f.posts > 0 THEN round(f.original::numeric / f.posts, 4) ELSE 0 END AS share,
                           CASE a.category WHEN 'livelihood' THEN 20 WHEN 'policy' THEN 10 ELSE 0 END AS quota) x""",
     "monthly_figure_fact (account_id, month, unit_id, unit_path, category, posts, original, original_share, quota, "
     "quota_met, original_met, revision)"),
    ("publishing", "directive facts", """
SELECT d.id, d.title, d.due_at, '[' || string_agg(t.account_id::text, ', ' ORDER BY t.id) || ']'
FROM directive d JOIN directive_target t ON t.directive_id = d.id GROUP BY d.id ORDER BY d.id""",
     "directive_fact (directive_id, title, due_at, account_ids)"),
    ("publishing", "forward facts", """
SELECT t.directive_id, t.account_id, t.unit_id, t.unit_path, t.forwarded_at, t.forwarded_at <= d.due_at
FROM directive_target t JOIN directive d ON d.id = t.directive_id WHERE t.forwarded_at IS NOT NULL""",
     "forward_fact (directive_id, account_id, unit_id, unit_path, forwarded_at, on_time)"),
    ("inquiry", "message facts", MESSAGE_FACTS, MESSAGE_FACT_COLUMNS),
    ("inquiry", "missed deadline facts", """
SELECT md.message_id, md.deadline, m.unit_id, m.unit_path, md.due_at
FROM missed_deadline md JOIN message m ON m.id = md.message_id""",
     "missed_deadline_fact (message_id, deadline, unit_id, unit_path, due_at)"),
    ("inquiry", "transfer facts", """
SELECT id, message_id, from_unit_id, to_unit_id, to_unit_path, status, reason,
       coalesce(answered_at, sent_at) FROM transfer ORDER BY id""",
     "transfer_fact (transfer_id, message_id, from_unit_id, to_unit_id, to_unit_path, status, reason, at)"),
    ("inquiry", "notice facts", """
SELECT id, unit_id, unit_path, importance, kind, status, issued_at, replied_at
FROM problem_notice ORDER BY id""",
     "notice_fact (notice_id, unit_id, unit_path, importance, kind, status, issued_at, replied_at)"),
)


def assessment_facts(dbs: dict[str, Db]) -> None:
    target = dbs["assessment"]
    tables = ("post_fact", "message_fact", "missed_deadline_fact", "monthly_figure_fact", "transfer_fact")
    with indexes_dropped(target, tables):
        for source, label, select, columns in FACTS:
            pipe(dbs[source], select, target, columns, label)


# ------------------------------------------------------------------------------ the whole city

MARKER = """
CREATE TABLE bench_city (scale text NOT NULL, version int NOT NULL, params text NOT NULL, cutoff timestamp NOT NULL,
                         generated_at timestamp NOT NULL, seconds float8 NOT NULL, sizes text NOT NULL);
INSERT INTO bench_city VALUES (%(scale)s, %(version)s, %(params)s, %(cutoff)s, now(), %(seconds)s, %(sizes)s)"""

SIZES = (("registry", "units", "unit"), ("registry", "people", "person"), ("registry", "accounts", "account"),
         ("publishing", "posts (drafts)", "draft"), ("publishing", "review steps", "review_step"),
         ("publishing", "audit rows (publishing)", "audit_entry"), ("inquiry", "messages", "message"),
         ("inquiry", "transfers", "transfer"), ("inquiry", "problem notices", "problem_notice"),
         ("inquiry", "missed deadlines", "missed_deadline"), ("assessment", "post facts", "post_fact"),
         ("assessment", "message facts", "message_fact"), ("assessment", "follower counts", "follower_count"),
         ("assessment", "duty shifts", "duty_shift"))


@dataclass
class City:
    """The databases of a generated city and what the benchmark needs to know of it."""
    scale: Scale
    urls: dict[str, str]
    cutoff: dt.datetime
    seconds: float
    sizes: dict[str, int]
    reused: bool

    def username(self, unit: int, slot: int) -> str:
        return f"u{unit}_{slot}"

    @property
    def sign_ins(self) -> dict[str, tuple[str, int]]:
        """The three people the benchmark signs in as: (username, unit)."""
        s = self.scale
        return {"office": (self.username(s.office, 1), s.office),  # 联席会议办公室 (joint_office)
                "district": (self.username(2, 4), 2),  # 东湖区's principal leader
                "operator": (self.username(s.first_department, 1), s.first_department)}  # a department below it


def _url(server: str, name: str) -> str:
    base, _, _ = server.rpartition("/")
    return f"{base}/{name}"


MARKER_KEYS = ("scale", "version", "params", "cutoff", "seconds", "sizes")


def read_marker(url: str, table: str, keys: tuple[str, ...]) -> dict | None:
    """The row a generated database carries about itself in `table` (its `keys`), if it has one."""
    try:
        conn = psycopg2.connect(url)
    except psycopg2.OperationalError:
        return None
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT to_regclass(%s) IS NOT NULL", (table,))
            if not cur.fetchone()[0]:
                return None
            cur.execute(f"SELECT {', '.join(keys)} FROM {table}")
            row = cur.fetchone()
    finally:
        conn.close()
    return None if row is None else dict(zip(keys, row))


def existing(server: str, scale: Scale) -> City | None:
    """The city already generated for this scale and version, if all four databases hold it."""
    urls = {s: _url(server, name) for s, name in database_names(scale).items()}
    markers = [read_marker(url, "bench_city", MARKER_KEYS) for url in urls.values()]
    wanted = json.dumps(asdict(scale), sort_keys=True)
    if any(m is None or m["version"] != VERSION or m["params"] != wanted for m in markers):
        return None
    m = markers[0]
    return City(scale, urls, m["cutoff"], m["seconds"], json.loads(m["sizes"]), reused=True)


def check_server(server: str) -> None:
    try:
        psycopg2.connect(server, connect_timeout=5).close()
    except psycopg2.OperationalError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise SystemExit(f"PostgreSQL does not answer at {server.split('@')[-1]} ({first}). Start it, or point "
                         "DATABASE_URL at a server (postgresql://user@host:5432/postgres).") from None


def create_databases(server: str, scale: Scale) -> dict[str, str]:
    """The four databases, new and empty, then migrated by the project's own migrations."""
    admin = psycopg2.connect(server)
    admin.autocommit = True
    urls = {}
    with admin.cursor() as cur:
        for service, name in database_names(scale).items():
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cur.execute(f'CREATE DATABASE "{name}"')
            urls[service] = _url(server, name)
    admin.close()
    migrate(urls, quiet=True)
    return urls


def migrate(urls: dict[str, str], quiet: bool = False) -> None:
    """`python -m ops.cli migrate <service>` for each database, as the Procfile runs it."""
    for service, url in urls.items():
        env = {**os.environ, f"{service.upper()}_DATABASE_URL": url, "GOVMB_MODE": "embedded"}
        t0 = time.perf_counter()
        out = subprocess.run([sys.executable, "-m", "ops.cli", "migrate", service], cwd=ROOT, env=env, check=True,
                             stdout=subprocess.PIPE, text=True).stdout.strip()
        if not quiet and not out.endswith("up to date"):
            print(f"  applied to the kept data: {out} ({time.perf_counter() - t0:.0f} s)", flush=True)
            # as docs/lists.md asks after an upgrade: a migration that rewrote a table (the stored
            # bigrams) left it with no page marked all-visible, so no count is read from an index
            conn = psycopg2.connect(url)
            conn.autocommit = True  # VACUUM runs outside a transaction
            try:
                conn.cursor().execute("VACUUM (ANALYZE)")
            finally:
                conn.close()


def _parallel(dbs: list[Db], *jobs) -> None:
    """Run the jobs side by side, each on its own connection, while this thread waits (so that
    Ctrl-C reaches it); on a failure or an interrupt every running statement is cancelled."""
    pool = ThreadPoolExecutor(len(jobs))
    futures = [pool.submit(job) for job in jobs]
    try:
        for future in futures:
            future.result()
    except BaseException:
        STOP.set()
        for db in dbs:
            db.conn.cancel()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _finish(db: Db) -> None:
    """Sequences past the generated ids, then the statistics and visibility the planner uses."""
    with db.conn.cursor() as cur:
        cur.execute("SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' "
                    "AND column_default LIKE 'nextval%%'", {})
        serials = cur.fetchall()
    for table, column in serials:
        db.run(f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), "
               f"coalesce((SELECT max(\"{column}\") FROM \"{table}\"), 0) + 1, false)")
    t0 = time.perf_counter()
    db.run("VACUUM (ANALYZE)")
    say(f"  {db.service:<10} {'vacuum and analyze':<34} {'':>17} {time.perf_counter() - t0:7.1f} s")


def generate(urls: dict[str, str], plan: Plan) -> None:
    dbs = {s: Db(s, url) for s, url in urls.items()}
    everyone = list(dbs.values())
    consumers = [dbs[s] for s in ("publishing", "inquiry", "assessment")]
    try:
        _parallel(everyone, lambda: registry(dbs["registry"], plan))
        _parallel(everyone, lambda: copy_registry(dbs["registry"], consumers, plan))
        _parallel(everyone, lambda: publishing(dbs["publishing"], plan), lambda: inquiry(dbs["inquiry"], plan),
                  lambda: assessment_inputs(dbs["assessment"], plan))
        _parallel(everyone, lambda: assessment_facts(dbs))
        _parallel(everyone, *[lambda db=db: _finish(db) for db in everyone])
    finally:
        for db in dbs.values():
            db.close()


def sizes_of(urls: dict[str, str]) -> dict[str, int]:
    out = {}
    for service, label, table in SIZES:
        with psycopg2.connect(urls[service]) as conn, conn.cursor() as cur:
            cur.execute(f'SELECT count(*) FROM "{table}"')
            out[label] = cur.fetchone()[0]
        conn.close()
    return out


def build(server: str, scale: Scale) -> City:
    plan = Plan(scale, cutoff_now())
    print(f"Generating the {scale.name} ({scale.units:,} units, {scale.accounts:,} accounts, {scale.posts:,} posts, "
          f"{scale.messages:,} messages) up to {plan.cutoff + dt.timedelta(hours=8):%Y-%m-%d %H:%M} Beijing time",
          flush=True)
    t0 = time.perf_counter()
    urls = create_databases(server, scale)
    generate(urls, plan)
    seconds = time.perf_counter() - t0
    sizes = sizes_of(urls)
    params = {"scale": scale.name, "version": VERSION, "params": json.dumps(asdict(scale), sort_keys=True),
              "cutoff": plan.cutoff, "seconds": seconds, "sizes": json.dumps(sizes)}
    for url in urls.values():
        with psycopg2.connect(url) as conn, conn.cursor() as cur:
            cur.execute(MARKER, params)
        conn.close()
    print(f"Generated in {seconds:,.0f} s", flush=True)
    return City(scale, urls, plan.cutoff, seconds, sizes, reused=False)


def ensure(server: str, scale: Scale, fresh: bool = False) -> City:
    """The city of this scale: kept from an earlier run unless `fresh`, else generated now."""
    check_server(server)
    if not fresh and (city := existing(server, scale)) is not None:
        print(f"Reusing the {scale.name} generated earlier (data up to "
              f"{city.cutoff + dt.timedelta(hours=8):%Y-%m-%d %H:%M} Beijing time, generated in {city.seconds:,.0f} s; "
              f"--fresh rebuilds it); migrations added since then are applied now", flush=True)
        migrate(city.urls)
        return city
    return build(server, scale)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="city")
    parser.add_argument("--fresh", action="store_true", help="generate again even if the databases exist")
    args = parser.parse_args()
    city = ensure(os.environ.get("DATABASE_URL", infra.LOCAL_POSTGRES), SCALES[args.scale], args.fresh)
    for label, n in city.sizes.items():
        print(f"{label:<28} {n:>14,}")


if __name__ == "__main__":
    main()
