"""Citizens' handles and contacts sealed at rest (govmb.personal): the columns become text (a
sealed value is longer than the 100 characters they held), the contact gets its keyed lookup
hash with an index per handling unit, and the rows already there are sealed a page at a time
with the key the service's settings installed (PERSONAL_DATA_KEY_FILE, or the embedded mode's
own), inside the migration's transaction."""
from govmb.db import is_postgres
from govmb.personal import installed
from services.inquiry.sealing import reseal


def up(migrator, db):
    if is_postgres(db):
        db.execute_sql('ALTER TABLE "message" ALTER COLUMN "citizen_handle" TYPE text, '
                       'ALTER COLUMN "citizen_contact" TYPE text')
    db.execute_sql('ALTER TABLE "message" ADD COLUMN "citizen_contact_hash" VARCHAR(40) NOT NULL DEFAULT \'\'')
    db.execute_sql('CREATE INDEX IF NOT EXISTS "message_unit_id_citizen_contact_hash" '
                   'ON "message" ("unit_id", "citizen_contact_hash")')
    if db.execute_sql('SELECT 1 FROM "message" LIMIT 1').fetchone():  # an empty table needs no key yet
        reseal(db, installed(), commit_each=False)
