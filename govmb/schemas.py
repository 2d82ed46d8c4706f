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


class TodoItemSchema(Schema):
    """One waiting item (`govmb.todo`): what it is, its deadline, its unit; its page's id."""
    id = fields.Integer()
    title = fields.String()
    due_at = BeijingDateTime(allow_none=True, metadata={"description": "期限（北京时间）；无期限的为空"})
    since = BeijingDateTime(allow_none=True, metadata={"description": "自何时等待（提交、申请、下发的时间）"})
    unit_id = fields.Integer(allow_none=True)
    unit_name = fields.String()
    status = fields.String(allow_none=True)
    detail = fields.String(allow_none=True, metadata={"description": "补充说明（如值班时段、转办说明）"})


class TodoGroupSchema(Schema):
    """One kind of work waiting for the caller (`govmb.todo`): how many, how urgent, the most urgent few."""
    kind = fields.String(metadata={"description": "待办类别，如 applications、drafts_to_check、messages"})
    label = fields.String(metadata={"description": "类别名称（中文）"})
    count = fields.Integer(metadata={"description": "总数（一条计数查询）"})
    overdue = fields.Integer(metadata={"description": "已逾期"})
    due_soon = fields.Integer(metadata={"description": "4 小时内到期（以日期为期限的：今天到期）"})
    due_today = fields.Integer(metadata={"description": "今天（北京时间）内到期，未逾期"})
    earliest_due = BeijingDateTime(allow_none=True, metadata={"description": "最早的期限"})
    items = fields.List(fields.Nested(TodoItemSchema), metadata={"description": "最紧急的至多 5 项"})


class AsAnswered(Schema):
    """The schema of an answer its view builds itself, JSON-ready (a domain function's dicts): it
    describes the answer in the OpenAPI, and the fuzz tests hold every answer to it
    (tests/security/test_fuzz.py, response_schema_conformance), but the answer goes out as the
    view made it, so that a key the domain adds is not dropped before its schema names it."""

    def dump(self, obj, *, many=None):
        return obj


class RowErrorSchema(Schema):
    """A row of an imported file that was not saved: its number (the header is row 1) and what is
    wrong with it, field by field."""
    row = fields.Integer(metadata={"description": "行号（表头为第 1 行）"})
    errors = fields.Dict(keys=fields.String(), values=fields.String(), metadata={"description": "字段 → 错误信息"})


class ListWrittenSchema(AsAnswered):
    """What a batch written into a word list gives back: how many, and the list's new version."""
    written = fields.Integer(metadata={"description": "新增或修改的条数"})
    version = fields.Integer(metadata={"description": "词表的新版本号"})
