"""The reminder events: a service that owns a deadline says, once, that someone should be
reminded of it (govmb/reminders.py); the registry, which knows the people, turns it into
notifications and delivers them (services/registry/notifications.py)."""
from marshmallow import Schema, fields, validate

from govmb.contracts.base import Contract
from govmb.identity import ROLES

# What a reminder is about; the pages name each and link it to its page (web/views/notifications.py).
KINDS = ("reply_due", "feedback_due", "verification_due", "directive_due", "emergency_due", "emergency_clock", "dormant", "fix_due",
         "shift", "fix_overdue", "fix_escalated", "dormancy_due",
         "report_due", "password_age",  # password_age: the registry's own (services/registry/account_security.py), no event
         "connection_expired")  # the registry's own too (services/registry/platform_links.py), from publishing's event
KIND_NAMES = {"reply_due": "24小时回复", "feedback_due": "反馈受理情况", "verification_due": "核实办结",
              "directive_due": "统一发布指令", "emergency_due": "突发事件2小时发布", "emergency_clock": "突发事件发布时限",
              "dormant": "账号长期未更新",
              "fix_due": "督查整改", "shift": "值班", "fix_overdue": "督查整改逾期", "fix_escalated": "督查整改逾期上报",
              "dormancy_due": "僵尸号整改通知", "password_age": "平台密码到期", "connection_expired": "平台接口凭据失效",
              "report_due": "季度简报、专报待报送"}
LINK_KINDS = ("message", "directive", "draft", "account", "inspection", "roster", "dormancy_order", "account_security", "narratives", "emergency")


class SaidMessage(Schema):
    """A message with its values (govmb.messages.kept), for the reader's own language."""
    message = fields.String(required=True, validate=validate.Length(1, 400))  # catalogued, in the source language
    values = fields.Dict(keys=fields.String(), load_default=dict)  # plain JSON values
    catalogued = fields.List(fields.String(), load_default=list)  # the values that are messages themselves


class ReminderDue(Schema):
    key = fields.String(required=True, validate=validate.Length(1, 120))  # once per key, city-wide
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    unit_id = fields.Integer(required=True)
    roles = fields.List(fields.String(validate=validate.OneOf(ROLES)), required=True,
                        validate=validate.Length(min=1))  # who in the unit is reminded
    person_name = fields.String(load_default="", validate=validate.Length(max=50))  # one of them by name (a shift)
    title = fields.String(required=True, validate=validate.Length(1, 200))  # in the record's language (Chinese)
    title_said = fields.Nested(SaidMessage, load_default=None, allow_none=True)  # the same, to be said in each reader's
    due_at = fields.String(load_default=None, allow_none=True)  # ISO UTC
    link_kind = fields.String(required=True, validate=validate.OneOf(LINK_KINDS))
    link_id = fields.Integer(load_default=None, allow_none=True)
    urgent = fields.Boolean(load_default=False)  # an emergency: delivered in quiet hours too


CONTRACTS = tuple(Contract(f"{service}.reminder.due", 1, ReminderDue,
                           f"A deadline of the {service} service is near: remind the people it names (once per key).")
                  for service in ("inquiry", "publishing", "assessment"))

# Where the pages show what a reminder is about: the bell's links and the e-mails' and robots'.
LINK_PATHS = {"message": "/inbox/{id}", "directive": "/directives", "draft": "/drafts/{id}", "account": "/accounts/{id}",
              "inspection": "/inspections/{id}", "roster": "/roster", "dormancy_order": "/dormant/orders/{id}",
              "account_security": "/accounts/{id}/security",
              "narratives": "/narratives", "emergency": "/emergencies/{id}"}


def link_path(link_kind: str, link_id: int | None) -> str:
    return LINK_PATHS.get(link_kind, "/").format(id=link_id or "")
