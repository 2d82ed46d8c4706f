"""Issue 19, what the citizen sees: a receipt number and a query code's keyed hash for each
message left through the hall or a client system, the day's last number, and the citizen's
rating of a resolved message (N19). New tables only: nothing existing is rewritten."""
import peewee

from govmb.timefmt import utcnow


def up(migrator, db):
    class Base(peewee.Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Message(Base):
        class Meta:
            table_name = "message"

    class Receipt(Base):
        message = peewee.ForeignKeyField(Message, unique=True, on_delete="CASCADE")
        number = peewee.CharField(max_length=20, unique=True)
        code_hash = peewee.CharField(max_length=60)
        client = peewee.CharField(max_length=50, index=True)
        issued_at = peewee.DateTimeField(default=utcnow)

    class ReceiptDay(Base):
        day = peewee.CharField(max_length=8, primary_key=True)
        last = peewee.IntegerField(default=0)

    class Rating(Base):
        message = peewee.ForeignKeyField(Message, unique=True, on_delete="CASCADE")
        rating = peewee.CharField(max_length=20)
        comment = peewee.TextField(default="")
        unit_id = peewee.IntegerField(index=True)
        rated_at = peewee.DateTimeField(default=utcnow)

    db.create_tables([Receipt, ReceiptDay, Rating], safe=True)
