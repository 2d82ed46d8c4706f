"""Issue 20, listening: the account's post a comment read from a platform's API answers, in a
table of its own (no column added to `message`). Such comments are deduplicated by the unique
index (platform, platform_message_id) `message` has had since 0003."""
from peewee import CharField, ForeignKeyField, IntegerField, Model


def up(migrator, db):
    class Message(Model):
        id = IntegerField(primary_key=True)

        class Meta:
            database = db
            table_name = "message"

    class MessagePost(Model):
        message = ForeignKeyField(Message, primary_key=True, on_delete="CASCADE")
        platform_post_id = CharField(max_length=100)
        draft_id = IntegerField(null=True, index=True)

        class Meta:
            database = db
            table_name = "message_post"

    db.create_tables([MessagePost], safe=True)
