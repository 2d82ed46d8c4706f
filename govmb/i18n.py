"""Catalogues, for the services and the web app (docs/i18n.md): every text a person reads is
looked up in the catalogue of their language as it is answered. A catalogue is a `.po` file
(`<dir>/<locale>/LC_MESSAGES/messages.po`), read as the app starts: nothing compiled is kept in
the repository or built by a step of its own. A locale is offered when its catalogue exists;
zh_Hans, the language the code is written in, is the default. `python -m ops.catalogue update`
brings the catalogues in step with the code."""
from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from flask import Flask, current_app, has_app_context, has_request_context, request
from flask_babel import Babel, Domain, get_locale

from govmb import messages

DEFAULT_LOCALE = "zh_Hans"
# The texts to catalogue: those with a Han character (CJK Unified Ideographs, extension A, compatibility).
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
GOVMB_CATALOGUES = Path(__file__).parent / "translations"  # the services' and the shared library's


@dataclass(frozen=True)
class Catalogue:
    translations: Translations
    ids: frozenset[str]


@dataclass
class Catalogues:
    """An app's catalogues by locale, and (tests) the catalogued texts it showed that were missing."""
    by_locale: dict[str, Catalogue]
    missing: set[str] | None = field(default=None)

    def lookup(self, text: str, locale: str, record: bool = True) -> str:
        catalogue = self.by_locale.get(locale)
        if catalogue is None or text not in catalogue.ids:
            if record and self.missing is not None and CJK.search(text):
                self.missing.add(text)
            return text
        return catalogue.translations.gettext(text)


@cache
def read_catalogues(*directories: str) -> dict[str, Catalogue]:
    """Every `<locale>/LC_MESSAGES/messages.po` under the directories, compiled in memory; a locale
    found in several is one catalogue, the first directory's message winning where two hold one."""
    merged: dict[str, Catalog] = {}
    for directory in directories:
        for po in sorted(Path(directory).glob("*/LC_MESSAGES/messages.po")):
            locale = po.parents[1].name
            with po.open("rb") as f:
                catalog = read_po(f, locale=locale)
            if locale not in merged:
                merged[locale] = catalog
                continue
            for message in catalog:
                if message.id and message.id not in merged[locale]:
                    merged[locale][message.id] = message
    out = {}
    for locale, catalog in merged.items():
        compiled = io.BytesIO()
        write_mo(compiled, catalog)
        compiled.seek(0)
        ids = frozenset(m.id for m in catalog if m.id and m.string and not m.fuzzy and isinstance(m.id, str))
        out[locale] = Catalogue(Translations(compiled), ids)
    return out


def catalogues() -> Catalogues | None:
    return current_app.extensions.get("govmb_catalogues") if has_app_context() else None


def available() -> list[str]:
    found = catalogues()
    return sorted(found.by_locale) if found else [DEFAULT_LOCALE]


def request_locale() -> str | None:
    """The language of the request being answered (None outside one, or in an app without catalogues)."""
    if catalogues() is None or not has_request_context():
        return None
    return str(get_locale())


def lookup(text: str, record: bool = True) -> str:
    """The text in the request's language (itself outside a request, or when it is not catalogued;
    `record`: a catalogued text of the code, whose absence the tests look for)."""
    locale = request_locale()
    return text if locale is None else catalogues().lookup(str(text), locale, record)


class CatalogueDomain(Domain):
    """Flask-Babel's translations (`_()` in templates, gettext in Python) from the app's catalogues."""

    def get_translations(self):
        found = catalogues()
        locale = get_locale() if found is not None else None
        catalogue = found.by_locale.get(str(locale)) if locale is not None else None
        return catalogue.translations if catalogue else NullTranslations()


class CatalogueBabel(Babel):
    @cached_property
    def domain_instance(self):
        return CatalogueDomain()


def accepted_locale() -> str:
    """The best of the request's Accept-Language among the catalogued locales, or the default."""
    if not has_request_context():
        return DEFAULT_LOCALE
    offered = available()
    tags = {locale.replace("_", "-"): locale for locale in offered}
    best = request.accept_languages.best_match(list(tags))
    return tags.get(best, DEFAULT_LOCALE) if best else DEFAULT_LOCALE


def init_app(app: Flask, directories: Path | tuple[Path, ...], selector: Callable[[], str] = accepted_locale) -> None:
    """The app's catalogues (from one directory, or several: the first's message wins), Flask-Babel
    on them, and the libraries' messages looked up in them."""
    directories = directories if isinstance(directories, tuple) else (directories,)
    app.extensions["govmb_catalogues"] = Catalogues(read_catalogues(*map(str, directories)))
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LOCALE)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Asia/Shanghai")
    CatalogueBabel().init_app(app, locale_selector=selector)
    messages.set_translator(lookup)
