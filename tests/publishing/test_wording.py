"""Issue 16, 错别字 and 严重表述错误: the shipped corrections (a typo warns, a non-standard
formulation blocks), the office's leaders (a name with another's title, leaders out of their
order of precedence: both block) and the weekday beside a date. A corpus of wrong and innocent
sentences, each finding at its place in the text as written, and a property over any Unicode."""
from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govmb.textchecks.corrections import Corrections
from govmb.textchecks.precedence import Leaders, fits, title_parts
from govmb.textchecks.wording import Wording
from services.publishing.checks import Lexicon, check

DATA = Path(__file__).resolve().parents[2] / "services" / "publishing" / "data" / "corrections.csv"
ROWS = list(csv.DictReader(DATA.open(encoding="utf-8")))
CORRECTIONS = Corrections((r["wrong"], r["right"], r["kind"]) for r in ROWS)
LEADERS = Leaders([("林远航", "市委书记", 1), ("方志清", "市委副书记、市长", 2), ("顾晓岚", "市人大常委会主任", 3),
                   ("邵文博", "市政协主席", 4), ("严立群", "市委常委、常务副市长", 5), ("韦思齐", "副市长", 6),
                   ("王伟", "副市长", 7)])
TODAY = dt.date(2026, 5, 6)
WORDING = Wording(CORRECTIONS, LEADERS, today=TODAY)


def found(text: str) -> list[tuple[str, str, str]]:
    return [(h.check, h.severity, h.excerpt) for h in WORDING.scan(text)]


def test_the_shipped_list_is_large_and_says_where_each_form_comes_from():
    kinds = [r["kind"] for r in ROWS]
    assert kinds.count("typo") >= 150 and kinds.count("formulation") >= 30
    assert all(r["source"] and r["wrong"] != r["right"] for r in ROWS)
    assert len({r["wrong"] for r in ROWS}) == len(ROWS)
    assert not {r["right"] for r in ROWS} & {r["wrong"] for r in ROWS}  # no form sends a writer round in a circle


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r["wrong"])
def test_every_shipped_wrong_form_is_found_in_a_sentence_and_its_right_form_passes(row):
    text = f"我们要{row['wrong']}。"
    [hit] = [h for h in WORDING.scan(text) if h.check in ("typo", "formulation")]
    assert (hit.start, hit.end, hit.excerpt) == (3, 3 + len(row["wrong"]), row["wrong"])
    assert hit.severity == ("warn" if row["kind"] == "typo" else "block")
    assert f"“{row['right']}”" in hit.message
    assert WORDING.scan(f"我们要{row['right']}。") == []


# Wrong forms in sentences, and the span each finding must name.
WRONG = [
    ("师傅正在按装空调", "typo", "按装"), ("大家再接再励，争取更大成绩", "typo", "再接再励"),
    ("面对难题一愁莫展", "typo", "一愁莫展"), ("街上车辆穿流不息。", "typo", "穿流不息"),
    ("市民迫不急待地走进新馆", "typo", "迫不急待"), ("不能默守成规", "typo", "默守成规"),
    ("要坚持依法制国。", "formulation", "依法制国"), ("坚持“一国两治”方针", "formulation", "一国两治"),
    ("共建“一带一路”战略", "formulation", "一带一路”战略"), ("推进供给侧结构改革", "formulation", "供给侧结构改革"),
    ("《新疆维吾尔族自治区条例》", "formulation", "新疆维吾尔族自治区"), ("编制十四五计划", "formulation", "十四五计划"),
    ("再接再\u200b励", "typo", "再接再\u200b励"), ("再接再勵", "typo", "再接再勵"),  # a zero-width space, a traditional form
    ("再接 再励", "typo", "再接 再励"), ("市人大常委主任出席", "formulation", "人大常委主任"),
    ("不忘初衷，牢记使命", "formulation", "不忘初衷，牢记使命"), ("访问北朝鲜", "formulation", "北朝鲜"),
    ("这是一个陷井", "typo", "陷井"), ("家俱城开业", "typo", "家俱"),
]
# Sentences that hold a wrong form's characters without the wrong form: nothing.
INNOCENT = ["请按装箱单核对货物", "东北朝鲜族群众欢度节日", "可以法治国家为目标", "立即然后出发", "市人大常委、主任科员张某",
            "大家再接再厉", "一筹莫展", "依法治国", "“一带一路”倡议", "人大常委会主任", "要坚持依法\n制定规划",
            "按。装", "新疆维吾尔自治区", "十四五规划", "毕竟争取到了", "毕竟赛事已经结束", "家具城开业"]


