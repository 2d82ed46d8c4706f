"""The assessment (X20.5, N19, N20): rates, a score, the national single-veto checks, grades,
a ranking, the units to name in a 通报 and those to commend. Each figure is traceable to
its records (`records`)."""
from __future__ import annotations

import datetime as dt
import json
from collections import OrderedDict

import peewee
from peewee import fn

from govmb.contracts.registry import AccountStatus
from govmb.identity import under
from govmb.messages import said, translate
from govmb.systems import system_of
from govmb.timefmt import BEIJING, to_beijing
from services.assessment import incidents, inspections, kept
from services.assessment import recent as recent_
from services.assessment import rules as rules_
from services.assessment.figures import Counts, Period, Window, default_asof
from services.assessment.kept import count
from services.assessment.models import (
    Account,
    FigureMonth,
    Inspection,
    MessageFact,
    PostFact,
    SecurityIncident,
    Unit,
)

GRADE_NAMES = {"excellent": "优秀", "good": "良好", "pass": "合格", "fail": "不合格"}
VETO_NAMES = {"dormant": "两周内未更新", "unanswered": "网民有效留言超过3个月未回复", "incident": incidents.VETO_NAME}


def _ratio(done: int, due: int) -> float | None:
    return None if not due else done / due


def rates(c: Counts, rules: dict) -> dict[str, float | None]:
    """Each indicator's rate in [0, 1], or None when there is nothing to count."""
    share = _ratio(c.original, c.posts)
    return {
        "reply_timeliness": _ratio(c.replied_on_time, c.reply_due),
        "resolution": _ratio(c.resolved, c.resolution_due),
        "quota": _ratio(c.months_quota_met, c.months),
        "original": None if share is None else min(1.0, share / rules["original_target"]),
        "emergency": _ratio(c.emergencies_on_time, c.emergencies),
        "forwarding": _ratio(c.forwards_on_time, c.forwards_asked),
        "satisfaction": _ratio(c.ratings_satisfied + c.ratings_basically, c.ratings),  # N19: 满意 and 基本满意
    }


def score(c: Counts, rules: dict) -> tuple[dict, dict, float]:
    """(rates, points per indicator, score). An indicator with nothing to count scores full
    marks; each returned transfer costs `return_penalty` points."""
    r = rates(c, rules)
    points = {k: round(rules["weights"][k] * (1.0 if v is None else v), 2) for k, v in r.items()}
    total = max(0.0, sum(points.values()) - rules["return_penalty"] * c.returns)
    return r, points, round(total, 1)


def grade(total: float, vetoed: bool, rules: dict) -> str:
    if vetoed:
        return "fail"
    g = rules["grades"]
    return "excellent" if total >= g["excellent"] else "good" if total >= g["good"] else \
        "pass" if total >= g["pass"] else "fail"


def assessed_accounts(period: Period, within: str = "") -> peewee.ModelSelect:
    """The query of the accounts that were open at some time in the period (activated, not closed
    before it), of the units `within` a path if given: narrow it or choose its columns, a
    country's 150,000 accounts are not loaded to be filtered in Python."""
    w = Window.of(period, default_asof(period), 0, within)
    return w.narrow(Account.select().where(Account.kind != "private", Account.activated_at.is_null(False),
                                           Account.activated_at < w.end,
                                           Account.closed_at.is_null() | (Account.closed_at >= w.start)),
                    Account.unit_path)


ROW_COLUMNS = (Account.id, Account.name, Account.unit_id, Account.unit_path, Account.category, Account.status)


def counted(c: Counts) -> dict:
    """A Counts as a dict of the figures of its period (dataclasses.asdict copies each value
    deeply, for thousands of rows a visit); what stands at the moment of the check (the last
    post, the long unanswered messages) is reported by the vetoes."""
    out = dict(vars(c))
    del out["unanswered_long"], out["last_post_day"]
    return out


