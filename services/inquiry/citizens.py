"""The citizen behind a message: masked wherever messages are shown (138****5678, @东**民), and
whole only to the staff of the unit handling it, on an explicit read that the audit trail
records in the same transaction (`message.contact_read`). Who handled a message before a
transfer reads it no more; the office and supervision, who see every message, never."""
from __future__ import annotations

import logging

from govmb import personal
from govmb.account_copy import runs_row
from govmb.domain import Conflict, Refused
from govmb.identity import UNIT_STAFF, Identity
from govmb.messages import said
from services.inquiry.models import Account, Message, audit, db

log = logging.getLogger(__name__)
UNREADABLE = "（无法解密）"


def _plain(message: Message, name: str) -> str | None:
    """The field's text, or None when it does not open (logged, never with the value)."""
    try:
        return personal.plain(getattr(message, name))
    except personal.PersonalDataError as exc:
        log.error("personal data does not open", extra={"message_id": message.id, "field": name, "reason": str(exc)})
        return None


def masked(message: Message) -> dict[str, str]:
    """The handle and contact as every list and page shows them."""
    out = {}
    for name, mask in (("citizen_handle", personal.mask_handle), ("citizen_contact", personal.mask_contact)):
        text = _plain(message, name)
        out[name] = UNREADABLE if text is None else mask(text)
    return out


def may_read(message: Message, who: Identity) -> bool:
    return who.has(*UNIT_STAFF) and runs_row(Account, message, who)


def read(message: Message, who: Identity) -> dict[str, str]:
    """The whole handle and contact, for the handling unit's staff, with the read in the audit trail."""
    if not may_read(message, who):
        raise Refused("网民的完整联系方式仅承办单位的工作人员可以查看")
    whole = {name: _plain(message, name) for name in ("citizen_handle", "citizen_contact")}
    broken = [name for name, text in whole.items() if text is None]
    if broken:
        raise Conflict(errors={name: [said("{label}无法解密（密钥不符或数据被改动），已记录，请联系系统管理员", label=LABELS[name])]
                               for name in broken})
    with db.atomic():
        audit.record(who, "message.contact_read", "message", message.id, message.unit_path,
                     detail="查看网民完整称呼与联系方式")
    return whole


LABELS = {"citizen_handle": "网民称呼", "citizen_contact": "联系方式"}
