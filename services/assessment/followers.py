"""Followers (X20.3: the duty log records 粉丝数量): an account's follower count for a day,
entered by hand or imported from a CSV/XLSX table (account id or name, date, followers).
A day entered again replaces the number, and the replacement is kept (who, what it was).
An import keeps its good rows and reports each bad one by its row number."""
from __future__ import annotations

import datetime as dt

from marshmallow import EXCLUDE, Schema, fields, pre_load, validate

from govmb import tables
from govmb.account_copy import accounts_in_sight, accounts_run_by
from govmb.db import transaction_lock
from govmb.domain import Invalid, Refused
from govmb.identity import UNIT_STAFF, Identity
from govmb.schemas import Integer
from govmb.timefmt import beijing_today, utcnow
from services.assessment.models import Account, FollowerChange, FollowerCount, db

EARLIEST = dt.date(2004, 1, 1)
MAX_FOLLOWERS = 2**31 - 1
HEADERS = {"账号ID": "account_id", "账号": "account", "账号名称": "account", "日期": "day", "粉丝数": "followers",
           "粉丝": "followers", "粉丝数量": "followers"}
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日")


class RowSchema(Schema):
    """One row of an imported table, as people type it in a spreadsheet."""

    class Meta:
        unknown = EXCLUDE

    account_id = Integer(validate=validate.Range(min=1, max=MAX_FOLLOWERS))
    account = fields.String(validate=validate.Length(min=1, max=30))
    day = fields.Date(required=True, error_messages={"invalid": "须为日期，例如 2026-10-01"})
    followers = Integer(required=True, validate=validate.Range(min=0, max=MAX_FOLLOWERS))

    @pre_load
    def _tidy(self, row, **_):
        row = {k: (v.strip() if isinstance(v, str) else v) for k, v in row.items() if v not in (None, "")}
        day = row.get("day")
        if isinstance(day, dt.datetime):
            row["day"] = day.date().isoformat()
        elif isinstance(day, dt.date):
            row["day"] = day.isoformat()
        elif isinstance(day, str):
            row["day"] = _as_iso_date(day)
        for key in ("account_id", "followers"):
            value = row.get(key)
            if isinstance(value, float):
                row[key] = int(value) if value.is_integer() else str(value)  # 12.5 followers is no number
            elif isinstance(value, str):
                row[key] = value.replace(",", "").replace("，", "")
        return {k: v for k, v in row.items() if v != ""}


def _as_iso_date(text: str) -> str:
    text = text.split(" ")[0].split("T")[0]
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    return text  # left for the schema to refuse


def _day_error(day: dt.date) -> str | None:
    if day < EARLIEST:
        return "日期须在 2004 年以后"
    if day > beijing_today():
        return "日期不能晚于今天"
    return None


def _problem(account) -> str | None:
    """Why the caller's unit may not enter followers for this account, if it may not: it is
    another unit's, a private one (not managed), or never went live (no followers yet)."""
    if account is None or account.kind == "private":
        return "须为本单位的账号"
    if not account.activated_at:
        return "该账号尚未开通，没有粉丝数"
    return None


def own_account(account_id: int, who: Identity):
    """The caller's unit's account that has gone live, or a 422 naming account_id."""
    account = accounts_run_by(Account, who.unit_id).where(Account.id == account_id).first()
    if problem := _problem(account):
        raise Invalid("account_id", problem)
    return account


def _lock(account_id: int) -> None:
    """One writer at a time per account, so that a replacement is always recorded with the
    number it replaced. An import takes its accounts' locks in account order, so two imports
    never wait on each other in a circle."""
    transaction_lock(db, f"govmb-followers-{account_id}")


def _save(account_id: int, day: dt.date, followers: int, who: Identity) -> int | None:
    """Write the day's number; the number it replaced, if any (inside the caller's transaction,
    holding the account's lock)."""
    existing = FollowerCount.get_or_none(FollowerCount.account_id == account_id, FollowerCount.day == day)
    if existing is not None:
        FollowerChange.create(account_id=account_id, day=day, old_followers=existing.followers,
                              old_entered_by=existing.entered_by, followers=followers, entered_by=who.name)
    (FollowerCount.insert(account_id=account_id, day=day, followers=followers, entered_by=who.name)
     .on_conflict(conflict_target=[FollowerCount.account_id, FollowerCount.day],
                  update={FollowerCount.followers: followers, FollowerCount.entered_by: who.name,
                          FollowerCount.entered_at: utcnow()})
     .execute())
    return existing.followers if existing is not None else None


PLATFORM = Identity(0, "平台接口", 0, "/", frozenset(), client="system:platform")  # who "entered" an API's number


