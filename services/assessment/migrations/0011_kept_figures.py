"""Kept figures (services/assessment/kept.py): each settled month's counts per cell and each
account's last post, so that the assessment stops counting a year of facts on every visit;
indexes for the veto's unanswered messages and the lists' sight."""
from peewee import CharField, CompositeKey, DateTimeField, IntegerField, Model

from govmb.textsearch import prefix_index

COUNTERS = ("posts", "original", "emergencies", "emergencies_on_time", "months", "months_quota_met", "messages",
            "negative", "positive", "reply_due", "replied_on_time", "resolution_due", "resolved", "forwards_asked",
            "forwards_on_time", "returns", "notices_issued", "notices_replied")


def up(migrator, db):
    class LastPost(Model):
        account_id = IntegerField(primary_key=True)
        day = CharField(max_length=10)

        class Meta:
            database = db
            table_name = "last_post"

    class FigureMonth(Model):
        month = CharField(max_length=7, primary_key=True)
        version = IntegerField(default=0)
        snapshot_version = IntegerField(default=-1)
        snapshot_at = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = "figure_month"

    KeptFigure = type("KeptFigure", (Model,), {
        "month": CharField(max_length=7), "unit_id": IntegerField(), "account_id": IntegerField(),
        **{name: IntegerField(default=0) for name in COUNTERS},
        "Meta": type("Meta", (), {"database": db, "table_name": "kept_figure",
                                  "primary_key": CompositeKey("month", "unit_id", "account_id")})})
    db.create_tables([LastPost, FigureMonth, KeptFigure])
    db.execute_sql("INSERT INTO last_post (account_id, day) SELECT account_id, MAX(day) FROM post_fact GROUP BY account_id")
    db.execute_sql("CREATE INDEX IF NOT EXISTS message_fact_unanswered ON message_fact (received_at) WHERE replied_at IS NULL")
    for table, column in (("message_fact", "unit_path"), ("post_fact", "unit_path"), ("archive", "unit_path"),
                          ("inspection", "unit_path"), ("account", "unit_path"), ("unit", "path"),
                          ("audit_entry", "unit_path")):
        prefix_index(db, table, column)
