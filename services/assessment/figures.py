"""The counts every report is made of, per account, for a period of Beijing days.

Each count is one SQL aggregate over the facts (a few statements for a whole city and
year), so that the annual assessment of 2,000 accounts stays within seconds. Counts are
additive: a unit's are the sum of its accounts', a county's the sum of its units'.
"""
from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import json
import operator
import re
from collections import defaultdict
from dataclasses import dataclass, field

import peewee
from peewee import fn

from govmb.identity import under
from govmb.messages import said
from govmb.timefmt import BEIJING, stored
from services.assessment.models import (
    Account,
    DirectiveFact,
    ForwardFact,
    LastPost,
    MessageFact,
    MonthlyFigureFact,
    NoticeFact,
    PostFact,
    RatingFact,
    TransferFact,
)


@dataclass(frozen=True)
class Period:
    """Whole Beijing days, start and end included."""
    start: dt.date
    end: dt.date
    label: str

    @classmethod
    def parse(cls, text: str) -> Period:
        """`2026` (a year), `2026-Q3` (a quarter) or `2026-10` (a month); ValueError otherwise."""
        if m := re.fullmatch(r"(\d{4})", text):
            year = int(m[1])
            return cls(dt.date(year, 1, 1), dt.date(year, 12, 31), said("{year}年", year=year))
        if m := re.fullmatch(r"(\d{4})-Q([1-4])", text):
            year, q = int(m[1]), int(m[2])
            last = 3 * q
            return cls(dt.date(year, last - 2, 1), dt.date(year, last, calendar.monthrange(year, last)[1]),
                       # {q} in Chinese numerals for Chinese; {number}, its digit, for a language that writes digits
                       said("{year}年第{q}季度", year=year, q='一二三四'[q - 1], number=q))
        if m := re.fullmatch(r"(\d{4})-(\d{2})", text):
            year, month = int(m[1]), int(m[2])
            if 1 <= month <= 12:
                return cls(dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1]),
                           said("{year}年{month}月", year=year, month=month))
        raise ValueError(text)

    @property
    def months(self) -> list[str]:
        out, day = [], self.start.replace(day=1)
        while day <= self.end:
            out.append(day.strftime("%Y-%m"))
            day = (day + dt.timedelta(days=32)).replace(day=1)
        return out

    def days(self) -> tuple[str, str]:
        return self.start.isoformat(), self.end.isoformat()


def beijing_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), BEIJING)


def default_asof(period: Period) -> dt.datetime:
    """Now, or the period's end if that is earlier."""
    return min(beijing_midnight(period.end + dt.timedelta(days=1)), dt.datetime.now(dt.timezone.utc))


@dataclass(frozen=True)
class Window:
    """A period's bounds in the forms the facts are stored in, as it stood at `asof`: what the
    counts and the records behind them both select by."""
    first_day: str  # Beijing dates, the last one no later than asof
    last_day: str
    start: dt.datetime  # the period's first and the next period's first moment, naive UTC as stored
    end: dt.datetime
    now: dt.datetime  # asof, naive UTC
    asof_day: str  # asof's Beijing date
    finished_months: tuple[str, ...]  # the period's months that ended before asof
    unanswered_before: dt.datetime  # received before this and still unanswered: the single veto
    within: str = ""  # a unit's path: only it and the units below it (a county's own view), or all

    @classmethod
    def of(cls, period: Period, asof: dt.datetime, unanswered_months: int, within: str = "") -> Window:
        asof_day = asof.astimezone(BEIJING).date().isoformat()
        first, last = period.days()
        return cls(first, min(last, asof_day), stored(beijing_midnight(period.start)),
                   stored(beijing_midnight(period.end + dt.timedelta(days=1))), stored(asof), asof_day,
                   tuple(m for m in period.months if m < asof_day[:7]),
                   stored(months_before(asof, unanswered_months)), within)

    def narrow(self, query, path_field):
        """The query kept to the window's units (`within`), if it has any."""
        return query.where(under(path_field, self.within)) if self.within else query


