"""Issue 18: the register of security incidents (X24, G19.3), and inspections that count
(N19, 国办秘函〔2019〕19号): each finding's indicator and deduction, the inspector and their unit
(an overdue fix warns them), the accounts each inspection checked (the quarterly coverage)."""
from peewee import CharField, DateField, DateTimeField, FloatField, ForeignKeyField, IntegerField, Model, TextField

from govmb.db import is_postgres
from govmb.textsearch import prefix_index


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("inspection", "indicator", CharField(max_length=30, default="")),
        migrator.add_column("inspection", "deduction", FloatField(default=0)),
        migrator.add_column("inspection", "inspector_id", IntegerField(null=True)),
        migrator.add_column("inspection", "inspector_unit_id", IntegerField(null=True)),
    )
    if is_postgres(db):  # the defaults kept by the database too: a process of the release before, still
        # running while this one rolls out, inserts inspections without the new columns
        db.execute_sql("ALTER TABLE inspection ALTER COLUMN indicator SET DEFAULT '', "
                       "ALTER COLUMN deduction SET DEFAULT 0")

    class Inspection(Model):
        class Meta:
            database = db
            table_name = "inspection"

    class InspectionAccount(Model):
        inspection = ForeignKeyField(Inspection, on_delete="CASCADE")
        account_id = IntegerField()
        unit_id = IntegerField()
        inspected_on = DateField()

        class Meta:
            database = db
            table_name = "inspection_account"
            indexes = ((("inspection", "account_id"), True), (("account_id", "inspected_on"), False),
                       (("inspected_on",), False))

    class SecurityIncident(Model):
        account_id = IntegerField(index=True)
        account_name = CharField(max_length=100)
        unit_id = IntegerField(index=True)
        unit_path = CharField(max_length=255, index=True)
        kind = CharField(max_length=20)
        description = TextField()
        found_at = DateTimeField(index=True)
        handled_at = DateTimeField(null=True)
        reported_at = DateTimeField(null=True)
        reported_to = CharField(max_length=20, default="")
        measures = TextField(default="")
        recorded_by = CharField(max_length=50)
        recorder_unit_id = IntegerField()
        recorded_at = DateTimeField()
        updated_by = CharField(max_length=50, default="")
        updated_at = DateTimeField()

        class Meta:
            database = db
            table_name = "security_incident"

    db.create_tables([InspectionAccount, SecurityIncident])
    prefix_index(db, "security_incident", "unit_path")
    # the overdue fixes city-wide (the office's to-do, the reminders): by status and deadline
    db.execute_sql("CREATE INDEX IF NOT EXISTS inspection_status_fix_by ON inspection (status, fix_by)")
    db.execute_sql("CREATE INDEX IF NOT EXISTS inspection_unit_id_inspected_on ON inspection (unit_id, inspected_on)")
