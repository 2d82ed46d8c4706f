"""Hot topics (X20.2, X20.3): the words rising among the last day's and the last week's
negative messages, per unit (and below) or city-wide."""
from __future__ import annotations

import datetime as dt
import json
from collections import Counter

import peewee

from govmb.identity import depth_at_most, under
from govmb.timefmt import utcnow
from services.inquiry.classify import keywords, stopwords
from services.inquiry.models import KeptTopics, Message, Unit

KEPT_LEVELS = 2  # the city and the units right below it: the views a week's count is heavy for
KEPT_FOR = dt.timedelta(minutes=15)  # an older count is not used: the job has stopped


def hot_topics(path: str | None, now: dt.datetime | None = None, top: int = 10) -> dict:
    """The hot topics of the units under `path` (None: the city), as the job kept them if it has
    counted that scope lately, else counted now."""
    if now is None:
        kept = KeptTopics.get_or_none(KeptTopics.scope == (path or "*"))
        if kept is not None and utcnow() - kept.counted_at <= KEPT_FOR:
            return json.loads(kept.topics)
    return count(path, now, top)


def keep(now: dt.datetime | None = None) -> int:
    """Count the hot topics of the city and of each unit at most KEPT_LEVELS deep, and keep them
    (the inquiry worker's periodic job); how many scopes were counted."""
    now = now or utcnow()
    scopes = [None, *(path for (path,) in Unit.select(Unit.path).where(depth_at_most(Unit.path, KEPT_LEVELS)).tuples())]
    for path in scopes:
        topics = json.dumps(count(path, now), ensure_ascii=False)
        (KeptTopics.insert(scope=path or "*", counted_at=now, topics=topics)
         .on_conflict(conflict_target=[KeptTopics.scope],
                      update={KeptTopics.counted_at: now, KeptTopics.topics: topics}).execute())
    return len(scopes)


def count(path: str | None, now: dt.datetime | None = None, top: int = 10) -> dict:
    """The hot topics counted from a week of negative messages (and the day before it)."""
    now = now or utcnow()
    # The text only of a message stored before intake segmented it (its keywords empty): the
    # keywords are a few words, the text up to 2,000 characters. Tuples, not model instances.
    unsegmented = peewee.Case(None, [(Message.keywords == "", Message.text)], "")
    query = Message.select(Message.keywords, unsegmented, Message.received_at).where(
        Message.sentiment == "negative", Message.received_at >= now - dt.timedelta(days=8))
    if path:
        query = query.where(under(Message.unit_path, path))
    day, week, before = Counter(), Counter(), Counter()
    filler = stopwords()  # also for the keywords kept at intake before a word joined the list
    last_day, last_week = now - dt.timedelta(days=1), now - dt.timedelta(days=7)
    for words, text, received_at in query.tuples():
        words = set(words.split() if words else keywords(text)) - filler
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
