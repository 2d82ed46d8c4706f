"""Periodic jobs of the assessment service, run by its worker; each safe to run twice."""

from services.assessment import early_warning, kept, recent, reminders
from services.assessment.archive import build_due

# Last month's archives are filed in the first run of each month; later runs find them filed.
# Settled months are counted once into the kept figures, and again after a late event changes one;
# the live months are counted as of each run for the dashboards.
PERIODIC = (("monthly archives", "ARCHIVE_INTERVAL_SECONDS", build_due),
            ("kept figures", "KEPT_FIGURES_INTERVAL_SECONDS", kept.snapshot),
            # The live months, for the dashboards (recent.py): they show the time counted as of.
            ("recent figures", "RECENT_FIGURES_INTERVAL_SECONDS", recent.refresh),
            # The early warnings of the whole city, kept in order of urgency for the dashboards.
            ("early warnings", "WARNINGS_INTERVAL_SECONDS", early_warning.refresh),
            # reminders before a deadline passes, each once (reminders.py; the registry delivers them)
            ("reminders", "REMINDERS_INTERVAL_SECONDS", reminders.send_due))
