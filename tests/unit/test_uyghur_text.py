"""Issue 21: Uyghur text read by the checks as Chinese is: a lexicon word through presentation
forms, the tatweel and zero-width characters; numbers in Arabic-Indic digits; and the classifier
making no guess on a message mostly in Uyghur."""
from __future__ import annotations

import pytest
from stdnum.cn import ric

from govmb.textchecks.lexicon import Lexicon
from govmb.textchecks.pii import scan
from govmb.textnorm import normalise, word
from services.inquiry import classify

SECRET = "مەخپىي"  # 机密
LEXICON = Lexicon([(SECRET, "classified", "block"), ("机密", "classified", "block")])
ID = "11010519491231002X"
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
EXTENDED = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


@pytest.mark.parametrize("written", [
    SECRET,
    "مەخـــپىي",  # stretched with the tatweel
    "\ufee3\u06d5\ufea7\ufb59\ufbe9\ufef2",  # presentation forms (ە has none): م initial … ي final
    "مەخ\u200bپىي", "مەخ\u200cپىي", "مە خ پىي", "مە-خ.پىي", "مَەخْپىي",  # zero-width, spaces, marks
])
def test_a_uyghur_lexicon_word_is_found_through_its_disguises_where_it_is_written(written):
    text = "بۇ ھۆججەت " + written + " دەرىجىلىك"
    hits = [h for h in LEXICON.scan(text) if h.severity == "block"]
    assert hits, written
    assert text[hits[0].start:hits[0].end] == written


def test_a_ligature_gives_its_letters_each_pointing_at_it():
    n = normalise("x\ufbeay")  # ﯪ: yeh with hamza above and alef
    assert n.text == "xئاy" and n.at == (0, 1, 1, 2) and n.span(1, 3) == (1, 2)
    assert word("ﻻ") == "لا"


@pytest.mark.parametrize("digits", [ARABIC_INDIC, EXTENDED])
def test_an_id_number_in_arabic_indic_digits_is_found(digits):
    assert ric.is_valid(ID)
    written = ID.translate(digits)
    text = "كىملىك نومۇرى: " + written + "، تېلېفون " + "13812345678".translate(digits)
    hits = {h.check: h for h in scan(text)}
    assert hits["id_number"].severity == "block" and text[hits["id_number"].start:hits["id_number"].end] == written
    assert hits["id_number"].excerpt == "110***********002X"
    assert "mobile" in hits


def test_a_message_mostly_in_uyghur_gets_no_suggested_category():
    tokens = classify.analyse("ئۈرۈمچى شەھىرىدىكى يول چىرىغى بىر ئايدىن بۇيان بۇزۇلۇپ قالدى، 路灯")
    assert "چىرىغى" in tokens  # a Uyghur word whole, not letter by letter
    assert classify.suggest_from(tokens) == (None, None)
    assert "چىرىغى" in classify.keywords_from(tokens)


def test_a_chinese_message_with_a_few_uyghur_words_is_still_classified(monkeypatch):
    monkeypatch.setattr(classify, "_model", lambda field, seeds: type("S", (), {"predict": lambda self, t: field})())
    assert classify.suggest_from(classify.analyse("小区门口路灯坏了一个月没人修 ئۈرۈمچى")) == ("category", "sentiment")
