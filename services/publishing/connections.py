"""An account's connections to the platforms' APIs (issue 20): what the workers need of them.

The credentials are sealed in their column (govmb.personal, AES-GCM) and opened only here, for
one call of an adapter (`connection_of`); no answer, log or event ever carries them. A platform
that says the credential no longer works (`CredentialExpired`) marks the connection expired
(`expired`): nothing more is sent or polled on it until someone connects it again, and the
event `publishing.connection.changed` lets the registry warn on the account's security record
and tell its operators. A call that works again after failures clears them (`worked`).
"""
from __future__ import annotations

import datetime as dt
import json

import peewee

from govmb import personal
from govmb.account_copy import runs_account
from govmb.config import options
from govmb.contracts.registry import AccountStatus
from govmb.domain import Conflict, Invalid, Refused
from govmb.identity import UNIT_STAFF, Identity
from govmb.messages import N_, said
from govmb.personal import plain
from govmb.platforms import platforms
from govmb.timefmt import iso_utc, utcnow
from services.publishing.adapters import adapter_for
from services.publishing.connectors.contract import Connection
from services.publishing.models import CREDENTIALS, Account, PlatformConnection, audit, bus, db


def base_url(platform: str) -> str:
    """Where the platform's API answers: GOVMB_PLATFORM_ENDPOINTS (a local fake one in the tests
    and the embedded mode), the adapter's own default otherwise (empty: the adapter knows it)."""
    return options().platform_endpoints.get(platform, "")


def connection_of(row: PlatformConnection) -> Connection:
    """The adapter's view of a connection, its credentials opened for this call only."""
    secret = plain(row.credentials)
    return Connection(platform=row.platform, base_url=base_url(row.platform), account_uid=row.account_uid,
                      credentials=json.loads(secret) if secret else {})


def changed_event(row: PlatformConnection, reason: str = "") -> dict:
    return {"account_id": row.account_id, "platform": row.platform, "status": row.status, "reason": reason[:300],
            "revision": row.revision, "at": iso_utc(utcnow())}


def expired(row: PlatformConnection, reason: str) -> bool:
    """The platform refused the credential: the connection is expired (once: a second worker that
    meets the same refusal changes nothing and sends nothing)."""
    with db.atomic():
        done = (PlatformConnection.update(status="expired", error=reason[:300], revision=PlatformConnection.revision + 1)
                .where(PlatformConnection.id == row.id, PlatformConnection.status == "connected",
                       PlatformConnection.revision == row.revision)  # not credentials entered since the call began
                .execute())
        if done:
            row = PlatformConnection.get_by_id(row.id)
            bus.emit("publishing.connection.changed", changed_event(row, reason))
    return bool(done)


def failed(row: PlatformConnection, reason: str) -> None:
    """A call failed for a passing reason (rate limit, the platform down): counted for the backoff."""
    PlatformConnection.update(error=reason[:300], failures=PlatformConnection.failures + 1).where(
        PlatformConnection.id == row.id).execute()


def backoff(base: dt.timedelta, times: int, cap: dt.timedelta, retry_after: int | None = None,
            retry_cap: dt.timedelta | None = None) -> dt.timedelta:
    """How long to wait after `times` failures in a row (the publishing and the listening workers):
    `base` doubled each time after the first, at most `cap`; never sooner than the platform asked
    (`retry_after` seconds, at most `retry_cap`)."""
    wait = min(cap, base * 2 ** min(max(times - 1, 0), 20))
    if retry_after:
        wait = max(wait, min(dt.timedelta(seconds=retry_after), retry_cap or cap))
    return wait


def worked(row: PlatformConnection) -> None:
    if row.failures or row.error:
        PlatformConnection.update(error="", failures=0).where(PlatformConnection.id == row.id).execute()


