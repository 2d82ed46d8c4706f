"""The annual 政务新媒体工作年度报表 (the national template of 国务院办公厅, 2019 onwards: 基本情况,
信息发布, 留言办理, 征集调查, 在线访谈, 安全防护, 监管 and 人员培训), every figure the product keeps
filled from it: the accounts by kind, category and platform, the posts and their original
share, the citizens' messages received, replied, replied on time and resolved, the unified
messages, emergencies and problem notices, the inspections and their fixes, the training, the
assessment. What happens outside the product (征集调查, 在线访谈…) is entered by the office or the
unit (annual_entries.py); what was not entered says "未填报", not left blank.
As data, XLSX and PDF (docs/assessment.md, 年度报表)."""
from __future__ import annotations

import datetime as dt

from peewee import fn

from govmb.config import options
from govmb.contracts.registry import CATEGORY_NAMES, KIND_NAMES
from govmb.identity import under
from govmb.locales import recorded
from govmb.messages import N_, said
from govmb.timefmt import beijing_today
from services.assessment import annual, annual_entries
from services.assessment.annual import assessed_accounts
from services.assessment.documents import Document, workbook
from services.assessment.figures import Counts, Period, sum_if
from services.assessment.inspections import overdue_clause
from services.assessment.models import Account, Inspection, MessageFact, TrainingAttendee, TrainingSession

HEADERS = (N_("栏目"), N_("指标"), N_("数值"), N_("说明"))


def _pct(done: int, of: int) -> str:
    return "—" if not of else f"{done / of:.1%}"


def _narrow(query, field, within: str):
    return query.where(under(field, within)) if within else query


def _accounts(period: Period, within: str) -> list[tuple]:
    """The accounts open in the year: in all, by kind, by category, by platform (an account on
    several platforms counts on each; the platforms are configuration, GOVMB_PLATFORMS)."""
    accounts = assessed_accounts(period, within)
    rows = [(N_("基本情况"), N_("政务微博账号总数（个）"), accounts.count(), N_("年内开通运行过的账号（含年内关闭的）"))]
    kinds = dict(accounts.select(Account.kind, fn.COUNT(Account.id)).group_by(Account.kind).tuples())
    rows += [(N_("基本情况"), said("其中{name}（个）", name=name), kinds.get(kind, 0), "")
             for kind, name in KIND_NAMES.items() if kind != "private"]
    categories = dict(accounts.select(Account.category, fn.COUNT(Account.id)).group_by(Account.category).tuples())
    rows += [(N_("基本情况"), said("其中{name}（个）", name=name), categories.get(key, 0), N_("按账号类别"))
             for key, name in CATEGORY_NAMES.items()]
    for code, name in options().platforms.items():
        on = accounts.where(Account.platforms.contains(f'"platform": "{code}"')).count()
        rows.append((N_("基本情况"), said("开设在{name}的账号（个）", name=name), on, N_("一个账号开设在多个平台的，各平台分别计数")))
    return rows


def _messages(period: Period, within: str, c: Counts) -> list[tuple]:
    first, last = period.days()
    replied = _narrow(MessageFact.select().where(MessageFact.received_day.between(first, last),
                                                 MessageFact.replied_at.is_null(False)), MessageFact.unit_path, within)
    section = N_("留言办理")
    return [(section, N_("收到留言数量（条）"), c.messages, N_("评论、@提及、私信")),
            (section, N_("已回复留言数量（条）"), replied.count(), ""),
            (section, N_("按时回复（24小时内）数量（条）"), c.replied_on_time,
             said("回复及时率 {rate}（应回复 {due} 条）", rate=_pct(c.replied_on_time, c.reply_due), due=c.reply_due)),
            (section, N_("办结留言数量（条）"), c.resolved,
             said("问题解决率 {rate}（应办结 {due} 条）", rate=_pct(c.resolved, c.resolution_due), due=c.resolution_due)),
            (section, N_("负面留言数量（条）"), c.negative, ""),
            (section, N_("转办退回（次）"), c.returns, "")]


