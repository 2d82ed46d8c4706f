"""What the registry's API takes and gives."""
from marshmallow import Schema, fields, validate

from govmb.contracts.registry import UNIT_KINDS


class UnitSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=100),
                         metadata={"description": "单位名称"})
    kind = fields.String(required=True, validate=validate.OneOf(UNIT_KINDS),
                         metadata={"description": "单位类别"})
    parent_id = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1),
                               metadata={"description": "上级单位"})
    path = fields.String(dump_only=True)
    revision = fields.Integer(dump_only=True)


class UnitUpdateSchema(Schema):
    name = fields.String(validate=validate.Length(min=1, max=100))
    parent_id = fields.Integer(allow_none=True, validate=validate.Range(min=1))


class UnitQuerySchema(Schema):
    parent_id = fields.Integer(validate=validate.Range(min=1))
