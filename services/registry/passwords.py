"""The password policy (等保 2.0 身份鉴别: 口令复杂度和定期更换) and the changes of a password:
by its holder, or reset by the administrator, which forces a change at the next sign-in.

A password has at least 8 characters of at least three kinds (lower case, upper case, digits,
other), is not easy to guess (zxcvbn's estimate, whose dictionaries hold the 30,000 most
common passwords, with their l33t and keyboard variants: score 3 of 4 at least), does not hold
the user name, and is none of the person's last five. It expires after
`PASSWORD_MAX_AGE_DAYS` (90): the person signs in and must change it before anything else."""
from __future__ import annotations

import datetime as dt
import re

from zxcvbn import zxcvbn

from govmb.config import Settings
from govmb.domain import Invalid, Refused, Unauthenticated
from govmb.identity import ADMINISTRATORS, Identity
from govmb.messages import said
from services.registry.models import PasswordHistory, Person, audit, db, now
from services.registry.people import DEMO_PASSWORD, hash_password, verify_secret

MIN_LENGTH = 8
REMEMBERED = 5  # the last passwords a new one may not repeat
_KINDS = (re.compile(r"[a-z]"), re.compile(r"[A-Z]"), re.compile(r"[0-9]"), re.compile(r"[^a-zA-Z0-9]"))


def problems(password: str, username: str = "", name: str = "") -> list[str]:
    """What is wrong with a new password, in Chinese (nothing: it may be used)."""
    if len(password) < MIN_LENGTH:
        return [said("密码至少 {n} 位", n=MIN_LENGTH)]
    if len(password) > 200:
        return ["密码至多 200 位"]
    out = []
    if sum(bool(k.search(password)) for k in _KINDS) < 3:
        out.append("须包含小写字母、大写字母、数字、符号中的至少三种")
    if username and len(username) >= 3 and username.lower() in password.lower():
        out.append("不能包含用户名")
    if password == DEMO_PASSWORD or zxcvbn(password[:100], user_inputs=[u for u in (username, name) if u])["score"] < 3:
        out.append("太常见或太容易猜到（如 Password1!、Qwer1234!、生日、键盘顺序），请换一个")
    return out


def check(password: str, username: str, name: str = "", field: str = "password") -> None:
    if found := problems(password, username, name):
        raise Invalid({field: found})


def _reused(person: Person, password: str) -> bool:
    kept = (PasswordHistory.select(PasswordHistory.password_hash).where(PasswordHistory.person == person)
            .order_by(PasswordHistory.id.desc()).limit(REMEMBERED - 1))
    return any(verify_secret(h, password) for h in [person.password_hash, *(r.password_hash for r in kept)])


def _store(person: Person, password: str, must_change: bool) -> None:
    """The new hash, the old one into the history (the last five kept)."""
    PasswordHistory.create(person=person, password_hash=person.password_hash, replaced_at=now())
    stale = (PasswordHistory.select(PasswordHistory.id).where(PasswordHistory.person == person)
             .order_by(PasswordHistory.id.desc()).offset(REMEMBERED - 1))
    PasswordHistory.delete().where(PasswordHistory.id.in_([r.id for r in stale])).execute()
    Person.update(password_hash=hash_password(password), password_changed_at=now(),
                  must_change_password=must_change).where(Person.id == person.id).execute()


def change_own(person: Person, current: str, new: str, who: Identity, settings: Settings) -> Person:
    """The holder changes their password (the current one proves it is them); their other
    sessions end, this one goes on."""
    from services.registry import sessions
    if not verify_secret(person.password_hash, current):
        raise Unauthenticated("当前密码不正确")
    check(new, person.username, person.name, "new_password")
    if _reused(person, new):
        raise Invalid("new_password", said("不能与最近 {n} 次用过的密码相同", n=REMEMBERED))
    with db.atomic():
        _store(person, new, must_change=False)
        audit.record(who, "person.password_change", "person", person.id, person.unit.path, "", person.name)
    for other in sessions.open_of(person.id, settings):
        if other.sid != who.session:
            sessions.end(other, "password", settings, who)
    return Person.get_by_id(person.id)


def reset(person: Person, new: str, who: Identity | None, settings: Settings) -> Person:
    """The administrator sets a new password, which its holder must change at the next sign-in;
    every session of theirs ends. Not of one the reset would hand over (`guard_takeover`);
    `who` None: the operator's command line (ops.cli reset-password)."""
    from services.registry import sessions
    if who is not None:
        guard_takeover(person, settings, "重置密码")
    check(new, person.username, person.name)
    from services.registry.second_factor import forget_challenges
    with db.atomic():
        forget_challenges(person)
        _store(person, new, must_change=True)
        audit.record(who, "person.password_reset", "person", person.id, person.unit.path, "", person.name)
    sessions.end_all(person, "password", settings, who)
    return Person.get_by_id(person.id)


def guard_takeover(person: Person, settings: Settings, what: str) -> None:
    """三员分立: the system administrator neither resets the password of nor disables one of the
    three administrators, nor resets the password of one whose roles need a second factor not yet
    enrolled: the reset password alone would let them in as that person. The operator does it on
    the command line (`python -m ops.cli reset-password`), which the trail records too."""
    from services.registry.second_factor import must_enrol
    if person.role_set & set(ADMINISTRATORS):
        raise Refused(said("不能在系统中{what}系统管理员、安全管理员或审计管理员（三员分立）：请由运维人员在服务器上用命令行办理", what=what))
    if what == "重置密码" and must_enrol(person, settings):
        raise Refused("此人员的角色须使用两步验证而尚未绑定：重置密码后他人即可冒用，须由运维人员在服务器上用命令行办理")


def must_change(person: Person, settings: Settings) -> str | None:
    """Why the person must change their password before anything else: reset, or expired."""
    if person.must_change_password:
        return "reset"
    if person.password_changed_at < now() - dt.timedelta(days=settings.password_max_age_days):
        return "expired"
    return None
