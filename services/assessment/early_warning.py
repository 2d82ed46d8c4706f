"""Early warnings: accounts heading for a single veto or a missed quota while there is still
time to act (before the two weeks run out, before the month ends)."""
from __future__ import annotations

import calendar
import datetime as dt

from peewee import fn

from govmb.timefmt import BEIJING, utc_text
from services.assessment.figures import last_posts, months_before
from services.assessment.models import Account, MessageFact, MonthlyFigureFact

LEVELS = {"veto": "已触发单项否决", "danger": "即将触发", "attention": "需关注"}


def early_warnings(asof: dt.datetime, rules: dict, in_sight=lambda q, _field: q) -> list[dict]:
    """Warnings for the active accounts in sight, most urgent first."""
    today = asof.astimezone(BEIJING).date()
    accounts = {a.id: a for a in in_sight(Account.select().where(Account.status == "active",
                                                                   Account.kind != "private"), Account.unit_path)}
    if not accounts:
        return []
    out = []
    last_post = dict(last_posts(today.isoformat()))  # kept by the post events
    for a in accounts.values():
        since = dt.datetime.fromisoformat(a.activated_at) if a.activated_at else asof
        last = last_post.get(a.id)
        idle = (today - dt.date.fromisoformat(last)).days if last else (today - since.astimezone(BEIJING).date()).days
        if idle > rules["dormant_days"]:
            out.append(_warning(a, "veto", "dormant", f"已{idle}天未更新，超过{rules['dormant_days']}天"))
        elif idle >= rules["warn_dormant_days"]:
            left = rules["dormant_days"] - idle
            out.append(_warning(a, "danger", "dormant",
                                f"已{idle}天未更新，{left}天内不发布将触发“两周内未更新”单项否决", days_left=left))

    veto_cutoff = months_before(asof, rules["unanswered_months"])
    warn_cutoff = utc_text(asof - dt.timedelta(days=rules["warn_unanswered_days"]))
    waiting = (in_sight(MessageFact.select(MessageFact.account_id, fn.COUNT(MessageFact.id),
                                           fn.MIN(MessageFact.received_at)), MessageFact.unit_path)
               .where(MessageFact.replied_at.is_null(), MessageFact.received_at < warn_cutoff)
               .group_by(MessageFact.account_id).tuples())  # the unanswered: a partial index holds them
    for account_id, n, oldest in waiting:
        if account_id not in accounts:
            continue
        received = dt.datetime.fromisoformat(oldest)
        if received < veto_cutoff:
            out.append(_warning(accounts[account_id], "veto", "unanswered",
                                f"{n}条留言未回复，最早一条已超过{rules['unanswered_months']}个月"))
        else:
            left = (received - veto_cutoff).days
            out.append(_warning(accounts[account_id], "danger", "unanswered",
                                f"{n}条留言未回复，最早一条{left}天后将超过{rules['unanswered_months']}个月",
                                days_left=left))

    month = today.strftime("%Y-%m")
    days_in_month = calendar.monthrange(today.year, today.month)[1]
    left = days_in_month - today.day  # whole days after today
    figures = {f.account_id: f for f in in_sight(MonthlyFigureFact.select(), MonthlyFigureFact.unit_path).where(
        MonthlyFigureFact.month == month)}
    for a in accounts.values():
        f = figures.get(a.id)
        quota = f.quota if f else rules["quotas"].get(a.category or "", 0)
        posts = f.posts if f else 0
        needed = quota - posts
        pace = quota * today.day / days_in_month
        if needed > 0 and (left < 14 or posts < pace):
            level = "danger" if left < 14 else "attention"
            out.append(_warning(a, level, "quota", f"本月已发布{posts}条，距月度指标{quota}条还差{needed}条，"
                                                   f"本月还剩{left}天", days_left=left))
        if f and f.posts >= 5 and f.original_share < rules["original_target"]:
            out.append(_warning(a, "attention", "original",
                                f"本月原创率{f.original_share:.0%}，低于{rules['original_target']:.0%}"))
    order = {"veto": 0, "danger": 1, "attention": 2}
    out.sort(key=lambda w: (order[w["level"]], w.get("days_left", 99), w["unit_path"], w["account_id"]))
    return out


KIND_NAMES = {"dormant": "更新频率", "unanswered": "留言回复", "quota": "月度发稿指标", "original": "原创率"}


def _warning(account, level: str, kind: str, text: str, days_left: int | None = None) -> dict:
    row = {"account_id": account.id, "account_name": account.name, "unit_id": account.unit_id,
           "unit_path": account.unit_path, "level": level, "level_name": LEVELS[level], "kind": kind,
           "kind_name": KIND_NAMES[kind], "text": text}
    if days_left is not None:
        row["days_left"] = days_left
    return row
