"""Citizens' handles and contacts sealed at rest (govmb.personal): the columns become text (a
sealed value is longer than the 100 characters they held), the contact gets its keyed lookup
hash with an index per handling unit, and the rows written before are found by two partial
indexes of the values not yet sealed, which the inquiry worker's sealing job walks and seals a
page at a time while the service runs (`services/inquiry/sealing.py::seal_plain`).

Nothing here rewrites or locks the table for long, whatever its size: varchar to text and a
column with a constant default change only the catalogue on PostgreSQL, and the indexes are built
CONCURRENTLY (outside a transaction: `atomic = False`). A value not yet sealed reads as it is."""
from govmb.db import is_postgres

atomic = False
PLAIN = {"handle": "citizen_handle", "contact": "citizen_contact"}


def up(migrator, db):
    pg = is_postgres(db)
    if pg:
        db.execute_sql('ALTER TABLE "message" ALTER COLUMN "citizen_handle" TYPE text, '
                       'ALTER COLUMN "citizen_contact" TYPE text')
    columns = [c.name for c in db.get_columns("message")]
    if "citizen_contact_hash" not in columns:
        db.execute_sql('ALTER TABLE "message" ADD COLUMN "citizen_contact_hash" VARCHAR(40) NOT NULL DEFAULT \'\'')
    concurrently = "CONCURRENTLY " if pg else ""
    db.execute_sql(f'CREATE INDEX {concurrently}IF NOT EXISTS "message_unit_id_citizen_contact_hash" '
                   'ON "message" ("unit_id", "citizen_contact_hash")')
    sealed = "'pd1.%%'" if pg else "'pd1.%'"  # psycopg2 reads a lone % as a parameter's mark
    for name, column in PLAIN.items():
        db.execute_sql(f'CREATE INDEX {concurrently}IF NOT EXISTS "message_plain_{name}" ON "message" ("id") '
                       f'WHERE "{column}" NOT LIKE {sealed} AND "{column}" <> \'\'')
