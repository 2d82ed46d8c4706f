"""Platform posts (services/publishing/autopublish.py): what the platforms' adapters are to
send, one row per draft and platform, claimed before the platform is called."""
from peewee import CharField, DateTimeField, IntegerField, Model

from govmb.timefmt import utcnow


def up(migrator, db):
    class PlatformPost(Model):
        draft_id = IntegerField()
        platform = CharField(max_length=20)
        status = CharField(max_length=10, default="pending")
        url = CharField(max_length=500, default="")
        error = CharField(max_length=200, default="")
        queued_at = DateTimeField(default=utcnow)
        attempted_at = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = "platform_post"
            indexes = ((("draft_id", "platform"), True), (("status", "id"), False))

    db.create_tables([PlatformPost])
