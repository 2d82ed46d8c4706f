"""Recent figures (services/assessment/recent.py): the live months' counts per cell, counted by a
periodic job as of its run, so that the dashboards stop counting two months of facts per visit."""
from peewee import AutoField, CharField, CompositeKey, DateTimeField, IntegerField, Model

COUNTERS = ("posts", "original", "emergencies", "emergencies_on_time", "months", "months_quota_met", "messages",
            "negative", "positive", "reply_due", "replied_on_time", "resolution_due", "resolved", "forwards_asked",
            "forwards_on_time", "returns", "notices_issued", "notices_replied")


def up(migrator, db):
    class RecentRun(Model):
        id = AutoField()
        asof = DateTimeField()
        months = CharField(max_length=100)

        class Meta:
            database = db
            table_name = "recent_run"

    RecentFigure = type("RecentFigure", (Model,), {
        "run": IntegerField(), "month": CharField(max_length=7), "unit_id": IntegerField(),
        "account_id": IntegerField(), **{name: IntegerField(default=0) for name in COUNTERS},
        "Meta": type("Meta", (), {"database": db, "table_name": "recent_figure",
                                  "primary_key": CompositeKey("run", "month", "unit_id", "account_id")})})
    db.create_tables([RecentRun, RecentFigure])
