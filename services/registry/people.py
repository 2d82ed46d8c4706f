"""People and sign-in. Passwords are hashed with Argon2id (memory-hard); sign-in returns
the signed token every service verifies."""
from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from govmb.config import Settings
from govmb.domain import Invalid, Refused
from govmb.identity import CITY_WIDE, PERSON_ROLES, Identity
from services.registry.checks import RANKS
from services.registry.models import Person, Unit, audit, db

DEMO_PASSWORD = "demo2026"  # the embedded demo's, published: production mode refuses it at sign-in and for a new person
_hasher = PasswordHasher()
_DUMMY = _hasher.hash("not-a-real-password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_secret(stored_hash: str | None, secret: str) -> bool:
    """Does the secret match the stored Argon2 hash? Without a hash (an unknown name), as slow
    as with one, so that the answer's timing tells nothing."""
    try:
        return _hasher.verify(stored_hash or _DUMMY, secret) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def rehash_if_needed(stored_hash: str, secret: str) -> str | None:
    """A new hash when the hasher's parameters have grown since this one was made."""
    return hash_password(secret) if _hasher.check_needs_rehash(stored_hash) else None


def create_person(unit: Unit, name: str, username: str, password: str, roles: list[str],
                  rank: str = "staff", title: str = "", who: Identity | None = None, production: bool = False) -> Person:
    """A new person; `production`: the demo data's published password is refused. Only the
    administrator grants the city-wide roles; the joint-meeting office grants a unit's staff roles."""
    _may_grant(roles, who)
    errors = {}
    if Person.select().where(Person.username == username).exists():
        errors["username"] = [f"用户名“{username}”已被使用"]
    unknown = [r for r in roles if r not in PERSON_ROLES]
    if unknown or not roles:
        errors["roles"] = [f"角色须为 {', '.join(PERSON_ROLES)} 中的一个或多个"]
    elif "admin" in roles and len(set(roles)) > 1:
        errors["roles"] = ["系统管理员不能兼任其他角色"]
    if rank not in RANKS:
        errors["rank"] = [f"级别须为 {', '.join(RANKS)} 之一"]
    from services.registry.passwords import problems
    if password == DEMO_PASSWORD and production:
        errors["password"] = ["这是演示数据公开的密码，生产模式下不能使用"]
    elif found := problems(password, username, name):
        errors["password"] = found
    if errors:
        raise Invalid(errors)
    with db.atomic():
        person = Person.create(unit=unit, name=name, username=username, password_hash=hash_password(password),
                               roles=",".join(sorted(set(roles))), rank=rank, title=title)
        audit.record(who, "person.create", "person", person.id, unit.path,  # never the password
                     f"用户名：{username}；单位：{unit.name}；角色：{person.roles}；级别：{rank}", name)
    return person


def _may_grant(roles: list[str], who: Identity | None) -> None:
    """The city-wide roles (the administrator, the joint-meeting office, supervision) are the
    administrator's to grant (`who` None: the system itself, as at the first administrator)."""
    if who is not None and not who.has("admin") and set(roles) & CITY_WIDE:
        raise Refused("联席会议办公室只能授予单位工作人员的角色（操作员、责任处室、分管领导、主要领导）；"
                      "系统管理员、联席会议办公室、督查角色只能由系统管理员授予")


def authenticate(username: str, password: str, production: bool = False) -> Person | None:
    """The person, or None; as slow for an unknown name as for a wrong password (`production`:
    the demo data's password opens nothing)."""
    person = Person.get_or_none(Person.username == username)
    if not verify_secret(person.password_hash if person else None, password):
        return None
    if not person.active:
        return None
    if production and password == DEMO_PASSWORD:
        return None
    if new_hash := rehash_if_needed(person.password_hash, password):
        person.password_hash = new_hash
        person.save(only=[Person.password_hash])
    return person


def identity_of(person: Person) -> Identity:
    return Identity(person.id, person.name, person.unit_id, person.unit.path, person.role_set)


def set_active(person: Person, active: bool, who: Identity, settings: Settings) -> Person:
    """Disable a person (their sessions end and their tokens are refused everywhere at once) or
    enable them again."""
    from services.registry import sessions
    if person.id == who.person_id and not active:
        raise Invalid("active", "不能停用自己的账号")
    with db.atomic():
        changed = Person.update(active=active).where(Person.id == person.id, Person.active != active).execute()
        if changed:
            audit.record(who, "person.enable" if active else "person.disable", "person", person.id, person.unit.path,
                         f"用户名：{person.username}", person.name)
    if not active:
        sessions.end_all(person, "disabled", settings, who)
    return Person.get_by_id(person.id)
