"""Issue 20, listening: each account's figures per platform and day read from the platforms'
APIs (reads, reposts, comments, likes of its posts; followers), for the duty log."""
from peewee import CharField, DateField, DateTimeField, IntegerField, Model


def up(migrator, db):
    class PlatformFigure(Model):
        account_id = IntegerField()
        platform = CharField(max_length=20)
        day = DateField()
        followers = IntegerField(null=True)
        posts = IntegerField(default=0)
        reads = IntegerField(null=True)
        reposts = IntegerField(default=0)
        comments = IntegerField(default=0)
        likes = IntegerField(default=0)
        read_at = DateTimeField()

        class Meta:
            database = db
            table_name = "platform_figure"
            indexes = ((("account_id", "day", "platform"), True),)

    db.create_tables([PlatformFigure], safe=True)
