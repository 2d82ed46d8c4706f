"""The facts' times as timestamps (naive UTC, as every stored time), not ISO 8601 text: the
counts compare them as times, and a value of another form can no longer sort wrongly. Each table
is rewritten once on PostgreSQL (the country's year: some minutes); the account copy with them."""
from govmb.account_copy import account_copy_times_v2
from govmb.db import text_to_timestamps

TIMES = {
    "post_fact": ("released_at", "emergency_event_at"),
    "message_fact": ("received_at", "replied_at", "fed_back_at", "resolved_at", "reply_due_at", "feedback_due_at",
                     "verification_due_at"),
    "directive_fact": ("due_at",),
    "forward_fact": ("forwarded_at",),
    "missed_deadline_fact": ("due_at",),
    "transfer_fact": ("at",),
    "notice_fact": ("issued_at", "replied_at"),
}


def up(migrator, db):
    for table, columns in TIMES.items():
        text_to_timestamps(db, table, columns)
    account_copy_times_v2(db)
