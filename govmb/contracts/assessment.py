"""The words the assessment service and the pages share for the training register, and the one
event of its own that another service acts on: a dormant account's closure order."""
from marshmallow import Schema, fields, validate

from govmb.contracts.base import Contract

TRAINING_KIND_NAMES = {"course": "授课培训", "exchange": "经验交流座谈会"}
TRAINER_KIND_NAMES = {"platform_expert": "平台技术专家", "leader": "有关领导", "scholar": "学者",
                      "site_manager": "网站负责人", "opinion_leader": "意见领袖", "practitioner": "先进单位代表"}


# --- dormant accounts (僵尸号): the closure order the registry acts on --------------------------
class ClosureOrdered(Schema):
    """An account still dormant at its rectification order's deadline is ordered closed (责令关闭)
    by the joint-meeting office or supervision: the registry opens its closing request, recorded
    as ordered by that person (services/registry/handlers.py)."""
    order_id = fields.Integer(required=True, validate=validate.Range(min=1))
    account_id = fields.Integer(required=True, validate=validate.Range(min=1))
    unit_id = fields.Integer(required=True, validate=validate.Range(min=1))
    reason = fields.String(required=True, validate=validate.Length(1, 2000))
    ordered_by_id = fields.Integer(required=True, validate=validate.Range(min=1))  # the registry's person
    ordered_by = fields.String(required=True, validate=validate.Length(1, 50))
    ordered_at = fields.String(required=True)  # ISO UTC


CLOSURE_ORDERED = "assessment.account.closure_ordered"
CONTRACTS = (Contract(CLOSURE_ORDERED, 1, ClosureOrdered,
                      "A dormant account was ordered closed after its rectification order's deadline; "
                      "the registry opens its closing request (once: a repeat finds it no longer active)."),)
