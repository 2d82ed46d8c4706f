"""Every page that lists or summarises, as production runs it, over a city's year: 404 units,
2,000 accounts, a million posts and two million citizens' messages (`bench/city.py` generates
them, or keeps them from an earlier run). Targets: p95 ≤ 300 ms and at most 200 KB of HTML.

    python -m bench.pages [--requests 20] [--warmups 2] [--fresh]    # writes its section of docs/benchmarks.md
    python -m bench.pages --scale country [--accounts 20000 --posts 10000000 …]   # the heaviest pages only
    python -m bench.pages --no-report …                                # prints the table only

The four APIs and the web app start under gunicorn with the Procfile's commands, in production
mode (a fresh token key pair and web secrets, RabbitMQ named, the session cookie Secure), on free ports, over the
generated databases; no bus worker runs, as none is needed to read pages. Three people sign in
through the real sign-in form: the joint-meeting office, a district's principal leader and an
operator of a department below that district. Each page is requested a few times to warm up,
then N times in a row from one client, beside two trivial pages measured in the same run.
A request that failed or took over 5 s is followed by cancelling the queries it left running
in PostgreSQL (the web app gives up on an API after 10 s, but nothing stops the statement), so
that one slow page does not slow the next; the report counts them. Afterwards the totals the
assessment API reports for the city are compared with counts taken straight from the publishing
and inquiry databases.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

import psycopg2
import requests
from argon2 import PasswordHasher

from bench import city as city_
from bench.report import DOC, write_section
from govmb.config import SERVICES
from govmb.timefmt import BEIJING
from ops.keys import command as keys_command
from tests import infra

ROOT = Path(__file__).resolve().parent.parent
LOGS = ROOT / "var" / "bench_pages"
P95_TARGET, HTML_TARGET = 0.300, 200 * 1024
NAMESPACE = "bench_pages"  # the bus namespace: nothing of another run's queues is touched
ROLE_NAMES = {"office": "联席会议办公室", "district": "县区主要领导", "operator": "部门操作员", "visitor": "公众（未登录）"}


@dataclass(frozen=True)
class Page:
    path: str  # may name {unit}, {area}, {message}, {draft}: filled in for each role
    what: str
    kind: str = "page"  # page, variant (filtered, searched, paged), baseline


PAGES = (
    Page("/healthz", "web app health check (no template, no service call)", "baseline"),
    Page("/sign-in", "sign-in form (a template, no service call)", "baseline"),
    Page("/kaohe", "考核 dashboard: the year's assessment, this month's progress, warnings"),
    Page("/kaohe/records?period=2026&kind=reply_timeliness&unit_id={unit}", "考核: records behind reply timeliness"),
    Page("/kaohe/records?period=2026&kind=quota&unit_id={unit}", "考核: records behind the monthly quota"),
    Page("/kaohe/duty", "值班日志: an account's last 14 days, hot topics"),
    Page("/kaohe/archives", "月度归档 list"),
    Page("/kaohe/reports", "季度报告"),
    Page("/kaohe/rules", "考核规则"),
    Page("/inbox", "网民留言 inbox"),
    Page("/inbox/transfers", "转办 desk"),
    Page("/inbox/notices", "问题通报 desk"),
    Page("/inbox/{message}", "a message's page (unit picker for transfers)"),
    Page("/drafts", "稿件: review queue and drafts"),
    Page("/drafts/calendar", "发布日历 (this month)"),
    Page("/drafts/new", "new draft form (account picker)"),
    Page("/drafts/{draft}", "a released post's page"),
    Page("/directives", "统一口径"),
    Page("/city", "全市账号"),
    Page("/accounts", "本单位账号"),
    Page("/accounts/new", "account application form (people picker)"),
    Page("/filings", "待确认备案"),
    Page("/audit", "审计日志 (registry)"),
    Page("/lexicon", "词库"),
    Page("/roster", "值班表"),
    Page("/followers", "粉丝数"),
    Page("/inspections", "督查检查"),
    Page("/training", "培训登记"),
    Page("/hall", "政务微博大厅 (public)"),
    Page("/hall/message", "留言 form of the hall (account picker)"),
    Page("/kaohe?unit_id={area}", "考核 drilled into a unit (the office: a district; the others: their own)",
         "variant"),
    Page("/kaohe?system=公安系统", "考核 ranking narrowed to a system", "variant"),
    Page("/kaohe?q=公安", "考核 ranking searched for 公安", "variant"),
    Page("/inbox?q=路灯", "inbox searched for 路灯 (a common word)", "variant"),
    Page("/inbox?q=消防通道", "inbox searched for 消防通道", "variant"),
    Page("/inbox?page=5", "inbox, page 5", "variant"),
    Page("/inbox?status=received", "inbox, received only", "variant"),
    Page("/inbox?overdue=1", "inbox, overdue only", "variant"),
    Page("/drafts?q=路灯", "drafts searched for 路灯", "variant"),
    Page("/drafts?page=5", "drafts, page 5", "variant"),
    Page("/city?status=active&kind=institutional", "全市账号 filtered", "variant"),
    Page("/city?q=公安", "全市账号 searched for 公安", "variant"),
    Page("/city?page=5", "全市账号, page 5", "variant"),
    Page("/audit?service=publishing", "审计日志 of publishing (3 rows a post)", "variant"),
    Page("/audit?service=publishing&page=100", "审计日志 of publishing, page 100", "variant"),
    Page("/audit?service=inquiry", "审计日志 of inquiry (transfers)", "variant"),
    Page("/kaohe/duty?from=2026-09-01&to=2026-11-30", "值班日志 over 91 days", "variant"),
    Page("/hall?group=system", "政务微博大厅 by system", "variant"),
)
# at the country's size, the five heaviest lists and summaries only
HEAVY = ("/healthz", "/kaohe", "/inbox", "/drafts", "/city", "/audit?service=publishing")


@dataclass
class Result:
    page: Page
    role: str
    path: str
    statuses: list[int | str] = field(default_factory=list)
    times: list[float] = field(default_factory=list)
    size: int = 0
    orphans: int = 0  # queries still running after the web app had given up, cancelled

    def quantile(self, q: float) -> float:
        ordered = sorted(self.times)
        return ordered[max(0, math.ceil(q * len(ordered)) - 1)]

    @property
    def ok(self) -> bool:
        return all(s == 200 for s in self.statuses)

    @property
    def meets(self) -> bool:
        return self.ok and self.quantile(0.95) <= P95_TARGET and self.size <= HTML_TARGET


# ------------------------------------------------------------------------------ the servers

def procfile() -> dict[str, str]:
    lines = [ln for ln in (ROOT / "Procfile").read_text().splitlines() if ln and not ln.startswith("#")]
    return dict(ln.split(": ", 1) for ln in lines)


def _redis_or_memory() -> str:
    """Production counts the sign-in limits in Redis (compose runs one); here too if one answers."""
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
        return "redis://127.0.0.1:6379/0"
    except OSError:
        return "memory://"


def environment(city: city_.City, ports: dict[str, int]) -> dict[str, str]:
    """deploy/distributed.env, adapted: these databases, free ports, production mode."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "PROMETHEUS_MULTIPROC_DIR")}
    keys = Path(tempfile.mkdtemp(prefix="govmb-bench-keys-"))
    keys_command(argparse.Namespace(dir=keys, rotate=False, retire=False))
    env.update({"GOVMB_MODE": "production", "TOKEN_SIGNING_KEY_FILE": str(keys / "token-signing.pem"),
                "TOKEN_PUBLIC_KEYS_FILE": str(keys / "token-public.pem"), "WEB_COOKIE_SECRET": secrets.token_hex(32),
                "WEB_CLIENT_SECRET": secrets.token_hex(32),
                "AMQP_URL": os.environ.get("AMQP_URL", infra.LOCAL_AMQP), "BUS_NAMESPACE": NAMESPACE,
                "RATELIMIT_STORAGE_URI": _redis_or_memory(), "REVOCATION_STORE_URI": "redis://127.0.0.1:6379/1",
                "METRICS_TOKEN": secrets.token_hex(32),
                "PYTHONPATH": str(ROOT),
                "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}", "WEB_PORT": str(ports["web"])})
    for name in SERVICES:
        env[f"{name.upper()}_DATABASE_URL"] = city.urls[name]
        env[f"{name.upper()}_PORT"] = str(ports[name])
        env[f"{name.upper()}_URL"] = f"http://127.0.0.1:{ports[name]}"
    return env


