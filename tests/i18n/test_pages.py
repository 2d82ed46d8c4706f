"""Every page the web app answers to a GET, for people of several roles, reads in Chinese, and in
Uyghur right to left: no English word reaches the interface and no catalogued text is missing from
the catalogue; in Uyghur, every page says `lang="ug" dir="rtl"` and no text of the interface is
left in Chinese. A crawl with Flask's test client from each person's home page and every route
without parameters, following the links of each page it reads (a bounded number a person)."""
from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from functools import cache
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from govmb.config import SERVICES
from ops import catalogue
from services.registry.models import Person, db
from tests.conftest import token
from tests.system import signed_in_session
from web.i18n import BUTTONS, VISIBLE, message_of

# The English a Chinese interface writes as it is: names of formats and protocols (what a person
# picks or types: "导出 XLSX", "网址 https://"), and the codes a technical role reads on the status
# and security pages. Keep it short: anything else is a text to translate.
# Atom and RSS name the feed formats a portal offers and reads (X28).
# Sizes are written KB/MB/GB in Chinese too. "Excel" is how Chinese users name the spreadsheet they import; "SHA" names an archive's SHA-256 digest.
ALLOWED = {"API", "PDF", "XLSX", "CSV", "URL", "QR", "HTTP", "HTTPS", "IP", "UTC", "JSON", "ID", "UTF", "GBK",
           "ISO", "TOTP", "CSRF", "SHA", "EXCEL", "KB", "MB", "GB", "ATOM", "RSS"}
PEOPLE = ("admin", "anquan", "shenji", "lianxi", "ducha", "jy_zhuyao", "jy_caozuo", "jy_hegao")
PAGES_A_PERSON = 120
SKIP = re.compile(r"/(static|healthz|readyz|metrics|sign-out|sign_out|logout)\b|export|download|\.(xlsx|csv|pdf|zip)\b"
                  r"|/(" + "|".join(SERVICES) + r")/")
ENGLISH = re.compile(r"[A-Za-z]{2,}")


