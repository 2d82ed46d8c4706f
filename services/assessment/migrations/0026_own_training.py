"""Training a unit organises itself (N21: 有条件的单位可自行组织培训): the organising unit of a
session, none for the joint-meeting office's."""
from peewee import CharField, IntegerField


def up(migrator, db):
    migrator.migrate(migrator.add_column("training_session", "organiser_unit_id", IntegerField(null=True)),
                     migrator.add_column("training_session", "organiser_path", CharField(max_length=255, null=True)))
    db.execute_sql("CREATE INDEX IF NOT EXISTS training_session_organiser_unit_id ON training_session (organiser_unit_id)")
    db.execute_sql("CREATE INDEX IF NOT EXISTS training_session_organiser_path ON training_session (organiser_path)")
