"""The registry's HTTP API."""
from flask_smorest import Blueprint, abort

from govmb.auth import current_identity, requires
from services.registry import service
from services.registry.models import Unit
from services.registry.schemas import UnitQuerySchema, UnitSchema, UnitUpdateSchema

units = Blueprint("units", __name__, url_prefix="/api/units", description="单位树")


def _visible_unit(unit_id: int) -> Unit:
    unit = Unit.get_or_none(Unit.id == unit_id)
    if unit is None or not current_identity().may_see(unit.path):
        abort(404, message=f"单位 {unit_id} 不存在或不在您的管辖范围内")
    return unit


@units.route("")
@units.arguments(UnitQuerySchema, location="query")
@units.response(200, UnitSchema(many=True))
@requires()
def list_units(args):
    """本人单位及其下级单位；联席会议办公室、督查和系统管理员可见全部"""
    who = current_identity()
    query = Unit.select().order_by(Unit.path)
    if not who.sees_all:
        query = query.where(Unit.path.startswith(who.unit_path))
    if "parent_id" in args:
        query = query.where(Unit.parent == args["parent_id"])
    return list(query)


@units.route("", methods=["POST"])
@units.arguments(UnitSchema)
@units.response(201, UnitSchema)
@requires("admin", "joint_office")
def create_unit(data):
    """新建单位（系统管理员、联席会议办公室）"""
    return service.create_unit(data["name"], data["kind"], data["parent_id"])


@units.route("/<int:unit_id>")
@units.response(200, UnitSchema)
@requires()
def get_unit(unit_id):
    return _visible_unit(unit_id)


@units.route("/<int:unit_id>", methods=["PATCH"])
@units.arguments(UnitUpdateSchema)
@units.response(200, UnitSchema)
@requires("admin", "joint_office")
def update_unit(data, unit_id):
    """改名或调整上级单位；调整时其全部下级单位一并更新"""
    unit = _visible_unit(unit_id)
    return service.update_unit(unit, data.get("name"), data.get("parent_id"), move="parent_id" in data)


BLUEPRINTS = [units]
