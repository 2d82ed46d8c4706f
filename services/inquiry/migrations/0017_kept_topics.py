"""Hot topics kept (services/inquiry/topics.py): the city's and the top units' hot topics counted
by a periodic job instead of on every visit."""
from peewee import CharField, DateTimeField, Model, TextField


def up(migrator, db):
    class KeptTopics(Model):
        scope = CharField(max_length=255, primary_key=True)
        counted_at = DateTimeField()
        topics = TextField()

        class Meta:
            database = db
            table_name = "kept_topics"

    db.create_tables([KeptTopics])
