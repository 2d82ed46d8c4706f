"""Scheduled jobs of the publishing service, each safe to run twice or after a restart.

    python -m services.publishing.jobs monthly [--month 2026-10]   # default: last month (Beijing)
"""
from __future__ import annotations

import argparse

from govmb.config import Settings
from govmb.db import migrate
from govmb.service import ensure_database
from services.publishing import figures
from services.publishing.app import SPEC


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m services.publishing.jobs")
    sub = parser.add_subparsers(dest="job", required=True)
    monthly = sub.add_parser("monthly", help="report each account's monthly figures to assessment")
    monthly.add_argument("--month", default=None, help="YYYY-MM (default: last month, Beijing time)")
    args = parser.parse_args(argv)
    settings = Settings.from_env("publishing")
    ensure_database(SPEC, settings)
    migrate(SPEC.db, SPEC.migrations, "publishing")
    with SPEC.db.connection_context():
        month = args.month or figures.last_month()
        print(f"{month}: {figures.report(month)} accounts reported")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
