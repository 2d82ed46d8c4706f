"""Early warnings: accounts heading for a single veto or a missed quota while there is still
time to act (before the two weeks run out, before the month ends), and those a security incident
of this year already vetoes (G19.3), with what is still to do about it (handle, report).

Judging them means reading every account in sight with its last post and its month's figures
(150,000 at a country's size), so a periodic job finds them for the whole city (`refresh`,
every two minutes by default) and keeps them in the order of urgency; the dashboards count and
page the kept ones, and say when they were found. With no run younger than `STALE` (the worker
stopped), they are judged on the spot, as before."""
from __future__ import annotations

import calendar
import datetime as dt

import peewee
from peewee import fn

from govmb.contracts.registry import AccountStatus
from govmb.db import insert_rows, transaction_lock
from govmb.messages import N_, said, translate
from govmb.timefmt import BEIJING, stored, to_beijing
from services.assessment import incidents
from services.assessment import rules as rules_
from services.assessment.figures import last_posts, months_before
from services.assessment.models import (
    Account,
    KeptWarning,
    MessageFact,
    MonthlyFigureFact,
    PostFact,
    SecurityIncident,
    WarningRun,
    db,
)

LEVELS = {"veto": "已触发单项否决", "danger": "即将触发", "attention": "需关注"}
STALE = dt.timedelta(minutes=10)  # an older run is not used: the job has stopped
ROW = ("account_id", "account_name", "unit_id", "unit_path", "level", "kind", "text", "days_left")


def refresh(now: dt.datetime | None = None, rules: dict | None = None) -> int:
    """Find the whole city's warnings as of `now` and keep them, with this run and the one
    before it (a reader between two queries still finds the run it began with)."""
    now = now or dt.datetime.now(dt.timezone.utc)
    found = early_warnings(now, rules or rules_.current())
    with db.atomic():
        transaction_lock(db, "assessment-warnings")
        run = WarningRun.create(asof=stored(now))
        insert_rows(KeptWarning, ("run", "rank", *ROW),
                    ((run.id, rank, *(w.get(k) for k in ROW)) for rank, w in enumerate(found, 1)))
        older = WarningRun.select(WarningRun.id).where(WarningRun.id < run.id).order_by(WarningRun.id.desc()).offset(1)
        KeptWarning.delete().where(KeptWarning.run.in_(older)).execute()
        WarningRun.delete().where(WarningRun.id.in_(older)).execute()
    return run.id


def kept_run() -> WarningRun | None:
    """The last run, if it is younger than STALE."""
    run = WarningRun.select().order_by(WarningRun.id.desc()).first()
    if run is None or dt.datetime.now(dt.timezone.utc) - run.asof.replace(tzinfo=dt.timezone.utc) > STALE:
        return None
    return run


def kept(run: WarningRun, narrow, kind: str | None = None, level: str | None = None) -> peewee.ModelSelect:
    """The run's warnings (narrowed to the units in view by `narrow(query, path_field)`), most
    urgent first."""
    query = narrow(KeptWarning.select().where(KeptWarning.run == run.id), KeptWarning.unit_path)
    if kind:
        query = query.where(KeptWarning.kind == kind)
    if level:
        query = query.where(KeptWarning.level == level)
    return query.order_by(KeptWarning.rank)


def shown(row) -> dict:
    """A warning as the API answers it (a kept row or a dict of `_warning`)."""
    w = row if isinstance(row, dict) else {k: getattr(row, k) for k in ROW}
    out = {**w, "level_name": LEVELS[w["level"]], "kind_name": KIND_NAMES[w["kind"]]}
    if out.get("days_left") is None:
        out.pop("days_left", None)
    return out


