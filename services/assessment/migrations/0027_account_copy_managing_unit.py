"""The account copy learns the managing unit (管理部门, X6), whose staff run the account beside its
certified unit's. Its revisions go back to 0 so that `python -m ops.cli replay registry` refills
every row (docs/operations.md)."""
from govmb.account_copy import account_copy_managing_v3


def up(migrator, db):
    account_copy_managing_v3(migrator, db)
