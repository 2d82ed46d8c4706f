"""Issue 18: change filings of active accounts (变更备案), an account's managing unit (X6, 管理部门),
and the index the 90-day platform-password reminder reads (X24)."""
import datetime as dt

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, Model, TextField


def up(migrator, db):
    class Unit(Model):
        class Meta:
            database = db
            table_name = "unit"

    class Person(Model):
        class Meta:
            database = db
            table_name = "person"

    class Account(Model):
        class Meta:
            database = db
            table_name = "account"

    class AccountChange(Model):
        account = ForeignKeyField(Account, on_delete="CASCADE")
        status = CharField(max_length=20)
        proposed = TextField()
        before = TextField()
        reason = TextField()
        version = IntegerField(null=True)
        applied_by = ForeignKeyField(Person, on_delete="RESTRICT")
        applied_at = DateTimeField(default=dt.datetime.utcnow)
        approved_at = DateTimeField(null=True)
        approved_by = CharField(max_length=50, default="")
        filed_at = DateTimeField(null=True)
        filed_by = CharField(max_length=100, default="")
        returned_at = DateTimeField(null=True)
        returned_by = CharField(max_length=100, default="")
        return_reason = TextField(default="")
        withdrawn_at = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = "account_change"
            indexes = ((("account", "status"), False), (("status", "account"), False))

    db.create_tables([AccountChange])
    managing = ForeignKeyField(Unit, null=True, on_delete="RESTRICT", field=Unit.id)
    migrator.migrate(migrator.add_column("account", "managing_unit_id", managing),
                     migrator.add_column("security_record", "password_reminded_at", DateTimeField(null=True)))
    db.execute_sql("CREATE INDEX IF NOT EXISTS account_managing_unit_id ON account (managing_unit_id)")
    db.execute_sql("CREATE INDEX IF NOT EXISTS security_record_password_changed_at "
                   "ON security_record (password_changed_at)")
