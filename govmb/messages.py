"""Marshmallow's stock validation messages, said in Chinese for the people who read them."""
from __future__ import annotations

import re

_RULES: tuple[tuple[re.Pattern, str], ...] = tuple((re.compile(p), r) for p, r in (
    (r"^Missing data for required field\.$", "此项必填"),
    (r"^Field may not be null\.$", "此项不能为空"),
    (r"^Unknown field\.$", "不接受此字段"),
    (r"^Not a valid integer\.$", "须为整数"),
    (r"^Not a valid number\.$", "须为数字"),
    (r"^Not a valid string\.$", "须为文本"),
    (r"^Not a valid boolean\.$", "须为是或否（true/false）"),
    (r"^Not a valid list\.$", "须为列表"),
    (r"^Not a valid mapping type\.$", "须为对象"),
    (r"^Not a valid (date|datetime|time)\.$", "须为 ISO 8601 格式的日期时间"),
    (r"^Not a valid aware datetime\.$", "须为带时区的日期时间，例如 2026-11-01T09:00:00+08:00"),
    (r"^Invalid input type\.$", "输入类型不正确"),
    (r"^Invalid value\.$", "取值不正确"),
    (r"^String does not match expected pattern\.$", "格式不正确"),
    (r"^Length must be between (\d+) and (\d+)\.$", r"长度须在 \1 至 \2 之间"),
    (r"^Shorter than minimum length (\d+)\.$", r"长度不能少于 \1"),
    (r"^Longer than maximum length (\d+)\.$", r"长度不能超过 \1"),
    (r"^Must be greater than or equal to (\S+) and less than or equal to (\S+)\.$", r"须在 \1 至 \2 之间"),
    (r"^Must be greater than or equal to (\S+)\.$", r"不能小于 \1"),
    (r"^Must be less than or equal to (\S+)\.$", r"不能大于 \1"),
    (r"^Must be one of: (.*)\.$", r"须为以下之一：\1"),
    (r"^Number too large\.$", "数值过大"),
))


def in_chinese(messages):
    """The same structure (dicts, lists, strings), each known message said in Chinese."""
    if isinstance(messages, dict):
        return {k: in_chinese(v) for k, v in messages.items()}
    if isinstance(messages, list):
        return [in_chinese(m) for m in messages]
    if isinstance(messages, str):
        for pattern, replacement in _RULES:
            if pattern.match(messages):
                return pattern.sub(replacement, messages)
    return messages