def summary(asof: dt.datetime, rules: dict, narrow, first: int) -> dict:
    """How many warnings the units in view have, by kind and level, and the `first` most urgent;
    from the kept run, or judged now when there is none."""
    run = kept_run()
    if run is None:
        rows = early_warnings(asof, rules, narrow)
        counts = {}
        for w in rows:
            counts[w["kind"], w["level"]] = counts.get((w["kind"], w["level"]), 0) + 1
        head, when = rows[:first], asof
    else:
        query = kept(run, narrow)
        counts = {(k, lv): n for k, lv, n in query.select(KeptWarning.kind, KeptWarning.level, fn.COUNT(KeptWarning.rank))
                  .order_by().group_by(KeptWarning.kind, KeptWarning.level).tuples()}
        head, when = list(query.limit(first)), run.asof.replace(tzinfo=dt.timezone.utc)
    by_kind, by_level = {}, {}
    for (kind, level), n in counts.items():
        by_kind[KIND_NAMES[kind]] = by_kind.get(KIND_NAMES[kind], 0) + n
        by_level[LEVELS[level]] = by_level.get(LEVELS[level], 0) + n
    return {"total": sum(counts.values()), "by_kind": by_kind, "by_level": by_level,
            "first": [shown(w) for w in head], "asof": when.astimezone(BEIJING).isoformat(timespec="seconds")}


def early_warnings(asof: dt.datetime, rules: dict, in_sight=lambda q, _field: q) -> list[dict]:
    """Warnings for the active accounts in sight, most urgent first."""
    accounts = {a.id: a for a in in_sight(Account.select(Account.id, Account.name, Account.unit_id, Account.unit_path,
                                                         Account.category, Account.activated_at)
                                          .where(Account.status == AccountStatus.ACTIVE, Account.kind != "private"),
                                          Account.unit_path).namedtuples()}
    if not accounts:
        return []
    out = [*_dormant(accounts, asof, rules), *_unanswered(accounts, asof, rules, in_sight),
           *_quota(accounts, asof, rules, in_sight), *_incidents(accounts, asof, in_sight)]
    order = {"veto": 0, "danger": 1, "attention": 2}
    out.sort(key=lambda w: (order[w["level"]], w.get("days_left", 99), w["unit_path"], w["account_id"]))
    return out


def _dormant(accounts: dict, asof: dt.datetime, rules: dict):
    today = asof.astimezone(BEIJING).date()
    last_post = dict(last_posts(today.isoformat()))  # kept by the post events
    for a in accounts.values():
        since = to_beijing(a.activated_at) if a.activated_at else asof
        last = last_post.get(a.id)
        idle = (today - dt.date.fromisoformat(last)).days if last else (today - since.astimezone(BEIJING).date()).days
        if idle > rules["dormant_days"]:
            yield _warning(a, "veto", "dormant", said("已{idle}天未更新，超过{days}天", idle=idle, days=rules['dormant_days']))
        elif idle >= rules["warn_dormant_days"]:
            left = rules["dormant_days"] - idle
            yield _warning(a, "danger", "dormant",
                           said("已{idle}天未更新，{left}天内不发布将触发“两周内未更新”单项否决", idle=idle, left=left), days_left=left)


def _unanswered(accounts: dict, asof: dt.datetime, rules: dict, in_sight):
    veto_cutoff = stored(months_before(asof, rules["unanswered_months"]))
    warn_cutoff = stored(asof - dt.timedelta(days=rules["warn_unanswered_days"]))
    waiting = (in_sight(MessageFact.select(MessageFact.account_id, fn.COUNT(MessageFact.id),
                                           fn.MIN(MessageFact.received_at)), MessageFact.unit_path)
               .where(MessageFact.replied_at.is_null(), MessageFact.received_at < warn_cutoff)
               .group_by(MessageFact.account_id).tuples())  # the unanswered: a partial index holds them
    for account_id, n, oldest in waiting:
        if account_id not in accounts:
            continue
        if oldest < veto_cutoff:
            yield _warning(accounts[account_id], "veto", "unanswered",
                           said("{n}条留言未回复，最早一条已超过{months}个月", n=n, months=rules['unanswered_months']))
        else:
            left = (oldest - veto_cutoff).days
            yield _warning(accounts[account_id], "danger", "unanswered",
                           said("{n}条留言未回复，最早一条{left}天后将超过{months}个月", n=n, left=left,
                                months=rules['unanswered_months']), days_left=left)