def vetoes(w: Window, rules: dict, assessed: peewee.ModelSelect) -> dict[int, tuple[int, str, list[dict]]]:
    """The single-veto items (国办秘函〔2019〕19号) each `assessed` account fails as of the
    window's moment, for the accounts that fail one: (unit, name, items) by account. Counted in
    the database, an index probe per account: an open account is dormant when it was active
    longer than the limit and has no post in the last `dormant_days` days up to the check."""
    limit = rules["dormant_days"]
    quiet_from = (dt.date.fromisoformat(w.asof_day) - dt.timedelta(days=limit)).isoformat()
    recent_post = PostFact.select(PostFact.draft_id).where(PostFact.account_id == Account.id,
                                                           PostFact.day.between(quiet_from, w.asof_day))
    last_post = PostFact.select(fn.MAX(PostFact.day)).where(PostFact.account_id == Account.id,
                                                            PostFact.day <= w.asof_day)
    dormant = (assessed.select(Account.id, Account.unit_id, Account.name, last_post)
               .where(Account.status == AccountStatus.ACTIVE, Account.activated_at < w.now - dt.timedelta(days=limit),
                      ~fn.EXISTS(recent_post)).tuples())
    out: dict[int, tuple[int, str, list[dict]]] = {}
    for account_id, unit_id, name, last in dormant:
        idle = (dt.date.fromisoformat(w.asof_day) - dt.date.fromisoformat(last)).days if last else None
        out[account_id] = (unit_id, name, [{"item": "dormant", "name": VETO_NAMES["dormant"],
                                            "detail": said("最近一次发布为{last}，已{idle}天未更新", last=last, idle=idle) if last else "从未发布"}])
    unanswered = (MessageFact.select(MessageFact.account_id, Account.unit_id, Account.name, fn.COUNT(MessageFact.id))
                  .join(Account, on=(Account.id == MessageFact.account_id))
                  .where(MessageFact.replied_at.is_null(), MessageFact.received_at < w.unanswered_before,
                         MessageFact.account_id.in_(assessed.select(Account.id)))
                  .group_by(MessageFact.account_id, Account.unit_id, Account.name).tuples())  # a partial index holds them
    for account_id, unit_id, name, n in unanswered:
        out.setdefault(account_id, (unit_id, name, []))[2].append(
            {"item": "unanswered", "name": VETO_NAMES["unanswered"],
             "detail": said("{n}条留言超过{months}个月未回复", n=n, months=rules['unanswered_months'])})
    _incident_vetoes(w, assessed, out)
    return out


def _incident_vetoes(w: Window, assessed: peewee.ModelSelect, out: dict) -> None:
    """G19.3: an account with a security incident found in the period (up to the check) fails it."""
    found = (w.narrow(incidents.in_window(w.start, w.end, w.now), SecurityIncident.unit_path)
             .select(SecurityIncident.id, SecurityIncident.account_id, SecurityIncident.unit_id,
                     SecurityIncident.account_name, SecurityIncident.kind, SecurityIncident.found_at)
             .where(SecurityIncident.account_id.in_(assessed.select(Account.id)))
             .order_by(SecurityIncident.found_at, SecurityIncident.id))
    for i in found:
        out.setdefault(i.account_id, (i.unit_id, i.account_name, []))[2].append(
            {"item": "incident", "name": VETO_NAMES["incident"], "incident_id": i.id,
             "detail": said("{day}发现：{kind}", day=to_beijing(i.found_at).date().isoformat(),
                            kind=translate(incidents.KIND_NAMES[i.kind]))})


def assess(period: Period, asof: dt.datetime | None = None, within: str = "", recent: bool = False,
           accounts: bool = True) -> dict:
    """The whole city's assessment for `period` (or of the units `within` a path, ranked among
    themselves), as it stood at `asof` (default: now, or the period's end if that is earlier);
    `recent`: as of the last count of the live months, if there is a recent one (`recent`);
    `accounts`: with a row per account (else the figures are summed per unit in the database,
    and only the accounts that fail a veto are read)."""
    rules = rules_.current()
    key = settled_key(period, within, accounts, rules) if asof is None else None
    if key is not None and key in _settled:
        _settled.move_to_end(key)
        return dict(_settled[key])
    found = (recent_.count(period, within, rules["unanswered_months"], units_only=not accounts, state=False)
             if recent and asof is None else None)
    if found:
        figures, asof = found
    else:
        asof = asof or default_asof(period)
        figures = count(period, asof, rules["unanswered_months"], within, units_only=not accounts, state=False)
    per_unit = figures.by_unit()
    assessed = assessed_accounts(period, within)
    window = Window.of(period, asof, rules["unanswered_months"], within)
    vetoed = vetoes(window, rules, assessed)
    if accounts:
        account_rows = _account_rows(assessed, figures.by_account(), vetoed, rules)
        unit_ids = sorted({a["unit_id"] for a in account_rows})
    else:
        account_rows = []
        unit_ids = [u for (u,) in assessed.select(Account.unit_id).distinct().order_by(Account.unit_id).tuples()]
    unit_rows = _unit_rows(unit_ids, per_unit, vetoed, within, rules, inspections.deductions(window))
    unit_rows.sort(key=lambda u: (bool(u["vetoes"]), -u["score"], u["name"]))
    for rank, row in enumerate(unit_rows, 1):
        row["rank"] = rank
        row["grade_name"] = GRADE_NAMES[row["grade"]]
    named = [{"unit_id": u["unit_id"], "name": u["name"],
              "reason": "；".join(v["name"] + "（" + v["account_name"] + "）" for v in u["vetoes"])
              or said("综合得分{score}分，低于合格线{mark:g}分", score=u['score'], mark=rules['grades']['pass'])}
             for u in unit_rows if u["grade"] == "fail"]
    commended = [{"unit_id": u["unit_id"], "name": u["name"], "score": u["score"]}
                 for u in unit_rows if u["grade"] == "excellent"][:rules["commend_top"]]
    result = {"period": period.label, "start": period.start.isoformat(), "end": period.end.isoformat(),
              "asof": asof.astimezone(BEIJING).isoformat(timespec="seconds"), "rules": rules,
              "indicators": rules_.INDICATORS, "units": unit_rows, "accounts": account_rows,
              "named": named, "commended": commended}
    if key is not None:
        _settled[key] = result
        while len(_settled) > SETTLED_KEPT:
            _settled.popitem(last=False)
    return dict(result)


