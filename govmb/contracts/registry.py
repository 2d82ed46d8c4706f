"""Events the registry publishes."""
from marshmallow import Schema, fields, validate

from govmb.contracts.base import Contract

UNIT_KINDS = ("region", "prefecture", "county", "district", "zone", "department", "office")


class UnitSnapshot(Schema):
    """A unit as it now stands. Consumers keep the highest revision they have seen, so a
    late or repeated message can never roll a unit back."""

    id = fields.Integer(required=True, validate=validate.Range(min=1))
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    kind = fields.String(required=True, validate=validate.OneOf(UNIT_KINDS))
    parent_id = fields.Integer(required=True, allow_none=True)
    path = fields.String(required=True, validate=validate.Regexp(r"^/(\d+/)+$"))
    revision = fields.Integer(required=True, validate=validate.Range(min=1))


CONTRACTS = (
    Contract("registry.unit.changed", 1, UnitSnapshot,
             "A unit was created, renamed or moved; one message per unit whose path changed."),
)
