"""Issue 16, more personal information: bank card numbers (Luhn), passport and Hong Kong, Macao
and Taiwan permit numbers, landlines, a person's name with a phone number, street addresses; the
office's allowed phrases (its published service numbers, its address) hold no finding."""
from __future__ import annotations

import pytest
from stdnum import luhn

from govmb.textchecks.pii import scan
from services.publishing.checks import Lexicon, check


def card(prefix: str, length: int) -> str:
    body = prefix + "0" * (length - len(prefix) - 2) + "7"
    return body + luhn.calc_check_digit(body)


CARD = card("622202", 19)
VISA = card("4111", 16)


def found(text, allowed=()):
    return [(h.check, h.severity, text[h.start:h.end]) for h in scan(text, allowed)]


@pytest.mark.parametrize("text,shown", [
    (f"工资卡号{CARD}", CARD), (f"卡号 {CARD[:4]} {CARD[4:8]} {CARD[8:12]} {CARD[12:16]} {CARD[16:]}", None),
    (f"{VISA[:4]}-{VISA[4:8]}-{VISA[8:12]}-{VISA[12:]}", None), (f"账号：{VISA}。", VISA),
])
def test_a_bank_card_number_that_passes_luhn_is_blocked(text, shown):
    [(kind, severity, where)] = found(text)
    assert (kind, severity) == ("bank_card", "block")
    assert where == (shown or text[text.index(where[0]):text.index(where[0]) + len(where)])
    assert "".join(c for c in where if c.isdigit()) in (CARD, VISA)


@pytest.mark.parametrize("text", ["订单号6222020000000000001", "流水号 4111 0000 0000 0000", "共计 1,234,567.89 元",
                                  "2026-12-06 10:30", "第 12 号文件", "编号 20261206"])
def test_numbers_that_are_no_card_or_document_pass(text):
    assert found(text) == []


@pytest.mark.parametrize("text,severity", [
    ("护照号码E12345678", "block"), ("护照号：EA1234567", "block"), ("港澳通行证 C12345678", "block"),
    ("台胞证号码12345678", "block"), ("往来台湾通行证L12345678", "block"), ("编号G12345678的", "warn"),
])
def test_travel_documents_named_as_such_are_blocked_and_bare_ones_warned(text, severity):
    [(kind, level, _)] = found(text)
    assert (kind, level) == ("travel_document", severity)


@pytest.mark.parametrize("text,kind,severity", [
    ("办公电话0791-86612345", "landline", "warn"), ("电话（0791）86612345", "landline", "warn"),
    ("010 8888 6666", "landline", "warn"), ("王先生13812345678", "mobile", "block"),
    ("联系人：李女士，0791-86612345", "landline", "block"), ("欧阳小姐 138 1234 5678", "mobile", "block"),
    ("请拨打13812345678咨询", "mobile", "warn"),
])
def test_phones_and_a_persons_name_beside_them(text, kind, severity):
    [(k, level, _)] = found(text)
    assert (k, level) == (kind, severity)


@pytest.mark.parametrize("text,shown", [
    ("家住红谷滩区丰和中大道 1199 号3栋2单元", "红谷滩区丰和中大道 1199 号3栋2单元"),
    ("地址：八一大道333号", "地址：八一大道333号"[3:]), ("象山南路12号", "象山南路12号"),
])
def test_a_street_address_with_its_house_number_is_a_warning(text, shown):
    [(kind, severity, where)] = found(text)
    assert (kind, severity) == ("address", "warn") and shown.endswith(where[-6:])


def test_the_offices_allowed_phrases_hold_no_finding():
    lexicon = Lexicon([("0791-86612345", "allowed", "warn"), ("八一大道333号", "allowed", "warn")])
    text = "服务热线0791-86612345，地址八一大道333号；王先生0791-86612346"
    hits = check(text, lexicon)
    assert [(h.check, text[h.start:h.end]) for h in hits] == [("landline", "0791-86612346")]
    assert hits[0].severity == "block"  # a person's own number stays a block