def _account_rows(assessed: peewee.ModelSelect, per_account: dict, vetoed: dict, rules: dict) -> list[dict]:
    rows = []
    for a in assessed.select(*ROW_COLUMNS).order_by(Account.id).namedtuples():
        c = per_account.get(a.id, Counts())
        items = vetoed[a.id][2] if a.id in vetoed else []
        r, points, total = score(c, rules)
        rows.append({"account_id": a.id, "name": a.name, "unit_id": a.unit_id, "unit_path": a.unit_path,
                     "category": a.category, "status": a.status, "counts": counted(c), "rates": r, "points": points,
                     "score": total, "vetoes": items, "grade": grade(total, bool(items), rules)})
    return rows


def _unit_rows(unit_ids: list[int], per_unit: dict, vetoed: dict, within: str, rules: dict,
               deducted: dict[int, tuple[float, int]]) -> list[dict]:
    """A row per unit with its counts, rates, points, score, the vetoes of its accounts and its grade;
    the score less the deductions of the period's inspections (19号, `inspections.deductions`)."""
    vetoed_units: dict[int, list[dict]] = {}
    for account_id, (unit_id, name, items) in vetoed.items():
        vetoed_units.setdefault(unit_id, []).extend({**v, "account_id": account_id, "account_name": name}
                                                    for v in items)
    units = Unit.select(Unit.id, Unit.name, Unit.kind, Unit.path)
    units = {u.id: u for u in (units.where(under(Unit.path, within)) if within else units).namedtuples()}
    rows = []
    for unit_id in unit_ids:
        unit = units.get(unit_id)
        c = per_unit.get(unit_id, Counts())
        r, points, total = score(c, rules)
        deduction, findings = deducted.get(unit_id, (0.0, 0))
        total = round(max(0.0, total - deduction), 1)
        items = vetoed_units.get(unit_id, [])
        rows.append({"unit_id": unit_id, "name": unit.name if unit else said("单位{id}", id=unit_id),
                     "path": unit.path if unit else "", "system": system_of(unit) if unit else "其他",
                     "counts": counted(c), "rates": r, "points": points,
                     "penalty": round(rules["return_penalty"] * c.returns, 2),
                     "inspection_deduction": round(deduction, 2), "inspection_findings": findings, "score": total,
                     "vetoes": items, "grade": grade(total, bool(items), rules)})
    return rows


SETTLED_KEPT = 32  # assessments of settled periods kept by a process (a city's year: a few hundred KB)
_settled: OrderedDict[tuple, dict] = OrderedDict()


def settled_key(period: Period, within: str, accounts: bool, rules: dict) -> tuple | None:
    """What the assessment of a settled period (every month of it settled, `kept`), as of its end,
    depends on: the rules, the versions of the settled months (an event that changes one raises
    it), and the copies of the units and accounts (each change stamps `updated_at`); None for a
    period not settled, whose counts still move with the clock. A later quarterly report or look
    at last year then reads the result kept by the first, until one of these changes."""
    if not kept.settled(period.months[-1], dt.datetime.now(dt.timezone.utc)):
        return None
    months = FigureMonth.select(fn.COUNT(FigureMonth.month), fn.SUM(FigureMonth.version)).tuples().get()
    units = Unit.select(fn.COUNT(Unit.id), fn.MAX(Unit.updated_at)).tuples().get()
    copies = Account.select(fn.COUNT(Account.id), fn.MAX(Account.updated_at)).tuples().get()
    # the deductions and the incidents (recorded, completed) move a settled period's score and vetoes
    checks = Inspection.select(fn.COUNT(Inspection.id), fn.MAX(Inspection.id)).tuples().get()
    found = SecurityIncident.select(fn.COUNT(SecurityIncident.id), fn.MAX(SecurityIncident.updated_at)).tuples().get()
    database = Unit._meta.database
    where = getattr(database, "obj", database).database  # the database's name or file: one process, one database, but tests
    return (where, period.label, within, accounts, json.dumps(rules, sort_keys=True), months, units, copies,
            checks, found)
