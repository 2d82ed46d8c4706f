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


class TextFindingSchema(Schema):
    """A finding of the checks of a text that leaves (`govmb.textchecks`), named by its field: a
    warning shown beside it (a `block` refuses the step with 422 instead)."""
    field = fields.String(metadata={"description": "所在字段：text、post_text、reply…"})
    check = fields.String()
    severity = fields.String(metadata={"description": "warn（请确认）"})
    start = fields.Integer(allow_none=True, metadata={"description": "在原文中的起点（从 0 起）"})
    end = fields.Integer(allow_none=True)
    excerpt = fields.String()
    message = fields.String()


class Integer(fields.Integer):
    """A whole number: 2.5, "2.5" and true are refused (marshmallow would take 2.5 as 2 and true
    as 1); 2.0, as a spreadsheet gives it, is 2."""
    _WHOLE = re.compile(r"\s*[+-]?\d+\s*")

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()) or \
                (isinstance(value, str) and not self._WHOLE.fullmatch(value)):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)
