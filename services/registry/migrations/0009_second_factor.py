"""Two-factor sign-in (issue 15): each person's TOTP secret, their recovery codes (hashes), and
the sign-ins waiting for their second factor."""
import datetime as dt

from peewee import BigIntegerField, CharField, DateTimeField, ForeignKeyField, IntegerField, Model


def up(migrator, db):
    class Person(Model):
        class Meta:
            database = db
            table_name = "person"

    class SecondFactor(Model):
        person = ForeignKeyField(Person, unique=True, on_delete="CASCADE")
        secret = CharField(max_length=255)
        created_at = DateTimeField(default=dt.datetime.utcnow)
        confirmed_at = DateTimeField(null=True)
        last_step = BigIntegerField(default=0)

        class Meta:
            database = db
            table_name = "second_factor"

    class RecoveryCode(Model):
        person = ForeignKeyField(Person, on_delete="CASCADE", index=True)
        code_hash = CharField(max_length=64)
        used_at = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = "recovery_code"

    class SignInChallenge(Model):
        secret_hash = CharField(max_length=64, unique=True)
        person = ForeignKeyField(Person, on_delete="CASCADE")
        address = CharField(max_length=64, default="")
        user_agent = CharField(max_length=200, default="")
        expires_at = DateTimeField(index=True)
        tries = IntegerField(default=0)

        class Meta:
            database = db
            table_name = "sign_in_challenge"

    db.create_tables([SecondFactor, RecoveryCode, SignInChallenge])

