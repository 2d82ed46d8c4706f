"""The copy of the registry's accounts."""
from govmb.account_copy import create_account_copy_v1


def up(migrator, db):
    create_account_copy_v1(db)