def _tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def _wait_ready(name: str, url: str, proc: subprocess.Popen, log: Path, timeout: float = 1800) -> None:
    """Until the process answers its readiness probe (an API also migrates first, as the Procfile says)."""
    probe, deadline = url + ("/healthz" if name == "web" else "/readyz"), time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{name} exited with {proc.returncode}; the end of {log}:\n{_tail(log)}")
        try:
            if requests.get(probe, timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{name} did not answer {probe} within {timeout:.0f} s; see {log}")


def _stop(procs: dict[str, subprocess.Popen]) -> None:
    for proc in procs.values():
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    for proc in procs.values():
        try:
            proc.wait(25)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@contextmanager
def running(city: city_.City):
    """The APIs and the web app as the Procfile starts them; all stopped at the end, also on error."""
    ports = {name: infra.free_port() for name in (*SERVICES, "web")}
    env, procs = environment(city, ports), {}
    LOGS.mkdir(parents=True, exist_ok=True)
    try:
        for name, command in procfile().items():
            if name in ports:  # the workers are not needed for reading pages
                with open(LOGS / f"{name}.log", "wb") as log:
                    procs[name] = subprocess.Popen(["sh", "-c", command], cwd=ROOT, env=env, start_new_session=True,
                                                   stdout=log, stderr=subprocess.STDOUT)
        urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
        for name, proc in procs.items():
            _wait_ready(name, urls[name], proc, LOGS / f"{name}.log")
        yield urls
    finally:
        _stop(procs)


# ------------------------------------------------------------------------------ signing in

class BehindTls(requests.Session):
    """Production marks the session cookie Secure: a proxy ending TLS stands in front of the web
    app (docs/operations.md). The benchmark talks to gunicorn directly, as that proxy would, so it
    sends the cookie back over plain HTTP."""

    def request(self, *args, **kwargs) -> requests.Response:
        for cookie in self.cookies:
            cookie.secure = False
        return super().request(*args, **kwargs)


def new_session() -> requests.Session:
    return BehindTls()


def set_password(city: city_.City) -> str:
    """A new password for the three people the benchmark signs in as, hashed once the way
    services/registry/people.py hashes passwords; never printed, never stored in clear."""
    password = secrets.token_urlsafe(18)
    names = [username for username, _unit in city.sign_ins.values()]
    with psycopg2.connect(city.urls["registry"]) as conn, conn.cursor() as cur:
        cur.execute("UPDATE person SET password_hash = %s WHERE username = ANY(%s)", (PasswordHasher().hash(password), names))
        if cur.rowcount != len(names):
            raise RuntimeError(f"the registry lacks some of the benchmark's people: {names}")
    conn.close()
    return password


def sign_in(web: str, username: str, password: str) -> requests.Session:
    """Through the web app's sign-in form, with its CSRF token; the session cookie is kept."""
    session = new_session()
    form = session.get(web + "/sign-in", timeout=30)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    if form.status_code != 200 or token is None:
        raise RuntimeError(f"the sign-in form answered {form.status_code} without a CSRF token")
    r = session.post(web + "/sign-in", data={"username": username, "password": password, "csrf_token": token[1]},
                     allow_redirects=False, timeout=60)
    if r.status_code != 303:
        raise RuntimeError(f"signing in as {username} answered {r.status_code}, not a redirect")
    return session


# ------------------------------------------------------------------------------ measuring

def role_context(city: city_.City) -> dict[str, dict]:
    """For each role: the unit its pages ask about, a message and a post in its sight."""
    paths = {"office": "/1/", "district": "/1/2/", "operator": f"/1/2/{city.scale.first_department}/"}
    out = {}
    for role, (_user, unit) in city.sign_ins.items():
        like = paths[role] + "%"
        message = _scalar(city.urls["inquiry"], "SELECT max(id) FROM message WHERE unit_path LIKE %s", like)
        draft = _scalar(city.urls["publishing"],
                        "SELECT max(id) FROM draft WHERE status = 'released' AND unit_path LIKE %s", like)
        out[role] = {"unit": 1 if role == "office" else unit, "area": 2 if role == "office" else unit,
                     "message": message or 1, "draft": draft or 1}
    out["visitor"] = {"unit": 1, "area": 2, "message": 1, "draft": 1}
    return out


def _scalar(url: str, sql: str, *args):
    with psycopg2.connect(url) as conn, conn.cursor() as cur:
        cur.execute(sql, args)
        value = cur.fetchone()[0]
    conn.close()
    return value


def fetch(session: requests.Session, url: str) -> tuple[int | str, float, int, str]:
    t0 = time.perf_counter()
    try:
        r = session.get(url, allow_redirects=False, timeout=120)
        return r.status_code, time.perf_counter() - t0, len(r.content), r.headers.get("Location", "")
    except requests.RequestException as exc:
        return type(exc).__name__, time.perf_counter() - t0, 0, ""


def cancel_orphans(city: city_.City) -> int:
    """Cancel the queries still running in the city's databases once a response has come back.
    The client is alone and waits for each answer, so any such query is an orphan: the web app
    gave up on the API (its 10 s timeout) and nothing stops the statement (no statement
    timeout). Left running, orphans would slow every page measured after."""
    names = [url.rsplit("/", 1)[1] for url in city.urls.values()]
    return _scalar(city.urls["registry"], "SELECT count(pg_cancel_backend(pid)) FROM pg_stat_activity "
                   "WHERE datname = ANY(%s) AND state = 'active' AND pid <> pg_backend_pid()", names)


def measure(session: requests.Session, web: str, page: Page, role: str, context: dict, n: int,
            warmups: int, city: city_.City) -> Result | None:
    """None when the role may not open the page (403, or a visitor sent to sign in)."""
    path = page.path.format(**context)
    result = Result(page, role, path)
    for i in range(warmups + n):
        status, seconds, size, location = fetch(session, web + path)
        if i == 0 and (status == 403 or (status in (302, 303) and "/sign-in" in location)):
            return None
        if seconds > 5 or not isinstance(status, int) or status >= 500:
            result.orphans += cancel_orphans(city)
        if i >= warmups:
            result.statuses.append(status)
            result.times.append(seconds)
            result.size = max(result.size, size)
    return result


def measure_all(web: str, sessions: dict[str, requests.Session], contexts: dict, pages, n: int,
                warmups: int, city: city_.City) -> tuple[list[Result], list[tuple[str, str]]]:
    """The results, and the (page, role) pairs skipped because the role may not open the page."""
    results, skipped = [], []
    for page in pages:
        for role, session in sessions.items():
            if role == "visitor" and page.kind != "baseline" and not page.path.startswith("/hall"):
                continue
            result = measure(session, web, page, role, contexts[role], n, warmups, city)
            if result is None:
                skipped.append((page.path.format(**contexts[role]), role))
            else:
                results.append(result)
                print(_line(result), flush=True)
    return results, skipped


def _line(r: Result) -> str:
    bad = "" if r.ok else f"  statuses {sorted(set(map(str, r.statuses)))}"
    bad += f"  {r.orphans} orphaned queries cancelled" if r.orphans else ""
    return (f"  {r.path:<58} {r.role:<9} p50 {r.quantile(0.5) * 1000:8.1f} ms  p95 {r.quantile(0.95) * 1000:8.1f} ms"
            f"  {r.size / 1024:8.1f} KB{bad}")


# ------------------------------------------------------------------------------ the check

def office_token(registry: str, username: str, password: str) -> str:
    r = requests.post(registry + "/api/auth/sign-in", json={"username": username, "password": password}, timeout=60)
    r.raise_for_status()
    return r.json()["token"]


def check_totals(city: city_.City, urls: dict[str, str], password: str) -> dict:
    """The year's totals the assessment API reports for the city (what the 考核 page reads),
    against counts straight from the source tables: posts released and messages received in 2026."""
    token = office_token(urls["registry"], city.sign_ins["office"][0], password)
    t0 = time.perf_counter()
    r = requests.get(urls["assessment"] + "/api/assessment/2026", headers={"Authorization": f"Bearer {token}"},
                     timeout=300)
    r.raise_for_status()
    seconds, result = time.perf_counter() - t0, r.json()
    window = (city_.START, city_.END)
    source = {"posts": _scalar(city.urls["publishing"], "SELECT count(*) FROM draft WHERE status = 'released' "
                               "AND released_at >= %s AND released_at < %s", *window),
              "messages": _scalar(city.urls["inquiry"], "SELECT count(*) FROM message "
                                  "WHERE received_at >= %s AND received_at < %s", *window)}
    out = {"api_seconds": seconds, "units": len(result["units"]), "accounts": len(result["accounts"])}
    for what in ("posts", "messages"):
        out[what] = {"source": source[what], "units": sum(u["counts"][what] for u in result["units"]),
                     "accounts": sum(a["counts"][what] for a in result["accounts"])}
        out[what]["equal"] = out[what]["source"] == out[what]["units"] == out[what]["accounts"]
    return out


ASSESS = """
import json, resource, sys, time
from govmb.config import Settings
from govmb.service import ensure_database
from services.assessment import annual
from services.assessment.app import SPEC
from services.assessment.figures import Period
ensure_database(SPEC, Settings.from_env("assessment"))
times = []
with SPEC.db.connection_context():
    for _ in range(int(sys.argv[1])):
        t0 = time.perf_counter()
        result = annual.assess(Period.parse("2026"))
        times.append(time.perf_counter() - t0)
print(json.dumps({"seconds": sorted(times)[len(times) // 2], "runs": len(times), "units": len(result["units"]),
                  "accounts": len(result["accounts"]), "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


JOBS = """
import importlib, json, sys, time
from govmb.config import Settings
from govmb.service import ensure_database
service, names = sys.argv[1], sys.argv[2:]
spec = importlib.import_module(f"services.{service}.app").SPEC
ensure_database(spec, Settings.from_env(service))
periodic = importlib.import_module(f"services.{service}.jobs").PERIODIC
took = {}
with spec.db.connection_context():
    for name, _interval, job in periodic:
        if name in names:
            t0 = time.perf_counter()
            job()
            took[name] = time.perf_counter() - t0
print(json.dumps(took))
"""
# The periodic jobs whose results the pages read. Not the monthly archives (a PDF per unit and
# month: no page reads them) nor the overdue sweep (it would record missed deadlines and send
# their events, changing the data between runs).
READ_JOBS = {"assessment": ("kept figures", "recent figures"), "inquiry": ("hot topics",)}


def run_jobs(city: city_.City) -> dict[str, float]:
    """The workers' periodic jobs that the pages read, once, as the workers run them in production
    (the benchmark starts no worker)."""
    took = {}
    for service, names in READ_JOBS.items():
        env = {**os.environ, f"{service.upper()}_DATABASE_URL": city.urls[service], "GOVMB_MODE": "embedded"}
        out = subprocess.run([sys.executable, "-c", JOBS, service, *names], cwd=ROOT, env=env, check=True,
                             capture_output=True, text=True).stdout
        took.update(json.loads(out.strip().splitlines()[-1]))
    return took


def assess_in_process(city: city_.City, runs: int) -> dict:
    """`annual.assess` timed as bench/assessment_year.py times it, in a process of its own (peak memory)."""
    env = {**os.environ, "ASSESSMENT_DATABASE_URL": city.urls["assessment"], "GOVMB_MODE": "embedded"}
    out = subprocess.run([sys.executable, "-c", ASSESS, str(runs)], cwd=ROOT, env=env, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


# ------------------------------------------------------------------------------ the report

def postgres_version(url: str) -> str:
    return _scalar(url, "SHOW server_version").split()[0]


def table(results: list[Result]) -> str:
    rows = ["| page | what | role | p50 ms | p95 ms | KB | answers | p95 ≤ 300 ms | ≤ 200 KB |",
            "|---|---|---|---:|---:|---:|---|---|---|"]
    for r in results:
        baseline = r.page.kind == "baseline"
        answers = "200" if r.ok else ", ".join(f"{s}×{r.statuses.count(s)}" for s in sorted(set(r.statuses), key=str))
        answers += f"; {r.orphans} orphaned queries" if r.orphans else ""
        fast = "" if baseline else ("yes" if r.ok and r.quantile(0.95) <= P95_TARGET else "**no**")
        small = "" if baseline else ("yes" if r.size <= HTML_TARGET else "**no**")
        rows.append(f"| `{r.path}` | {r.page.what} | {ROLE_NAMES[r.role]} | {r.quantile(0.5) * 1000:,.1f} | "
                    f"{r.quantile(0.95) * 1000:,.1f} | {r.size / 1024:,.1f} | {answers} | {fast} | {small} |")
    return "\n".join(rows)


def _orphans_text(results: list[Result]) -> str:
    orphans = sum(r.orphans for r in results)
    if not orphans:
        return ""
    return (f" {orphans} queries were still running in PostgreSQL after the web app had given up on the API "
            f"(its 10 s timeout; nothing stops the statement): the benchmark cancelled them after each such request, "
            f"or they would have slowed every page measured after.")


def _skipped_text(skipped: list[tuple[str, str]]) -> str:
    by_page: dict[str, list[str]] = {}
    for path, role in skipped:
        if role != "visitor":  # the visitor is tried on the public pages only
            by_page.setdefault(path, []).append(ROLE_NAMES[role])
    return "; ".join(f"`{path}` ({'、'.join(roles)})" for path, roles in by_page.items()) or "none"


def _check_text(check: dict) -> str:
    parts = []
    for what in ("posts", "messages"):
        c = check[what]
        verdict = "equal" if c["equal"] else "**not equal**"
        parts.append(f"{what}: {c['source']:,} in the source table, {c['units']:,} summed over the units and "
                     f"{c['accounts']:,} over the accounts the API assessed: {verdict}")
    return (f"Nothing lost: `GET /api/assessment/2026` as the office ({check['units']:,} units, "
            f"{check['accounts']:,} accounts, answered in {check['api_seconds']:.1f} s) against the source databases: "
            + "; ".join(parts) + ".")


def scale_part(city: city_.City, results: list[Result], check: dict, assess: dict, args) -> str:
    s, measured = city.scale, [r for r in results if r.page.kind != "baseline"]
    met = sum(r.meets for r in measured)
    slow = sorted(measured, key=lambda r: -r.quantile(0.95))[:5]
    sizes = ", ".join(f"{label} {n:,}" for label, n in city.sizes.items())
    failing = [r for r in measured if not r.ok]
    return f"""### {s.name.capitalize()}: {s.units:,} units, {s.accounts:,} accounts, {s.posts:,} posts, {s.messages:,} messages

Run on {dt.datetime.now(BEIJING):%Y-%m-%d %H:%M} Beijing time, {os.cpu_count()} cores ({platform.machine()}),
PostgreSQL {postgres_version(city.urls['registry'])} on 127.0.0.1, Python {platform.python_version()}; the four APIs and
the web app under gunicorn as the Procfile starts them (production mode; `gunicorn.conf.py`: 3 workers × 4 threads
each), no bus worker; the workers' periodic jobs that the pages read ran once before ({", ".join(f"{n} {t:.1f} s" for n, t in args.jobs.items())}),
as they run every few minutes in production. Each page: {args.warmups} warm-ups, then {args.requests} requests in a row from one client
signed in through the sign-in form; p50 and p95 of the whole response, the size of its HTML. The machine's load
average (1 minute) was {args.load[0]:.1f} when the measurements began and {args.load[1]:.1f} when they ended (with
{os.cpu_count()} cores, more than {os.cpu_count()} means other work was competing for them).

Data (up to {city.cutoff + dt.timedelta(hours=8):%Y-%m-%d %H:%M} Beijing time): {sizes}. Generated in
{city.seconds:,.0f} s{' (kept from an earlier run)' if city.reused else ''}.

{table(results)}

Not open to the role, so not measured: {_skipped_text(args.skipped)}.

{met} of {len(measured)} measured page and role pairs meet both targets; {len(failing)} answered something else
than 200.{_orphans_text(results)} Slowest p95: {'; '.join(f"`{r.path}` ({ROLE_NAMES[r.role]}) {r.quantile(0.95):.2f} s" for r in slow)}.

{_check_text(check)}

The annual assessment in a process of its own (`annual.assess`, as bench/assessment_year.py times it, median of
{assess['runs']}): {assess['seconds']:.2f} s for {assess['units']:,} units and {assess['accounts']:,} accounts, peak
memory {assess['max_rss_mb']:,.0f} MB.
"""


INTRO = """## Pages at a city's size

Written by `python -m bench.pages` (`--scale country` for the larger table, not run by default).
The data is a year of a city generated inside PostgreSQL by `bench/city.py`, consistent across the
four services' databases as the events would have made it (see its docstring for what is and is
not generated). Targets: p95 ≤ 300 ms at a city's size, at most 200 KB of HTML. The two first rows of
each table are baselines measured in the same run: a page with no service call.
"""


def write_report(scale: str, part: str) -> None:
    """The section keeps one part per scale; this run replaces its own."""
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else ""
    parts = dict(re.findall(r"<!-- pages:(\w+) -->\n(.*?)\n<!-- /pages:\1 -->", text, re.S))
    parts[scale] = part.strip()
    order = sorted(parts, key=lambda s: (s != "city", s))
    body = INTRO + "\n" + "\n\n".join(f"<!-- pages:{s} -->\n{parts[s]}\n<!-- /pages:{s} -->" for s in order)
    write_section("pages", body)


# ------------------------------------------------------------------------------ main

def scale_from(args) -> city_.Scale:
    scale = city_.SCALES[args.scale]
    overrides = {k: getattr(args, k) for k in ("districts", "departments", "accounts", "posts", "messages")
                 if getattr(args, k) is not None}
    if not overrides:
        return scale
    scaled = replace(scale, name=f"{scale.name}_custom", **overrides)
    return replace(scaled, transfers=max(1, scaled.messages // 100), notices=max(1, scaled.messages // 1000))


def run(args) -> None:
    scale = scale_from(args)
    city = city_.ensure(os.environ.get("DATABASE_URL", infra.LOCAL_POSTGRES), scale, args.fresh)
    password = set_password(city)
    args.jobs = run_jobs(city)
    print("Periodic jobs run once: " + ", ".join(f"{n} {t:.1f} s" for n, t in args.jobs.items()), flush=True)
    pages = PAGES if args.scale == "city" else [p for p in PAGES if p.path in HEAVY or p.path == "/sign-in"]
    with running(city) as urls:
        print(f"Services up: {', '.join(f'{n} {u}' for n, u in urls.items())}; logs in {LOGS}", flush=True)
        sessions = {role: sign_in(urls["web"], username, password) for role, (username, _u) in city.sign_ins.items()}
        sessions["visitor"] = new_session()
        args.load = [os.getloadavg()[0]]
        results, args.skipped = measure_all(urls["web"], sessions, role_context(city), pages, args.requests,
                                            args.warmups, city)
        args.load.append(os.getloadavg()[0])
        check = check_totals(city, urls, password)
    assess = assess_in_process(city, 3 if args.scale == "city" else 1)
    part = scale_part(city, results, check, assess, args)
    print("\n" + part)
    if not args.no_report:
        write_report(scale.name, part)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=sorted(city_.SCALES), default="city")
    parser.add_argument("--requests", type=int, default=20, help="timed requests per page and role")
    parser.add_argument("--warmups", type=int, default=2)
    parser.add_argument("--fresh", action="store_true", help="generate the data again even if it exists")
    parser.add_argument("--no-report", action="store_true", help="print the table, leave docs/benchmarks.md alone")
    for name in ("districts", "departments", "accounts", "posts", "messages"):
        parser.add_argument(f"--{name}", type=int, help=f"override the scale's {name}")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # a SIGTERM stops the servers like Ctrl-C does
    try:
        run(args)
    except KeyboardInterrupt:
        sys.exit("interrupted: the servers were stopped")


if __name__ == "__main__":
    main()
