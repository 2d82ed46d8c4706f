"""Issue 19 (N7): the city-wide rule that an institutional account opens on every configured
platform (the joint-meeting office's switch, off by default), and the reasons an account keeps
for each platform it leaves out."""
from peewee import SQL, BooleanField, CharField, DateTimeField, Model, TextField


def up(migrator, db):
    class PlatformRule(Model):
        every_platform = BooleanField(default=False)
        set_by = CharField(max_length=50, default="")
        set_by_unit = CharField(max_length=100, default="")
        set_at = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = "platform_rule"

    db.create_tables([PlatformRule], safe=True)
    migrator.migrate(migrator.add_column("account", "omitted_reasons", TextField(default="{}", constraints=[SQL("DEFAULT '{}'")])))
