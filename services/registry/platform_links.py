"""Issue 20: an account's platform connections as its security record shows them. Publishing keeps
the connections and their sealed credentials; each change comes here as
`publishing.connection.changed`, and the registry keeps the highest revision of each account and
platform (a late or repeated event changes nothing). When a credential expires, the record warns
of it ("平台接口凭据已失效") and the account's operators and responsible office are told, once per
account, platform and revision (the notification's key): a redelivered event tells nobody twice."""
from __future__ import annotations

import logging

import peewee

from govmb.messages import said
from govmb.platforms import platforms
from govmb.timefmt import iso_utc, utc, utcnow
from services.registry.models import Account, Person, PlatformLink, TeamMember
from services.registry.notifications import tell

log = logging.getLogger(__name__)
TOLD_ROLES = ("operator", "responsible_office")  # the account's team: who reconnects it


def changed(payload: dict) -> bool:
    """Keep the event's status if it is newer than the one kept; whether it was."""
    account = Account.get_or_none(Account.id == payload["account_id"])
    if account is None:
        log.info("connection of unknown account %s: nothing kept", payload["account_id"])
        return False
    row = {"account": account.id, "platform": payload["platform"], "status": payload["status"],
           "reason": payload.get("reason", "")[:300], "revision": payload["revision"],
           "changed_at": _when(payload["at"])}
    excluded = peewee.EXCLUDED
    (PlatformLink.insert(**row)
     .on_conflict(conflict_target=[PlatformLink.account, PlatformLink.platform],
                  update={getattr(PlatformLink, k): getattr(excluded, k) for k in row if k not in ("account", "platform")},
                  where=(PlatformLink.revision < excluded.revision))
     .execute())
    kept = PlatformLink.get(PlatformLink.account == account.id, PlatformLink.platform == payload["platform"])
    if kept.revision != payload["revision"]:  # a newer one was kept already
        return False
    if kept.status == "expired":
        _tell(account, kept)
    return True


def _when(at: str):
    try:
        return utc(at) or utcnow()
    except ValueError:  # not ISO 8601: the time it came
        return utcnow()


def _people(account: Account) -> list[Person]:
    return list(Person.select().join(TeamMember, on=(TeamMember.person == Person.id))
                .where(TeamMember.account == account.id, TeamMember.role.in_(TOLD_ROLES), Person.active == True)  # noqa: E712
                .distinct())


def _tell(account: Account, link: PlatformLink) -> int:
    name = platforms().get(link.platform, link.platform)
    return tell(_people(account), {
        "key": f"registry:connection_expired:{account.id}:{link.platform}:{link.revision}", "kind": "connection_expired",
        "title": said("{account}：平台接口凭据已失效：{platform}，请重新连接", account=account.name, platform=name),
        "link_kind": "account_security", "link_id": account.id, "urgent": True})


def shown(account: Account) -> list[dict]:
    """The account's connections for its security record; `warning` on an expired one."""
    names = platforms()
    links = PlatformLink.select().where(PlatformLink.account == account.id).order_by(PlatformLink.platform)
    return [{"platform": link.platform, "platform_name": names.get(link.platform, link.platform),
             "status": link.status, "reason": link.reason, "changed_at": iso_utc(link.changed_at),
             "warning": said("平台接口凭据已失效：{platform}，{reason}", platform=names.get(link.platform, link.platform),
                             reason=link.reason or "平台未说明原因") if link.status == "expired" else ""}
            for link in links]
