"""The duty log (X20.3), per account and day: posts, replies, citizens' forwards and comments,
the positive/negative ratio, notices issued and replied, followers; and the trend of the
negative messages with what they are about (their categories); what the platforms' APIs count
of the day's posts (reads, reposts, comments, likes: `platform_figures.py`)."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict

from peewee import fn

from govmb.contracts.inquiry import CATEGORY_NAMES
from govmb.messages import said
from govmb.timefmt import beijing_day, stored
from services.assessment import platform_figures
from services.assessment.figures import beijing_midnight, sum_if
from services.assessment.models import FollowerCount, MessageFact, NoticeFact, PostFact

MAX_DAYS = 92


KINDS = {"comment": "comments", "forward": "forwards", "mention": "mentions", "private": "private"}


def duty_log(account, first: dt.date, last: dt.date) -> dict:
    """One row per day from `first` to `last` (Beijing dates) for an account."""
    if last < first:
        raise ValueError("结束日期不能早于开始日期")
    if (last - first).days >= MAX_DAYS:
        raise ValueError(said("一次最多查看 {days} 天", days=MAX_DAYS))
    a, b = first.isoformat(), last.isoformat()
    days = [(first + dt.timedelta(days=i)).isoformat() for i in range((last - first).days + 1)]
    rows = {d: {"day": d, "posts": 0, "original": 0, "replies": 0, "comments": 0, "forwards": 0, "mentions": 0,
                "private": 0, "received": 0, "positive": 0, "negative": 0, "notices_issued": 0,
                "notices_replied": 0, "followers": None, "reads": None, "reposts": None, "post_comments": None,
                "likes": None} for d in days}
    _add_posts_and_replies(rows, account.id, a, b)
    negative_topics = _add_messages(rows, account.id, a, b)
    _add_notices(rows, account.unit_id, first, last)
    for f in FollowerCount.select().where(FollowerCount.account_id == account.id,
                                          FollowerCount.day.between(first, last)):
        rows[f.day.isoformat() if isinstance(f.day, dt.date) else str(f.day)]["followers"] = f.followers
    for day, counted in platform_figures.of_days(account.id, first, last).items():  # the platforms' APIs' counts
        rows[day].update(counted)
    for row in rows.values():
        sided = row["positive"] + row["negative"]
        row["negative_share"] = None if not row["received"] else round(row["negative"] / row["received"], 3)
        row["positive_negative"] = None if not sided else f"{row['positive']}:{row['negative']}"
    ordered = [rows[d] for d in days]
    return {"account_id": account.id, "account_name": account.name, "from": a, "to": b, "days": ordered,
            "negative_trend": [{"day": r["day"], "negative": r["negative"], "received": r["received"]}
                               for r in ordered],
            "negative_topics": sorted(({"category": k, "name": CATEGORY_NAMES.get(k, "未分类"), "count": v}
                                       for k, v in negative_topics.items()), key=lambda t: -t["count"])}


def _add_posts_and_replies(rows: dict, account_id: int, a: str, b: str) -> None:
    original_ = sum_if(PostFact.original == True)  # noqa: E712
    for day, n, original in (PostFact.select(PostFact.day, fn.COUNT(PostFact.draft_id), original_)
                             .where(PostFact.account_id == account_id, PostFact.day.between(a, b))
                             .group_by(PostFact.day).tuples()):
        rows[day]["posts"], rows[day]["original"] = n, original or 0
    for day, n in (MessageFact.select(MessageFact.replied_day, fn.COUNT(MessageFact.id))
                   .where(MessageFact.account_id == account_id, MessageFact.replied_day.between(a, b))
                   .group_by(MessageFact.replied_day).tuples()):
        rows[day]["replies"] = n


def _add_messages(rows: dict, account_id: int, a: str, b: str) -> dict[str, int]:
    """Messages received per day by kind and sentiment; the negative ones' categories, summed."""
    negative_topics: dict[str, int] = defaultdict(int)
    for day, kind, sentiment, category, n in (
            MessageFact.select(MessageFact.received_day, MessageFact.kind, MessageFact.sentiment,
                               MessageFact.category, fn.COUNT(MessageFact.id))
            .where(MessageFact.account_id == account_id, MessageFact.received_day.between(a, b))
            .group_by(MessageFact.received_day, MessageFact.kind, MessageFact.sentiment, MessageFact.category)
            .tuples()):
        row = rows[day]
        row["received"] += n
        if kind in KINDS:
            row[KINDS[kind]] += n
        if sentiment in ("positive", "negative"):
            row[sentiment] += n
        if sentiment == "negative":
            negative_topics[category or "unclassified"] += n
    return negative_topics


def _add_notices(rows: dict, unit_id: int, first: dt.date, last: dt.date) -> None:
    start, end = stored(beijing_midnight(first)), stored(beijing_midnight(last) + dt.timedelta(days=1))
    for n in NoticeFact.select().where(NoticeFact.unit_id == unit_id,
                                       ((NoticeFact.issued_at >= start) & (NoticeFact.issued_at < end))
                                       | ((NoticeFact.replied_at >= start) & (NoticeFact.replied_at < end))):
        for stamp, key in ((n.issued_at, "notices_issued"), (n.replied_at, "notices_replied")):
            if stamp and start <= stamp < end:
                rows[beijing_day(stamp)][key] += 1
