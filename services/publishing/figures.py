"""Each account's posts in a month against its quota (N11, N14): 20 a month for a
livelihood account, 10 for a policy account, at least 60 % original. Months are Beijing
months. Reported to assessment as `publishing.account.monthly_figures`."""
from __future__ import annotations

import datetime as dt

import peewee

from govmb.contracts.publishing import DraftStatus
from govmb.contracts.registry import AccountStatus
from govmb.db import transaction_lock
from govmb.timefmt import BEIJING
from services.publishing.models import Account, Draft, MonthlyFigure, bus, db

QUOTA = {"livelihood": 20, "policy": 10}
ORIGINAL_SHARE = 0.6


def month_bounds(month: str) -> tuple[dt.datetime, dt.datetime]:
    """A Beijing month as naive UTC bounds [start, end)."""
    year, mon = (int(x) for x in month.split("-"))
    start = dt.datetime(year, mon, 1, tzinfo=BEIJING)
    end = dt.datetime(year + (mon == 12), mon % 12 + 1, 1, tzinfo=BEIJING)
    return tuple(t.astimezone(dt.timezone.utc).replace(tzinfo=None) for t in (start, end))


def figures(month: str, accounts: list | None = None) -> list[dict]:
    """Counted from the release records: one post per released draft, whatever its platforms."""
    start, end = month_bounds(month)
    counts = {row[0]: (row[1], row[2] or 0) for row in (
        Draft.select(Draft.account_id, peewee.fn.COUNT(Draft.id),
                     peewee.fn.SUM(peewee.Case(None, [(Draft.original, 1)], 0)))
        .where(Draft.status == DraftStatus.RELEASED, Draft.released_at >= start, Draft.released_at < end)
        .group_by(Draft.account_id).tuples())}
    out = []
    for account in accounts if accounts is not None else Account.select().where(Account.kind != "private"):
        posts, original = counts.get(account.id, (0, 0))
        share = round(original / posts, 4) if posts else 0.0
        quota = QUOTA.get(account.category or "", 0)
        out.append({"account_id": account.id, "unit_id": account.unit_id, "unit_path": account.unit_path,
                    "month": month, "category": account.category, "posts": posts, "original": original,
                    "original_share": share, "quota": quota, "quota_met": posts >= quota,
                    "original_met": posts > 0 and share >= ORIGINAL_SHARE})
    return out


def report(month: str) -> int:
    """Send assessment each account's figures that are new or changed; safe to run twice.
    The number of events written."""
    sent = 0
    active = list(Account.select().where(Account.kind != "private", Account.status == AccountStatus.ACTIVE))
    with db.atomic():
        # Every publishing worker replica runs this job: one at a time per month, or two could
        # read the same last revision and send different figures under one revision number.
        transaction_lock(db, f"govmb-monthly-figures-{month}")
        for row in figures(month, active):
            last = MonthlyFigure.get_or_none(MonthlyFigure.account_id == row["account_id"], MonthlyFigure.month == month)
            if last and (last.posts, last.original) == (row["posts"], row["original"]):
                continue
            revision = (last.revision + 1) if last else 1
            if last:
                last.posts, last.original, last.revision = row["posts"], row["original"], revision
                last.save()
            else:
                MonthlyFigure.create(account_id=row["account_id"], month=month, posts=row["posts"],
                                     original=row["original"], revision=1)
            bus.emit("publishing.account.monthly_figures", {**row, "revision": revision})
            sent += 1
    return sent
