"""A message inquiry reports invalid (G19.2, issue 19), by the revision that said so: its fact
is taken out of the veto and the rates, and a late older event cannot bring it back."""
from peewee import IntegerField, Model


def up(migrator, db):
    class InvalidMessageFact(Model):
        id = IntegerField(primary_key=True)
        revision = IntegerField()

        class Meta:
            database = db
            table_name = "invalid_message_fact"

    db.create_tables([InvalidMessageFact], safe=True)
