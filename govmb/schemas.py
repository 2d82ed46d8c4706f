"""API schemas more than one service answers with."""
from marshmallow import Schema, fields

from govmb.timefmt import BeijingDateTime


class StepSchema(Schema):
    """One recorded step of a record's life: who did what, when, from which status to which."""
    action = fields.String()
    action_name = fields.String()
    from_status = fields.String(allow_none=True)
    to_status = fields.String()
    actor_name = fields.String()
    comment = fields.String()
    at = BeijingDateTime()
