"""Periodic jobs of the inquiry service, run by its worker; each safe to run twice."""
import os

from services.inquiry import topics
from services.inquiry.sweep import sweep

PERIODIC = (("overdue sweep", int(os.environ.get("SWEEP_INTERVAL_SECONDS", "60")), sweep),
            # the hot topics of the city and the top units, for the inbox and the duty log (topics.py)
            ("hot topics", int(os.environ.get("HOT_TOPICS_INTERVAL_SECONDS", "300")), topics.keep))
