"""The office's corrections (错别字 and 规范表述) and its list of leaders (issue 16), and the
version the checks' matchers follow; the corrections seeded from the data file shipped beside
the service (services/publishing/data/corrections.csv), each row with its source."""
import csv
from pathlib import Path

from peewee import BooleanField, CharField, DateTimeField, IntegerField, Model

from govmb.timefmt import utcnow

SEED = Path(__file__).resolve().parent.parent / "data" / "corrections.csv"


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Correction(Base):
        wrong = CharField(max_length=50, unique=True)
        right = CharField(max_length=50)
        kind = CharField(max_length=20)
        note = CharField(max_length=200, default="")
        source = CharField(max_length=200, default="")
        created_at = DateTimeField(default=utcnow)

        class Meta:
            indexes = ((("created_at", "id"), False),)

    class Leader(Base):
        name = CharField(max_length=20)
        title = CharField(max_length=100)
        unit_name = CharField(max_length=100, default="")
        rank = IntegerField(index=True)
        active = BooleanField(default=True)
        created_at = DateTimeField(default=utcnow)

        class Meta:
            indexes = ((("name", "title"), True),)

    class WordingVersion(Base):
        id = IntegerField(primary_key=True)
        version = IntegerField(default=0)

    db.create_tables([Correction, Leader, WordingVersion])
    with SEED.open(encoding="utf-8", newline="") as f:
        rows = [{k: r[k].strip() for k in ("wrong", "right", "kind", "note", "source")} for r in csv.DictReader(f)]
    at = utcnow()
    with db.atomic():
        for i in range(0, len(rows), 200):
            Correction.insert_many([{**r, "created_at": at} for r in rows[i:i + 200]]).on_conflict_ignore().execute()
        WordingVersion.insert(id=1, version=1).on_conflict_ignore().execute()
