"""Hot topics (X20.2, X20.3): the words rising among the last day's and the last week's
negative messages, per unit (and below) or city-wide."""
from __future__ import annotations

import datetime as dt
from collections import Counter

import peewee

from govmb.auth import under
from govmb.timefmt import utcnow
from services.inquiry.classify import keywords
from services.inquiry.models import Message


def hot_topics(path: str | None, now: dt.datetime | None = None, top: int = 10) -> dict:
    now = now or utcnow()
    # The text only of a message stored before intake segmented it (its keywords empty): the
    # keywords are a few words, the text up to 2,000 characters. Tuples, not model instances.
    unsegmented = peewee.Case(None, [(Message.keywords == "", Message.text)], "")
    query = Message.select(Message.keywords, unsegmented, Message.received_at).where(
        Message.sentiment == "negative", Message.received_at >= now - dt.timedelta(days=8))
    if path:
        query = query.where(under(Message.unit_path, path))
    day, week, before = Counter(), Counter(), Counter()
    last_day, last_week = now - dt.timedelta(days=1), now - dt.timedelta(days=7)
    for words, text, received_at in query.tuples():
        words = set(words.split() if words else keywords(text))
        if received_at >= last_day:
            day.update(words)
        else:
            before.update(words)
        if received_at >= last_week:
            week.update(words)

    def rising(counts: Counter, days: float) -> list[dict]:
        rows = []
        for word, n in counts.items():
            baseline = before[word] / 7.0 * days  # what the week before would give in the same span
            rows.append({"word": word, "count": n, "rise": round(n / (baseline + 1.0), 2)})
        return sorted(rows, key=lambda r: (-r["rise"], -r["count"], r["word"]))[:top]

    return {"day": rising(day, 1), "week": sorted(({"word": w, "count": n} for w, n in week.items()),
                                                  key=lambda r: (-r["count"], r["word"]))[:top]}
