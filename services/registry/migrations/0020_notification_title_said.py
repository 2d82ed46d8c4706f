"""Issue 21: a notification keeps its title's message and values (govmb.messages.kept), so the bell,
the e-mails and the robots say it in each person's language; the rows before it keep their Chinese."""
from peewee import TextField


def up(migrator, db):
    migrator.migrate(migrator.add_column("notification", "title_said", TextField(null=True)))