# ------------------------------------------------------------------------- the office connects
# Who connects an account, replaces its credentials or disconnects it: the people who keep its
# security record in the registry (the staff of the unit that runs it: its own or its managing
# unit, X6); the administrators do not, as they do not edit the security record.
CHANGERS = UNIT_STAFF
UID_LENGTH, CREDENTIAL_LENGTH = 100, 2000
STATUS_NAMES = {"connected": "已连接", "expired": "凭据已失效", "disabled": "未连接", "none": "未连接"}


def credential_fields(platform: str) -> tuple[tuple[str, str], ...]:
    """The credentials the platform's adapter asks for (its `CREDENTIALS`: name and label), none
    for a platform without an adapter (published by hand)."""
    if platform not in options().platform_adapters:
        return ()
    return tuple(getattr(adapter_for(platform), "CREDENTIALS", ()) or ())


def adapters() -> list[dict]:
    """The platforms an account can connect, with the credentials each asks for."""
    return [{"platform": code, "platform_name": name,
             "credentials": [{"name": n, "label": label} for n, label in fields]}
            for code, name in platforms().items() if (fields := credential_fields(code))]


def may_change(account: Account, who: Identity) -> bool:
    return who.has(*CHANGERS) and runs_account(account, who)


def listed(account: Account, who: Identity) -> list[dict]:
    """Each platform of the account, with its connection (`none`: never connected): never the
    credentials, only whether some are kept."""
    rows = {r.platform: r for r in PlatformConnection.select().where(PlatformConnection.account_id == account.id)}
    names, mine = platforms(), may_change(account, who)
    return [shown(rows.get(p["platform"]), account, p["platform"], names, mine) for p in account.platform_list]


def shown(row: PlatformConnection | None, account: Account, platform: str, names: dict, mine: bool) -> dict:
    fields = credential_fields(platform)
    status = row.status if row else "none"
    out = {"account_id": account.id, "platform": platform, "platform_name": names.get(platform, platform),
           "status": status, "status_name": STATUS_NAMES[status], "has_adapter": bool(fields),
           "credential_fields": [{"name": n, "label": label} for n, label in fields], "may_change": mine,
           "credentials_kept": bool(row and row.credentials and row.status != "disabled")}
    if row:
        out.update({"account_uid": row.account_uid, "connected_by": row.connected_by, "connected_at": row.connected_at,
                    "error": row.error, "token_expires_at": row.token_expires_at, "polled_at": row.polled_at,
                    "revision": row.revision})
    return out


def shown_row(row: PlatformConnection, account: Account, who: Identity) -> dict:
    return shown(row, account, row.platform, platforms(), may_change(account, who))


def _checked(account: Account, platform: str, data: dict, who: Identity) -> dict[str, str]:
    """The credentials `data` gives, as the platform's adapter asks for them; Invalid otherwise."""
    if not may_change(account, who):
        raise Refused("只有运行该账号的单位人员可以连接或断开平台接口")
    if account.status != AccountStatus.ACTIVE:
        raise Conflict(said("账号“{name}”未在运行，不能连接平台接口", name=account.name))
    if platform not in {p["platform"] for p in account.platform_list}:
        raise Invalid("platform", said("账号未在“{platform}”开通", platform=platforms().get(platform, platform)))
    fields = credential_fields(platform)
    if not fields:
        raise Invalid("platform", "该平台没有接口适配器，只能人工发布后登记链接")
    given, errors = data.get("credentials") or {}, {}
    for name in given.keys() - {n for n, _ in fields}:
        errors[name] = "该平台不需要此项"
    for name, label in fields:
        value = given.get(name)
        if not isinstance(value, str) or not value.strip():
            errors[name] = said("请填写{label}", label=label)
        elif len(value) > CREDENTIAL_LENGTH or any(c.isspace() for c in value.strip()):
            errors[name] = said("{label}格式不正确（不含空格，至多 {n} 个字符）", label=label, n=CREDENTIAL_LENGTH)
    problems = {"credentials": errors} if errors else {}
    uid = (data.get("account_uid") or "").strip()
    if not uid or len(uid) > UID_LENGTH:
        problems["account_uid"] = said("请填写账号在平台上的编号（至多 {n} 个字符）", n=UID_LENGTH)
    if problems:
        raise Invalid(problems)
    return {name: given[name].strip() for name, _ in fields}