def from_platform(account_id: int, day: dt.date, followers: int) -> None:
    """The followers the platforms' APIs counted (summed over the account's platforms), kept as
    an entered number is, by 平台接口: a number entered by hand that day is replaced and the
    replacement kept; the same number again changes nothing (inside the caller's transaction)."""
    _lock(account_id)
    existing = FollowerCount.get_or_none(FollowerCount.account_id == account_id, FollowerCount.day == day)
    if existing is None or (existing.followers, existing.entered_by) != (followers, PLATFORM.name):
        _save(account_id, day, followers, PLATFORM)


def enter(account_id: int, day: dt.date, followers: int, who: Identity) -> dict:
    if not who.has(*UNIT_STAFF):
        raise Refused("粉丝数由本单位工作人员录入")
    account = own_account(account_id, who)
    if problem := _day_error(day):
        raise Invalid("day", problem)
    with db.atomic():
        _lock(account.id)
        previous = _save(account.id, day, followers, who)
    return {"account_id": account.id, "account_name": account.name, "day": day, "followers": followers,
            "replaced": previous is not None, "previous": previous, "entered_by": who.name}


def _account_of(row: dict, by_id: dict, by_name: dict) -> tuple:
    """The row's account (by its id, else by a name no other account of the unit has), and what
    is wrong with it, by field."""
    if "account_id" in row:
        account = by_id.get(row["account_id"])
        problem = _problem(account)
        return account, ({"account_id": problem} if problem else {})
    if "account" in row:
        named = by_name.get(row["account"], [])
        account = named[0] if len(named) == 1 else None
        if account is None:
            return None, {"account": "本单位没有这个名称的账号" if not named else "有同名账号，请填写账号ID"}
        problem = _problem(account)
        return account, ({"account": problem} if problem else {})
    return None, {"account_id": "请填写账号ID或账号名称"}


def import_file(filename: str, data: bytes, who: Identity) -> dict:
    """Good rows saved, bad rows reported by number; an unreadable file is refused whole."""
    if not who.has(*UNIT_STAFF):
        raise Refused("粉丝数由本单位工作人员录入")
    try:
        records = tables.read_records(filename, data, HEADERS, required=(("account_id", "account"), "day", "followers"))
    except tables.TableError as exc:
        raise Invalid("file", str(exc))
    accounts = list(accounts_run_by(Account, who.unit_id))
    by_id = {a.id: a for a in accounts}
    by_name: dict[str, list] = {}
    for a in accounts:
        by_name.setdefault(a.name, []).append(a)
    errors, good = [], []
    for number, row in tables.loaded(records, RowSchema(), errors):
        account, problems = _account_of(row, by_id, by_name)
        if problem := _day_error(row["day"]):
            problems["day"] = problem
        if problems:
            errors.append({"row": number, "errors": problems})
            continue
        good.append((account.id, row["day"], row["followers"]))
    saved = replaced = 0
    with db.atomic():
        for account_id in sorted({g[0] for g in good}):
            _lock(account_id)
        for account_id, day, followers in good:  # in the file's order: a later row of a day wins
            if _save(account_id, day, followers, who) is None:
                saved += 1
            else:
                replaced += 1
    return {"saved": saved, "replaced": replaced, "errors": errors}


def history(who: Identity, start: dt.date, end: dt.date, account_id: int | None = None, narrow=lambda q: q):
    """The days entered for the accounts in the caller's sight (of `account_id` if given),
    newest first, narrowed further by `narrow(query)` (the API's filters: unit, dates, a search
    in the account's name); a query, for a page of it (`shown`)."""
    query = (FollowerCount.select(FollowerCount, Account.name.alias("account_name"))
             .join(Account, on=(Account.id == FollowerCount.account_id))
             .where(FollowerCount.day.between(start, end)))
    query = narrow(accounts_in_sight(Account, who, query))
    if account_id is not None:
        query = query.where(FollowerCount.account_id == account_id)
    return query.order_by(FollowerCount.day.desc(), FollowerCount.account_id.desc()).objects()


def shown(rows: list) -> list[dict]:
    """A page of `history`, each day with the change from the day before (when that day was
    entered), read in one query."""
    wanted = {(r.account_id, r.day - dt.timedelta(days=1)) for r in rows}
    before = {(b.account_id, b.day): b.followers for b in FollowerCount.select().where(
        FollowerCount.account_id.in_({a for a, _ in wanted}), FollowerCount.day.in_({d for _, d in wanted}))
        } if rows else {}
    out = []
    for r in rows:
        previous = before.get((r.account_id, r.day - dt.timedelta(days=1)))
        out.append({"account_id": r.account_id, "account_name": r.account_name, "day": r.day,
                    "followers": r.followers, "change": None if previous is None else r.followers - previous,
                    "entered_by": r.entered_by, "entered_at": r.entered_at})
    return out
