"""Facts reported by inquiry: problem notices issued and replied."""
from peewee import CharField, IntegerField, Model


def up(migrator, db):
    class NoticeFact(Model):
        notice_id = IntegerField(primary_key=True)
        unit_id = IntegerField(index=True)
        unit_path = CharField(max_length=255, index=True)
        importance = CharField(max_length=10)
        kind = CharField(max_length=30)
        status = CharField(max_length=10)
        issued_at = CharField(max_length=40)
        replied_at = CharField(max_length=40, null=True)

        class Meta:
            database = db
            table_name = "notice_fact"

    db.create_tables([NoticeFact])
