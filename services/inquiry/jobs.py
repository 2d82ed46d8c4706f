"""Periodic jobs of the inquiry service, run by its worker; each safe to run twice."""
import os

from services.inquiry.sweep import sweep

PERIODIC = (("overdue sweep", int(os.environ.get("SWEEP_INTERVAL_SECONDS", "60")), sweep),)
