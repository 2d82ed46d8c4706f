"""Personal information in a text that leaves (issue 16): what a post or a reply must not carry,
found in the text as the checks read it (`govmb.textnorm`, separators kept: a number may hold one between two
digits) and reported where it is written.

| found | severity |
|---|---|
| a resident ID number with a valid check digit (python-stdnum) | block |
| a bank card number (16 to 19 digits, the Luhn check, python-stdnum) | block |
| a passport or a Hong Kong, Macao or Taiwan permit number, named as one (护照、通行证…) | block |
| the same pattern with no such word near it | warn |
| a mobile number; a landline number with its area code | warn |
| either after a person's name with 先生/女士/小姐 (王先生 138…) | block |
| a street address with its house number (…路 12 号) | warn |

The office's allowed phrases (the lexicon's category `allowed`: the unit's published service
numbers, its own address) hold no finding.
"""
from __future__ import annotations

import re

from stdnum import luhn
from stdnum.cn import ric

from govmb.messages import Catalogued, said
from govmb.textchecks.hits import Hit
from govmb.textnorm import normalise

_S = r"[ \-.·‐‑‒–—\n\r\t]?"  # at most one separator between two digits (the text is folded: ideographic space is " ")
ID = re.compile(rf"(?<![0-9A-Za-z])[0-9](?:{_S}[0-9]){{16}}{_S}[0-9Xx](?![0-9A-Za-z])")
MOBILE = re.compile(rf"(?<![0-9+])(?:(?:\+|00){_S}86{_S})?1{_S}[3-9](?:{_S}[0-9]){{9}}(?![0-9])")
CARD = re.compile(rf"(?<![0-9A-Za-z])[3-6](?:{_S}[0-9]){{15,18}}(?![0-9A-Za-z])")
LANDLINE = re.compile(rf"(?<![0-9])(?:[(（]0[1-9][0-9]{{1,2}}[)）]|0[1-9][0-9]{{1,2}}){_S}[2-9](?:{_S}[0-9]){{6,7}}(?![0-9])")
TRAVEL = re.compile(r"(?<![0-9A-Za-z])(?:[EeGgDdSsPpLlWwCcHhMm][A-Za-z]?[0-9]{7,8}|[0-9]{8}|[0-9]{10})(?![0-9A-Za-z])")
TRAVEL_WORDS = re.compile(r"(护照|通行证|回乡证|台胞证|旅行证|签证|证件号)[^0-9A-Za-z]{0,8}$")
PERSON = re.compile(r"[\u4e00-\u9fff]{1,3}(?:先生|女士|小姐)[：:，,\s]{0,3}$")
ADDRESS = re.compile(r"[\u4e00-\u9fff]{1,12}(?:路|街|大道|大街|巷|弄|胡同|里)[ ]?[0-9]{1,5}[ ]?号"
                     r"(?:[ ]?[0-9]{1,4}[ ]?(?:栋|幢|号楼|单元|室|楼|层))*")


def _digits(found: str) -> str:
    return "".join(c for c in found if c.isalnum())


def mask(number: str) -> str:
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


def scan(text: str, allowed: list[tuple[int, int]] = ()) -> list[Hit]:
    """The personal information in `text` (a `Hit` each), none that touches an `allowed` span
    (an allowed number or address, whatever words the pattern took in before it)."""
    n = normalise(text, dense=False)
    found: list[Hit] = []

    def add(check, severity, m, excerpt, message):
        start, end = n.span(m.start(), m.end())
        if any(s < end and start < e for s, e in allowed) or any(_overlaps(h, start, end) for h in found):
            return
        found.append(Hit(check, severity, start, end, excerpt, message))

    for m in ID.finditer(n.text):
        if ric.is_valid(_digits(m.group()).upper()):
            add("id_number", "block", m, mask(_digits(m.group()).upper()), "含居民身份证号码（个人信息），不得发布")
    for m in CARD.finditer(n.text):
        if luhn.is_valid(_digits(m.group())):
            add("bank_card", "block", m, mask(_digits(m.group())), "含银行卡号（个人信息），不得发布")
    _phones(n, add)
    _travel(n, add)
    for m in ADDRESS.finditer(n.text):
        add("address", "warn", m, m.group(), "含门牌地址：如为个人住址，请删除（个人信息）")
    return found


def _phones(n, add) -> None:
    for pattern, check, what in ((MOBILE, "mobile", Catalogued("手机号码")), (LANDLINE, "landline", Catalogued("固定电话号码"))):
        for m in pattern.finditer(n.text):
            digits = _digits(m.group())
            shown = mask(digits[-11:] if check == "mobile" else digits)
            if PERSON.search(n.text[max(0, m.start() - 12):m.start()]):  # 王先生 138…: a person's own number
                add(check, "block", m, shown, said("含个人姓名和{what}（个人信息），不得发布", what=what))
            else:
                add(check, "warn", m, shown, said("含{what}：如非公开的工作电话，请删除（个人信息）", what=what))


def _travel(n, add) -> None:
    for m in TRAVEL.finditer(n.text):
        named = TRAVEL_WORDS.search(n.text[max(0, m.start() - 14):m.start()])
        if named:
            add("travel_document", "block", m, mask(m.group()), said("含{what}号码（个人信息），不得发布", what=named.group(1)))
        elif not m.group()[0].isdigit():  # a letter and eight digits, no word: perhaps a passport
            add("travel_document", "warn", m, mask(m.group()), "疑似护照或通行证号码：如是，请删除（个人信息）")


def _overlaps(hit, start: int, end: int) -> bool:
    return hit.start < end and start < hit.end


MENTION = re.compile(r"@[0-9A-Za-z_\-\u4e00-\u9fff]{1,30}")  # a handle named in the text (@东湖居民)
NUMBERS = ("id_number", "bank_card", "mobile", "landline", "travel_document")


def masked(text: str) -> str:
    """`text` with the personal information `scan` finds masked where it stands (138****5678,
    a resident ID's first three and last four characters, a house number's digits as *) and
    each @handle as `mask_handle` shows it (@东**民): a citizen's text fit to be filed (X20.4)."""
    from govmb.personal import mask_handle  # personal imports nothing from the checks; no cycle

    out, at = [], 0
    for hit in sorted(scan(text or ""), key=lambda h: h.start):
        found = text[hit.start:hit.end]
        out += [text[at:hit.start], hit.excerpt if hit.check in NUMBERS else re.sub(r"[0-9]", "*", found)]
        at = hit.end
    out.append((text or "")[at:])
    return MENTION.sub(lambda m: mask_handle(m.group()), "".join(out))
