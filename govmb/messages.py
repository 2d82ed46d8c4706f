"""The libraries' stock messages (marshmallow's field and validator errors, webargs', werkzeug's
HTTP errors) said in the product's source language, Simplified Chinese, and catalogued like every
other string (docs/i18n.md): each is a `Catalogued` text, which says itself in the request's
language when it is formatted. No Flask here (the domain modules use `translated`): the HTTP
layer (govmb.i18n) installs the lookup with `set_translator`."""
from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from marshmallow import Schema, fields, validate

_translate: Callable[[str], str] = str
# A lookup in one given language, for what is written outside a request (govmb.locales.speaking).
_speaking: ContextVar[Callable[[str], str] | None] = ContextVar("govmb_speaking", default=None)


def N_(text: str) -> str:
    """Marks a text for the catalogue without translating it (it is translated where it is shown)."""
    return text


def set_translator(lookup: Callable[[str], str]) -> None:
    """The catalogue lookup of the request's language (the identity outside a request)."""
    global _translate
    _translate = lookup


def translate(text: str) -> str:
    chosen = _speaking.get()
    return chosen(text) if chosen is not None else _translate(text)


@contextmanager
def speaking(lookup: Callable[[str], str]) -> Iterator[None]:
    """Every message said within it is looked up with `lookup` (one language, given), not in the
    request's: govmb.locales.speaking."""
    token = _speaking.set(lookup)
    try:
        yield
    finally:
        _speaking.reset(token)


class Catalogued(str):
    """A message in the source language whose `format` (what marshmallow calls as it raises)
    looks the untouched text up in the catalogue first, so the placeholders are filled in the
    reader's language: `"长度不能超过 {max}"` → `"…{max}…"` in Uyghur → `"…20…"`."""

    def format(self, *args, **kwargs) -> str:
        return translate(str(self)).format(*args, **kwargs)


class Said(str):
    """A message said with its values: the reader's language as the text, and the message and values
    kept, so that what is stored can be written in the source language (`source`)."""

    def __new__(cls, shown: str, text: str, values: dict):
        said_ = super().__new__(cls, shown)
        said_.message, said_.values = text, values
        return said_

    def __getnewargs__(self):  # copied and pickled whole (a schema's messages are deep-copied)
        return str(self), self.message, self.values


def said(text: str, **values) -> str:
    """A catalogued message with values in it, in the request's language:
    `said("已提交：{name}", name=…)` (an f-string could not be looked up). A value that is itself
    a message, `Catalogued("手机号码")`, is looked up too; any other value (a name) is left as it is."""
    shown = Catalogued(text).format(**{k: translate(str(v)) if isinstance(v, Catalogued) else v
                                       for k, v in values.items()})
    return Said(shown, text, values)


def source(value):
    """A text as it is stored: a message said in the reader's language (`said`) in the source
    language instead (the record's, which every reader shares: an audit row is not Uyghur because
    a Uyghur reader's request wrote it); any other value as it is."""
    if isinstance(value, Said):
        return value.message.format(**{k: source(v) for k, v in value.values.items()})
    return str(value) if isinstance(value, Catalogued) else value


def kept(value) -> dict | None:
    """A message said with its values (`said`) as data an event or a row can carry, so that each
    reader is told it later in their own language (`said_again`): the message, its values (plain
    JSON: a value said itself is kept in the source language), and which values are messages to
    look up too. None for any other text."""
    if not isinstance(value, Said):
        return None
    values = {k: v if isinstance(v, (int, float, bool)) or v is None else str(source(v)) for k, v in value.values.items()}
    looked_up = sorted(k for k, v in value.values.items() if isinstance(v, Catalogued))
    return {"message": value.message, "values": values, "catalogued": looked_up}


def said_again(message: dict | None, stored: str) -> str:
    """A message kept as data (`kept`) said in the reader's language; the text as it was stored,
    looked up as a whole, when none was kept or the message does not fit its values."""
    if not message:
        return translate(stored)
    looked_up = set(message.get("catalogued", ()))
    values = {k: Catalogued(v) if k in looked_up else v for k, v in message.get("values", {}).items()}
    try:
        return said(message["message"], **values)
    except (KeyError, IndexError, ValueError, AttributeError, TypeError):
        return translate(stored)


def kept_json(value) -> str | None:
    """`kept` as the JSON text a column holds (None for a text not said with values)."""
    message = kept(value)
    return json.dumps(message, ensure_ascii=False) if message else None


def said_again_json(message: str | None, stored: str) -> str:
    """`said_again` from the JSON text of a column (`kept_json`)."""
    return said_again(json.loads(message) if message else None, stored)


class RangeMessage(Catalogued):
    """marshmallow's Range builds its messages at construction from an operator word ("greater
    than"); here the operators are keys (see `_OPERATORS`) and each pair picks a whole sentence."""

    def format(self, *args, **kwargs) -> str:
        if "min_op" in kwargs or "max_op" in kwargs:
            return Catalogued(RANGES[(kwargs.get("min_op"), kwargs.get("max_op"))])
        return super().format(*args, **kwargs)


# marshmallow's Range: (the operator of the lower bound, of the upper bound) → the sentence
RANGES = {
    (">=", None): N_("不能小于 {min}"), (">", None): N_("须大于 {min}"),
    (None, "<="): N_("不能大于 {max}"), (None, "<"): N_("须小于 {max}"),
    (">=", "<="): N_("须在 {min} 至 {max} 之间"), (">", "<="): N_("须大于 {min} 且不大于 {max}"),
    (">=", "<"): N_("须不小于 {min} 且小于 {max}"), (">", "<"): N_("须大于 {min} 且小于 {max}"),
}
_OPERATORS = {"message_gte": ">=", "message_gt": ">", "message_lte": "<=", "message_lt": "<"}

