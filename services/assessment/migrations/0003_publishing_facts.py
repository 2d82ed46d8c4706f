"""Facts reported by publishing: released posts and monthly figures."""
from peewee import BooleanField, CharField, CompositeKey, FloatField, IntegerField, Model


def up(migrator, db):
    class PostFact(Model):
        draft_id = IntegerField(primary_key=True)
        account_id = IntegerField(index=True)
        unit_id = IntegerField(index=True)
        unit_path = CharField(max_length=255, index=True)
        original = BooleanField()
        info_type = CharField(max_length=20)
        released_at = CharField(max_length=40)
        fast_track = BooleanField()
        correction_of = IntegerField(null=True)
        emergency_event_at = CharField(max_length=40, null=True)
        emergency_on_time = BooleanField(null=True)

        class Meta:
            database = db
            table_name = "post_fact"

    class MonthlyFigureFact(Model):
        account_id = IntegerField()
        month = CharField(max_length=7)
        unit_id = IntegerField()
        unit_path = CharField(max_length=255, index=True)
        category = CharField(max_length=20, null=True)
        posts = IntegerField()
        original = IntegerField()
        original_share = FloatField()
        quota = IntegerField()
        quota_met = BooleanField()
        original_met = BooleanField()
        revision = IntegerField()

        class Meta:
            database = db
            table_name = "monthly_figure_fact"
            primary_key = CompositeKey("account_id", "month")

    db.create_tables([PostFact, MonthlyFigureFact])
