"""Periodic jobs of the assessment service, run by its worker; each safe to run twice."""
import os

from services.assessment.archive import build_due

# Last month's archives are filed in the first run of each month; later runs find them filed.
PERIODIC = (("monthly archives", int(os.environ.get("ARCHIVE_INTERVAL_SECONDS", "3600")), build_due),)
