"""Facts reported by inquiry: transfers, their answers and returns."""
from peewee import CharField, IntegerField, Model, TextField


def up(migrator, db):
    class TransferFact(Model):
        transfer_id = IntegerField(primary_key=True)
        message_id = IntegerField()
        from_unit_id = IntegerField()
        to_unit_id = IntegerField(index=True)
        to_unit_path = CharField(max_length=255, index=True)
        status = CharField(max_length=20)
        reason = TextField()
        at = CharField(max_length=40)

        class Meta:
            database = db
            table_name = "transfer_fact"

    db.create_tables([TransferFact])