def _quota(accounts: dict, asof: dt.datetime, rules: dict, in_sight):
    """This month's posts behind the quota's pace, and an original share below the target."""
    today = asof.astimezone(BEIJING).date()
    days_in_month = calendar.monthrange(today.year, today.month)[1]
    left = days_in_month - today.day  # whole days after today
    figures = {f.account_id: f for f in in_sight(MonthlyFigureFact.select(
        MonthlyFigureFact.account_id, MonthlyFigureFact.quota, MonthlyFigureFact.posts, MonthlyFigureFact.original_share),
        MonthlyFigureFact.unit_path).where(MonthlyFigureFact.month == today.strftime("%Y-%m")).namedtuples()}
    released = _released_this_month(today, in_sight)
    for a in accounts.values():
        f = figures.get(a.id)
        quota = f.quota if f else rules["quotas"].get(a.category or "", 0)
        # publishing's figures come hourly; the posts released since count at once (issue 17: the
        # warning said 0 while the page's table, from the same facts, said 1)
        posts = max(f.posts if f else 0, released.get(a.id, 0))
        needed = quota - posts
        if needed > 0 and (left < 14 or posts < quota * today.day / days_in_month):
            level = "danger" if left < 14 else "attention"
            yield _warning(a, level, "quota", said("本月已发布{posts}条，距月度指标{quota}条还差{needed}条，本月还剩{left}天",
                                                   posts=posts, quota=quota, needed=needed, left=left), days_left=left)
        if f and f.posts >= 5 and f.original_share < rules["original_target"]:
            yield _warning(a, "attention", "original",
                           said("本月原创率{share:.0%}，低于{target:.0%}", share=f.original_share, target=rules['original_target']))


def _released_this_month(today: dt.date, in_sight) -> dict[int, int]:
    """Each account's posts released since the start of this Beijing month (one grouped query on
    the facts' Beijing day, which an index holds)."""
    query = in_sight(PostFact.select(PostFact.account_id, fn.COUNT(PostFact.draft_id)), PostFact.unit_path)
    return dict(query.where(PostFact.day >= today.replace(day=1).isoformat()).group_by(PostFact.account_id).tuples())


KIND_NAMES = {"dormant": "更新频率", "unanswered": "留言回复", "quota": "月度发稿指标", "original": "原创率",
              "incident": "安全事件"}


def _incidents(accounts: dict, asof: dt.datetime, in_sight):
    """G19.3: each incident found this Beijing year vetoes the year's assessment; the warning says
    what is still owed (handling it, reporting it)."""
    year = asof.astimezone(BEIJING).year
    start = stored(dt.datetime(year, 1, 1, tzinfo=BEIJING))
    end = stored(dt.datetime(year + 1, 1, 1, tzinfo=BEIJING))
    found = in_sight(incidents.in_window(start, end, stored(asof)), SecurityIncident.unit_path)
    for i in found.order_by(SecurityIncident.found_at):
        if i.account_id not in accounts:
            continue
        owed = [translate(t) for t, done in ((N_("尚未处置"), i.handled_at), (N_("尚未报告"), i.reported_at)) if not done]
        text = said("{day}发现{kind}，本年度考核单项否决", day=to_beijing(i.found_at).date().isoformat(),
                    kind=translate(incidents.KIND_NAMES[i.kind]))
        yield _warning(accounts[i.account_id], "veto", "incident", "；".join([text, *owed])[:200])


def _warning(account, level: str, kind: str, text: str, days_left: int | None = None) -> dict:
    row = {"account_id": account.id, "account_name": account.name, "unit_id": account.unit_id,
           "unit_path": account.unit_path, "level": level, "kind": kind, "text": text}
    if days_left is not None:
        row["days_left"] = days_left
    return row
