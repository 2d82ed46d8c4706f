"""What waits in the registry (待办, `govmb.todo`): applications for the principal leader of the
applying unit to approve, filings for the superior unit (or the joint-meeting office) to
acknowledge, closings to approve, applications returned to the unit's staff; change filings
(变更备案) to approve and to file; accounts whose platform password is due (X24); accounts with
unrelated follows not yet explained (X22, the kept count `Account.unexplained_follows`). Each is one
indexed count: (status, unit) for the unit's own, (status) joined to the unit's parent for filings."""
from __future__ import annotations

import datetime as dt

from govmb.contracts.registry import AccountStatus
from govmb.identity import UNIT_STAFF, Identity
from govmb.todo import Kind, todo
from services.registry import account_security
from services.registry.accounts import SUPERIOR_ROLES
from services.registry.models import Account, AccountChange, SecurityRecord, Unit

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


def _changes(status: str, below: bool):
    """Accounts with a change filing in `status`: the unit's own (for its principal leader), or the
    units' directly below (for the superior; the joint-meeting office: every unit's)."""
    def query(who: Identity):
        rows = (AccountChange.select(AccountChange.id, AccountChange.applied_at, AccountChange.approved_at,
                                     Account.id, Account.name, Account.unit, Account.status)
                .join(Account).where(AccountChange.status == status))
        if not below:
            return rows.where(Account.unit == who.unit_id)
        rows = rows.join(Unit, on=(Account.unit == Unit.id))
        return rows if who.has("joint_office") else rows.where(Unit.parent == who.unit_id)
    return query


def _change_item(since: str):
    return lambda c: {"id": c.account.id, "title": c.account.name, "due_at": None, "since": getattr(c, since),
                      "unit_id": c.account.unit_id, "status": c.account.status}


def _passwords(who: Identity):
    """X24: running accounts the unit runs (certified or managing) whose platform password is due."""
    return (SecurityRecord.select(SecurityRecord.id, SecurityRecord.password_changed_at, Account.id, Account.name,
                                  Account.unit, Account.status).join(Account)
            .where(account_security.due(), (Account.unit == who.unit_id) | (Account.managing_unit == who.unit_id)))


def _follows(who: Identity):
    """X22: accounts the unit runs (certified or managing) with unrelated follows not yet explained."""
    return (Account.select(Account.id, Account.name, Account.unit, Account.status, Account.activated_at)
            .where(Account.unexplained_follows > 0, (Account.unit == who.unit_id) | (Account.managing_unit == who.unit_id)))


KINDS = (
    Kind("applications", "开设申请待审批", ("principal_leader",), _own(S.APPLIED), _item("applied_at"),
         order=(Account.applied_at, Account.id)),
    Kind("filings", "下级账号待确认备案", (*SUPERIOR_ROLES, "joint_office"), _filings, _item("approved_at"),
         order=(Account.approved_at, Account.id)),
    Kind("closings", "关闭申请待审批", ("principal_leader",), _own(S.CLOSING_REQUESTED),
         _item("closing_requested_at"), order=(Account.closing_requested_at, Account.id)),
    Kind("applications_returned", "退回的开设申请待修改", UNIT_STAFF, _own(S.RETURNED, S.FILING_RETURNED),
         _item("applied_at"), order=(Account.applied_at, Account.id)),
    Kind("changes", "变更备案待审批", ("principal_leader",), _changes("applied", False), _change_item("applied_at"),
         order=(AccountChange.applied_at, AccountChange.id)),
    Kind("change_filings", "下级账号变更待确认备案", (*SUPERIOR_ROLES, "joint_office"), _changes("filing", True),
         _change_item("approved_at"), order=(AccountChange.approved_at, AccountChange.id)),
    Kind("passwords_due", "平台密码到期待修改", UNIT_STAFF, _passwords,
         lambda r: {"id": r.account.id, "title": r.account.name, "due_at": None, "since": r.password_changed_at,
                    "unit_id": r.account.unit_id, "status": r.account.status},
         order=(SecurityRecord.password_changed_at, SecurityRecord.id)),
    Kind("follows_unexplained", "关注名单待说明", UNIT_STAFF, _follows, _item("activated_at"), order=(Account.id,)),
)


def waiting(who: Identity, now: dt.datetime | None = None, items: bool = True) -> list[dict]:
    """The registry's groups of work waiting for `who`."""
    return todo(KINDS, who, Unit, now, items)
