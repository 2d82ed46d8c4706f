"""The assessment service's own tables."""
import peewee

from govmb.account_copy import make_account_model
from govmb.bus.store import BusStore
from govmb.unit_copy import make_unit_model

db = peewee.DatabaseProxy()
bus = BusStore(db, "assessment")
Unit = make_unit_model(db)  # its own copy of the registry's unit tree
Account = make_account_model(db)  # its own copy of the registry's accounts


class PostFact(peewee.Model):
    """A released post, as publishing reported it: what the figures are counted from."""
    draft_id = peewee.IntegerField(primary_key=True)
    account_id = peewee.IntegerField(index=True)
    unit_id = peewee.IntegerField(index=True)
    unit_path = peewee.CharField(max_length=255, index=True)
    original = peewee.BooleanField()
    info_type = peewee.CharField(max_length=20)
    released_at = peewee.CharField(max_length=40)
    fast_track = peewee.BooleanField()
    correction_of = peewee.IntegerField(null=True)
    emergency_event_at = peewee.CharField(max_length=40, null=True)
    emergency_on_time = peewee.BooleanField(null=True)

    class Meta:
        database = db
        table_name = "post_fact"


class MonthlyFigureFact(peewee.Model):
    """An account's month as publishing counted it; replaced only by a higher revision."""
    account_id = peewee.IntegerField()
    month = peewee.CharField(max_length=7)
    unit_id = peewee.IntegerField()
    unit_path = peewee.CharField(max_length=255, index=True)
    category = peewee.CharField(max_length=20, null=True)
    posts = peewee.IntegerField()
    original = peewee.IntegerField()
    original_share = peewee.FloatField()
    quota = peewee.IntegerField()
    quota_met = peewee.BooleanField()
    original_met = peewee.BooleanField()
    revision = peewee.IntegerField()

    class Meta:
        database = db
        table_name = "monthly_figure_fact"
        primary_key = peewee.CompositeKey("account_id", "month")


class DirectiveFact(peewee.Model):
    """A unified-messaging directive and the accounts it named."""
    directive_id = peewee.IntegerField(primary_key=True)
    title = peewee.CharField(max_length=100)
    due_at = peewee.CharField(max_length=40)
    account_ids = peewee.TextField()  # JSON list

    class Meta:
        database = db
        table_name = "directive_fact"


class ForwardFact(peewee.Model):
    directive_id = peewee.IntegerField()
    account_id = peewee.IntegerField()
    unit_id = peewee.IntegerField()
    unit_path = peewee.CharField(max_length=255, index=True)
    forwarded_at = peewee.CharField(max_length=40)
    on_time = peewee.BooleanField()

    class Meta:
        database = db
        table_name = "forward_fact"
        primary_key = peewee.CompositeKey("directive_id", "account_id")


class MessageFact(peewee.Model):
    """A citizen's message as inquiry last reported it; replaced only by a higher revision."""
    id = peewee.IntegerField(primary_key=True)
    account_id = peewee.IntegerField(index=True)
    unit_id = peewee.IntegerField(index=True)
    unit_path = peewee.CharField(max_length=255, index=True)
    category = peewee.CharField(max_length=20, null=True)
    sentiment = peewee.CharField(max_length=10, null=True)
    status = peewee.CharField(max_length=20)
    step = peewee.CharField(max_length=20)
    received_at = peewee.CharField(max_length=40)
    replied_at = peewee.CharField(max_length=40, null=True)
    fed_back_at = peewee.CharField(max_length=40, null=True)
    resolved_at = peewee.CharField(max_length=40, null=True)
    reply_due_at = peewee.CharField(max_length=40)
    feedback_due_at = peewee.CharField(max_length=40)
    verification_due_at = peewee.CharField(max_length=40, null=True)
    revision = peewee.IntegerField()

    class Meta:
        database = db
        table_name = "message_fact"


class MissedDeadlineFact(peewee.Model):
    message_id = peewee.IntegerField()
    deadline = peewee.CharField(max_length=20)
    unit_id = peewee.IntegerField()
    unit_path = peewee.CharField(max_length=255, index=True)
    due_at = peewee.CharField(max_length=40)

    class Meta:
        database = db
        table_name = "missed_deadline_fact"
        primary_key = peewee.CompositeKey("message_id", "deadline")


class TransferFact(peewee.Model):
    transfer_id = peewee.IntegerField(primary_key=True)
    message_id = peewee.IntegerField()
    from_unit_id = peewee.IntegerField()
    to_unit_id = peewee.IntegerField(index=True)
    to_unit_path = peewee.CharField(max_length=255, index=True)
    status = peewee.CharField(max_length=20)
    reason = peewee.TextField()
    at = peewee.CharField(max_length=40)

    class Meta:
        database = db
        table_name = "transfer_fact"


class NoticeFact(peewee.Model):
    notice_id = peewee.IntegerField(primary_key=True)
    unit_id = peewee.IntegerField(index=True)
    unit_path = peewee.CharField(max_length=255, index=True)
    importance = peewee.CharField(max_length=10)
    kind = peewee.CharField(max_length=30)
    status = peewee.CharField(max_length=10)
    issued_at = peewee.CharField(max_length=40)
    replied_at = peewee.CharField(max_length=40, null=True)

    class Meta:
        database = db
        table_name = "notice_fact"
