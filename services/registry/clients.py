"""Client systems: other systems that post citizens' messages through the API (a 12345
hotline's system, a platform's webhook). The administrator registers one for a unit and the
units below it; its secret is shown once and stored only as an Argon2 hash. The system
exchanges its id and secret for a short-lived token with the `intake` role, scoped to that
subtree, which lets it post messages there and nothing else. A revoked system gets no new
token, and the one it holds is refused by every service at once (govmb.revocation)."""
from __future__ import annotations

import hmac
import secrets

from govmb.config import Settings
from govmb.domain import Conflict, Invalid, Unauthenticated
from govmb.identity import Identity, issue_token
from govmb.messages import N_
from govmb.revocation import client_key, revocations
from services.registry.models import ClientSystem, Unit, audit, db, now
from services.registry.people import hash_password, rehash_if_needed, verify_secret

ROLES = frozenset({"intake"})  # what a client system may do: post citizens' messages
# The web app's own identities, which it is given (`web_tokens`), never makes: the web app itself,
# proving to the registry that a sign-in's address is the person's (it opens nothing), and the
# public hall, which posts citizens' messages anywhere in the tree and does nothing else.
WEB_APP = Identity(0, "网页端", 0, "/", frozenset(), client="web")
HALL = Identity(0, "政务微博大厅", 0, "/", frozenset(ROLES), client="hall")
WEB_TOKEN_SECONDS = 300


def register(unit: Unit, name: str, who: Identity) -> tuple[ClientSystem, str]:
    """A new client system for `unit`'s subtree, and its secret (shown this once, never again)."""
    name = name.strip()
    if not name:
        raise Invalid("name", "请填写系统名称，例如“12345 热线”")
    secret = secrets.token_urlsafe(32)
    with db.atomic():
        client = ClientSystem.create(client_id=f"cs-{secrets.token_hex(8)}", name=name, unit=unit,
                                     secret_hash=hash_password(secret), created_by=who.name)
        audit.record(who, "client.register", "client_system", client.id, unit.path,  # never the secret
                     N_("客户端标识：{client}；范围：{unit}及其下级单位").format(client=client.client_id, unit=unit.name), name)
    return client, secret


def revoke(client: ClientSystem, who: Identity, settings: Settings) -> ClientSystem:
    """No new token from now on, and the tokens it holds refused everywhere at once."""
    with db.atomic():
        claimed = (ClientSystem.update(revoked_at=now(), revoked_by=who.name)
                   .where(ClientSystem.id == client.id, ClientSystem.revoked_at.is_null()).execute())
        if not claimed:
            raise Conflict("该客户端系统已撤销")
        audit.record(who, "client.revoke", "client_system", client.id, client.unit.path,
                     N_("客户端标识：{client}").format(client=client.client_id), client.name)
    revocations(settings.revocation_store_uri).revoke(client_key(identity_of(client).client),
                                                      settings.client_token_ttl_seconds)
    return ClientSystem.get_by_id(client.id)


def authenticate(client_id: str, secret: str) -> ClientSystem:
    """The client system whose id and secret these are, or 401; as slow for an unknown id as
    for a wrong secret. Only a caller holding the right secret learns that it was revoked."""
    client = ClientSystem.get_or_none(ClientSystem.client_id == client_id)
    if not verify_secret(client.secret_hash if client else None, secret):
        raise Unauthenticated("客户端标识或密钥不正确")
    if client.revoked_at is not None:
        raise Unauthenticated("该客户端系统已被撤销，不再签发令牌")
    changes = {ClientSystem.last_token_at: now()}
    if new_hash := rehash_if_needed(client.secret_hash, secret):
        changes[ClientSystem.secret_hash] = new_hash
    ClientSystem.update(changes).where(ClientSystem.id == client.id).execute()
    return client


def identity_of(client: ClientSystem) -> Identity:
    """A system, not a person: person 0, the system's name, its unit's place in the tree."""
    return Identity(0, client.name, client.unit_id, client.unit.path, ROLES, client=f"system:{client.id}")


def token_for(client: ClientSystem, settings: Settings) -> str:
    return issue_token(identity_of(client), settings.keys, settings.client_token_ttl_seconds)


def web_tokens(secret: str, settings: Settings) -> dict:
    """The web app's own tokens, for the web app alone: it shows the secret the two share."""
    if not secret or not hmac.compare_digest(secret.encode(), settings.web_client_secret.encode()):
        raise Unauthenticated("网页端密钥不正确")
    return {"web": issue_token(WEB_APP, settings.keys, WEB_TOKEN_SECONDS),
            "hall": issue_token(HALL, settings.keys, WEB_TOKEN_SECONDS), "expires_in": WEB_TOKEN_SECONDS}
