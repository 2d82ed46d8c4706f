"""Issue 21: the language each person chose for the interface and for what they are sent (e-mails,
IM robots); every person had Simplified Chinese until then."""
from peewee import SQL, CharField


def up(migrator, db):
    migrator.migrate(migrator.add_column("person", "locale", CharField(max_length=10, default="zh_Hans",
                                                                       constraints=[SQL("DEFAULT 'zh_Hans'")])))
