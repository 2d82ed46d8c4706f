"""The registry's own tables."""
import datetime as dt

import peewee

from govmb.bus.store import BusStore

db = peewee.DatabaseProxy()
bus = BusStore(db, "registry")


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class BaseModel(peewee.Model):
    class Meta:
        database = db
        legacy_table_names = False


class Unit(BaseModel):
    """A unit in the tree: region, prefecture, county/district/zone, department, office."""
    name = peewee.CharField(max_length=100)
    kind = peewee.CharField(max_length=20)
    parent = peewee.ForeignKeyField("self", null=True, backref="children", on_delete="RESTRICT")
    path = peewee.CharField(max_length=255, index=True)  # "/1/5/12/": root first, itself last
    revision = peewee.IntegerField(default=1)
    created_at = peewee.DateTimeField(default=now)
    updated_at = peewee.DateTimeField(default=now)

    class Meta:
        indexes = ((("parent", "name"), True),)

    def snapshot(self) -> dict:
        return {"id": self.id, "name": self.name, "kind": self.kind, "parent_id": self.parent_id,
                "path": self.path, "revision": self.revision}
