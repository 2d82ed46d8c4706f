"""The quarterly inspection coverage (国办秘函〔2019〕19号: every active account checked at least
once a quarter): which active accounts no inspection of the quarter has named yet, and the
share checked per unit and city-wide. Counted in the database (an EXISTS probe per account on
the (account_id, inspected_on) index), never by loading the accounts."""
from __future__ import annotations

import datetime as dt

import peewee
from peewee import fn

from govmb.contracts.registry import AccountStatus
from govmb.timefmt import stored
from services.assessment.figures import Period, beijing_midnight
from services.assessment.models import Account, InspectionAccount


def _checked(period: Period) -> peewee.Expression:
    return fn.EXISTS(InspectionAccount.select(InspectionAccount.id).where(
        InspectionAccount.account_id == Account.id, InspectionAccount.inspected_on.between(period.start, period.end)))


def due(period: Period, narrow) -> peewee.ModelSelect:
    """The accounts that must be checked in the quarter: managed (not private), active now, opened
    before the quarter ended; `narrow(query, path_field)` keeps the caller's units."""
    end = stored(beijing_midnight(period.end + dt.timedelta(days=1)))
    return narrow(Account.select().where(Account.status == AccountStatus.ACTIVE, Account.kind != "private",
                                         Account.activated_at.is_null(False), Account.activated_at < end),
                  Account.unit_path)


def _share(checked: int, total: int) -> float | None:
    return None if not total else round(checked / total, 4)


def summary(period: Period, narrow) -> dict:
    checked = fn.SUM(peewee.Case(None, [(_checked(period), 1)], 0))
    total, covered = due(period, narrow).select(fn.COUNT(Account.id), checked).tuples().get()
    total, covered = total or 0, int(covered or 0)
    return {"quarter": period.label, "start": period.start.isoformat(), "end": period.end.isoformat(),
            "accounts": total, "checked": covered, "unchecked": total - covered, "rate": _share(covered, total)}


def by_unit(period: Period, narrow) -> peewee.ModelSelect:
    """A row per unit with accounts due: (unit_id, accounts, checked), the least covered first."""
    checked = fn.SUM(peewee.Case(None, [(_checked(period), 1)], 0))
    total = fn.COUNT(Account.id)
    return (due(period, narrow).select(Account.unit_id, total.alias("accounts"), checked.alias("checked"))
            .group_by(Account.unit_id)
            .order_by((checked * 1.0 / total).asc(), Account.unit_id))


def unchecked(period: Period, narrow) -> peewee.ModelSelect:
    """The accounts due that no inspection of the quarter has named, by unit."""
    return (due(period, narrow).select(Account.id, Account.name, Account.unit_id, Account.unit_path)
            .where(~_checked(period)).order_by(Account.unit_path, Account.id))


def unit_row(row, names: dict[int, str]) -> dict:
    accounts, checked = row.accounts, int(row.checked or 0)
    return {"unit_id": row.unit_id, "unit_name": names.get(row.unit_id, ""), "accounts": accounts,
            "checked": checked, "unchecked": accounts - checked, "rate": _share(checked, accounts)}
