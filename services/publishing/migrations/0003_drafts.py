"""Lexicon, drafts, findings, review steps, publications, monthly figures."""
import datetime

from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField, Model, TextField


def up(migrator, db):
    def now():
        return datetime.datetime.utcnow()

    class BaseModel(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class LexiconEntry(BaseModel):
        """A word the checks look for (sensitive or classified), edited by the joint-meeting office."""
        word = CharField(max_length=100, unique=True)
        category = CharField(max_length=20)  # sensitive, classified
        severity = CharField(max_length=10)  # block, warn
        note = CharField(max_length=200, default="")
        created_at = DateTimeField(default=now)


    class LexiconVersion(BaseModel):
        """Bumped on every lexicon change, so each process knows when to rebuild its matcher."""
        id = IntegerField(primary_key=True)
        version = IntegerField(default=0)


    class Draft(BaseModel):
        account_id = IntegerField(index=True)
        unit_id = IntegerField(index=True)
        unit_path = CharField(max_length=255, index=True)
        author_id = IntegerField()
        author_name = CharField(max_length=50)
        text = TextField()
        media = TextField(default="[]")  # JSON list of {"kind": picture|video|link, "url"}
        info_type = CharField(max_length=20)
        original = BooleanField(default=True)
        source = CharField(max_length=200, default="")
        topic = CharField(max_length=50, default="")  # #话题#
        series_title = CharField(max_length=50, default="")  # 【标题+序号】
        series_no = IntegerField(null=True)
        series_total = IntegerField(null=True)
        column = CharField(max_length=50, default="")  # #栏目名称#
        platforms = TextField(default="[]")  # JSON list of platform codes
        major = BooleanField(default=False)  # major or sensitive matter: never the fast track
        event_at = DateTimeField(null=True)  # an emergency's event time (N11: out within 2 hours)
        due_at = DateTimeField(null=True)
        corrects = ForeignKeyField("self", null=True, backref="corrections", on_delete="RESTRICT")
        apology = TextField(default="")
        status = CharField(max_length=20, index=True)
        fast_track = BooleanField(default=False)
        revision = IntegerField(default=1)
        created_at = DateTimeField(default=now)
        submitted_at = DateTimeField(null=True)
        checked_at = DateTimeField(null=True)
        approved_at = DateTimeField(null=True)
        released_at = DateTimeField(null=True, index=True)


    class Finding(BaseModel):
        draft = ForeignKeyField(Draft, backref="findings", on_delete="CASCADE")
        check = CharField(max_length=20)  # lexicon, id_number, mobile, form, length, source
        severity = CharField(max_length=10)  # block, warn
        start = IntegerField(null=True)
        end = IntegerField(null=True)
        excerpt = CharField(max_length=200, default="")
        message = CharField(max_length=300)
        acknowledged_by = CharField(max_length=50, default="")
        acknowledged_at = DateTimeField(null=True)


    class ReviewStep(BaseModel):
        draft = ForeignKeyField(Draft, backref="steps", on_delete="CASCADE")
        action = CharField(max_length=30)
        from_status = CharField(max_length=20, null=True)
        to_status = CharField(max_length=20)
        actor_id = IntegerField()
        actor_name = CharField(max_length=50)
        comment = TextField(default="")
        channel = CharField(max_length=10, default="")  # fast track: phone, sms
        approver = CharField(max_length=50, default="")  # fast track: who approved
        approved_at = DateTimeField(null=True)  # fast track: when they approved
        at = DateTimeField(default=now)


    class Publication(BaseModel):
        draft = ForeignKeyField(Draft, backref="publications", on_delete="CASCADE")
        platform = CharField(max_length=20)
        url = CharField(max_length=500)
        published_at = DateTimeField(default=now)
        recorded_by = CharField(max_length=50)

        class Meta:
            indexes = ((("draft", "platform"), True),)


    class MonthlyFigure(BaseModel):
        """What was last reported to assessment for an account and month."""
        account_id = IntegerField()
        month = CharField(max_length=7)
        posts = IntegerField()
        original = IntegerField()
        revision = IntegerField(default=1)

        class Meta:
            indexes = ((("account_id", "month"), True),)

    db.create_tables([LexiconEntry, LexiconVersion, Draft, Finding, ReviewStep, Publication, MonthlyFigure])
