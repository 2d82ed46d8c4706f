"""A weekday that does not match its date (issue 16): 12月5日（星期五） in a year when 12月5日 is a
Saturday, 2026年12月5日星期六, 12月5日(周五); and a date that does not exist (2月30日, 4月31日).
Both warn. A date without its year is taken in the draft's year (Beijing), except near its
turn: a post of 12月30日 about 1月2日（星期五） reads the next year's, one of 1月3日 about 12月29日
the last year's. Read in the text normalised without dropping separators (full-width digits and
brackets folded, format characters gone), positions in the text as written."""
from __future__ import annotations

import datetime as dt
import re

from govmb.messages import said
from govmb.textchecks.hits import Hit
from govmb.textnorm import normalise

NAMES = "一二三四五六日"
_DATE = re.compile(r"(?<![0-9])(?:([0-9]{4})\s*年\s*)?([0-9]{1,2})\s*月\s*([0-9]{1,2})\s*[日号]"
                   r"(?:\s*[(\[]?\s*(星期|周|礼拜)\s*([一二三四五六日天七1-7])\s*[)\]]?)?")


def weekdays(text: str, today: dt.date) -> list[Hit]:
    if "月" not in text:
        return []
    n = normalise(text, dense=False)
    hits = []
    for m in _DATE.finditer(n.text):
        year, month, day = (int(g) if g else None for g in m.group(1, 2, 3))
        if not 1 <= month <= 12 or day < 1:
            continue
        start, end = n.span(m.start(), m.end())
        if not _exists(year, month, day):
            hits.append(Hit("weekday", "warn", start, end, text[start:end],
                            said("日期有误：{year}年{month}月{day}日不存在", year=year, month=month, day=day) if year
                            else said("日期有误：{month}月{day}日不存在", month=month, day=day)))
        elif m.group(5):
            hits.extend(_weekday(text, start, end, year, month, day, m.group(4, 5), today))
    return hits


def _exists(year: int | None, month: int, day: int) -> bool:
    try:
        dt.date(year or 2024, month, day)  # 2024: a leap year, so that 2月29日 without a year stands
    except ValueError:
        return False
    return True


def _weekday(text: str, start: int, end: int, year: int | None, month: int, day: int, written: tuple[str, str],
             today: dt.date) -> list[Hit]:
    word, name = written
    wrote = "日" if name in "天七7" else NAMES[int(name) - 1] if name.isdigit() else name
    if year is None:  # the draft's year; near its turn, a month on the other side is the next or last year's
        year_of = today.year + (1 if today.month - month >= 9 else -1 if month - today.month >= 9 else 0)
        date = _date(year_of, month, day)
        if date is None:  # 2月29日 in a year that has none: no weekday to compare
            return []
    else:
        date = dt.date(year, month, day)
    if NAMES[date.weekday()] == wrote:
        return []
    values = {"year": date.year, "month": month, "day": day, "weekday": NAMES[date.weekday()], "wrote": word + wrote}
    return [Hit("weekday", "warn", start, end, text[start:end],
                said("星期与日期不符：{year}年{month}月{day}日是星期{weekday}，文中写作“{wrote}”", **values) if year
                else said("星期与日期不符：按{year}年计，{month}月{day}日是星期{weekday}，文中写作“{wrote}”", **values))]


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None
