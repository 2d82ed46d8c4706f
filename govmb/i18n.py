"""Catalogues, for the services and the web app (docs/i18n.md): every text a person reads is
looked up in the catalogue of their language as it is answered. A catalogue is a `.po` file
(`<dir>/<locale>/LC_MESSAGES/messages.po`), read as the app starts: nothing compiled is kept in
the repository or built by a step of its own. A locale is offered when its catalogue exists;
zh_Hans, the language the code is written in, is the default. `python -m ops.catalogue update`
brings the catalogues in step with the code."""
from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from pathlib import Path

from babel.support import NullTranslations
from flask import Flask, current_app, has_app_context, has_request_context, request
from flask_babel import Babel, Domain, get_locale

from govmb import messages
from govmb.locales import (
    CJK,
    DEFAULT_LOCALE,
    GOVMB_CATALOGUES,
    LANGUAGES,
    Catalogue,
    Catalogues,
    in_locale,
    read_catalogues,
    speaking,
)

# The Flask-free part lives in govmb.locales (the domain modules use it); it is named here too.
__all__ = ["CJK", "DEFAULT_LOCALE", "GOVMB_CATALOGUES", "LANGUAGES", "Catalogue", "Catalogues", "in_locale",
           "read_catalogues", "speaking", "init_app", "lookup", "accepted_locale", "available", "request_locale"]


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
    """The request's Accept-Language, best first, among the catalogued locales; by language, not
    region: zh-CN, zh-SG, zh (and zh-TW, for whom Simplified is nearer than another language) are
    zh_Hans. The default when none is offered."""
    if not has_request_context():
        return DEFAULT_LOCALE
    by_language = {locale.split("_")[0].lower(): locale for locale in available()}
    for tag, quality in request.accept_languages:  # best first
        found = by_language.get(tag.replace("_", "-").split("-")[0].lower())
        if found and quality > 0:
            return found
    return DEFAULT_LOCALE


def init_app(app: Flask, directories: Path | tuple[Path, ...], selector: Callable[[], str] = accepted_locale) -> None:
    """The app's catalogues (from one directory, or several: the first's message wins), Flask-Babel
    on them, and the libraries' messages looked up in them."""
    directories = directories if isinstance(directories, tuple) else (directories,)
    app.extensions["govmb_catalogues"] = Catalogues(read_catalogues(*map(str, directories)))
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LOCALE)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Asia/Shanghai")
    CatalogueBabel().init_app(app, locale_selector=selector)
    messages.set_translator(lookup)
