"""The web app's catalogue (docs/i18n.md). Templates are written in Chinese, the source language;
this Jinja extension marks, as each template is compiled, every Chinese text a person reads as a
catalogued message, so that nobody wraps each line in `_()` by hand:

- text between tags: `<th>状态</th>` is compiled as `<th>{{ _catalogued_html("状态") }}</th>`;
- the attributes a person reads (placeholder, title, aria-label, alt, hx-confirm…, and the
  value of a button);
- string literals in expressions: `{{ '正常' if ok else '不可用' }}`, a macro's `label="筛选"`
  (not those already given to `_()`/gettext, nor those compared with `==`/`!=`/`in`).

`pybabel`'s Jinja extractor run with this extension (ops.catalogue) finds the same messages, and
at render each is looked up in the catalogue of the person's language. Strings that reach a
template from Python (flash messages, labels, the services' answers) are looked up as they are
written out (`finalize`)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from babel import Locale
from flask import Flask, has_request_context, session
from jinja2 import pass_context
from jinja2.ext import Extension
from jinja2.lexer import Token
from markupsafe import Markup

from govmb import i18n
from govmb.i18n import CJK, DEFAULT_LOCALE

__all__ = ["CatalogueText", "DEFAULT_LOCALE", "init_app"]

VISIBLE = {"placeholder", "title", "aria-label", "aria-description", "alt", "label", "hx-confirm", "hx-prompt",
           "data-confirm", "content"}
BUTTONS = {"submit", "button", "reset"}
GETTEXT = {"_", "gettext", "ngettext", "pgettext", "npgettext", "lazy_gettext"}
COMPARISONS = {"eq", "ne"}
RAW_TAGS = {"script", "style", "pre", "textarea"}
HTML_CALL, TEXT_CALL = "_catalogued_html", "_catalogued"


def message_of(text: str) -> str:
    """A text as its message: the spaces between words as one (what the browser shows)."""
    return re.sub(r"\s+", " ", text.strip())


class _Html:
    """Where the template's HTML stands, carried from one data token to the next (a text or an
    attribute goes on after an expression): text, inside a tag, inside a quoted value, a comment,
    or the raw content of a script, a style, a pre or a textarea."""

    def __init__(self):
        self.mode, self.tag, self.attr, self.quote, self.buffer = "text", "", "", "", ""
        self.attrs: dict[str, str] = {}

    def scan(self, data: str) -> list[tuple[bool, str]]:
        """The data as pieces: (True, a text to catalogue) or (False, HTML kept as it is)."""
        self.pieces: list[tuple[bool, str]] = []
        self.run = ""
        i = 0
        while i < len(data):
            i = getattr(self, f"_{self.mode}")(data, i)
        self._flush(self.mode in ("text", "value") and self._visible())
        return self.pieces

    def _visible(self) -> bool:
        if self.mode == "text":
            return True
        if self.attr == "value":
            return self.tag == "input" and self.attrs.get("type") in BUTTONS  # a <button>'s value is sent, not shown
        return self.attr in VISIBLE

    def _flush(self, translatable: bool) -> None:
        text, self.run = self.run, ""
        core = text.strip()
        if translatable and CJK.search(core):
            start = text.index(core)
            self.pieces += [(False, text[:start]), (True, core), (False, text[start + len(core):])]
        elif text:
            self.pieces.append((False, text))

    def _keep(self, text: str) -> None:
        self._flush(False)
        self.pieces.append((False, text))

    def _text(self, data: str, i: int) -> int:
        if data[i] != "<":
            self.run += data[i]
            return i + 1
        self._flush(True)
        if data.startswith("<!--", i):
            self.mode = "comment"
            self._keep("<!--")
            return i + 4
        self.mode, self.tag, self.buffer, self.attrs = "tag", "", "", {}
        self._keep("<")
        return i + 1

    def _comment(self, data: str, i: int) -> int:
        end = data.find("-->", i)
        if end < 0:
            self._keep(data[i:])
            return len(data)
        self.mode = "text"
        self._keep(data[i:end + 3])
        return end + 3

    def _raw(self, data: str, i: int) -> int:
        end = data.lower().find(f"</{self.tag}", i)
        if end < 0:
            self._keep(data[i:])
            return len(data)
        self.mode = "text"
        self._keep(data[i:end])
        return end

    def _tag(self, data: str, i: int) -> int:
        ch = data[i]
        self._keep(ch)
        if ch in "\"'":
            self.mode, self.quote, self.attr = "value", ch, self.buffer.split("=")[0].strip().lower()
            self.buffer = ""
        elif ch == ">":
            self._end_of_tag()
        else:
            self.buffer += ch
            if not self.tag and ch.isspace() and self.buffer.strip():
                self.tag, self.buffer = self.buffer.strip().lower(), ""
            elif ch.isspace() and "=" not in self.buffer:
                self.buffer = ""
        return i + 1

    def _end_of_tag(self) -> None:
        tag = self.tag or self.buffer.strip().rstrip("/").lower()
        self.tag = tag
        self.mode = "raw" if tag in RAW_TAGS else "text"

    def _value(self, data: str, i: int) -> int:
        ch = data[i]
        if ch != self.quote:
            self.run += ch
            return i + 1
        self.attrs[self.attr] = self.run.strip().lower()
        self._flush(self._visible())
        self._keep(ch)
        self.mode, self.buffer = "tag", ""
        return i + 1


class CatalogueText(Extension):
    """Marks the Chinese texts of every template as catalogued messages (see the module's doc)."""

    def __init__(self, environment):
        super().__init__(environment)
        environment.globals.setdefault(HTML_CALL, lambda text: Markup(i18n.lookup(text)))
        environment.globals.setdefault(TEXT_CALL, i18n.lookup)

    def filter_stream(self, stream):
        tokens = list(stream)
        html, depth, entering = _Html(), 0, False  # depth: inside a gettext call, whose strings are its own
        for n, token in enumerate(tokens):
            if token.type == "data":
                yield from self._data(token, html)
                continue
            if token.type == "lparen" and (entering or depth):
                depth, entering = depth + 1, False
            elif token.type == "rparen" and depth:
                depth -= 1
            entering = token.type == "name" and token.value in GETTEXT and n + 1 < len(tokens) \
                and tokens[n + 1].type == "lparen"
            if token.type == "string" and not depth and CJK.search(token.value) and not _compared(tokens, n):
                yield from _call(token.lineno, TEXT_CALL, token.value, braces=False)
            else:
                yield token

    @staticmethod
    def _data(token: Token, html: _Html):
        for translatable, text in html.scan(token.value):
            if translatable:
                yield from _call(token.lineno, HTML_CALL, message_of(text), braces=True)
            elif text:
                yield Token(token.lineno, "data", text)


def _compared(tokens: list[Token], n: int) -> bool:
    before = tokens[n - 1] if n else None
    after = tokens[n + 1] if n + 1 < len(tokens) else None
    return any(t is not None and (t.type in COMPARISONS or (t.type == "name" and t.value in ("in", "not")))
               for t in (before, after))


def _call(lineno: int, function: str, text: str, braces: bool):
    if braces:
        yield Token(lineno, "variable_begin", "{{")
    yield Token(lineno, "name", function)
    yield Token(lineno, "lparen", "(")
    yield Token(lineno, "string", text)
    yield Token(lineno, "rparen", ")")
    if braces:
        yield Token(lineno, "variable_end", "}}")


def finalize(value):
    """Every `{{ … }}` as it is written out: a Chinese text from Python (a flash message, a
    label, a service's message) in the person's language, when the catalogue has it."""
    if type(value) is str and CJK.search(value):
        return i18n.lookup(value, record=False)
    return value


def values_shown(gettext):
    """`_("共 %(n)s 条", n=total)`: each value put into a message as `{{ value }}` would show it
    (`finalize`), so that a label from Python named in a sentence is in the person's language too."""
    @pass_context
    def gettext_with_values(context, string, **variables):
        return context.call(gettext, string, **{name: finalize(value) for name, value in variables.items()})
    return gettext_with_values


def chosen_locale() -> str:
    """The person's choice of language (kept in the session), the browser's, or Chinese."""
    chosen = session.get("locale") if has_request_context() else None
    return chosen if chosen in i18n.available() else i18n.accepted_locale()


@dataclass(frozen=True)
class PageLanguage:
    """What a page declares of its language: `<html lang dir>` (BCP 47 tag; right to left for Uyghur)."""
    tag: str
    direction: str


@cache
def page_language_of(locale: str) -> PageLanguage:
    parsed = Locale.parse(locale)
    tag = "-".join(part for part in (parsed.language, parsed.script, parsed.territory) if part)
    return PageLanguage(tag, "rtl" if parsed.text_direction == "rtl" else "ltr")


def page_language() -> dict:
    return {"page_language": page_language_of(chosen_locale())}


def init_app(app: Flask, directory) -> None:
    i18n.init_app(app, directory, chosen_locale)
    app.jinja_env.add_extension(CatalogueText)
    app.jinja_env.finalize = finalize
    app.jinja_env.globals["gettext"] = values_shown(app.jinja_env.globals["gettext"])  # `_` calls it
    app.context_processor(page_language)
