"""A citizen's text fit to be filed (X20.4): what the personal-information checks find, masked
where it stands; the rest of the text as written."""
from govmb.textchecks.pii import masked


def test_personal_numbers_house_numbers_and_handles_are_masked_in_a_text():
    text = ("我是王先生，电话13812345678，身份证 11010519491231002X，住中山路12号3栋，"
            "@东湖居民 说的 0791-88123456 也打不通")
    shown = masked(text)
    for raw in ("13812345678", "11010519491231002X", "中山路12号", "@东湖居民", "88123456"):
        assert raw not in shown, raw
    for kept in ("我是王先生，电话138****5678", "身份证 110***********002X", "住中山路**号*栋", "@东**民",
                 "说的 079*****3456 也打不通"):
        assert kept in shown, kept
    assert masked("路灯坏了一个月，请尽快维修。") == "路灯坏了一个月，请尽快维修。"
    assert masked("") == ""
