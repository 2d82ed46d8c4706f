"""Supervision's inspections and their fixes (N19), the training register (N21, X29, X30), the
24-hour duty roster and the accounts' daily followers (X20.3)."""
import datetime as dt

from peewee import (
    CharField,
    CompositeKey,
    DateField,
    DateTimeField,
    DecimalField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)


def _utcnow():
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def up(migrator, db):
    class Inspection(Model):
        unit_id = IntegerField(index=True)
        unit_path = CharField(max_length=255, index=True)
        inspected_on = DateField()
        checked = TextField()
        found = TextField()
        required = TextField()
        fix_by = DateField(index=True)
        status = CharField(max_length=20, index=True, default="open")
        recorded_by = CharField(max_length=50)
        recorded_at = DateTimeField(default=_utcnow)
        fix_report = TextField(default="")
        fixed_on = DateField(null=True)
        reported_by = CharField(max_length=50, default="")
        reported_at = DateTimeField(null=True)
        review_comment = TextField(default="")
        reviewed_by = CharField(max_length=50, default="")
        reviewed_at = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = "inspection"

    class InspectionStep(Model):
        inspection = ForeignKeyField(Inspection, on_delete="CASCADE")
        action = CharField(max_length=20)
        text = TextField(default="")
        fixed_on = DateField(null=True)
        actor_id = IntegerField()
        actor_name = CharField(max_length=50)
        at = DateTimeField(default=_utcnow)

        class Meta:
            database = db
            table_name = "inspection_step"

    class TrainingSession(Model):
        kind = CharField(max_length=10)
        title = CharField(max_length=100)
        held_on = DateField(index=True)
        hours = DecimalField(max_digits=4, decimal_places=1)
        place = CharField(max_length=100, default="")
        recorded_by = CharField(max_length=50)
        recorded_at = DateTimeField(default=_utcnow)

        class Meta:
            database = db
            table_name = "training_session"

    class TrainingTrainer(Model):
        session = ForeignKeyField(TrainingSession, on_delete="CASCADE")
        name = CharField(max_length=50)
        kind = CharField(max_length=20)
        affiliation = CharField(max_length=100, default="")

        class Meta:
            database = db
            table_name = "training_trainer"

    class TrainingInvitation(Model):
        session = ForeignKeyField(TrainingSession, on_delete="CASCADE")
        unit_id = IntegerField(index=True)
        unit_path = CharField(max_length=255, index=True)

        class Meta:
            database = db
            table_name = "training_invitation"
            indexes = ((("session", "unit_id"), True),)

    class TrainingAttendee(Model):
        session = ForeignKeyField(TrainingSession, on_delete="CASCADE")
        person_name = CharField(max_length=50)
        unit_id = IntegerField(index=True)
        unit_path = CharField(max_length=255, index=True)
        recorded_by = CharField(max_length=50)
        recorded_at = DateTimeField(default=_utcnow)

        class Meta:
            database = db
            table_name = "training_attendee"
            indexes = ((("session", "unit_id", "person_name"), True),)

    class DutyShift(Model):
        unit_id = IntegerField(index=True)
        unit_path = CharField(max_length=255, index=True)
        account_id = IntegerField(null=True, index=True)
        starts_at = DateTimeField(index=True)
        ends_at = DateTimeField(index=True)
        person_name = CharField(max_length=50)
        phone = CharField(max_length=20)
        entered_by = CharField(max_length=50)
        entered_at = DateTimeField(default=_utcnow)

        class Meta:
            database = db
            table_name = "duty_shift"

    class FollowerCount(Model):
        account_id = IntegerField()
        day = DateField()
        followers = IntegerField()
        entered_by = CharField(max_length=50)
        entered_at = DateTimeField(default=_utcnow)

        class Meta:
            database = db
            table_name = "follower_count"
            primary_key = CompositeKey("account_id", "day")

    class FollowerChange(Model):
        account_id = IntegerField(index=True)
        day = DateField()
        old_followers = IntegerField()
        old_entered_by = CharField(max_length=50)
        followers = IntegerField()
        entered_by = CharField(max_length=50)
        entered_at = DateTimeField(default=_utcnow)

        class Meta:
            database = db
            table_name = "follower_change"

    db.create_tables([Inspection, InspectionStep, TrainingSession, TrainingTrainer, TrainingInvitation,
                      TrainingAttendee, DutyShift, FollowerCount, FollowerChange])
