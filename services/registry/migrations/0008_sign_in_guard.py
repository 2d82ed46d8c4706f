"""Sign-in protection (issue 15): every attempt recorded (the security audit, the guard's counts)
and the captchas shown after repeated failures under a name."""
import datetime as dt

from peewee import BooleanField, CharField, DateTimeField, Model


def up(migrator, db):
    class SignInAttempt(Model):
        username = CharField(max_length=50)
        address = CharField(max_length=64, default="")
        user_agent = CharField(max_length=200, default="")
        at = DateTimeField(default=dt.datetime.utcnow, index=True)
        succeeded = BooleanField()

        class Meta:
            database = db
            table_name = "sign_in_attempt"
            indexes = ((("username", "at"), False),)

    class Captcha(Model):
        id = CharField(max_length=32, primary_key=True)
        answer_hash = CharField(max_length=64)
        expires_at = DateTimeField(index=True)
        used_at = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = "captcha"

    db.create_tables([SignInAttempt, Captcha])
