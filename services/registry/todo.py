"""What waits in the registry (待办, `govmb.todo`): applications for the principal leader of the
applying unit to approve, filings for the superior unit (or the joint-meeting office) to
acknowledge, closings to approve, and applications returned to the unit's staff. Each is one
indexed count: (status, unit) for the unit's own, (status) joined to the unit's parent for filings."""
from __future__ import annotations

import datetime as dt

from govmb.contracts.registry import AccountStatus
from govmb.identity import UNIT_STAFF, Identity
from govmb.todo import Kind, todo
from services.registry.accounts import SUPERIOR_ROLES
from services.registry.models import Account, Unit

S = AccountStatus


def _own(*statuses: str):
    """The unit's own accounts in one of `statuses`."""
    return lambda who: Account.select(Account.id, Account.name, Account.unit, Account.status, Account.applied_at,
                                      Account.closing_requested_at).where(
        Account.status.in_(statuses), Account.unit == who.unit_id)


def _filings(who: Identity):
    """Filings from the units directly below (the joint-meeting office: every unit's)."""
    query = (Account.select(Account.id, Account.name, Account.unit, Account.status, Account.approved_at)
             .join(Unit, on=(Account.unit == Unit.id)).where(Account.status == S.FILING))
    return query if who.has("joint_office") else query.where(Unit.parent == who.unit_id)


def _item(since: str):
    return lambda a: {"id": a.id, "title": a.name, "due_at": None, "since": getattr(a, since),
                      "unit_id": a.unit_id, "status": a.status}


KINDS = (
    Kind("applications", "开设申请待审批", ("principal_leader",), _own(S.APPLIED), _item("applied_at"),
         order=(Account.applied_at, Account.id)),
    Kind("filings", "下级账号待确认备案", (*SUPERIOR_ROLES, "joint_office"), _filings, _item("approved_at"),
         order=(Account.approved_at, Account.id)),
    Kind("closings", "关闭申请待审批", ("principal_leader",), _own(S.CLOSING_REQUESTED),
         _item("closing_requested_at"), order=(Account.closing_requested_at, Account.id)),
    Kind("applications_returned", "退回的开设申请待修改", UNIT_STAFF, _own(S.RETURNED, S.FILING_RETURNED),
         _item("applied_at"), order=(Account.applied_at, Account.id)),
)


def waiting(who: Identity, now: dt.datetime | None = None) -> list[dict]:
    """The registry's groups of work waiting for `who`."""
    return todo(KINDS, who, Unit, now)
