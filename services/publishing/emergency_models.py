"""The tables of emergencies by type (X20.6, N11): the office's procedure for each kind of event,
its saved versions, the events declared, the posts written for them and the steps ticked off."""
import peewee

from services.publishing.models import BaseModel, now


class Procedure(BaseModel):
    """处置流程 of one kind of event (自然灾害、事故灾难、公共卫生事件、社会安全事件, and any the
    office adds): the steps, the channels, the time limits and the line to take (口径)."""
    code = peewee.CharField(max_length=30, unique=True)
    name = peewee.CharField(max_length=30, unique=True)
    steps = peewee.TextField(default="[]")  # JSON list of texts, in order
    channels = peewee.TextField(default="[]")  # JSON list: platform codes and other channels' names
    first_minutes = peewee.IntegerField(default=120)  # N11: out within 2 hours
    national_minutes = peewee.IntegerField(default=300)  # 国办发〔2016〕61号: authoritative release within 5 hours
    followup_minutes = peewee.IntegerField(default=1440)  # … and a follow-up (press conference) within 24 hours
    line = peewee.TextField(default="")  # 口径
    version = peewee.IntegerField(default=1)
    updated_by = peewee.CharField(max_length=50, default="")
    updated_at = peewee.DateTimeField(default=now)

    class Meta:
        table_name = "emergency_procedure"


class ProcedureVersion(BaseModel):
    """Each saved version of a procedure, as it was (an event keeps the version it was declared under)."""
    procedure = peewee.ForeignKeyField(Procedure, backref="versions", on_delete="CASCADE")
    version = peewee.IntegerField()
    content = peewee.TextField()  # JSON of the procedure's fields
    saved_by = peewee.CharField(max_length=50)
    saved_at = peewee.DateTimeField(default=now)

    class Meta:
        table_name = "emergency_procedure_version"
        indexes = ((("procedure", "version"), True),)


class Emergency(BaseModel):
    """A declared event: its clocks run from `occurred_at`, each due time a column."""
    procedure = peewee.ForeignKeyField(Procedure, backref="events", on_delete="RESTRICT")
    procedure_version = peewee.IntegerField()
    title = peewee.CharField(max_length=100)
    occurred_at = peewee.DateTimeField()
    unit_id = peewee.IntegerField()
    unit_path = peewee.CharField(max_length=255, index=True)
    first_due_at = peewee.DateTimeField(index=True)
    national_due_at = peewee.DateTimeField()
    followup_due_at = peewee.DateTimeField(index=True)
    first_released_at = peewee.DateTimeField(null=True)  # the first post for it released
    followup_released_at = peewee.DateTimeField(null=True)  # a later one
    status = peewee.CharField(max_length=10, default="open", index=True)  # open, closed
    declared_by = peewee.CharField(max_length=50)
    declared_at = peewee.DateTimeField(default=now)
    summary = peewee.TextField(default="")
    closed_by = peewee.CharField(max_length=50, default="")
    closed_at = peewee.DateTimeField(null=True)

    class Meta:
        indexes = ((("status", "occurred_at", "id"), False),)


class EmergencyPost(BaseModel):
    """A draft written for an event: its release stops the first clock, a later one the follow-up."""
    emergency = peewee.ForeignKeyField(Emergency, backref="posts", on_delete="CASCADE")
    draft_id = peewee.IntegerField(unique=True)
    linked_at = peewee.DateTimeField(default=now)

    class Meta:
        table_name = "emergency_post"


class EmergencyTick(BaseModel):
    """A step of the event's procedure ticked off: by whom and when."""
    emergency = peewee.ForeignKeyField(Emergency, backref="ticks", on_delete="CASCADE")
    step = peewee.IntegerField()  # 0-based place in the procedure's steps
    done_by = peewee.CharField(max_length=50)
    done_at = peewee.DateTimeField(default=now)

    class Meta:
        table_name = "emergency_tick"
        indexes = ((("emergency", "step"), True),)