def months_before(when: dt.datetime, months: int) -> dt.datetime:
    """The same moment `months` calendar months earlier (the last day of a shorter month)."""
    index = when.year * 12 + when.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return when.replace(year=year, month=month, day=min(when.day, calendar.monthrange(year, month)[1]))


@dataclass
class Counts:
    """What is counted for one account (or, summed, a unit or a region) in a period."""
    posts: int = 0
    original: int = 0
    emergencies: int = 0
    emergencies_on_time: int = 0
    months: int = 0  # finished months with a monthly figure
    months_quota_met: int = 0
    messages: int = 0
    negative: int = 0
    positive: int = 0
    reply_due: int = 0  # replied, or whose 24 hours have passed
    replied_on_time: int = 0
    resolution_due: int = 0  # resolved, or whose last deadline has passed
    resolved: int = 0
    forwards_asked: int = 0
    forwards_on_time: int = 0
    returns: int = 0  # transfers the unit returned (N15)
    notices_issued: int = 0
    notices_replied: int = 0
    ratings: int = 0  # citizens' ratings of resolved messages given in the period (N19)
    ratings_satisfied: int = 0  # 满意
    ratings_basically: int = 0  # 基本满意
    unanswered_long: int = 0  # valid messages unanswered longer than the veto's months (as of the check)
    last_post_day: str | None = None  # the last post on or before the check

    def add(self, other: Counts) -> Counts:
        for name in NUMBERS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        if other.last_post_day and (self.last_post_day or "") < other.last_post_day:
            self.last_post_day = other.last_post_day
        return self


NUMBERS = tuple(f.name for f in dataclasses.fields(Counts) if f.type == "int")  # what adds up
numbers_of = operator.attrgetter(*NUMBERS)  # a Counts' numbers as a tuple, in NUMBERS' order


@dataclass
class CityFigures:
    """Counts per cell (unit, account): posts count for the account's unit, messages for the
    unit handling them (a transferred message belongs to the unit it went to); returns and
    notices belong to a unit alone (account None)."""
    cells: dict[tuple[int, int | None], Counts] = field(default_factory=lambda: defaultdict(Counts))

    def by_unit(self) -> dict[int, Counts]:
        return self._summed(lambda unit_id, _account: unit_id)

    def by_account(self) -> dict[int, Counts]:
        return self._summed(lambda _unit, account_id: account_id)

    def _summed(self, key_of) -> dict[int, Counts]:
        """The cells summed by a key (None: left out), as Counts.add would, with the numbers
        added as tuples (a city has some 20,000 cells: field by field it took a third of a second)."""
        sums: dict[int, tuple] = {}
        last: dict[int, str] = {}
        for (unit_id, account_id), c in self.cells.items():
            key = key_of(unit_id, account_id)
            if key is None:
                continue
            values = numbers_of(c)
            held = sums.get(key)
            sums[key] = values if held is None else tuple(map(operator.add, held, values))
            if c.last_post_day and last.get(key, "") < c.last_post_day:
                last[key] = c.last_post_day
        out: dict[int, Counts] = defaultdict(Counts)
        for key, values in sums.items():
            out[key] = Counts(**dict(zip(NUMBERS, values)), last_post_day=last.get(key))
        return out


def sum_if(condition) -> peewee.Expression:
    return fn.SUM(peewee.Case(None, [(condition, 1)], 0))


def count(period: Period, asof: dt.datetime, unanswered_months: int = 3) -> CityFigures:
    """Every count of the city for `period`, as it stood at `asof` (an aware time), from the
    facts alone (`kept.count` reads the settled months from the kept figures instead)."""
    out = CityFigures()
    w = Window.of(period, asof, unanswered_months)
    count_window(out.cells, w)
    count_state(out.cells, w, account_units())
    return out


