"""Who a caller is, and what of the unit tree they see: knowing nothing of HTTP, for the
domain and the web layer alike (`govmb.auth` reads the caller of a request).

Signed tokens say who the caller is, their unit, the unit's place in the tree, their roles.
The registry alone issues them (at sign-in, and to systems), signed with its Ed25519 key;
every service and the web app verify them with the public keys (`govmb.keys`) and answer only
for the caller's unit and the units below it. Roles with city-wide sight (the
joint-meeting office, supervision, the three administrators) see all.

Other systems hold a token too (a client system registered in the registry, the web app's
public hall), with a system's role such as `intake`: such a token reaches only the views
that name that role, never a view open to "any signed-in person".
"""
from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass

import jwt
import peewee

from govmb.keys import KeyRing

UNIT_STAFF = ("operator", "responsible_office", "leader", "principal_leader")  # who works for a unit
# 三员分立: the system administrator (units, people, configuration), the security administrator
# (roles and policies) and the audit administrator (reads the audit trails, changes nothing).
# Each holds that one role and no other.
ADMINISTRATORS = ("admin", "security_admin", "audit_admin")
# Who does the work (a view that names no role is theirs): the security and audit administrators
# reach only the views that name them, and their own sessions and password.
WORKING_ROLES = (*UNIT_STAFF, "joint_office", "supervision", "admin")
PERSON_ROLES = (*WORKING_ROLES, "security_admin", "audit_admin")
SERVICE_ROLES = ("intake",)  # a system's, never a person's: intake posts citizens' messages, nothing else
ROLES = PERSON_ROLES + SERVICE_ROLES
CITY_WIDE = frozenset({"joint_office", "supervision", *ADMINISTRATORS})
_ISSUER = "govmb-registry"
_PATH = re.compile(r"/(?:[0-9]+/)*")


class AuthError(Exception):
    pass


@dataclass(frozen=True)
class Identity:
    person_id: int
    name: str
    unit_id: int
    unit_path: str  # "/1/5/12/": the unit and its ancestors, root first
    roles: frozenset[str]
    client: str | None = None  # a system, not a person: "hall" (the public hall) or "system:<id>" (person_id 0)
    session: str | None = None  # a person's sign-in session (the registry's), which a sign-out ends

    @property
    def revocation_key(self) -> str | None:
        """What a sign-out or a revocation names (govmb.revocation): the session, else the system."""
        return f"session:{self.session}" if self.session else f"client:{self.client}" if self.client else None

    @property
    def sees_all(self) -> bool:
        return bool(self.roles & CITY_WIDE)

    def may_see(self, unit_path: str) -> bool:
        """May this caller see (and, with the right role, act for) the unit at `unit_path`?"""
        return self.sees_all or unit_path.startswith(self.unit_path)

    def has(self, *roles: str) -> bool:
        return bool(self.roles & set(roles))


def issue_token(identity: Identity, keys: KeyRing, ttl_seconds: int) -> str:
    """A token for `identity`, signed with the ring's private key: only the registry holds one."""
    if keys.signing is None:
        raise AuthError("this process holds no signing key: only the registry issues tokens")
    now = dt.datetime.now(dt.timezone.utc)
    claims = {"sub": str(identity.person_id), "name": identity.name, "unit": identity.unit_id,
              "path": identity.unit_path, "roles": sorted(identity.roles), "iss": _ISSUER,
              "iat": now, "exp": now + dt.timedelta(seconds=ttl_seconds), "jti": secrets.token_urlsafe(9)}
    if identity.client:
        claims["client"] = identity.client
    if identity.session:
        claims["sid"] = identity.session
    return jwt.encode(claims, keys.signing, algorithm="EdDSA", headers={"kid": keys.signing_kid})


def read_token(token: str, keys: KeyRing) -> Identity:
    """The identity a token names, if one of the ring's public keys signed it and it is in date."""
    try:
        key = keys.public.get(jwt.get_unverified_header(token).get("kid"))
        if key is None:
            raise AuthError("the token names no key this service knows")
        c = jwt.decode(token, key, algorithms=["EdDSA"], issuer=_ISSUER,
                       options={"require": ["exp", "sub", "iss"]})
        client, sid = c.get("client"), c.get("sid")
        if not client and not sid:
            raise AuthError("a person's token names its sign-in session")
        return Identity(int(c["sub"]), str(c["name"]), int(c["unit"]), str(c["path"]),
                        frozenset(r for r in c["roles"] if r in ROLES), str(client) if client else None,
                        str(sid) if sid else None)
    except (jwt.PyJWTError, KeyError, TypeError, ValueError) as exc:
        raise AuthError(str(exc)) from exc


def under(path_field, unit_path: str):
    """Rows of the unit at `unit_path` and the units below it: a case-sensitive prefix LIKE,
    which a pattern index serves (peewee's startswith is ILIKE on PostgreSQL, which none can).
    Paths are digits and slashes, so nothing in them needs escaping."""
    if not _PATH.fullmatch(unit_path):
        raise ValueError(f"not a unit path: {unit_path!r}")
    # converter=False: inside an AND with a boolean column, peewee would convert it as a boolean
    return peewee.NodeList((path_field, peewee.SQL("LIKE"), peewee.Value(unit_path + "%", converter=False)))


def depth_at_most(path_field, depth: int):
    """Rows whose unit lies at most `depth` levels down the tree (the root is 1): the number of
    slashes in its path, less one."""
    slashes = peewee.fn.length(path_field) - peewee.fn.length(peewee.fn.replace(path_field, "/", ""))
    return slashes <= depth + 1


def in_sight(query, path_field, who: Identity):
    """The query narrowed to `who`'s unit and the units below it (city-wide roles: all)."""
    return query if who.sees_all else query.where(under(path_field, who.unit_path))
