"""Periodic jobs of the inquiry service, run by its worker; each safe to run twice. An operator
can run one by hand:

    python -m services.inquiry.jobs sweep   # the overdue sweep, once
"""
from __future__ import annotations

import argparse

from govmb import personal
from govmb.config import Settings
from govmb.dbroles import migrate_service
from services.inquiry import reminders, sealing, topics
from services.inquiry.models import db
from services.inquiry.sweep import sweep


def seal_plain() -> int:
    """The citizens' handles and contacts written before sealing began, sealed a page at a time."""
    return sealing.seal_plain(db, personal.installed())


PERIODIC = (("overdue sweep", "SWEEP_INTERVAL_SECONDS", sweep),
            # the hot topics of the city and the top units, for the inbox and the duty log (topics.py)
            ("hot topics", "HOT_TOPICS_INTERVAL_SECONDS", topics.keep),
            # the personal data of rows from before sealing (migration 0019), sealed while the service runs
            ("personal data sealing", "SEALING_INTERVAL_SECONDS", seal_plain),
            # reminders before a deadline passes, each once (reminders.py; the registry delivers them)
            ("reminders", "REMINDERS_INTERVAL_SECONDS", reminders.send_due))


def main(argv: list[str] | None = None) -> int:
    from services.inquiry.app import SPEC
    parser = argparse.ArgumentParser(prog="python -m services.inquiry.jobs")
    sub = parser.add_subparsers(dest="job", required=True)
    sub.add_parser("sweep", help="report each missed deadline once (the overdue sweep)")
    parser.parse_args(argv)
    migrate_service(SPEC, Settings.from_env("inquiry"))
    with SPEC.db.connection_context():
        print(f"{sweep()} missed deadlines reported")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
