"""The audit trail's hash chain (docs/audit.md, "The chain"): each row's `prev_hash` and
`row_hash`, keyed with AUDIT_CHAIN_KEY_FILE; the rows already there chained in id order, a page
at a time; the checkpoints a purge of the oldest rows leaves."""
from govmb.auditmigrate import chain_table_v2


def up(migrator, db):
    chain_table_v2(db)
