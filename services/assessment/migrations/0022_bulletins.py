"""Supervisors' documents (issue 18): the quarterly 检查情况通报, drafted, edited and issued as a
PDF; its number (发文机关代字〔年〕顺序号号) unique; the inspections by the day inspected."""
import datetime as dt

from peewee import BlobField, CharField, DateField, DateTimeField, IntegerField, Model, TextField


def _utcnow():
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def up(migrator, db):
    class Bulletin(Model):
        quarter = CharField(max_length=7)
        status = CharField(max_length=10, default="draft")
        issuer = CharField(max_length=60)
        prefix = CharField(max_length=20)
        year = IntegerField()
        serial = IntegerField()
        title = CharField(max_length=200)
        addressees = CharField(max_length=300)
        body = TextField()
        signer = CharField(max_length=60)
        dated = DateField()
        attachment = TextField()
        drafted_by = CharField(max_length=50)
        drafted_at = DateTimeField(default=_utcnow)
        updated_by = CharField(max_length=50, default="")
        updated_at = DateTimeField(default=_utcnow)
        issued_by = CharField(max_length=50, default="")
        issued_at = DateTimeField(null=True)
        pdf = BlobField(null=True)
        sha256 = CharField(max_length=64, default="")

        class Meta:
            database = db
            table_name = "bulletin"
            indexes = ((("prefix", "year", "serial"), True), (("status", "year", "serial"), False))

    db.create_tables([Bulletin])
    db.execute_sql("CREATE INDEX IF NOT EXISTS inspection_inspected_on ON inspection (inspected_on)")