def assert_found(text: str, check: str, shown: str, severity: str) -> None:
    """The first finding of `check` in `text` has `severity` and names `shown` where it is written."""
    hits = [h for h in WORDING.scan(text) if h.check == check]
    assert hits and hits[0].severity == severity, found(text)
    start = text.index(shown)
    assert (hits[0].start, hits[0].end, hits[0].excerpt) == (start, start + len(shown), shown)


@pytest.mark.parametrize("text,kind,shown", WRONG)
def test_a_wrong_form_is_found_where_it_is_written(text, kind, shown):
    assert_found(text, kind, shown, "warn" if kind == "typo" else "block")


@pytest.mark.parametrize("text", INNOCENT)
def test_an_innocent_sentence_has_no_finding(text):
    assert WORDING.scan(text) == [], found(text)


def test_a_wrong_form_inside_its_own_right_form_is_none():
    wording = Wording(Corrections([("朝鲜", "北朝鲜x", "typo"), ("协商", "政治协商", "typo")]), today=TODAY)
    assert [h.excerpt for h in wording.scan("政治协商；单独协商")] == ["协商"]
    assert wording.scan("政治协商")[0:] == []


# Leaders: (text, check, span), and sentences that are right.
LEADER_WRONG = [
    ("市长韦思齐出席会议", "leader_title", "市长韦思齐"), ("韦思齐市长出席", "leader_title", "韦思齐市长"),
    ("市委副书记林远航主持", "leader_title", "市委副书记林远航"), ("林远航副书记讲话", "leader_title", "林远航副书记"),
    ("市长严立群", "leader_title", "市长严立群"), ("常务副市长韦思齐", "leader_title", "常务副市长韦思齐"),
    ("市政协主席顾晓岚", "leader_title", "市政协主席顾晓岚"), ("市长 王伟", "leader_title", "市长 王伟"),
    ("方志清、林远航出席。", "leader_order", "林远航"), ("韦思齐、严立群、邵文博参加", "leader_order", "严立群"),
    ("林远航、顾晓岚、方志清出席", "leader_order", "方志清"), ("市长方\u200b志清、市委书记林远航", "leader_order", "林远航"),
]
LEADER_RIGHT = ["市委书记林远航，市委副书记、市长方志清出席", "副市长韦思齐", "韦思齐副市长", "书记林远航", "林远航书记",
                "市长方志清", "常务副市长严立群", "副市长严立群", "市委常委严立群", "原副市长林远航", "前市长韦思齐",
                "林远航、方志清、顾晓岚、邵文博出席。严立群、韦思齐分别发言", "市长方志清副市长韦思齐",
                "韦思齐。林远航", "林 远 航、方志清", "国王伟大的传说", "王伟大声说"]


@pytest.mark.parametrize("text,kind,shown", LEADER_WRONG)
def test_a_leader_with_another_title_or_out_of_order_blocks_where_it_is_written(text, kind, shown):
    assert_found(text, kind, shown, "block")


@pytest.mark.parametrize("text", LEADER_RIGHT)
def test_leaders_named_rightly_pass(text):
    assert WORDING.scan(text) == [], found(text)


def test_a_title_message_names_the_leaders_titles():
    [hit] = WORDING.scan("市长韦思齐")
    assert hit.message == "领导职务有误：韦思齐的职务为副市长，文中写作“市长”"
    [hit] = WORDING.scan("方志清、林远航")
    assert hit.message == "领导排名顺序有误：林远航应排在方志清之前"


