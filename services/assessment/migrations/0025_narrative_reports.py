"""Units' quarterly narrative reports (简报、专报, N17, N18) and their attached files."""
import datetime as dt

from peewee import BlobField, CharField, DateTimeField, ForeignKeyField, IntegerField, Model, TextField


def _utcnow():
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def up(migrator, db):
    class NarrativeReport(Model):
        unit_id = IntegerField()
        unit_path = CharField(max_length=255, index=True)
        unit_name = CharField(max_length=100)
        quarter = CharField(max_length=7, index=True)
        kind = CharField(max_length=10)
        title = CharField(max_length=100)
        text = TextField()
        figures = TextField(default="{}")
        submitted_by = CharField(max_length=50)
        submitted_at = DateTimeField(default=_utcnow)

        class Meta:
            database = db
            table_name = "narrative_report"
            indexes = ((("unit_id", "quarter"), True),)

    class ReportAttachment(Model):
        report = ForeignKeyField(NarrativeReport, on_delete="CASCADE")
        name = CharField(max_length=120)
        media_type = CharField(max_length=100)
        size = IntegerField()
        content = BlobField()

        class Meta:
            database = db
            table_name = "report_attachment"

    db.create_tables([NarrativeReport, ReportAttachment], safe=True)
