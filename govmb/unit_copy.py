"""Each service's own copy of the registry's unit tree, fed by `registry.unit.changed`.

Events can arrive twice or out of order: a unit is replaced only by a higher revision.
"""
from __future__ import annotations

import peewee

from govmb.bus.message import Delivery
from govmb.timefmt import utcnow


def tree_order(path: str) -> tuple[int, ...]:
    """A sort key for units by path, parents first, numbers as numbers: /1/2/ before /1/10/
    (sorted as text, /1/10/ would come first)."""
    return tuple(int(part) for part in path.strip("/").split("/") if part)


def make_unit_model(db: peewee.DatabaseProxy) -> type[peewee.Model]:
    class Unit(peewee.Model):
        id = peewee.IntegerField(primary_key=True)
        name = peewee.CharField(max_length=100)
        kind = peewee.CharField(max_length=20)
        parent_id = peewee.IntegerField(null=True)
        path = peewee.CharField(max_length=255, index=True)
        revision = peewee.IntegerField()
        updated_at = peewee.DateTimeField(default=utcnow)

        class Meta:
            database = db
            table_name = "unit"

    return Unit


def create_unit_copy_v1(db: peewee.Database) -> None:
    """The unit copy table as of version 1, for a consuming service's first migration."""
    db.create_tables([make_unit_model(db)])


def apply_unit_changed(Unit: type[peewee.Model]):
    def handle(snapshot: dict, _delivery: Delivery) -> None:
        fields_ = {k: snapshot[k] for k in ("id", "name", "kind", "parent_id", "path", "revision")}
        excluded = peewee.EXCLUDED
        (Unit.insert(**fields_, updated_at=utcnow())
         .on_conflict(conflict_target=[Unit.id],
                      update={Unit.name: excluded.name, Unit.kind: excluded.kind,
                              Unit.parent_id: excluded.parent_id, Unit.path: excluded.path,
                              Unit.revision: excluded.revision, Unit.updated_at: excluded.updated_at},
                      where=(Unit.revision < excluded.revision))
         .execute())
    return handle
