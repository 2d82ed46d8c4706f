"""Issue 20, listening: a post published directly on a platform and read back from its API is
kept as a released draft marked `imported` (not reviewed in the product), and a publication
keeps the platform's id of the post, unique per platform, so that no post is imported twice."""
from peewee import SQL, BooleanField, CharField


def up(migrator, db):
    columns = {c.name for c in db.get_columns("draft")}
    if "imported" not in columns:  # a default in the database too: rows written by SQL alone stay valid
        migrator.migrate(migrator.add_column("draft", "imported", BooleanField(default=False,
                                                                               constraints=[SQL("DEFAULT FALSE")])))
    if "post_id" not in {c.name for c in db.get_columns("publication")}:
        migrator.migrate(migrator.add_column("publication", "post_id", CharField(max_length=100, null=True)))
    db.execute_sql('CREATE UNIQUE INDEX IF NOT EXISTS "publication_platform_post_id" ON "publication" ("platform", "post_id")')
    db.execute_sql('CREATE INDEX IF NOT EXISTS "publication_platform_url" ON "publication" ("platform", "url")')