class Reader(HTMLParser):
    """What a person reads on a page (its text and the attributes shown), and its links; the
    text of code, scripts and styles (technical values, not words) aside."""
    QUIET = {"script", "style", "code", "kbd", "samp", "template"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.links: list[str] = []
        self.quiet = 0
        self.declared: tuple[str | None, str | None] = (None, None)  # <html lang dir>, if it is a whole page

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.declared = (a.get("lang"), a.get("dir"))
        if tag in self.QUIET:
            self.quiet += 1
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        shown = [v for k, v in a.items() if v and (k in VISIBLE or (k == "value" and tag == "input"
                                                                     and a.get("type") in BUTTONS))]
        self.texts += [v for v in shown if tag != "meta"]

    def handle_endtag(self, tag):
        if tag in self.QUIET and self.quiet:
            self.quiet -= 1

    def handle_data(self, data):
        if not self.quiet:
            self.texts.append(data)


def data_words(embedded) -> set[str]:
    """The demo city's own ASCII words (user names, account handles, platforms' addresses): data a
    person typed, not the interface's words."""
    with db.connection_context():
        names = [p.username for p in Person.select(Person.username)]
    return {w for n in names for w in ENGLISH.findall(n)}


def english_of(texts: list[str], allowed: set[str]) -> set[str]:
    words = set()
    for text in texts:
        text = re.sub(r"https?://\S+|[\w.+-]+@[\w.-]+|\b\w+_\w+\b", " ", text)  # addresses and codes, not words
        words |= {w for w in ENGLISH.findall(text) if w not in allowed and w.upper() not in ALLOWED}
    return words


def person_of(username: str) -> tuple[str, dict]:
    with db.connection_context():
        p = Person.get(Person.username == username)
        roles = sorted(p.role_set)
        who = {"id": p.id, "name": p.name, "unit_id": p.unit_id, "unit_name": p.unit.name, "roles": roles,
               "username": username}
        return token(p.unit_id, p.unit.path, *roles, person=p.id), who


def seeds(web) -> list[str]:
    return ["/"] + sorted({r.rule for r in web.url_map.iter_rules()
                           if "GET" in r.methods and not r.arguments and not SKIP.search(r.rule)})


@dataclass
class Crawl:
    """What one person's crawl read: the pages, and by page the English words, the `<html lang
    dir>` declared, and the texts shown that are Chinese messages of the catalogue (untranslated)."""
    read: list[str] = field(default_factory=list)
    english: dict[str, set[str]] = field(default_factory=dict)
    declared: dict[str, tuple] = field(default_factory=dict)
    chinese: dict[str, set[str]] = field(default_factory=dict)


@cache
def chinese_messages() -> frozenset[str]:
    """The interface's Chinese texts that Uyghur says otherwise: the catalogues' messages whose ug
    translation is not the text itself (a document number, a pattern the code matches, are kept)."""
    found = set()
    for domain in catalogue.DOMAINS:
        found |= {m.id for m in catalogue.read(domain, "ug") if isinstance(m.id, str) and m.id and m.string != m.id}
    return frozenset(found)


def crawl(web, username: str, allowed: set[str], locale: str | None = None,
          messages: frozenset[str] = frozenset()) -> Crawl:
    """One person's crawl, in their chosen language (None: the default)."""
    client = web.test_client()
    tok, who = person_of(username)
    with client.session_transaction() as s:
        signed_in_session(s, tok, who)
        if locale:
            s["locale"] = locale
    queue, seen, variants, found = deque(seeds(web)), set(), {}, Crawl()
    while queue and len(seen) < PAGES_A_PERSON:
        url = queue.popleft()
        path = urlsplit(url).path
        if url in seen or SKIP.search(url) or variants.get(path, 0) >= 2:
            continue
        seen.add(url)
        variants[path] = variants.get(path, 0) + 1
        r = client.get(url)
        assert r.status_code < 500, (username, url, r.status_code, r.get_data(as_text=True)[:300])
        if r.status_code != 200 or r.mimetype != "text/html":
            continue
        reader = Reader()
        reader.feed(r.get_data(as_text=True))
        if reader.declared != (None, None):  # a whole page, not a fragment that htmx puts in one
            found.declared[url] = reader.declared
        if words := english_of(reader.texts, allowed):
            found.english[url] = words
        if untranslated := {message_of(t) for t in reader.texts} & messages:
            found.chinese[url] = untranslated
        queue += [link for link in reader.links if link.startswith("/") and link not in seen]
    found.read = sorted(seen)
    return found


@pytest.fixture(scope="module")
def web(embedded):
    app = embedded["/"]
    app.extensions["govmb_catalogues"].missing = set()  # the catalogued texts shown that the catalogue lacks
    return app


@pytest.mark.parametrize("username", PEOPLE)
def test_every_page_reads_in_chinese(web, embedded, username):
    missing = web.extensions["govmb_catalogues"].missing
    missing.clear()
    found = crawl(web, username, data_words(embedded))
    assert len(found.read) > 10, found.read
    assert not found.english, f"English on {username}'s pages: {found.english}"
    assert not missing, f"texts of the templates shown but missing from the catalogue: {sorted(missing)}"
    wrong = {url: declared for url, declared in found.declared.items() if declared != ("zh-Hans", "ltr")}
    assert not wrong, f"pages of {username} not declared lang=zh-Hans dir=ltr: {wrong}"


@pytest.mark.parametrize("username", PEOPLE)
def test_every_page_reads_in_uyghur_right_to_left(web, embedded, username):
    """Issue 21: a person who chose Uyghur reads every page right to left, all of it in Uyghur but
    the data (names of units, people, accounts, the posts' and messages' texts)."""
    missing = web.extensions["govmb_catalogues"].missing
    missing.clear()
    found = crawl(web, username, data_words(embedded), "ug", chinese_messages())
    assert len(found.read) > 10, found.read
    wrong = {url: declared for url, declared in found.declared.items() if declared != ("ug", "rtl")}
    assert not wrong, f"pages of {username} not declared lang=ug dir=rtl: {wrong}"
    assert not found.english, f"English on {username}'s pages: {found.english}"
    assert not missing, f"texts shown but missing from the ug catalogue: {sorted(missing)}"
    assert not found.chinese, f"texts of the interface left in Chinese on {username}'s pages: {found.chinese}"


def test_the_crawl_sees_english_when_it_is_there():
    reader = Reader()
    reader.feed('<p>共 3 条 Not a valid integer.</p><input placeholder="Search"><code>jy_caozuo</code>'
                '<button value="go">发送</button><input type="submit" value="Send"><p>导出 XLSX，网址 https://weibo.com/x</p>')
    assert english_of(reader.texts, set()) == {"Not", "valid", "integer", "Search", "Send"}