def count_window(cells, w: Window, units_only: bool = False) -> None:
    """Add the counts that belong to the window's days (posts, quotas, messages, forwards,
    returns, notices): additive, so a period is the sum of its months. `units_only`: summed per
    unit in the database, into the unit's own cell (account None)."""
    posts = (PostFact.select(PostFact.unit_id, cell_account(PostFact, units_only), fn.COUNT(PostFact.draft_id),
                             sum_if(PostFact.original == True),  # noqa: E712
                             sum_if(PostFact.emergency_on_time.is_null(False)),
                             sum_if(PostFact.emergency_on_time == True))  # noqa: E712
             .where(PostFact.day.between(w.first_day, w.last_day)))
    posts = w.narrow(posts, PostFact.unit_path).group_by(*cell_group(PostFact, units_only)).tuples()
    for unit_id, account_id, n, original, emergencies, on_time in posts:
        c = cells[unit_id, account_id or None]
        c.posts += n
        c.original += original or 0
        c.emergencies += emergencies or 0
        c.emergencies_on_time += on_time or 0

    if w.finished_months:
        quotas = (MonthlyFigureFact.select(MonthlyFigureFact.unit_id, cell_account(MonthlyFigureFact, units_only),
                                           fn.COUNT(MonthlyFigureFact.month),
                                           sum_if(MonthlyFigureFact.quota_met == True))  # noqa: E712
                  .where(MonthlyFigureFact.month.in_(w.finished_months)))
        quotas = w.narrow(quotas, MonthlyFigureFact.unit_path).group_by(*cell_group(MonthlyFigureFact, units_only)).tuples()
        for unit_id, account_id, months, met in quotas:
            cells[unit_id, account_id or None].months += months
            cells[unit_id, account_id or None].months_quota_met += met or 0

    _count_messages(cells, w, units_only)
    _count_ratings(cells, w, units_only)

    directives = list(due_directives(w))
    home = directive_units(directives, w.within)
    if directives:
        on_time = set(ForwardFact.select(ForwardFact.directive_id, ForwardFact.account_id)
                      .where(ForwardFact.directive_id.in_([d.directive_id for d in directives]),
                             ForwardFact.on_time == True).tuples())  # noqa: E712
        for d in directives:
            for account_id in json.loads(d.account_ids):
                if w.within and account_id not in home:
                    continue  # an account outside the units counted
                c = cells[home.get(account_id, 0), None if units_only else account_id]
                c.forwards_asked += 1
                c.forwards_on_time += (d.directive_id, account_id) in on_time

    returns = (TransferFact.select(TransferFact.to_unit_id, fn.COUNT(TransferFact.transfer_id))
               .where(TransferFact.status.in_(("returned", "reassigned")), TransferFact.at >= w.start,
                      TransferFact.at < w.end))
    returns = w.narrow(returns, TransferFact.to_unit_path).group_by(TransferFact.to_unit_id).tuples()
    for unit_id, n in returns:
        cells[unit_id, None].returns += n
    notices = (NoticeFact.select(NoticeFact.unit_id, fn.COUNT(NoticeFact.notice_id),
                                 sum_if(NoticeFact.status == "replied"))
               .where(NoticeFact.issued_at >= w.start, NoticeFact.issued_at < w.end))
    notices = w.narrow(notices, NoticeFact.unit_path).group_by(NoticeFact.unit_id).tuples()
    for unit_id, issued, replied in notices:
        cells[unit_id, None].notices_issued += issued
        cells[unit_id, None].notices_replied += replied or 0


def cell_account(model, units_only: bool):
    """The account column of a count per cell, or a 0 in its place for a count per unit."""
    return peewee.Value(0) if units_only else model.account_id


def cell_group(model, units_only: bool) -> tuple:
    """What a count per cell (or per unit) groups by."""
    return (model.unit_id,) if units_only else (model.unit_id, model.account_id)


def _count_messages(cells, w: Window, units_only: bool = False) -> None:
    now = w.now
    final_due = fn.COALESCE(MessageFact.verification_due_at, MessageFact.feedback_due_at)
    messages = (MessageFact.select(
        MessageFact.unit_id, cell_account(MessageFact, units_only), fn.COUNT(MessageFact.id),
        sum_if(MessageFact.sentiment == "negative"), sum_if(MessageFact.sentiment == "positive"),
        sum_if(MessageFact.replied_at.is_null(False) | (MessageFact.reply_due_at <= now)),
        sum_if(MessageFact.reply_on_time == True),  # noqa: E712
        sum_if(MessageFact.resolved_at.is_null(False) | (final_due <= now)),
        sum_if(MessageFact.resolved_at.is_null(False)))
        .where(MessageFact.received_day.between(w.first_day, w.last_day)))
    messages = w.narrow(messages, MessageFact.unit_path).group_by(*cell_group(MessageFact, units_only)).tuples()
    for unit_id, account_id, *numbers in messages:
        c = cells[unit_id, account_id or None]
        for name, n in zip(("messages", "negative", "positive", "reply_due", "replied_on_time", "resolution_due",
                            "resolved"), numbers):
            setattr(c, name, getattr(c, name) + (n or 0))


