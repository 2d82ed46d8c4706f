"""An account's connections to the platforms' APIs (issue 20): what the workers need of them.

The credentials are sealed in their column (govmb.personal, AES-GCM) and opened only here, for
one call of an adapter (`connection_of`); no answer, log or event ever carries them. A platform
that says the credential no longer works (`CredentialExpired`) marks the connection expired
(`expired`): nothing more is sent or polled on it until someone connects it again, and the
event `publishing.connection.changed` lets the registry warn on the account's security record
and tell its operators. A call that works again after failures clears them (`worked`).
"""
from __future__ import annotations

import json

from govmb import personal
from govmb.config import options
from govmb.personal import plain
from govmb.timefmt import iso_utc, utcnow
from services.publishing.connectors.contract import Connection
from services.publishing.models import CREDENTIALS, PlatformConnection, bus, db


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
                .where(PlatformConnection.id == row.id, PlatformConnection.status == "connected").execute())
        if done:
            row = PlatformConnection.get_by_id(row.id)
            bus.emit("publishing.connection.changed", changed_event(row, reason))
    return bool(done)


def failed(row: PlatformConnection, reason: str) -> None:
    """A call failed for a passing reason (rate limit, the platform down): counted for the backoff."""
    PlatformConnection.update(error=reason[:300], failures=PlatformConnection.failures + 1).where(
        PlatformConnection.id == row.id).execute()


def worked(row: PlatformConnection) -> None:
    if row.failures or row.error:
        PlatformConnection.update(error="", failures=0).where(PlatformConnection.id == row.id).execute()


# ---------------------------------------------------------------------------- key rotation
def reseal(keys, page: int = 500) -> dict:
    """Every connection's credentials sealed with the current key (`ops.cli reseal`, after a
    rotation of PERSONAL_DATA_KEY_FILE, before the old key is retired)."""
    return personal.reseal_rows(PlatformConnection, {"credentials": CREDENTIALS}, keys, page)


def key_use() -> dict[str, int]:
    """How many connections' credentials each key id has sealed (counted by the database)."""
    return personal.keys_in_use(PlatformConnection, ("credentials",))