def connect(account: Account, platform: str, data: dict, who: Identity) -> PlatformConnection:
    """Connect the account on the platform, or replace its credentials: connected again, a new
    revision, the event; the credentials sealed, and nowhere else (not the audit, not the log)."""
    credentials = _checked(account, platform, data, who)
    try:
        return record_connection(account, platform, data["account_uid"].strip(), credentials, who)
    except peewee.IntegrityError:  # someone else connected it at the same moment
        raise Conflict("该平台接口刚由他人连接，请刷新后再试") from None


def record_connection(account: Account, platform: str, uid: str, credentials: dict, who: Identity) -> PlatformConnection:
    """The connection made or its credentials replaced (already checked), audited, the event sent."""
    fresh = {"unit_id": account.unit_id, "unit_path": account.unit_path, "account_uid": uid,
             "credentials": json.dumps(credentials), "status": "connected", "error": "", "failures": 0,
             "token_expires_at": None, "connected_by": who.name, "connected_at": utcnow()}
    with db.atomic():
        row = PlatformConnection.get_or_none(PlatformConnection.account_id == account.id,
                                             PlatformConnection.platform == platform)
        if row is None:
            row = PlatformConnection.create(account_id=account.id, platform=platform, revision=1, **fresh)
            _recorded(row, "platform_connection.connect", who, account)
            return row
        if row.account_uid != uid:
            fresh["cursors"] = "{}"  # another account on the platform: its listening starts afresh
        # the revision counted by the database: a worker marking it expired meanwhile gets its own
        PlatformConnection.update(**fresh, revision=PlatformConnection.revision + 1).where(
            PlatformConnection.id == row.id).execute()
        action = "platform_connection.connect" if row.status == "disabled" else "platform_connection.replace"
        row = PlatformConnection.get_by_id(row.id)
        _recorded(row, action, who, account)
    return row


def disconnect(account: Account, platform: str, who: Identity) -> PlatformConnection:
    """Stop using the platform's API for the account: disabled, its credentials erased."""
    if not may_change(account, who):
        raise Refused("只有运行该账号的单位人员可以连接或断开平台接口")
    row = PlatformConnection.get_or_none(PlatformConnection.account_id == account.id,
                                         PlatformConnection.platform == platform)
    if row is None or row.status == "disabled":
        raise Conflict(said("账号在“{platform}”未连接平台接口", platform=platforms().get(platform, platform)))
    with db.atomic():
        PlatformConnection.update(status="disabled", credentials="", error="", failures=0, token_expires_at=None,
                                  claimed_until=None, revision=PlatformConnection.revision + 1).where(
            PlatformConnection.id == row.id).execute()
        row = PlatformConnection.get_by_id(row.id)
        _recorded(row, "platform_connection.disconnect", who, account)
    return row


def _recorded(row: PlatformConnection, action: str, who: Identity, account: Account) -> None:
    """The audit row and the event of a change, in its transaction: the platform and the account's
    id there, never a credential."""
    name = platforms().get(row.platform, row.platform)
    audit.record(who, action, "platform_connection", row.id, row.unit_path,
                 N_("平台：{platform}；平台账号：{uid}").format(platform=name, uid=row.account_uid), account.name)
    bus.emit("publishing.connection.changed", changed_event(row))


# ---------------------------------------------------------------------------- key rotation
def reseal(keys, page: int = 500) -> dict:
    """Every connection's credentials sealed with the current key (`ops.cli reseal`, after a
    rotation of PERSONAL_DATA_KEY_FILE, before the old key is retired)."""
    return personal.reseal_rows(PlatformConnection, {"credentials": CREDENTIALS}, keys, page)


def key_use() -> dict[str, int]:
    """How many connections' credentials each key id has sealed (counted by the database)."""
    return personal.keys_in_use(PlatformConnection, ("credentials",))
