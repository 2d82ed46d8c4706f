"""Kept early warnings (services/assessment/early_warning.py): the warnings of the whole city,
found by a periodic job in the order of urgency, so that a dashboard counts and pages them
instead of judging every account in sight per visit (150,000 at a country's size)."""
from peewee import AutoField, CharField, CompositeKey, DateTimeField, IntegerField, Model

from govmb.textsearch import prefix_index


def up(migrator, db):
    class WarningRun(Model):
        id = AutoField()
        asof = DateTimeField()

        class Meta:
            database = db
            table_name = "warning_run"

    class KeptWarning(Model):
        run = IntegerField()
        rank = IntegerField()
        account_id = IntegerField()
        account_name = CharField(max_length=30)
        unit_id = IntegerField()
        unit_path = CharField(max_length=255)
        level = CharField(max_length=10)
        kind = CharField(max_length=20)
        text = CharField(max_length=200)
        days_left = IntegerField(null=True)

        class Meta:
            database = db
            table_name = "kept_warning"
            primary_key = CompositeKey("run", "rank")

    db.create_tables([WarningRun, KeptWarning])
    prefix_index(db, "kept_warning", "unit_path")