FIELD_MESSAGES: dict[type, dict[str, str]] = {
    fields.Field: {"required": N_("此项必填"), "null": N_("此项不能为空"), "validator_failed": N_("取值不正确")},
    fields.Boolean: {"invalid": N_("须为是或否（true/false）")},
    fields.Integer: {"invalid": N_("须为整数")},
    fields.Number: {"invalid": N_("须为数字"), "too_large": N_("数值过大")},
    fields.Float: {"special": N_("不接受 NaN 或无穷大")},
    fields.Decimal: {"special": N_("不接受 NaN 或无穷大")},
    fields.String: {"invalid": N_("须为文本"), "invalid_utf8": N_("须为 UTF-8 编码的文本")},
    fields.List: {"invalid": N_("须为列表")},
    fields.Tuple: {"invalid": N_("须为列表")},
    fields.Mapping: {"invalid": N_("须为对象")},
    fields.Nested: {"type": N_("须为对象")},
    fields.Enum: {"unknown": N_("须为以下之一：{choices}")},
    fields.Url: {"invalid": N_("须为有效的网址")},
    fields.Email: {"invalid": N_("须为有效的电子邮件地址")},
    fields.UUID: {"invalid_uuid": N_("须为有效的 UUID")},
    fields.IP: {"invalid_ip": N_("须为有效的 IP 地址")},
    fields.IPv4: {"invalid_ip": N_("须为有效的 IPv4 地址")},
    fields.IPv6: {"invalid_ip": N_("须为有效的 IPv6 地址")},
    fields.TimeDelta: {"invalid": N_("须为有效的时长"), "format": N_("无法表示为时长")},
    fields.DateTime: {"invalid": N_("须为 ISO 8601 格式的日期时间"), "format": N_("无法表示为日期时间"),
                      "invalid_awareness": N_("须为带时区的日期时间，例如 2026-11-01T09:00:00+08:00")},
    fields.NaiveDateTime: {"invalid_awareness": N_("须为不带时区的日期时间")},
    fields.AwareDateTime: {"invalid_awareness": N_("须为带时区的日期时间，例如 2026-11-01T09:00:00+08:00")},
    fields.Date: {"invalid": N_("须为 ISO 8601 格式的日期，例如 2026-11-01"), "format": N_("无法表示为日期")},
    fields.Time: {"invalid": N_("须为 ISO 8601 格式的时间，例如 09:30")},
}

VALIDATOR_MESSAGES: dict[type, dict[str, str]] = {
    validate.Length: {"message_min": N_("长度不能少于 {min}"), "message_max": N_("长度不能超过 {max}"),
                      "message_all": N_("长度须在 {min} 至 {max} 之间"), "message_equal": N_("长度须为 {equal}")},
    validate.OneOf: {"default_message": N_("须为以下之一：{choices}")},
    validate.ContainsOnly: {"default_message": N_("所选的项须在以下之中：{choices}")},
    validate.ContainsNoneOf: {"default_message": N_("所选的项不能是：{values}")},
    validate.NoneOf: {"default_message": N_("取值不正确")},
    validate.Predicate: {"default_message": N_("取值不正确")},
    validate.Equal: {"default_message": N_("须等于 {other}")},
    validate.Regexp: {"default_message": N_("格式不正确")},
    validate.URL: {"default_message": N_("须为有效的网址")},
    validate.Email: {"default_message": N_("须为有效的电子邮件地址")},
}

SCHEMA_MESSAGES = {"type": N_("输入类型不正确"), "unknown": N_("不接受此字段")}

# Texts the libraries write in English with no setting to change them: the English → its catalogued text.
LIBRARY_TEXTS = {
    "Invalid JSON body.": N_("请求体不是有效的 JSON"),  # webargs' flaskparser
    "Unknown field.": N_("不接受此字段"),
}


def install() -> None:
    """marshmallow's defaults, once per process, before any schema is made (govmb is imported
    first by every service and the web app)."""
    for cls, messages in FIELD_MESSAGES.items():
        cls.default_error_messages = {**cls.__dict__.get("default_error_messages", {}),
                                      **{k: Catalogued(v) for k, v in messages.items()}}
    for cls, messages in VALIDATOR_MESSAGES.items():
        for attribute, text in messages.items():
            setattr(cls, attribute, Catalogued(text))
    for attribute, operator in _OPERATORS.items():
        setattr(validate.Range, attribute, operator)
    for attribute in ("message_min", "message_max", "message_all"):
        setattr(validate.Range, attribute, RangeMessage(attribute))
    Schema._default_error_messages = {k: Catalogued(v) for k, v in SCHEMA_MESSAGES.items()}


def translated(messages):
    """The same structure (dicts, lists, strings), each text looked up in the catalogue of the
    request's language (a library's fixed English text by its catalogued Chinese)."""
    if isinstance(messages, dict):
        return {k: translated(v) for k, v in messages.items()}
    if isinstance(messages, (list, tuple)):
        return [translated(m) for m in messages]
    if isinstance(messages, str):
        return translate(LIBRARY_TEXTS.get(messages, str(messages)))
    return messages


install()
