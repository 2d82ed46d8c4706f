"""Units, and the bus tables."""
import datetime

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, Model

from govmb.bus.store import create_bus_tables_v1


def up(migrator, db):
    class Unit(Model):
        name = CharField(max_length=100)
        kind = CharField(max_length=20)
        parent = ForeignKeyField("self", null=True, backref="children", on_delete="RESTRICT")
        path = CharField(max_length=255, index=True)
        revision = IntegerField(default=1)
        created_at = DateTimeField(default=datetime.datetime.utcnow)
        updated_at = DateTimeField(default=datetime.datetime.utcnow)

        class Meta:
            database = db
            legacy_table_names = False
            indexes = ((("parent", "name"), True),)

    db.create_tables([Unit])
    create_bus_tables_v1(db)
