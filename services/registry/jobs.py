"""Scheduled jobs of the registry, each safe to run twice or after a restart; the worker runs
PERIODIC."""
from __future__ import annotations

from functools import lru_cache

from govmb.config import Settings
from services.registry import account_security, delivery, notifications, sessions


@lru_cache(maxsize=1)
def _settings() -> Settings:
    return Settings.from_env("registry")


def end_timed_out() -> int:
    """Sessions idle or too old that no renewal came to end: ended now, each in the trail."""
    return sessions.end_timed_out(_settings())


def purge_notifications() -> int:
    return notifications.purge(delivery.settings().retention_days)


# (name, the variable of the seconds between runs, job): run by the registry's worker
PERIODIC = (("session timeouts", "SESSION_SWEEP_INTERVAL_SECONDS", end_timed_out),
            # the notifications' e-mails and IM robots, each sent once (delivery.py)
            ("notification deliveries", "DELIVERY_INTERVAL_SECONDS", delivery.deliver_due),
            # read notifications older than NOTIFICATION_RETENTION_DAYS, and any older than a year
            ("notification retention", "NOTIFICATION_PURGE_INTERVAL_SECONDS", purge_notifications),
            # X24: accounts' platform passwords older than REMIND_ACCOUNT_PASSWORD_DAYS (account_security.py)
            ("account password reminders", "REMINDERS_INTERVAL_SECONDS", account_security.remind))
