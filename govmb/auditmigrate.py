"""The audit trail's migration to the hash chain (govmb.auditchain), which each service's
`*_audit_chain.py` migration runs."""
from __future__ import annotations

import peewee
import psycopg2.extras

from govmb.audit import CHECKPOINTS, TABLE, final_triggers, make_audit_model, make_checkpoint_model, triggers_off
from govmb.auditchain import FIELDS, GENESIS, installed, row_hash
from govmb.db import is_postgres


def chain_table_v2(db: peewee.Database, page: int = 1000) -> int:
    """Each service's migration to the chain: the two columns, the checkpoints' table (append-only
    too), and the rows already there chained in id order, `page` rows at a time, with the
    trail's refusal of UPDATE lifted for it inside the migration's transaction. Returns the rows
    chained. Needs the key only when there are rows."""
    for column in ("prev_hash", "row_hash"):
        db.execute_sql(f"ALTER TABLE {TABLE} ADD COLUMN {column} VARCHAR(80) NOT NULL DEFAULT ''")
    db.create_tables([make_checkpoint_model(db)])
    final_triggers(db, CHECKPOINTS)
    if not db.execute_sql(f"SELECT 1 FROM {TABLE} LIMIT 1").fetchone():
        return 0
    keys, entry = installed(), make_audit_model(db)
    fields = [entry._meta.fields[name] for name in FIELDS]
    chained, prev, last_id = 0, GENESIS, 0
    with db.atomic(), triggers_off(db, "UPDATE"):
        while rows := list(entry.select(*fields).where(entry.id > last_id).order_by(entry.id).limit(page).dicts()):
            changes = []
            for row in rows:
                this = row_hash(keys, prev, row)
                changes.append((prev, this, row["id"]))
                prev = this
            _update_hashes(db, changes)
            chained, last_id = chained + len(rows), rows[-1]["id"]
    return chained


def _update_hashes(db: peewee.Database, changes: list[tuple[str, str, int]]) -> None:
    sql = f"UPDATE audit_entry SET prev_hash = {db.param}, row_hash = {db.param} WHERE id = {db.param}"
    cursor = db.cursor()
    with peewee.__exception_wrapper__:
        if is_postgres(db):
            psycopg2.extras.execute_batch(cursor, sql, changes, page_size=500)
        else:
            cursor.executemany(sql, changes)
