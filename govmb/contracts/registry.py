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


ACCOUNT_KINDS = ("institutional", "official", "leader", "private")
ACCOUNT_CATEGORIES = ("livelihood", "policy")
TEAM_ROLES = ("leader_in_charge", "responsible_office", "operator")


class PlatformEntry(Schema):
    platform = fields.String(required=True)
    handle = fields.String(required=True)
    url = fields.String(required=True)


class TeamEntry(Schema):
    person_id = fields.Integer(required=True)
    name = fields.String(required=True)
    role = fields.String(required=True, validate=validate.OneOf(TEAM_ROLES))


class AccountSnapshot(Schema):
    """An account as it now stands; consumers keep the highest revision they have seen."""

    id = fields.Integer(required=True, validate=validate.Range(min=1))
    unit_id = fields.Integer(required=True)
    unit_path = fields.String(required=True, validate=validate.Regexp(r"^/(\d+/)+$"))
    name = fields.String(required=True, validate=validate.Length(min=1, max=30))
    kind = fields.String(required=True, validate=validate.OneOf(ACCOUNT_KINDS))
    category = fields.String(required=True, allow_none=True, validate=validate.OneOf(ACCOUNT_CATEGORIES))
    status = fields.String(required=True)
    platforms = fields.List(fields.Nested(PlatformEntry), required=True)
    team = fields.List(fields.Nested(TeamEntry), required=True)
    activated_at = fields.String(required=True, allow_none=True)
    closed_at = fields.String(required=True, allow_none=True)
    revision = fields.Integer(required=True, validate=validate.Range(min=1))


CONTRACTS = (
    Contract("registry.unit.changed", 1, UnitSnapshot,
             "A unit was created, renamed or moved; one message per unit whose path changed."),
    Contract("registry.account.activated", 1, AccountSnapshot,
             "An account was registered on its platforms and became active."),
    Contract("registry.account.changed", 1, AccountSnapshot,
             "An account moved a step in its life, or its platforms or details changed."),
    Contract("registry.account.team_changed", 1, AccountSnapshot, "An account's team changed."),
    Contract("registry.account.closed", 1, AccountSnapshot, "An account was deregistered everywhere and closed."),
)
ACCOUNT_EVENTS = tuple(c.event_type for c in CONTRACTS if c.event_type.startswith("registry.account."))
