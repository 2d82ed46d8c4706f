"""Scheduled jobs of the publishing service, each safe to run twice or after a restart.
The worker runs PERIODIC; an operator can run one by hand:

    python -m services.publishing.jobs monthly [--month 2026-10]   # default: last month (Beijing)
"""
from __future__ import annotations

import argparse
import datetime as dt

from govmb.config import Settings
from govmb.dbroles import migrate_service
from govmb.timefmt import last_month
from services.publishing import autopublish, figures, listening, portal, reminders
from services.publishing.app import SPEC


def report_recent() -> int:
    """This month's figures as they stand (for early warnings) and last month's, final."""
    this_month = dt.datetime.now(figures.BEIJING).strftime("%Y-%m")
    return figures.report(last_month()) + figures.report(this_month)


# (name, seconds between runs, job): run by the publishing worker
PERIODIC = (("monthly figures", "FIGURES_INTERVAL_SECONDS", report_recent),
            # what the platforms' adapters send, each post once, when due and no freeze holds it (autopublish.py)
            ("platform posts", "PLATFORM_POSTS_INTERVAL_SECONDS", autopublish.send_due),
            # reminders before a deadline passes, each once (reminders.py; the registry delivers them)
            ("reminders", "REMINDERS_INTERVAL_SECONDS", reminders.send_due),
            # the government portals' feeds: each new entry a draft (portal.py)
            ("portal feeds", "PORTAL_FEEDS_INTERVAL_SECONDS", portal.read_all),
            # the connected accounts' comments, mentions, private messages, own posts and figures (listening.py)
            ("listening", "LISTEN_INTERVAL_SECONDS", listening.poll_all))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m services.publishing.jobs")
    sub = parser.add_subparsers(dest="job", required=True)
    monthly = sub.add_parser("monthly", help="report each account's monthly figures to assessment")
    monthly.add_argument("--month", default=None, help="YYYY-MM (default: last month, Beijing time)")
    args = parser.parse_args(argv)
    settings = Settings.from_env("publishing")
    migrate_service(SPEC, settings)
    with SPEC.db.connection_context():
        month = args.month or last_month()
        print(f"{month}: {figures.report(month)} accounts reported")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
