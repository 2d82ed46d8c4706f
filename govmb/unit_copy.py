"""Each service's own copy of the registry's unit tree, fed by `registry.unit.changed`.

Events can arrive twice or out of order: a unit is replaced only by a higher revision.
"""
from __future__ import annotations

import peewee
from marshmallow import Schema, fields, validate

from govmb.auth import current_identity, depth_at_most, in_sight, requires
from govmb.bus.message import Delivery
from govmb.paging import Blueprint, ListQuerySchema, narrowed, page
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


class UnitCopySchema(Schema):
    id = fields.Integer()
    name = fields.String()
    kind = fields.String()
    parent_id = fields.Integer(allow_none=True)
    path = fields.String()
    revision = fields.Integer()


LEVELS = fields.Integer(validate=validate.Range(min=0, max=20),
                        metadata={"description": "只列出本人单位（或 unit_id）以下至多这么多层的单位（0：只有它自己）"})


class UnitCopyQuerySchema(ListQuerySchema):
    kind = fields.String(validate=validate.Length(min=1, max=20))
    levels = LEVELS


def within_levels(query, Unit, args: dict, path_field=None):
    """The units (or the rows of units, by their `path_field`) at most `levels` below
    `unit_id`'s unit (else the caller's), if asked: what a unit picker offers, two levels down,
    instead of every unit of a country."""
    if "levels" not in args:
        return query
    unit = Unit.get_or_none(Unit.id == args["unit_id"]) if "unit_id" in args else None
    depth = (unit.path if unit else current_identity().unit_path).count("/") - 1
    return query.where(depth_at_most(path_field or Unit.path, depth + args["levels"]))


def units_blueprint(Unit: type[peewee.Model]) -> Blueprint:
    blp = Blueprint("units", __name__, url_prefix="/api/units", description="本服务保存的单位树副本（由登记服务的事件同步）")

    @blp.route("")
    @requires()
    @blp.arguments(UnitCopyQuerySchema, location="query")
    @blp.response(200, UnitCopySchema(many=True))
    @blp.paginate()
    def list_units(args, pagination_parameters):
        """本人单位及下级单位（联席会议办公室可见全部），上级在前、下级随后，分页；可按单位（含下级）、
        类型筛选，按名称搜索"""
        query = narrowed(in_sight(Unit.select(), Unit.path), args, unit_model=Unit, path_field=Unit.path,
                         unit_field=Unit.id, search=Unit.name)
        if "kind" in args:
            query = query.where(Unit.kind == args["kind"])
        return page(within_levels(query, Unit, args).order_by(Unit.path, Unit.id), pagination_parameters)

    return blp
