"""Forwards (转发, X14, N22) of superior and related accounts' posts made outside a directive
(统一口径 has its own record, services/publishing/directives.py): which of the unit's accounts
forwarded whose post, our forward's URL, when and on which platform. Each account's forwards are
counted per Beijing month as they are recorded (`ForwardCount`, in the same transaction), so the
office and supervision read the month's figures without counting the records."""
from __future__ import annotations

import datetime as dt

from govmb.account_copy import account_rows_in_sight, runs_account, sees_account
from govmb.domain import Invalid, Refused
from govmb.identity import UNIT_STAFF, Identity
from govmb.messages import said
from govmb.platforms import platforms
from govmb.timefmt import stored, to_beijing
from services.publishing.models import Account, DirectiveTarget, Forward, ForwardCount, audit, db, now


def _account(account_id: int, who: Identity) -> Account:
    account = Account.get_or_none(Account.id == account_id)
    if not sees_account(account, who) or account.kind == "private":
        raise Invalid("account_id", "账号不存在或不在您的管辖范围内")
    if not runs_account(account, who):
        raise Refused("只能由账号所在单位（或其管理部门）的工作人员登记转发")
    return account


def _problems(account: Account, data: dict) -> dict[str, str]:
    errors = {}
    known = {p["platform"] for p in account.platform_list}
    if data["platform"] not in known:
        names = platforms()
        errors["platform"] = said("本账号只在这些平台开通：{platforms}",
                                  platforms="、".join(names.get(p, p) for p in sorted(known)) or "（无）")
    if not data["source_account"].strip():
        errors["source_account"] = "请填写被转发的上级或相关账号"
    if data["url"].strip() == data["source_url"].strip():
        errors["url"] = "转发后的网址应是本账号的转发，不是原信息的网址"
    elif Forward.select().where(Forward.account_id == account.id, Forward.url == data["url"].strip()).exists():
        errors["url"] = "这条转发已登记"
    elif DirectiveTarget.select().where(DirectiveTarget.account_id == account.id,
                                        DirectiveTarget.url == data["url"].strip()).exists():
        errors["url"] = "这条转发已作为统一口径的转发登记"
    return errors


def record(data: dict, who: Identity) -> Forward:
    """Record one forward; its month's count goes up by one in the same transaction."""
    if not who.has(*UNIT_STAFF):
        raise Refused("只能由账号所在单位的工作人员登记转发")
    account = _account(data["account_id"], who)
    errors = _problems(account, data)
    at = stored(data["forwarded_at"]) if data.get("forwarded_at") else now()
    if at > now() + dt.timedelta(minutes=1):
        errors["forwarded_at"] = "转发时间不能晚于现在"
    if errors:
        raise Invalid(errors)
    month = to_beijing(at).strftime("%Y-%m")
    with db.atomic():
        row = Forward.create(account_id=account.id, unit_id=account.unit_id, unit_path=account.unit_path,
                             platform=data["platform"], source_account=data["source_account"].strip(),
                             source_url=data["source_url"].strip(), url=data["url"].strip(), forwarded_at=at,
                             recorded_by=who.name)
        (ForwardCount.insert(account_id=account.id, unit_id=account.unit_id, unit_path=account.unit_path,
                             month=month, forwards=1)
         .on_conflict(conflict_target=[ForwardCount.account_id, ForwardCount.month],
                      update={ForwardCount.forwards: ForwardCount.forwards + 1}).execute())
        audit.record(who, "forward.record", "forward", row.id, account.unit_path,
                     said("{account} 转发 {source}：{url}", account=account.name, source=row.source_account, url=row.url),
                     account.name)
    return row


def listed(who: Identity):
    """The forwards in the caller's sight (the office and supervision: the city's; a managing
    unit: its accounts'), as a query."""
    return account_rows_in_sight(Forward.select(), Forward, Account, who)


def counts(who: Identity, month: str):
    return account_rows_in_sight(ForwardCount.select().where(ForwardCount.month == month), ForwardCount, Account, who)


def named(rows: list) -> list:
    """The rows with their accounts' names (read for these alone)."""
    ids = {r.account_id for r in rows}
    names = dict(Account.select(Account.id, Account.name).where(Account.id.in_(ids)).tuples()) if ids else {}
    for r in rows:
        r.account_name = names.get(r.account_id, str(r.account_id))
    return rows

