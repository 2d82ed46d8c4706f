"""API schemas more than one service answers with, and the fields every schema uses."""
import re

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


class Integer(fields.Integer):
    """A whole number: 2.5, "2.5" and true are refused (marshmallow would take 2.5 as 2 and true
    as 1); 2.0, as a spreadsheet gives it, is 2."""
    _WHOLE = re.compile(r"\s*[+-]?\d+\s*")

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()) or \
                (isinstance(value, str) and not self._WHOLE.fullmatch(value)):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)
