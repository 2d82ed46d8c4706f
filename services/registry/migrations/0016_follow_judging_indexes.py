"""X22: judging a follow (services/registry/follows.py::judge) looks an account's platform up by
its platform and lower-cased handle, or by its address: without these indexes each judgement (one
per row of an import of up to 20,000 rows) read the whole account_platform table. Built
CONCURRENTLY on PostgreSQL: the table stays writable while the indexes build."""
from govmb.db import is_postgres

atomic = False  # CONCURRENTLY runs outside a transaction


def up(migrator, db):
    concurrently = "CONCURRENTLY " if is_postgres(db) else ""
    db.execute_sql(f"CREATE INDEX {concurrently}IF NOT EXISTS account_platform_platform_lower_handle "
                   "ON account_platform (platform, lower(handle))")
    db.execute_sql(f"CREATE INDEX {concurrently}IF NOT EXISTS account_platform_platform_url ON account_platform (platform, url)")
