"""The catalogues (docs/i18n.md), extracted from the code: the web app's (web/translations: its
templates' Chinese texts as `web.i18n.CatalogueText` marks them, and the Chinese strings of its
Python) and the services' (govmb/translations: the Chinese strings of govmb/ and services/, the
domain's messages and the libraries' stock messages among them).

    python -m ops.catalogue update   # (make catalogue) every catalogue in step with the code
    python -m ops.catalogue check    # what is missing or left over in each, exit 1 if anything
    python -m ops.catalogue add ug   # a new locale: its catalogue, every message to translate
    python -m ops.catalogue fstrings # the Chinese f-strings, which no catalogue can hold (to rewrite with `said`)

The source language is zh_Hans: its catalogue says each message as itself. Another locale's
message without a translation (or fuzzy) counts as missing (tests/unit/test_catalogues.py)."""
from __future__ import annotations

import ast
import copy
import datetime as dt
import sys
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po, write_po

from govmb.config import ROOT
from govmb.i18n import CJK, DEFAULT_LOCALE
from web.i18n import HTML_CALL, TEXT_CALL

KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None, "lazy_gettext": None, "_l": None, HTML_CALL: None, TEXT_CALL: None}
DATE = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)  # fixed: an update changes the file only when a message does
PYTHON = "ops.catalogue:extract_python"
JINJA = "jinja2.ext:babel_extract"
IGNORE = [("**/node_modules/**", "ignore"), ("**/migrations/**", "ignore"), ("**/demo.py", "ignore"),
          ("**/translations/**", "ignore")]


@dataclass(frozen=True)
class Source:
    directory: str  # under the repository's root
    methods: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Domain:
    name: str
    translations: Path
    sources: tuple[Source, ...]


DOMAINS = (
    Domain("web", ROOT / "web/translations", (
        Source("web", (("templates/**.html", JINJA), ("**.py", PYTHON))),)),
    Domain("services", ROOT / "govmb/translations", (
        Source("govmb", (("**.py", PYTHON),)), Source("services", (("**.py", PYTHON),)))),
)
JINJA_OPTIONS = {"extensions": "web.i18n.CatalogueText", "trimmed": "false"}


def _docstrings(tree: ast.AST) -> set[int]:
    kinds = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
    return {id(node.body[0].value) for node in ast.walk(tree) if isinstance(node, kinds) and node.body
            and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}


def extract_python(fileobj, keywords, comment_tags, options):
    """Babel extraction method: every Chinese string literal of a module, docstrings and the
    pieces of f-strings aside (an f-string cannot be looked up: write `"…{n}…".format(n=…)` or
    `Catalogued(N_("…{n}…")).format(n=…)` where a message carries a value)."""
    tree = ast.parse(fileobj.read())
    skip = _docstrings(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            skip |= {id(value) for value in node.values}
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip \
                and CJK.search(node.value):
            yield node.lineno, None, node.value, []


def fstrings(domain: Domain) -> list[str]:
    """Where the domain's Python writes Chinese in an f-string: shown in Chinese in every locale
    until rewritten as `said("…{n}…", n=…)` (govmb.messages)."""
    found = []
    for source in domain.sources:
        for path in sorted((ROOT / source.directory).rglob("*.py")):
            if {"node_modules", "migrations"} & set(path.parts) or path.name == "demo.py":
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.JoinedStr) and any(
                        isinstance(v, ast.Constant) and CJK.search(v.value) for v in node.values):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def extracted(domain: Domain) -> Catalog:
    """The domain's messages as the code has them now."""
    template = Catalog(project="govmb", domain="messages", creation_date=DATE, revision_date=DATE, fuzzy=False)
    for source in domain.sources:
        methods = IGNORE + list(source.methods)
        options = {"templates/**.html": JINJA_OPTIONS}
        for path, lineno, message, comments, context in extract_from_dir(
                ROOT / source.directory, methods, options, KEYWORDS, strip_comment_tags=True):
            if isinstance(message, str) and message.strip():
                template.add(message, None, [(f"{source.directory}/{path}", None)], auto_comments=comments,
                             context=context)
            elif isinstance(message, tuple):  # ngettext: the singular and the plural
                template.add(message, None, [(f"{source.directory}/{path}", None)], context=context)
    return template


def po_path(domain: Domain, locale: str) -> Path:
    return domain.translations / locale / "LC_MESSAGES" / "messages.po"


def locales(domain: Domain) -> list[str]:
    found = sorted(p.parents[1].name for p in domain.translations.glob("*/LC_MESSAGES/messages.po"))
    return found or [DEFAULT_LOCALE]


def read(domain: Domain, locale: str) -> Catalog | None:
    path = po_path(domain, locale)
    if not path.exists():
        return None
    with path.open("rb") as f:
        return read_po(f, locale=locale)


def write(domain: Domain, locale: str, template: Catalog) -> None:
    """The locale's catalogue with the template's messages: the source language's says each
    message as itself; another keeps its translations (new messages untranslated, gone ones dropped)."""
    catalog = read(domain, locale) or Catalog(locale=locale, project="govmb", domain="messages",
                                               creation_date=DATE, revision_date=DATE, fuzzy=False)
    catalog.update(copy.deepcopy(template), no_fuzzy_matching=True)  # update shares the template's messages
    catalog.obsolete.clear()
    catalog.creation_date = catalog.revision_date = DATE
    catalog.fuzzy = False
    if locale == DEFAULT_LOCALE:
        for message in catalog:
            if message.id:
                message.string = message.id
                message.flags.discard("fuzzy")
    path = po_path(domain, locale)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        write_po(f, catalog, width=0, sort_output=True, include_lineno=False, omit_header=False)


def _key(message_id) -> str:
    return message_id if isinstance(message_id, str) else "\x00".join(message_id)


def differences(domain: Domain, locale: str, template: Catalog | None = None) -> tuple[list[str], list[str]]:
    """(messages of the code the catalogue lacks or leaves untranslated, messages it holds that the code has no more)."""
    template = template or extracted(domain)
    catalog = read(domain, locale)
    wanted = {_key(m.id) for m in template if m.id}
    held = {_key(m.id) for m in catalog if m.id and m.string and not m.fuzzy
            and all(m.string if isinstance(m.string, tuple) else [m.string])} if catalog else set()
    left = {_key(m.id) for m in catalog if m.id} if catalog else set()
    return sorted(wanted - held), sorted(left - wanted)


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    failed = False
    for domain in DOMAINS:
        if command == "fstrings":
            print("\n".join(fstrings(domain)))
            continue
        template = extracted(domain)
        if command == "add":
            write(domain, argv[1], template)
            continue
        for locale in locales(domain):
            if command == "update":
                write(domain, locale, template)
            missing, left = differences(domain, locale, template)
            failed |= bool(missing or left)
            print(f"{domain.name} {locale}: {len(template)} messages, {len(missing)} missing, {len(left)} left over")
            for text in missing[:20]:
                print(f"  missing: {text!r}")
    return 1 if failed and command == "check" else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
