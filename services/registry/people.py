"""People and sign-in. Passwords are hashed with Argon2id (memory-hard); sign-in returns
the signed token every service verifies."""
from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from govmb.config import Settings
from govmb.domain import Conflict, Invalid, Refused
from govmb.identity import ADMINISTRATORS, PERSON_ROLES, UNIT_STAFF, Identity
from govmb.locales import LANGUAGES
from govmb.messages import N_, said
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
    """A new person; `production`: the demo data's published password is refused. The roles given
    are a grant (`may_grant`): a person the system administrator creates has none until the
    security administrator grants them."""
    may_grant(roles, frozenset(), who)
    errors = {}
    if Person.select().where(Person.username == username).exists():
        errors["username"] = [said("用户名“{username}”已被使用", username=username)]
    if problem := roles_problem(roles):
        errors["roles"] = [problem]
    if rank not in RANKS:
        errors["rank"] = [said("级别须为 {ranks} 之一", ranks=', '.join(RANKS))]
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
                     N_("用户名：{username}；单位：{unit}；角色：{roles}；级别：{rank}").format(
                         username=username, unit=unit.name, roles=person.roles, rank=rank), name)
    return person


def roles_problem(roles) -> str | None:
    """What is wrong with a set of roles, or None: known roles, and 三员分立 (an administrator,
    whichever of the three, holds that role alone)."""
    if unknown := [r for r in roles if r not in PERSON_ROLES]:
        return said("未知的角色：{unknown}；角色须为 {roles} 中的一个或多个", unknown='、'.join(unknown), roles=', '.join(PERSON_ROLES))
    if set(roles) & set(ADMINISTRATORS) and len(set(roles)) > 1:
        return "系统管理员、安全管理员、审计管理员三员分立：担任其一者不能兼任任何其他角色"
    return None


def may_grant(roles, current: frozenset[str], who: Identity | None) -> None:
    """May `who` give a person `roles` in place of `current`? The security administrator grants
    every role; the joint-meeting office only a unit's staff roles, to a person who holds no other;
    nobody else grants any (`who` None: the system itself, as for the first administrators)."""
    if who is None or who.has("security_admin") or set(roles) == set(current):
        return
    staff_only = set(roles) | set(current) <= set(UNIT_STAFF)
    if who.has("joint_office") and staff_only:
        return
    raise Refused("角色只能由安全管理员授予；联席会议办公室只能授予或收回单位工作人员的角色（操作员、责任处室、"
                  "分管领导、主要领导）" + ("；系统管理员新增人员时不带角色，由安全管理员授权" if who.has("admin") else ""))


def set_roles(person: Person, roles: list[str], who: Identity, settings: Settings) -> Person:
    """Grant or withdraw roles (三员分立: `may_grant`); a role withdrawn ends the person's sessions
    at once, so that no token keeps it for its last minutes."""
    from services.registry import sessions
    if person.id == who.person_id:
        raise Refused("不能修改自己的角色")
    if problem := roles_problem(roles):
        raise Invalid("roles", problem)
    before = person.role_set
    may_grant(roles, before, who)
    after = ",".join(sorted(set(roles)))
    with db.atomic():  # compare-and-set: a grant made meanwhile is not overwritten unseen
        changed = Person.update(roles=after).where(Person.id == person.id, Person.roles == person.roles,
                                                   Person.roles != after).execute()
        if not changed and Person.get_by_id(person.id).roles not in (person.roles, after):
            raise Conflict("此人员的角色刚被他人修改：请刷新后再保存")
        if changed:
            audit.record(who, "role.change", "person", person.id, person.unit.path,
                         N_("用户名：{username}；角色：{before} → {after}").format(
                             username=person.username, before=','.join(sorted(before)) or '无', after=after or '无'),
                         person.name)
    if changed and before - set(roles):
        sessions.end_all(person, "roles", settings, who)
    return Person.get_by_id(person.id)


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


def set_locale(person: Person, locale: str) -> Person:
    """The language a person chose, for the pages (the web app makes it the session's at sign-in)
    and for what they are sent (delivery.py). A preference, as the notification settings are: not
    in the audit trail, which records the security settings (password, second factor)."""
    if locale not in LANGUAGES:
        raise Invalid("locale", said("须为以下之一：{choices}", choices=", ".join(LANGUAGES)))
    Person.update(locale=locale).where(Person.id == person.id).execute()
    return Person.get_by_id(person.id)


def identity_of(person: Person) -> Identity:
    return Identity(person.id, person.name, person.unit_id, person.unit.path, person.role_set)


def set_active(person: Person, active: bool, who: Identity, settings: Settings) -> Person:
    """Disable a person (their sessions end and their tokens are refused everywhere at once) or
    enable them again."""
    from services.registry import sessions
    from services.registry.passwords import guard_takeover
    if person.id == who.person_id and not active:
        raise Invalid("active", "不能停用自己的账号")
    if not active:
        guard_takeover(person, settings, "停用")
    from services.registry.second_factor import forget_challenges
    with db.atomic():
        if not active:
            forget_challenges(person)
        changed = Person.update(active=active).where(Person.id == person.id, Person.active != active).execute()
        if changed:
            audit.record(who, "person.enable" if active else "person.disable", "person", person.id, person.unit.path,
                         N_("用户名：{username}").format(username=person.username), person.name)
    if not active:
        sessions.end_all(person, "disabled", settings, who)
    return Person.get_by_id(person.id)
