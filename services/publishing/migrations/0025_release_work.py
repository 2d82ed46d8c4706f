"""Issue 20: posts released through the platforms' adapters wait, retry with backoff and are
looked up before a second attempt (`platform_post`'s new columns; `pending` is now `waiting`);
a platform's own text of a draft (`draft.variants`); the stop switch (暂停发布, `release_freeze`)."""
import datetime as dt

from peewee import SQL, CharField, DateTimeField, IntegerField, Model, TextField


def _utcnow():
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def up(migrator, db):
    class ReleaseFreeze(Model):
        unit_id = IntegerField(null=True)
        unit_path = CharField(max_length=255)
        reason = CharField(max_length=200)
        frozen_by = CharField(max_length=50)
        frozen_at = DateTimeField(default=_utcnow)
        lifted_by = CharField(max_length=50, default="")
        lifted_at = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = "release_freeze"
            indexes = ((("lifted_at", "unit_path"), False), (("frozen_at", "id"), False))

    db.create_tables([ReleaseFreeze], safe=True)
    migrator.migrate(
        migrator.add_column("platform_post", "account_id", IntegerField(null=True)),
        migrator.add_column("platform_post", "unit_path", CharField(max_length=255, default="",
                                                                    constraints=[SQL("DEFAULT ''")])),
        migrator.add_column("platform_post", "post_id", CharField(max_length=100, default="",
                                                                  constraints=[SQL("DEFAULT ''")])),
        migrator.add_column("platform_post", "not_before", DateTimeField(null=True)),
        migrator.add_column("platform_post", "next_attempt_at", DateTimeField(null=True)),
        migrator.add_column("platform_post", "attempts", IntegerField(default=0, constraints=[SQL("DEFAULT 0")])),
        migrator.add_column("platform_post", "uncertain_since", DateTimeField(null=True)),
        migrator.add_column("draft", "variants", TextField(default="{}", constraints=[SQL("DEFAULT '{}'")])),
        migrator.drop_index("platform_post", "platformpost_status_id"),
        migrator.add_index("platform_post", ("status", "next_attempt_at"), False),
        migrator.add_index("platform_post", ("platform", "post_id"), False),  # listening: was this post ours?
        migrator.add_index("platform_post", ("account_id", "platform", "status"), False),  # listening: one sending?
    )
    db.execute_sql("UPDATE platform_post SET account_id = (SELECT d.account_id FROM draft d WHERE d.id = platform_post.draft_id),"
                   " unit_path = (SELECT d.unit_path FROM draft d WHERE d.id = platform_post.draft_id)")
    db.execute_sql("UPDATE platform_post SET status = 'waiting', next_attempt_at = queued_at WHERE status = 'pending'")
