"""The figures the platforms' APIs count (issue 20, listening: `publishing.platform.figures`), one
row per account, platform and Beijing day in `PlatformFigure`, the latest read winning. The
account's followers that day, summed over its platforms, are kept as an entered number is
(`followers.from_platform`, by 平台接口): the duty log shows them with the posts' reads,
reposts, comments and likes."""
from __future__ import annotations

import datetime as dt

import peewee
from peewee import fn

from govmb.timefmt import utc
from services.assessment import followers
from services.assessment.models import PlatformFigure, db

FIGURES = ("followers", "posts", "reads", "reposts", "comments", "likes")


def record(payload: dict, _delivery) -> None:
    """The event's handler: an older read of the same day, delivered late or again, changes nothing."""
    day = payload["day"] if isinstance(payload["day"], dt.date) else dt.date.fromisoformat(payload["day"])
    row = {"account_id": payload["account_id"], "platform": payload["platform"], "day": day,
           "read_at": utc(payload["at"]), **{k: payload[k] for k in FIGURES}}
    excluded = peewee.EXCLUDED
    with db.atomic():
        (PlatformFigure.insert(**row)
         .on_conflict(conflict_target=[PlatformFigure.account_id, PlatformFigure.day, PlatformFigure.platform],
                      update={getattr(PlatformFigure, k): getattr(excluded, k) for k in (*FIGURES, "read_at")},
                      where=(PlatformFigure.read_at < excluded.read_at))
         .execute())
        total = (PlatformFigure.select(fn.SUM(PlatformFigure.followers))
                 .where(PlatformFigure.account_id == row["account_id"], PlatformFigure.day == day).scalar())
        if total is not None:
            followers.from_platform(row["account_id"], day, int(total))


def of_days(account_id: int, first: dt.date, last: dt.date) -> dict[str, dict]:
    """Each day's figures of the account summed over its platforms, by ISO date (for the duty log)."""
    query = (PlatformFigure.select(PlatformFigure.day, fn.SUM(PlatformFigure.reads), fn.SUM(PlatformFigure.reposts),
                                   fn.SUM(PlatformFigure.comments), fn.SUM(PlatformFigure.likes))
             .where(PlatformFigure.account_id == account_id, PlatformFigure.day.between(first, last))
             .group_by(PlatformFigure.day).tuples())
    return {(d.isoformat() if isinstance(d, dt.date) else str(d)): {"reads": r, "reposts": rp, "post_comments": c,
                                                                  "likes": lk}
            for d, r, rp, c, lk in query}
