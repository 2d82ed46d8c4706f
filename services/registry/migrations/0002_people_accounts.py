"""People, accounts, their platforms, team, security record and the log of every step."""
import datetime

from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField, Model, TextField


def up(migrator, db):
    utcnow = datetime.datetime.utcnow

    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Unit(Base):
        name = CharField()

    class Person(Base):
        unit = ForeignKeyField(Unit, on_delete="RESTRICT")
        name = CharField(max_length=50)
        username = CharField(max_length=50, unique=True)
        password_hash = CharField(max_length=255)
        roles = CharField(max_length=200)
        rank = CharField(max_length=20, default="staff")
        title = CharField(max_length=50, default="")
        active = BooleanField(default=True)
        created_at = DateTimeField(default=utcnow)

    class Account(Base):
        unit = ForeignKeyField(Unit, on_delete="RESTRICT")
        name = CharField(max_length=30)
        kind = CharField(max_length=20)
        category = CharField(max_length=20, null=True)
        owner = ForeignKeyField(Person, null=True, on_delete="RESTRICT")
        profile = TextField(default="")
        positioning = TextField(default="")
        rules = TextField(default="")
        mechanism = TextField(default="")
        exception_reason = TextField(default="")
        exception_approved = BooleanField(default=False)
        status = CharField(max_length=30, index=True)
        close_reason = TextField(default="")
        notice_url = CharField(max_length=500, default="")
        revision = IntegerField(default=1)
        created_by = ForeignKeyField(Person, backref="+", on_delete="RESTRICT")
        created_at = DateTimeField(default=utcnow)
        applied_at = DateTimeField(null=True)
        approved_at = DateTimeField(null=True)
        filed_at = DateTimeField(null=True)
        activated_at = DateTimeField(null=True)
        closing_requested_at = DateTimeField(null=True)
        closing_approved_at = DateTimeField(null=True)
        superior_informed_at = DateTimeField(null=True)
        notice_posted_at = DateTimeField(null=True)
        closed_at = DateTimeField(null=True)

    class AccountPlatform(Base):
        account = ForeignKeyField(Account, on_delete="CASCADE")
        platform = CharField(max_length=20)
        handle = CharField(max_length=100, default="")
        url = CharField(max_length=500, default="")
        registered_at = DateTimeField(null=True)
        deregistered_at = DateTimeField(null=True)

        class Meta:
            indexes = ((("account", "platform"), True),)

    class TeamMember(Base):
        account = ForeignKeyField(Account, on_delete="CASCADE")
        person = ForeignKeyField(Person, on_delete="RESTRICT")
        role = CharField(max_length=30)

        class Meta:
            indexes = ((("account", "person"), True),)

    class SecurityRecord(Base):
        account = ForeignKeyField(Account, unique=True, on_delete="CASCADE")
        credential_holder = ForeignKeyField(Person, backref="+", on_delete="RESTRICT")
        devices = TextField(default="[]")
        password_changed_at = DateTimeField(null=True)
        updated_at = DateTimeField(default=utcnow)

    class AccountStep(Base):
        account = ForeignKeyField(Account, on_delete="CASCADE")
        action = CharField(max_length=30)
        from_status = CharField(max_length=30, null=True)
        to_status = CharField(max_length=30)
        actor = ForeignKeyField(Person, backref="+", on_delete="RESTRICT")
        actor_name = CharField(max_length=50)
        actor_unit = CharField(max_length=100)
        comment = TextField(default="")
        detail = TextField(default="")
        at = DateTimeField(default=utcnow)

    db.create_tables([Person, Account, AccountPlatform, TeamMember, SecurityRecord, AccountStep])