def _count_ratings(cells, w: Window, units_only: bool = False) -> None:
    """The citizens' ratings given in the window's days, for the unit that handled each message."""
    ratings = (RatingFact.select(RatingFact.unit_id, cell_account(RatingFact, units_only), fn.COUNT(RatingFact.message_id),
                                 sum_if(RatingFact.rating == "satisfied"), sum_if(RatingFact.rating == "basically"))
               .where(RatingFact.rated_day.between(w.first_day, w.last_day)))
    ratings = w.narrow(ratings, RatingFact.unit_path).group_by(*cell_group(RatingFact, units_only)).tuples()
    for unit_id, account_id, n, satisfied, basically in ratings:
        c = cells[unit_id, account_id or None]
        c.ratings += n
        c.ratings_satisfied += satisfied or 0
        c.ratings_basically += basically or 0


def count_state(cells, w: Window, home: dict[int, int]) -> None:
    """The counts that belong to no period but to the moment of the check: each account's
    last post, and its messages unanswered longer than the veto allows."""
    for account_id, day in last_posts(w.asof_day, list(home) if w.within else None):
        if account_id in home:
            cells[home[account_id], account_id].last_post_day = day
    unanswered = (MessageFact.select(MessageFact.unit_id, MessageFact.account_id, fn.COUNT(MessageFact.id))
                  .where(MessageFact.replied_at.is_null(), MessageFact.received_at < w.unanswered_before))
    unanswered = w.narrow(unanswered, MessageFact.unit_path).group_by(MessageFact.unit_id, MessageFact.account_id).tuples()
    for unit_id, account_id, n in unanswered:
        cells[unit_id, account_id].unanswered_long = n


def last_posts(asof_day: str, accounts: list[int] | None = None):
    """(account, the Beijing day of its last post on or before `asof_day`) for every account that
    posted (or for `accounts`): kept by the post events for a check as of today, else counted
    from the posts."""
    if asof_day >= dt.datetime.now(BEIJING).date().isoformat():  # no post is dated after today
        query = LastPost.select(LastPost.account_id, LastPost.day)
        return (query.where(LastPost.account_id.in_(accounts)) if accounts is not None else query).tuples()
    query = PostFact.select(PostFact.account_id, fn.MAX(PostFact.day)).where(PostFact.day <= asof_day)
    if accounts is not None:
        query = query.where(PostFact.account_id.in_(accounts))
    return query.group_by(PostFact.account_id).tuples()


def due_directives(w: Window):
    """Unified-messaging directives of the period whose deadline has passed."""
    return DirectiveFact.select().where(DirectiveFact.due_at >= w.start, DirectiveFact.due_at < w.end,
                                        DirectiveFact.due_at <= w.now)


def directive_units(directives: list, within: str = "") -> dict[int, int]:
    """The unit of each account the directives name (of the units `within` a path, if given),
    read in batches: only those accounts, not every account of a country."""
    ids = sorted({a for d in directives for a in json.loads(d.account_ids)})
    out: dict[int, int] = {}
    for start in range(0, len(ids), 10_000):
        query = Account.select(Account.id, Account.unit_id).where(Account.id.in_(ids[start:start + 10_000]))
        out.update((query.where(under(Account.unit_path, within)) if within else query).tuples())
    return out


def account_units(within: str = "") -> dict[int, int]:
    """Each account's unit (of the units `within` a path, if given), as the registry last reported it."""
    query = Account.select(Account.id, Account.unit_id)
    return dict((query.where(under(Account.unit_path, within)) if within else query).tuples())
