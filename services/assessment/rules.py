"""The assessment's weights and thresholds: defaults from the regulations, editable by the office.

The seeds fix the thresholds (24 hours, 3 and 10 working days, 20 and 10 posts a month,
60 % original, 2 hours; the national norms' 14 days without an update and 3 months
without an answer). They give no weights: the defaults below share 100 points among the
indicators of X20.5 and N19–N20, and the office sets its own each year.
"""
from __future__ import annotations

import json

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from govmb.messages import said
from govmb.schemas import Integer
from govmb.timefmt import utcnow
from services.assessment.models import RuleSetting, db

INDICATORS = {
    "reply_timeliness": "网民反映问题回复及时率",
    "resolution": "问题解决率",
    "quota": "月度发稿指标完成率",
    "original": "原创率",
    "emergency": "突发事件2小时内发布率",
    "forwarding": "统一口径按时转发率",
    "satisfaction": "网民满意率",
}

DEFAULTS = {
    # satisfaction (issue 19, N19: units that leave citizens unsatisfied are named): 5 points taken
    # from the resolution rate, which it judges the quality of; with no rating yet it scores full
    # marks, so a unit's total moves by 5 × (1 − its resolution rate) at most.
    "weights": {"reply_timeliness": 25, "resolution": 15, "quota": 20, "original": 10, "emergency": 10,
                "forwarding": 15, "satisfaction": 5},
    # N11's posts a month by category: publishing counts against its own copy (figures.QUOTA) and
    # reports the quota with each month; this one only fills a month not reported yet, so it is
    # not among the settings the office edits.
    "quotas": {"livelihood": 20, "policy": 10},
    "return_penalty": 2.0,  # points off for each transfer returned (推诿, N15)
    "original_target": 0.6,  # N14: at least 60 % original
    "dormant_days": 14,  # 国办秘函〔2019〕19号: no update in the 2 weeks before the check
    "unanswered_months": 3,  # ditto: valid messages unanswered for more than 3 months
    "grades": {"excellent": 90, "good": 75, "pass": 60},
    "commend_top": 3,  # units commended at year end (X20.5)
    "warn_dormant_days": 10,  # early warning: this many days without a post
    "warn_unanswered_days": 60,  # early warning: a message unanswered this long
}


OPTIONAL = {"satisfaction": 0}  # weights a client written before the indicator may leave out (then none)


class Weights(Schema.from_dict({k: fields.Float(validate=validate.Range(min=0, max=100),
                                              **({"load_default": OPTIONAL[k]} if k in OPTIONAL else {"required": True}))
                                 for k in INDICATORS})):
    @validates_schema
    def _hundred(self, data, **_):
        if abs(sum(data.values()) - 100) > 1e-6:
            raise ValidationError(said("各项权重之和应为 100，现为 {sum:g}", sum=sum(data.values())), "weights")


class Grades(Schema):
    excellent = fields.Float(required=True, validate=validate.Range(min=0, max=100))
    good = fields.Float(required=True, validate=validate.Range(min=0, max=100))
    pass_ = fields.Float(required=True, data_key="pass", attribute="pass", validate=validate.Range(min=0, max=100))

    @validates_schema
    def _ordered(self, data, **_):
        if not data["excellent"] >= data["good"] >= data["pass"]:
            raise ValidationError("等次分数线应满足 优秀 ≥ 良好 ≥ 合格", "grades")


class RulesSchema(Schema):
    """The office's settings; every key optional in an update."""
    weights = fields.Nested(Weights)
    return_penalty = fields.Float(validate=validate.Range(min=0, max=100))
    original_target = fields.Float(validate=validate.Range(min=0, max=1))
    dormant_days = Integer(validate=validate.Range(min=1, max=365))
    unanswered_months = Integer(validate=validate.Range(min=1, max=24))
    grades = fields.Nested(Grades)
    commend_top = Integer(validate=validate.Range(min=0, max=100))
    warn_dormant_days = Integer(validate=validate.Range(min=1, max=365))
    warn_unanswered_days = Integer(validate=validate.Range(min=1, max=730))


def current() -> dict:
    """The rules in force: the defaults, overridden by what the office saved. Weights saved before
    an indicator existed give it none: their totals stay as they were."""
    rules = json.loads(json.dumps(DEFAULTS))
    for row in RuleSetting.select():
        rules[row.key] = json.loads(row.value)
    rules["weights"] = {k: rules["weights"].get(k, 0) for k in INDICATORS}
    return rules


def save(changes: dict, who: str) -> dict:
    with db.atomic():
        for key, value in changes.items():
            (RuleSetting.insert(key=key, value=json.dumps(value, ensure_ascii=False), updated_by=who)
             .on_conflict(conflict_target=[RuleSetting.key],
                          update={RuleSetting.value: json.dumps(value, ensure_ascii=False),
                                  RuleSetting.updated_by: who, RuleSetting.updated_at: utcnow()})
             .execute())
    return current()