def _inspections(period: Period, within: str, today: dt.date) -> list[tuple]:
    query = _narrow(Inspection.select(fn.COUNT(Inspection.id), fn.COUNT(fn.DISTINCT(Inspection.unit_id)),
                                      sum_if(Inspection.status == "accepted"), sum_if(overdue_clause(today)))
                    .where(Inspection.inspected_on.between(period.start, period.end)), Inspection.unit_path, within)
    n, units, accepted, overdue = query.tuples().get()
    section = N_("监管")
    return [(section, N_("督查检查次数（次）"), n, ""), (section, N_("被检查单位（个）"), units, ""),
            (section, N_("发现问题数量（个）"), n, N_("每次检查记录的问题")),
            (section, N_("问题整改数量（个）"), int(accepted or 0), N_("整改已验收通过")),
            (section, N_("逾期未整改（个）"), int(overdue or 0), said("截至{day}", day=today.isoformat()))]


def _training(period: Period, within: str) -> list[tuple]:
    held = TrainingSession.select(TrainingSession.id).where(TrainingSession.held_on.between(period.start, period.end))
    attended = _narrow(TrainingAttendee.select(fn.COUNT(TrainingAttendee.id), fn.SUM(TrainingSession.hours))
                       .join(TrainingSession).where(TrainingAttendee.session.in_(held)), TrainingAttendee.unit_path,
                       within)
    n, hours = attended.tuples().get()
    sessions = (held.count() if not within else
                _narrow(TrainingAttendee.select(TrainingAttendee.session).distinct()
                        .where(TrainingAttendee.session.in_(held)), TrainingAttendee.unit_path, within).count())
    section = N_("人员培训")
    return [(section, N_("培训期数（期）"), sessions, N_("授课培训和经验交流座谈会；单位的：有人参加的")),
            (section, N_("参训人次（人次）"), n, ""), (section, N_("培训学时（人·学时）"), float(hours or 0), "")]


def figures(year: int, within: str = "", scope: str = "", unit_id: int = 0) -> dict:
    """The year's form for the city (or the units `within` a path, `scope` its name, `unit_id` its
    id: whose entered figures it shows, services/assessment/annual_entries.py)."""
    period = Period.parse(str(year))
    entered = annual_entries.entry(year, unit_id)
    assessed = annual.assess(period, within=within, accounts=False)
    c = Counts()
    for u in assessed["units"]:
        c.add(Counts(**u["counts"]))
    today = min(beijing_today(), period.end)
    scores = [u["score"] for u in assessed["units"]]
    rows = [(N_("基本情况"), N_("名称"), scope or N_("全市政务微博"), ""),
            *_accounts(period, within),
            (N_("信息发布"), N_("发布信息总数（条）"), c.posts, ""),
            (N_("信息发布"), N_("原创量（条）"), c.original, said("原创率 {rate}", rate=_pct(c.original, c.posts))),
            (N_("信息发布"), N_("突发事件信息发布（条）"), c.emergencies,
             said("按时发布 {n} 条", n=c.emergencies_on_time)),
            (N_("解读回应"), N_("统一口径转发要求（次）"), c.forwards_asked, said("按时转发 {n} 次", n=c.forwards_on_time)),
            *_messages(period, within, c),
            (N_("留言办理"), N_("问题通报单（份）"), c.notices_issued, said("已回复 {n} 份", n=c.notices_replied)),
            *annual_entries.rows(entered),
            *_inspections(period, within, today),
            (N_("监管"), N_("参加考核单位（个）"), len(assessed["units"]), ""),
            (N_("监管"), N_("考核平均得分"), round(sum(scores) / len(scores), 1) if scores else "—", ""),
            (N_("监管"), N_("考核优秀单位（个）"), sum(u["grade"] == "excellent" for u in assessed["units"]), ""),
            (N_("监管"), N_("考核不合格单位（个）"), sum(u["grade"] == "fail" for u in assessed["units"]), ""),
            *_training(period, within)]
    return {"year": year, "label": period.label, "scope": scope or N_("全市政务微博"),
            "title": said("{year}年度政务新媒体工作年度报表", year=year), "asof": assessed["asof"],
            "rows": [{"section": s, "item": i, "value": v, "note": n} for s, i, v, n in rows],
            "entered": annual_entries.values(entered)}


def xlsx(form: dict) -> bytes:
    return workbook([{"title": form["title"], "headers": HEADERS,
                      "rows": [[r["section"], r["item"], r["value"], r["note"]] for r in form["rows"]]}])


@recorded()
def pdf(form: dict) -> bytes:
    doc = Document(form["title"], said("填报单位：{scope}　统计期间：{label}", scope=form["scope"], label=form["label"]))
    doc.grid(HEADERS, [(r["section"], r["item"], r["value"], r["note"]) for r in form["rows"]], widths=(24, 62, 30, 66))
    return doc.bytes()
