"""Issue 21: a unit's name in Uyghur (Arabic script), which an account's Uyghur name must hold (X5)."""
from peewee import SQL, CharField


def up(migrator, db):
    migrator.migrate(migrator.add_column("unit", "name_ug", CharField(max_length=100, default="",
                                                                      constraints=[SQL("DEFAULT ''")])))
