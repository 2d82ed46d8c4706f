"""Client systems: other systems that post citizens' messages through the API."""
import datetime

from peewee import CharField, DateTimeField, ForeignKeyField, Model


def up(migrator, db):
    utcnow = datetime.datetime.utcnow

    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Unit(Base):
        name = CharField()

    class ClientSystem(Base):
        """Another system that posts citizens' messages through the API (a 12345 hotline, a
        platform's webhook), registered by the administrator for a unit and the units below it.
        Its secret is shown once and kept only as an Argon2 hash; revoked, it gets no new token."""
        client_id = CharField(max_length=40, unique=True)
        name = CharField(max_length=50)
        unit = ForeignKeyField(Unit, on_delete="RESTRICT")
        secret_hash = CharField(max_length=255)
        created_by = CharField(max_length=50)
        created_at = DateTimeField(default=utcnow)
        revoked_by = CharField(max_length=50, default="")
        revoked_at = DateTimeField(null=True)
        last_token_at = DateTimeField(null=True)

    db.create_tables([ClientSystem])
