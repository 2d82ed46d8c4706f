"""The languages the product speaks and their catalogues, without Flask (docs/i18n.md): what
govmb.i18n serves a request with, and what a worker writes in outside one — an e-mail or a
robot's message in its recipient's language (`speaking`). The domain modules may import this one
(tests/unit/test_layers.py); govmb.i18n, the Flask side, builds on it."""
from __future__ import annotations

import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from govmb import messages

DEFAULT_LOCALE = "zh_Hans"
# The languages a person may choose, each named in itself (the switch shows these names as they are).
LANGUAGES = {"zh_Hans": "中文", "ug": "ئۇيغۇرچە"}
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
                held = merged[locale].get(message.id) if message.id else None
                if message.id and message.string and not message.fuzzy and (held is None or not held.string or held.fuzzy):
                    merged[locale][message.id] = message  # a translation where the first directory has none
    out = {}
    for locale, catalog in merged.items():
        compiled = io.BytesIO()
        write_mo(compiled, catalog)
        compiled.seek(0)
        ids = frozenset(m.id for m in catalog if m.id and m.string and not m.fuzzy and isinstance(m.id, str))
        out[locale] = Catalogue(Translations(compiled), ids)
    return out


def in_locale(text: str, locale: str, directory: Path | None = None) -> str:
    """A message in the given locale, outside any request: from the catalogues of `directory`
    (the services': govmb/translations), the text itself where the locale's catalogue lacks it."""
    found = Catalogues(read_catalogues(str(directory or GOVMB_CATALOGUES)))
    return found.lookup(str(text), locale if locale in LANGUAGES else DEFAULT_LOCALE, record=False)


def recorded():
    """The record's language, Chinese: within it (`with recorded():`), or in a function it decorates
    (`@recorded()`), every message is said in zh_Hans whoever's request it is, for what is stored,
    published or filed as a document (an order's situation, the Atom feed, a report's PDF)."""
    return speaking(DEFAULT_LOCALE)


@contextmanager
def speaking(locale: str, directory: Path | None = None) -> Iterator[None]:
    """Within it, every catalogued message (`said`, `translated`, `messages.translate`) is said in
    `locale`, whatever request there is or is not: how a worker writes to a person in theirs."""
    with messages.speaking(lambda text: in_locale(text, locale, directory)):
        yield
