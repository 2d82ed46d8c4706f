"""Intake of citizens' messages through the API: messages per second with gunicorn on
PostgreSQL on this machine, beside a bare Flask endpoint taking the same requests under the
same gunicorn settings, in one run (target: at least 1,000 a second).

    python -m bench.inquiry_intake [--messages 6000]     # writes its section of docs/benchmarks.md

Each message is stored with its deadlines, its suggested category and sentiment (the
classifier runs, as for any message that arrives without them), its step and its outbox
event, in one transaction. The load comes from client processes on the same two cores.
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import signal
import subprocess
import sys
import time

import requests

from bench.report import write_section
from govmb.auth import Identity, issue_token
from govmb.config import DEV_SECRET
from tests import infra

TOKEN = issue_token(Identity(13, "基准测试", 4, "/1/3/4/", frozenset({"operator"})), DEV_SECRET, 3600)
TEXTS = ["小区门口路灯坏了，请尽快维修", "建议增加公交线路", "感谢社区工作人员", "举报工地夜间施工", "请问社保卡在哪里办理"]


def serve(app: str, port: int, env: dict) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", app],
                            env={**os.environ, **env, "BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "2",
                                 "THREADS": "4"}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return proc
        except requests.RequestException:
            time.sleep(0.2)
    raise RuntimeError(f"{app} did not start")


def _client(args) -> int:
    url, n, offset = args
    s = requests.Session()
    ok = 0
    for i in range(n):
        r = s.post(url, json={"account_id": 1, "kind": "comment", "citizen_handle": f"@居民{offset + i}",
                              "text": TEXTS[(offset + i) % len(TEXTS)]},
                   headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30)
        ok += r.status_code == 201
    return ok


def drive(url: str, total: int, clients: int = 4) -> tuple[float, int]:
    per = total // clients
    with multiprocessing.Pool(clients) as pool:
        pool.map(_client, [(url, 20, 10_000_000 + k * 100) for k in range(clients)])  # warm-up: jieba, pools
        start = time.perf_counter()
        ok = sum(pool.map(_client, [(url, per, k * per) for k in range(clients)]))
        elapsed = time.perf_counter() - start
    return ok / elapsed, ok


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=6000)
    args = parser.parse_args()
    server = os.environ.get("DATABASE_URL", infra.LOCAL_POSTGRES)
    with infra.fresh_database(server, prefix="govmb_bench_inquiry") as db_url:
        env = {"INQUIRY_DATABASE_URL": db_url}
        subprocess.run([sys.executable, "-m", "govmb.cli", "migrate", "inquiry"], env={**os.environ, **env}, check=True,
                       stdout=subprocess.DEVNULL)
        subprocess.run([sys.executable, "-c", SEED], env={**os.environ, **env}, check=True)
        bare = serve("bench.bare_app:create_app()", 8961, env)
        try:
            bare_rate, _ = drive("http://127.0.0.1:8961/api/messages", args.messages)
        finally:
            bare.send_signal(signal.SIGTERM)
            bare.wait(20)
        inquiry = serve("services.inquiry.app:create_app()", 8962, env)
        try:
            rate, ok = drive("http://127.0.0.1:8962/api/messages", args.messages)
        finally:
            inquiry.send_signal(signal.SIGTERM)
            inquiry.wait(20)
    verdict = "met" if rate >= 1000 else "**not met**"
    body = f"""## Intake of citizens' messages (issue 5)

`python -m bench.inquiry_intake`, {os.cpu_count()} cores, Python {platform.python_version()}, PostgreSQL on
127.0.0.1; gunicorn with 2 workers × 4 threads for both; 4 client processes on the same
machine posting {args.messages:,} messages over keep-alive connections.

| endpoint | messages/s | target |
|---|---|---|
| bare Flask endpoint taking the same JSON (baseline) | {bare_rate:,.0f} | |
| `POST /api/messages` (deadlines, suggested category and sentiment, step, outbox event; one transaction) | {rate:,.0f} ({ok:,} stored) | ≥ 1,000: {verdict} |

Where it stands (issue 5 stays open on this): the baseline itself is bound by the Python
clients sharing the two cores, so the load needs a lighter generator (wrk from Debian's
packages) before the comparison means much. In-process, one intake took 29 ms: half in the
classifier, which counted the confirmed messages on every call (now at most every 30 s),
the rest in seven statements and a commit (account, duplicate check, the office's calendar
days, the message, its step, its outbox row). Next: one round trip for the step and the
outbox row, the calendar days cached per process with a version, a warmed-up classifier,
and then a measurement with wrk.
"""
    write_section("inquiry", body)
    print(body)


SEED = """
from govmb.account_copy import apply_account_snapshot
from govmb.config import Settings
from govmb.service import ensure_database
from services.inquiry.app import SPEC
from services.inquiry.models import Account
ensure_database(SPEC, Settings.from_env("inquiry"))
with SPEC.db.connection_context(), SPEC.db.atomic():
    apply_account_snapshot(Account)({"id": 1, "unit_id": 4, "unit_path": "/1/3/4/", "name": "东湖发布", "kind": "institutional",
        "category": "livelihood", "status": "active", "platforms": [], "team": [], "activated_at": None,
        "closed_at": None, "revision": 1}, None)
"""

if __name__ == "__main__":
    main()
