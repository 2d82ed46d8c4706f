"""Issue 16: the checks read a word through its disguises and report it where it is written;
an innocent sentence that holds a word's characters across a word boundary is not blocked; the
office's allowed phrases hold no finding; numbers are read through their separators. A corpus
of our own, many more than the issue's examples, and a property over any Unicode."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govmb.textnorm import normalise, word
from services.publishing.checks import Lexicon, check, personal_information
from tests.publishing.conftest import app, client  # noqa: F401 (fixtures)

LEXICON = Lexicon([("机密", "classified", "block"), ("内部资料", "classified", "block"),
                   ("秘密文件", "classified", "block"), ("绝密", "classified", "block"),
                   ("游行示威", "sensitive", "block"), ("维稳", "sensitive", "warn"),
                   ("危机密切", "allowed", "warn")])

# Each disguise: the text, and the span of it the finding must name.
DISGUISES = [
    ("本文件属机\u200b密", "机\u200b密"), ("机\u200c密", "机\u200c密"), ("机\u200d密", "机\u200d密"),
    ("机\ufeff密件", "机\ufeff密"), ("机\u00ad密", "机\u00ad密"), ("机\u2060密", "机\u2060密"),
    ("机\u202e密", "机\u202e密"), ("机\u2066密\u2069", "机\u2066密"), ("机 密", "机 密"), ("机\u3000密", "机\u3000密"),
    ("机\u00a0密", "机\u00a0密"), ("机·密", "机·密"), ("机*密", "机*密"), ("机-密", "机-密"), ("机_密", "机_密"),
    ("机.密", "机.密"), ("机/密", "机/密"), ("机\n密", "机\n密"), ("机\r\n密", "机\r\n密"), ("机\t密", "机\t密"),
    ("机 · 密", "机 · 密"), ("機密", "機密"), ("内部資料", "内部資料"), ("內部資料", "內部資料"), ("秘密\n文件", "秘密\n文件"),
    ("祕密文件", "祕密文件"), ("絕密", "絕密"), ("內 部 資 料", "內 部 資 料"), ("内\u200b部\u200b资\u200b料", "内\u200b部\u200b资\u200b料"),
    ("游·行·示·威", "游·行·示·威"), ("遊行示威", "遊行示威"), ("这份机密。", "机密"), ("（机密）", "机密"),
    ("绝\u200b密", "绝\u200b密"), ("＊机＊密＊", "机＊密"), ("机【】密", "机【】密"),
]
# Sentences that hold a word's characters across a word boundary: never a block.
INNOCENT = ["危机密切关注", "商机密切合作", "有机密封", "手机密码", "转机密集", "生机密布", "司机密切配合", "危机。密切",
            "飞机密度", "随机密钥", "拒绝密切接触", "灵机密语"]


@pytest.mark.parametrize("text,shown", DISGUISES)
def test_a_disguised_word_is_blocked_where_it_is_written(text, shown):
    hits = [h for h in LEXICON.scan(text) if h.severity == "block"]
    assert hits, text
    start = text.index(shown)
    assert (hits[0].start, hits[0].end, hits[0].excerpt) == (start, start + len(shown), shown)


@pytest.mark.parametrize("text", INNOCENT)
def test_an_innocent_sentence_is_at_most_a_warning(text):
    assert all(h.severity != "block" for h in LEXICON.scan(text)), [(h.severity, h.message) for h in LEXICON.scan(text)]


def test_the_word_itself_stays_a_block_where_it_is_one():
    for text in ("国家机密", "转发机密文件", "本文件属机密", "属于内部资料", "严守秘密文件", "此件绝密"):
        assert any(h.severity == "block" for h in LEXICON.scan(text)), text


def test_an_allowed_phrase_holds_no_finding_and_the_word_outside_it_still_does():
    assert LEXICON.scan("我们危机密切关注舆情") == []
    hits = LEXICON.scan("危机密切关注，但此件属机密")
    assert [(h.excerpt, h.severity) for h in hits] == [("机密", "block")]


@pytest.mark.parametrize("text,digits", [
    ("身份证号11010519491231002X", "11010519491231002X"), ("110105 19491231 002X", "11010519491231002X"),
    ("1101-0519-4912-3100-2X", "11010519491231002X"), ("11010519491231002\u200bX", "11010519491231002X"),
    ("１１０１０５１９４９１２３１００２Ｘ", "11010519491231002X"), ("110105.19491231.002X", "11010519491231002X"),
    ("11010519491231002x", "11010519491231002X"),
])
def test_an_id_number_is_read_through_its_separators(text, digits):
    [hit] = personal_information(text)
    assert hit.check == "id_number" and hit.severity == "block" and hit.excerpt == digits[:3] + "*" * 11 + digits[-4:]
    assert "".join(c for c in text[hit.start:hit.end] if c.isalnum()).upper().translate(
        str.maketrans("０１２３４５６７８９Ｘ", "0123456789X")) == digits


@pytest.mark.parametrize("text", ["13812345678", "138-1234-5678", "138 1234 5678", "+8613812345678", "+86 138 1234 5678",
                                  "0086 13812345678", "0086-138-1234-5678", "138\u200b1234\u200b5678", "１３８１２３４５６７８",
                                  "138.1234.5678", "电话：138　1234　5678。"])
def test_a_mobile_number_is_read_through_its_separators_and_prefixes(text):
    [hit] = personal_information(text)
    assert hit.check == "mobile" and hit.excerpt == "138****5678"
    assert text[hit.start:hit.end].strip("电话：。") == text.strip("电话：。")


@pytest.mark.parametrize("text", ["2026-12-06 10:30", "共计 1,380,000 元", "编号 13812345", "第138号文件1234页",
                                  "110105194912310029"])  # a date, money, a short number, two numbers, a bad check digit
def test_numbers_that_are_not_personal_pass(text):
    assert personal_information(text) == []


WORDS = st.sampled_from(["机密", "内部资料", "秘密文件", "绝密"])
NOISE = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)


@settings(max_examples=300, deadline=None)
@given(before=NOISE, after=NOISE, secret=WORDS,
       disguise=st.lists(st.sampled_from(["\u200b", "\u00ad", "\ufeff", "\u202e", " ", "·", "*", "\n"]), max_size=3))
def test_any_unicode_around_a_disguised_word_gives_the_right_span(before, after, secret, disguise):
    glue = "".join(disguise)
    planted = glue.join(secret)
    text = before + planted + after
    spans = [(h.start, h.end) for h in LEXICON.scan(text)]
    for start, end in spans:  # whatever is found is shown as written and reads as a word of the lexicon
        assert 0 <= start < end <= len(text) and word(text[start:end]) in LEXICON.words
    at = len(before)
    assert any(s <= at + len(planted) and e >= at for s, e in spans), (text, spans)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_no_text_breaks_the_checks(text):
    hits = check(text, LEXICON, platforms=["sina"])
    assert all(h.start is None or 0 <= h.start <= (h.end or 0) <= max(len(text), 2000) for h in hits)
    n = normalise(text)
    assert len(n.text) == len(n.at) and list(n.at) == sorted(n.at)  # in order (an Arabic ligature's letters share its place)
    assert all(0 <= i < len(text) for i in n.at)


def test_a_long_text_of_every_kind_of_character_is_checked():
    text = "".join(chr(c) for c in range(0x20, 0x20 + 20000) if not 0xD800 <= c <= 0xDFFF)[:20000]
    assert isinstance(check(text, LEXICON, platforms=["sina"]), list)


def test_no_text_through_the_api_makes_a_5xx_or_a_wrong_position(client):  # noqa: F811
    """20,000 characters of every kind, right-to-left overrides and lone combining marks among
    them, through the check endpoint: 200, every span inside the text, the word found as written."""
    from tests.publishing.conftest import JOINT, OPERATOR
    assert client.post("/api/lexicon", json={"entries": [{"word": "机密", "category": "classified"}]},
                       headers=JOINT).status_code == 200
    text = ("\u202e机\u200b密\u202c" + "".join(chr(c) for c in range(0x300, 0x300 + 19990)
                                                if not 0xD800 <= c <= 0xDFFF))[:20000]
    r = client.post("/api/checks", json={"text": text, "platforms": ["sina"], "info_type": "disclosure"},
                    headers=OPERATOR)
    assert r.status_code == 200, r.json
    assert all(f["start"] is None or 0 <= f["start"] <= f["end"] <= len(text) for f in r.json)
    assert [text[f["start"]:f["end"]] for f in r.json if f["check"] == "lexicon"] == ["机\u200b密"]
