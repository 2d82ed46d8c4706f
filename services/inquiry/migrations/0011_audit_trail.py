"""The audit trail (docs/audit.md): a table the database lets nobody change or delete from."""
from govmb.audit import create_audit_table_v1


def up(migrator, db):
    create_audit_table_v1(db)
