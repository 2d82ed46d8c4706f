"""Hot topics (X20.2, X20.3): the words rising among the last day's and the last week's
negative messages, per unit (and below) or city-wide."""
from __future__ import annotations

import datetime as dt
from collections import Counter

from govmb.auth import under
from govmb.timefmt import utcnow
from services.inquiry.classify import keywords
from services.inquiry.models import Message


def hot_topics(path: str | None, now: dt.datetime | None = None, top: int = 10) -> dict:
    now = now or utcnow()
    query = Message.select(Message.text, Message.keywords, Message.received_at).where(
        Message.sentiment == "negative", Message.received_at >= now - dt.timedelta(days=8))
    if path:
        query = query.where(under(Message.unit_path, path))
    day, week, before = Counter(), Counter(), Counter()
    for m in query:
        words = set(m.keywords.split() if m.keywords else keywords(m.text))  # once per message; segmented at intake
        if m.received_at >= now - dt.timedelta(days=1):
            day.update(words)
        if m.received_at >= now - dt.timedelta(days=7):
            week.update(words)
        if m.received_at < now - dt.timedelta(days=1):
            before.update(words)

    def rising(counts: Counter, days: float) -> list[dict]:
        rows = []
        for word, n in counts.items():
            baseline = before[word] / 7.0 * days  # what the week before would give in the same span
            rows.append({"word": word, "count": n, "rise": round(n / (baseline + 1.0), 2)})
        return sorted(rows, key=lambda r: (-r["rise"], -r["count"], r["word"]))[:top]

    return {"day": rising(day, 1), "week": sorted(({"word": w, "count": n} for w, n in week.items()),
                                                  key=lambda r: (-r["count"], r["word"]))[:top]}
