"""What each request to a service now pays to know its caller (issue 15): a token verified with
the registry's Ed25519 public key and its session looked up in the revocation store, beside the
old check in the same run as the baseline (HS256 with a shared secret, no lookup). Through the
service's real path: `govmb.auth.current_identity` on a request context of the inquiry app.

    python -m bench.token_check      # writes its section of docs/benchmarks.md (needs Redis on 6379)
"""
from __future__ import annotations

import datetime as dt
import os
import platform
import statistics
import tempfile
import time
from dataclasses import replace

import jwt

from bench.report import write_section
from govmb.auth import current_identity
from govmb.identity import Identity, issue_token
from tests.keys import KEYS
from tests.system import migrated_app, settings_for

N = 5000
WHO = Identity(7, "张三", 5, "/1/5/", frozenset({"operator"}), session="bench-session")


def per_check(app, header: str) -> float:
    """Microseconds per request's check of its caller, median of five rounds of N."""
    rounds = []
    for _ in range(5):
        t0 = time.perf_counter()
        for _ in range(N):
            with app.test_request_context(headers={"Authorization": header}):
                current_identity()
        rounds.append((time.perf_counter() - t0) / N * 1e6)
    return statistics.median(rounds)


def baseline(app) -> float:
    """The same request context, the old check: HS256 with one shared secret, nothing looked up."""
    secret = "s" * 40
    now = dt.datetime.now(dt.timezone.utc)
    token = jwt.encode({"sub": "7", "name": "张三", "unit": 5, "path": "/1/5/", "roles": ["operator"],
                        "iss": "govmb-registry", "iat": now, "exp": now + dt.timedelta(hours=1)}, secret, "HS256")
    rounds = []
    for _ in range(5):
        t0 = time.perf_counter()
        for _ in range(N):
            with app.test_request_context(headers={"Authorization": f"Bearer {token}"}):
                jwt.decode(token, secret, algorithms=["HS256"], issuer="govmb-registry")
        rounds.append((time.perf_counter() - t0) / N * 1e6)
    return statistics.median(rounds)


def main() -> None:
    folder = tempfile.mkdtemp()
    token = f"Bearer {issue_token(WHO, KEYS, 3600)}"
    memory = migrated_app("inquiry", settings_for("inquiry", f"sqlite:///{folder}/m.db"))
    redis = migrated_app("inquiry", replace(settings_for("inquiry", f"sqlite:///{folder}/r.db"),
                                            revocation_store_uri="redis://127.0.0.1:6379/15"))
    old, ed_memory, ed_redis = baseline(memory), per_check(memory, token), per_check(redis, token)
    body = (f"## The token check of each request (issue 15)\n\n"
            f"Run on {dt.date.today()} ({platform.machine()}, {os.cpu_count()} cores, Redis on 127.0.0.1), "
            f"`python -m bench.token_check`; median of 5 rounds of {N:,} checks each, in one process.\n\n"
            f"| what each request pays to know its caller | µs |\n|---|---|\n"
            f"| baseline: the old check (HS256, one shared secret, nothing looked up) | {old:.0f} |\n"
            f"| Ed25519 signature and the session in the embedded mode's memory store | {ed_memory:.0f} |\n"
            f"| Ed25519 signature and the session in Redis (production) | {ed_redis:.0f} |\n\n"
            f"Each includes building a Flask request context. The new check costs {ed_memory - old:.0f} µs a "
            f"request more than the old one in the embedded mode and {ed_redis - old:.0f} µs in production, "
            f"where most of it is the round trip to Redis; a page that calls three services pays it three "
            f"times. Not done: keeping the store's answers in the process for a moment (a revocation "
            f"would then take that moment to reach every process).\n")
    print(body)
    write_section("token check", body)


if __name__ == "__main__":
    main()