def test_titles_and_their_shorter_forms():
    assert title_parts("市委常委、 常务副市长") == ["市委常委", "常务副市长"]
    assert fits("副市长", {"常务副市长"}) and fits("书记", {"市委书记"}) and fits("市长", {"市长"})
    assert not fits("市长", {"副市长"}) and not fits("书记", {"市委副书记"}) and not fits("市长", {"代市长"})


def test_an_inactive_leader_is_not_known():
    assert Leaders([]).scan("市长韦思齐", None) == []


# Weekdays: 2026-12-05 is a Saturday; the draft is of 2026-05-06.
WEEKDAY_WRONG = [("12月5日（星期五）", "12月5日（星期五）"), ("12月5日(周五)", "12月5日(周五)"),
                 ("定于2026年12月5日星期五举行", "2026年12月5日星期五"), ("１２月５日（星期五）", "１２月５日（星期五）"),
                 ("2025年12月5日（周六）", "2025年12月5日（周六）"), ("5月1日（星期一）", "5月1日（星期一）"),
                 ("2月30日召开", "2月30日"), ("4月31日", "4月31日"), ("2026年2月29日", "2026年2月29日"),
                 ("12月5日（礼拜天）", "12月5日（礼拜天）")]
WEEKDAY_RIGHT = ["12月5日（星期六）", "12月5日(周六)", "2026年12月5日星期六", "2025年12月5日（星期五）", "5月1日（星期五）",
                 "12月6日（星期日）", "12月6日（周天）", "2024年2月29日（星期四）", "2月29日", "13月5日", "第12月5日",
                 "5月1日至5日", "12月5日，周一至周五开放的展馆"[:6]]


@pytest.mark.parametrize("text,shown", WEEKDAY_WRONG)
def test_a_weekday_that_does_not_match_its_date_warns(text, shown):
    assert_found(text, "weekday", shown, "warn")


@pytest.mark.parametrize("text", WEEKDAY_RIGHT)
def test_a_weekday_that_matches_passes(text):
    assert WORDING.scan(text) == [], found(text)


def test_the_year_of_a_date_without_one_is_the_drafts_near_its_turn():
    december = Wording(today=dt.date(2026, 12, 30))
    assert december.scan("1月1日（星期五）") == []  # 2027-01-01
    january = Wording(today=dt.date(2027, 1, 3))
    assert january.scan("12月29日（星期二）") == []  # 2026-12-29
    [hit] = Wording(today=TODAY).scan("12月5日（星期五）")
    assert hit.message == "星期与日期不符：按2026年计，12月5日是星期六，文中写作“星期五”"


def test_the_checks_pass_the_wording_through():
    lexicon = Lexicon([("机密", "classified", "block")])
    hits = check("市长韦思齐强调，坚持依法制国，再接再励。12月5日（星期五）", lexicon, wording=WORDING)
    assert [h.check for h in hits] == ["leader_title", "formulation", "typo", "weekday"]
    assert check("市长韦思齐", lexicon) == []  # no wording given: none of these checks


TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60)


@settings(max_examples=300, deadline=None)
@given(before=TEXT, after=TEXT, planted=st.sampled_from(["再接再励", "依法制国", "市长韦思齐", "方志清、林远航",
                                                         "12月5日（星期五）", "2月30日"]))
def test_any_unicode_around_gives_spans_inside_the_text(before, after, planted):
    text = before + planted + after
    for h in WORDING.scan(text):
        assert 0 <= h.start < h.end <= len(text) and h.excerpt == text[h.start:h.end]
    assert any(h.start is not None for h in WORDING.scan(planted))


def test_a_long_text_of_any_characters_is_scanned():
    text = ("市长韦思齐、林远航，再接再励，依法制国。12月5日（星期五）\u202e\u200b" * 500)[:20000]
    hits = WORDING.scan(text)
    assert hits and all(h.excerpt == text[h.start:h.end] for h in hits)
