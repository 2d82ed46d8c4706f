"""The account copy's activation and closing times as timestamps (naive UTC), not text."""
from govmb.account_copy import account_copy_times_v2


def up(migrator, db):
    account_copy_times_v2(db)
