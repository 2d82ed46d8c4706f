"""The government portals' feeds (X28) and the entries seen of each."""
import datetime as dt

from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField, Model


def _utcnow():
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def up(migrator, db):
    class PortalFeed(Model):
        account_id = IntegerField(index=True)
        unit_id = IntegerField()
        unit_path = CharField(max_length=255, index=True)
        url = CharField(max_length=500)
        title = CharField(max_length=100)
        info_type = CharField(max_length=20, default="disclosure")
        import_existing = BooleanField(default=False)
        active = BooleanField(default=True)
        created_by = CharField(max_length=50)
        created_at = DateTimeField(default=_utcnow)
        claimed_until = DateTimeField(null=True)
        read_at = DateTimeField(null=True)
        ok_at = DateTimeField(null=True)
        error = CharField(max_length=300, default="")
        failures = IntegerField(default=0)
        etag = CharField(max_length=200, default="")
        last_modified = CharField(max_length=100, default="")
        drafted = IntegerField(default=0)

        class Meta:
            database = db
            table_name = "portal_feed"
            indexes = ((("account_id", "url"), True), (("active", "read_at"), False))

    class PortalEntry(Model):
        feed = ForeignKeyField(PortalFeed, backref="entries", on_delete="CASCADE")
        key = CharField(max_length=64)
        link = CharField(max_length=500, default="")
        title = CharField(max_length=200, default="")
        draft_id = IntegerField(null=True, index=True)
        seen_at = DateTimeField(default=_utcnow)

        class Meta:
            database = db
            table_name = "portal_entry"
            indexes = ((("feed", "key"), True), (("feed", "seen_at"), False))

    db.create_tables([PortalFeed, PortalEntry], safe=True)
    # the public feed: a unit's or an account's released posts, newest first
    db.execute_sql("CREATE INDEX IF NOT EXISTS draft_account_id_released_at ON draft (account_id, released_at)")
