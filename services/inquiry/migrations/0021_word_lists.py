"""Inquiry's copy of the office's lists (lexicon, corrections, leaders), fed by publishing's
events, for the checks of the texts that leave the inbox (issue 16): each entry by its id, with
its revision, a deleted one kept as a tombstone; one version row every applied change raises."""
from peewee import BigIntegerField, BooleanField, CharField, IntegerField, Model


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class ListCopy(Base):
        id = IntegerField(primary_key=True)
        deleted = BooleanField(default=False)
        revision = IntegerField()

    class LexiconCopy(ListCopy):
        word = CharField(max_length=100)
        category = CharField(max_length=20)
        severity = CharField(max_length=10)

    class CorrectionCopy(ListCopy):
        wrong = CharField(max_length=50)
        right = CharField(max_length=50)
        kind = CharField(max_length=20)

    class LeaderCopy(ListCopy):
        name = CharField(max_length=20)
        title = CharField(max_length=100)
        rank = IntegerField()
        active = BooleanField(default=True)

    class WordListsVersion(Base):
        id = IntegerField(primary_key=True)
        version = BigIntegerField(default=0)

    db.create_tables([LexiconCopy, CorrectionCopy, LeaderCopy, WordListsVersion])
    WordListsVersion.insert(id=1, version=0).on_conflict_ignore().execute()
