"""Unified messaging (directives and their target accounts); a draft's planned time."""
import datetime

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, Model


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Draft(Base):
        pass

    class Directive(Base):
        title = CharField(max_length=100)
        lead_draft = ForeignKeyField(Draft, on_delete="RESTRICT")
        due_at = DateTimeField()
        issued_by = CharField(max_length=50)
        issued_at = DateTimeField(default=datetime.datetime.utcnow)

    class DirectiveTarget(Base):
        directive = ForeignKeyField(Directive, on_delete="CASCADE")
        account_id = IntegerField(index=True)
        unit_id = IntegerField()
        unit_path = CharField(max_length=255, index=True)
        forwarded_at = DateTimeField(null=True)
        url = CharField(max_length=500, default="")
        recorded_by = CharField(max_length=50, default="")

        class Meta:
            indexes = ((("directive", "account_id"), True),)

    db.create_tables([Directive, DirectiveTarget])
    migrator.migrate(migrator.add_column("draft", "planned_at", DateTimeField(null=True, index=True)))
