"""A sentence with a value in it is one message (docs/i18n.md): `{{ _("共 %(n)s 条", n=total) }}`, which a
translation can reorder (Uyghur puts the verb last and writes a number's suffix after it), never a
Chinese piece written beside the value, `共 {{ n }} 条`, which the catalogue can only hold as the
fragments "共" and "条".

The scan reads each template's runs of text: the text between tags, the `{{ … }}`, and the `{% if %}`
around a part of a sentence; an element inside a sentence that only stands a word out (`<strong>`,
`<b>`, `<em>` …) does not end the run, any other tag does, and so do `{% else %}`, `{% for %}` and the
like (what they separate is not one sentence). A Chinese piece (a text with a Han character, or a
`_("…")` without a placeholder) directly beside a value, with nothing but spaces between, is a
fragment; a label before its value (`状态：{{ s }}`) is not. The attributes a person reads are
scanned the same way."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from jinja2 import Environment

from govmb.i18n import CJK
from web.i18n import VISIBLE

TEMPLATES = Path(__file__).parents[2] / "web" / "templates"
INLINE = {"strong", "b", "em", "i", "mark", "code", "kbd", "var", "time", "bdi", "q", "abbr", "u", "s", "sub", "sup"}
BREAKING_BLOCKS = re.compile(r"(else|elif|for|endfor|macro|endmacro|call|endcall|set|endset|block|endblock|with|endwith"
                             r"|extends|from|import|include|filter|endfilter|raw|endraw)\b")
LITERAL_MESSAGE = re.compile(r"""(?:_|gettext)\(\s*(["'])(.*?)\1\s*\)""", re.S)
LABEL_ENDS = ("：", ":")

# (template, the Chinese piece, the value's expression): a Chinese piece beside a value that is not
# a part of a sentence, each with its reason. None today: a label ends with its colon, a badge
# (<span>) or a link (<a>) ends the run, a title is set off by " · ".
ALLOWED: dict[tuple[str, str, str], str] = {}


@dataclass(frozen=True)
class Piece:
    kind: str  # "text", "var", "block" or "tag"
    value: str  # the text, the expression, the statement or the tag's name
    line: int


def pieces_of(source: str) -> tuple[list[Piece], list[list[Piece]]]:
    """The template as pieces of its text (tags among them), and the pieces of each visible
    attribute's value."""
    text: list[Piece] = []
    attributes: list[list[Piece]] = []
    mode, tag, quote, attribute = "text", "", "", None  # attribute: the pieces of a visible value
    for line, kind, value in _lexed(source):
        if kind != "data":
            if mode == "text":
                text.append(Piece(kind, value, line))
            elif mode == "value" and attribute is not None:
                attribute.append(Piece(kind, value, line))
            continue
        run, i = "", 0
        while i < len(value):
            ch = value[i]
            if mode == "text" and ch == "<":
                if run:
                    text.append(Piece("text", run, line))
                    run = ""
                if value.startswith("<!--", i):
                    end = value.find("-->", i)
                    i = len(value) if end < 0 else end + 3
                    continue
                mode, tag = "tag", ""
            elif mode == "text":
                run += ch
            elif mode == "tag" and ch in "\"'":
                name = tag.split()[-1].rstrip("=").strip().lower() if tag.split() else ""
                mode, quote, attribute = "value", ch, ([] if name in VISIBLE else None)
            elif mode == "tag" and ch == ">":
                name = re.match(r"\s*(/?)\s*([A-Za-z0-9]*)", tag)
                text.append(Piece("tag", (name.group(1) + name.group(2)).lower(), line))
                mode = "text"
            elif mode == "tag":
                tag += ch
            elif ch == quote:  # the end of an attribute's value
                if attribute is not None:
                    if run:
                        attribute.append(Piece("text", run, line))
                    attributes.append(attribute)
                run, attribute, mode, tag = "", None, "tag", tag + " x "
            else:
                run += ch
            i += 1
        if run and mode == "text":
            text.append(Piece("text", run, line))
        elif run and attribute is not None:
            attribute.append(Piece("text", run, line))
    return text, attributes


def _lexed(source: str):
    """(line, "data"/"var"/"block", value): the template's data and its tags' contents."""
    current = None
    for line, token, value in Environment().lex(source):
        if token in ("variable_begin", "block_begin"):
            current = ["var" if token == "variable_begin" else "block", "", line]
        elif token in ("variable_end", "block_end"):
            yield current[2], current[0], current[1].strip()
            current = None
        elif token.startswith("comment") or token == "linecomment":
            continue
        elif current is not None:
            current[1] += value
        elif token == "data":
            yield line, "data", value


def macros() -> set[str]:
    """The templates' macros: a call to one writes markup (an element, a link), not a value."""
    found = {"super", "caller", "csrf_token"}
    for path in TEMPLATES.rglob("*.html"):
        found |= set(re.findall(r"{%-?\s*macro\s+(\w+)", path.read_text(encoding="utf-8")))
    return found


def kind_of(piece: Piece, markup: set[str]) -> str:
    """"zh" (a Chinese piece), "value", "space" (nothing between two pieces of one sentence), or
    "break" (the end of a run, or something that is neither: a message with placeholders, markup)."""
    if piece.kind == "text":
        return "zh" if CJK.search(piece.value) else "space" if not piece.value.strip() else "break"
    if piece.kind == "tag":
        return "space" if piece.value.lstrip("/") in INLINE else "break"
    if piece.kind == "block":
        return "break" if BREAKING_BLOCKS.match(piece.value) else "space"
    literal = LITERAL_MESSAGE.fullmatch(piece.value)
    if literal:
        return "zh" if CJK.search(literal.group(2)) and "%(" not in literal.group(2) else "break"
    called = re.match(r"(\w+)\s*\(", piece.value)
    if called and (called.group(1) in markup or called.group(1) in ("_", "gettext", "ngettext")):
        return "break"
    return "value"


def chinese_of(piece: Piece) -> str:
    literal = LITERAL_MESSAGE.fullmatch(piece.value) if piece.kind == "var" else None
    return (literal.group(2) if literal else piece.value).strip()


def fragments_in(run: list[Piece], markup: set[str]) -> list[tuple[Piece, Piece]]:
    """(Chinese piece, value) side by side in the run."""
    shown = [(p, kind_of(p, markup)) for p in run]
    shown = [(p, k) for p, k in shown if k != "space"]
    found = []
    for (a, ka), (b, kb) in zip(shown, shown[1:]):
        if (ka, kb) == ("zh", "value") and not chinese_of(a).endswith(LABEL_ENDS):
            found.append((a, b))
        elif (ka, kb) == ("value", "zh"):
            found.append((b, a))
    return found


def fragments(source: str, markup: set[str]) -> list[tuple[Piece, Piece]]:
    text, attributes = pieces_of(source)
    return [f for run in (text, *attributes) for f in fragments_in(run, markup)]


def test_no_template_writes_a_sentence_around_a_value_in_pieces():
    markup = macros()
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        name = path.relative_to(TEMPLATES).as_posix()
        for zh, value in fragments(path.read_text(encoding="utf-8"), markup):
            if (name, chinese_of(zh), value.value) not in ALLOWED:
                found.append(f"{name}:{zh.line}: {chinese_of(zh)!r} beside {{{{ {value.value} }}}}")
    assert not found, ("a sentence with a value written in pieces: make it one message, "
                       "{{ _(\"共 %(n)s 条\", n=total) }} (docs/i18n.md)\n" + "\n".join(found))


@pytest.mark.parametrize("source", [
    "<p>共 {{ n }} 条</p>",
    '<p>{{ _("共") }} {{ n }} {{ _("条") }}</p>',
    '<p>{{ _("共") }} <strong>{{ n }}</strong> {{ _("条") }}</p>',
    '<p>{% if n %}{{ _("共") }} {{ n }}{% endif %}</p>',
    "<p>（{{ name }} 已确认）</p>",
    '<a title="共 {{ n }} 条">x</a>',
])
def test_the_scan_finds_a_sentence_in_pieces(source):
    assert fragments(source, macros())


@pytest.mark.parametrize("source", [
    '<p>{{ _("共 %(n)s 条", n=n) }}</p>',
    '<p>{{ _("状态") }}：{{ s }}</p>',
    "<p>账号：{{ name }}</p>",
    '<h1>{{ _("关注名单") }} · {{ account.name }}</h1>',
    '<p>{{ _("相关稿件") }}（{{ n }}）</p>',
    '<td>{{ s.status_name }}{% if late %} <span class="badge">{{ _("逾期") }}</span>{% endif %}</td>',
    '<td>{% if v %}{{ v }}{% else %}{{ _("无") }}{% endif %}</td>',
    '<label>{{ _("正文") }}{{ err(errors, "text") }}</label>',
    '<a title="{{ x }}">共 3 条</a>',
])
def test_the_scan_leaves_labels_and_separate_pieces(source):
    assert not fragments(source, macros())
