"""Two-factor sign-in (issue 15): a TOTP code (RFC 6238, pyotp) after the password, required for
the roles of `SECOND_FACTOR_ROLES` (in production at least the three administrators, the
joint-meeting office and supervision), optional for everyone else.

Enrolment: the person starts it (a new secret, shown once as a QR code and as text), then
confirms it with a first code, which turns it on and gives ten recovery codes, shown once and
kept as hashes. A person who must have a second factor and has none signs in to a session
without roles (like one whose password must change) until they have enrolled. Sign-in: a right
password gives a challenge instead of a session; the challenge and a code (or a recovery code)
give the session. A challenge lives five minutes and takes five tries; a code opens once. The
secret is kept sealed with the personal data key (AES-GCM, govmb.personal), never in clear."""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
import secrets
import unicodedata

import pyotp
import segno

from govmb import personal
from govmb.config import Settings
from govmb.domain import Conflict, Invalid, NotFound, Refused, Unauthenticated
from govmb.identity import Identity
from govmb.messages import N_
from services.registry.models import Person, RecoveryCode, SecondFactor, SignInChallenge, audit, db, now
from services.registry.people import identity_of

log = logging.getLogger(__name__)
ISSUER = "政务微博管理平台"
PURPOSE = "second_factor.secret"  # what the sealed secret is bound to (govmb.personal)
RECOVERY_CODES = 10
CHALLENGE_LIFE = dt.timedelta(minutes=5)
CHALLENGE_TRIES = 5
_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # a recovery code: nothing that reads as another


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def required(person: Person, settings: Settings) -> bool:
    return bool(person.role_set & settings.second_factor_roles)


def _confirmed(person: Person) -> SecondFactor | None:
    return SecondFactor.get_or_none(SecondFactor.person == person, SecondFactor.confirmed_at.is_null(False))


def enrolled(person: Person) -> bool:
    return _confirmed(person) is not None


def must_enrol(person: Person, settings: Settings) -> bool:
    """Must the person enrol before their session holds any role?"""
    return required(person, settings) and not enrolled(person)


def status(person: Person, settings: Settings) -> dict:
    left = RecoveryCode.select().where(RecoveryCode.person == person, RecoveryCode.used_at.is_null()).count()
    return {"enrolled": enrolled(person), "required": required(person, settings), "recovery_codes_left": left}


# ---------------------------------------------------------------------------- enrolment
def start(person: Person, current_password: str) -> dict:
    """A new secret for the person to scan (a pending one is replaced), for the person's current
    password (a session left open is not enough to bind another phone); refused while one is on."""
    from services.registry.people import verify_secret
    if not verify_secret(person.password_hash, current_password):
        raise Invalid("current_password", "当前密码不正确")
    if enrolled(person):
        raise Conflict("已启用两步验证：如需更换手机，请先停用，或请安全管理员重置")
    secret = pyotp.random_base32()
    with db.atomic():
        SecondFactor.delete().where(SecondFactor.person == person).execute()
        SecondFactor.create(person=person, secret=personal.seal(secret, PURPOSE))  # AES-GCM, never in clear
    uri = pyotp.TOTP(secret).provisioning_uri(name=person.username, issuer_name=ISSUER)
    svg = io.BytesIO()
    segno.make(uri, error="m").save(svg, kind="svg", scale=5, border=2, xmldecl=False)
    return {"secret": secret, "uri": uri, "qr": svg.getvalue().decode()}


def confirm(person: Person, code: str, who: Identity) -> list[str]:
    """Turn the pending secret on with a first code: the recovery codes, shown this once."""
    pending = SecondFactor.get_or_none(SecondFactor.person == person, SecondFactor.confirmed_at.is_null())
    if pending is None:
        raise Conflict("没有待确认的两步验证：请先开始绑定" if not enrolled(person) else "已启用两步验证")
    step = _step_of(personal.open_(pending.secret, PURPOSE), code)
    if step is None:
        raise Invalid("code", "验证码不正确：请输入验证器应用当前显示的 6 位数字（并确认手机时间准确）")
    with db.atomic():
        SecondFactor.update(confirmed_at=now(), last_step=step).where(SecondFactor.id == pending.id).execute()
        codes = _new_codes(person)
        audit.record(who, "mfa.enrol", "person", person.id, person.unit.path, N_("用户名：{username}").format(username=person.username),
                     person.name)
    return codes


def _new_codes(person: Person) -> list[str]:
    codes = ["-".join("".join(secrets.choice(_CODE_ALPHABET) for _ in range(5)) for _ in range(2))
             for _ in range(RECOVERY_CODES)]
    RecoveryCode.delete().where(RecoveryCode.person == person).execute()
    RecoveryCode.insert_many([{"person": person.id, "code_hash": _hash(c)} for c in codes]).execute()
    return codes


def new_recovery_codes(person: Person, code: str, who: Identity) -> list[str]:
    """Ten new recovery codes (the old ones void), for a current TOTP code."""
    _proven(person, code)
    with db.atomic():
        codes = _new_codes(person)
        audit.record(who, "mfa.codes", "person", person.id, person.unit.path, N_("用户名：{username}").format(username=person.username),
                     person.name)
    return codes


def turn_off(person: Person, code: str, who: Identity, settings: Settings) -> None:
    """The person turns their own second factor off, with a current code; not if their roles need it."""
    if required(person, settings):
        raise Refused("您的角色须使用两步验证，不能停用；更换手机请联系安全管理员重置")
    _proven(person, code)
    _remove(person, who, "mfa.disable")


def reset(person: Person, who: Identity | None, settings: Settings) -> None:
    """The security administrator removes a person's second factor (a lost phone): their sessions
    end; at the next sign-in they enrol again if their roles need it."""
    from services.registry import sessions
    if not SecondFactor.select().where(SecondFactor.person == person).exists():
        raise NotFound("此人员没有绑定两步验证")
    _remove(person, who, "mfa.reset")
    sessions.end_all(person, "second_factor", settings, who)


def _remove(person: Person, who: Identity | None, action: str) -> None:
    with db.atomic():
        forget_challenges(person)
        SecondFactor.delete().where(SecondFactor.person == person).execute()
        RecoveryCode.delete().where(RecoveryCode.person == person).execute()
        audit.record(who, action, "person", person.id, person.unit.path, N_("用户名：{username}").format(username=person.username), person.name)


# ---------------------------------------------------------------------------- codes
def _step_of(secret: str, code: str) -> int | None:
    """The time step a six-digit code belongs to (this one or the one before or after: clocks
    drift), or None."""
    code = unicodedata.normalize("NFKC", code or "").strip().replace(" ", "")  # full-width digits of an IME too
    if not (len(code) == 6 and code.isascii() and code.isdigit()):  # "١٢٣٤٥٦" is digits too, and no code
        return None
    totp, at = pyotp.TOTP(secret), dt.datetime.now(dt.timezone.utc)
    for drift in (0, -1, 1):
        moment = at + dt.timedelta(seconds=drift * totp.interval)
        if secrets.compare_digest(totp.at(moment), code):
            return totp.timecode(moment)
    return None


def _secret(factor: SecondFactor) -> str | None:
    """The factor's secret, or None when no key of this process opens it (a key retired before
    the secrets were sealed again: the person's recovery codes still open)."""
    try:
        return personal.open_(factor.secret, PURPOSE)
    except personal.PersonalDataError:
        log.error("a second-factor secret does not open with any personal data key (ops.cli reseal)",
                  extra={"person_id": factor.person_id})
        return None


def _take(person: Person, code: str, recovery: bool = True) -> str:
    """Take a code of the person's: a TOTP code newer than the last one taken ("totp"), else a
    recovery code not yet used ("recovery"); each opens once. Unauthenticated otherwise."""
    factor = _confirmed(person)
    if factor is None:
        raise Conflict("尚未启用两步验证")
    secret = _secret(factor)
    step = _step_of(secret, code) if secret else None
    if step is not None:  # a compare-and-set: of two requests with one code, one wins
        if SecondFactor.update(last_step=step).where(SecondFactor.id == factor.id,
                                                     SecondFactor.last_step < step).execute():
            return "totp"
        raise Unauthenticated("此验证码已使用过：请等待验证器显示下一个验证码")
    if recovery:
        typed = (code or "").strip().lower()
        if RecoveryCode.update(used_at=now()).where(RecoveryCode.person == person, RecoveryCode.used_at.is_null(),
                                                    RecoveryCode.code_hash == _hash(typed)).execute():
            return "recovery"
    if secret is None:
        raise Conflict("两步验证的密钥无法读取：请用恢复码登录，或请安全管理员重置两步验证")
    raise Unauthenticated("验证码不正确")


def _proven(person: Person, code: str) -> None:
    """A signed-in person proves they still hold the phone: a wrong code is a field's error
    (422), not an ended session."""
    try:
        _take(person, code, recovery=False)
    except Unauthenticated as exc:
        with db.atomic():  # each wrong code a row: a guesser is seen (and slowed by the route's limit)
            audit.record(identity_of(person), "mfa.failure", "person", person.id, person.unit.path,
                         N_("用户名：{username}；{why}").format(username=person.username, why=exc.message), person.name)
        raise Invalid("code", exc.message or "验证码不正确") from None


# ---------------------------------------------------------------------------- sign-in
def open_challenge(person: Person, address: str, user_agent: str) -> str:
    """A right password of a person with a second factor: the challenge's secret (once)."""
    secret = secrets.token_urlsafe(24)
    SignInChallenge.delete().where(SignInChallenge.expires_at < now()).execute()  # the table keeps only the live
    SignInChallenge.create(secret_hash=_hash(secret), person=person, address=address[:64],
                           user_agent=user_agent[:200], expires_at=now() + CHALLENGE_LIFE)
    return secret


def forget_challenges(person: Person) -> None:
    """Void the person's sign-ins waiting for a code: they are disabled, their password was reset
    or their second factor removed, and a password given before must not open a session after."""
    SignInChallenge.delete().where(SignInChallenge.person == person).execute()


def person_of(challenge: str) -> Person | None:
    row = SignInChallenge.get_or_none(SignInChallenge.secret_hash == _hash(challenge or ""))
    return row.person if row is not None else None


def answer(challenge: str, code: str) -> tuple[Person, str]:
    """The person whose challenge this code answers, and what kind of code it was ("totp",
    "recovery"); Unauthenticated after too many tries or too late (sign in again)."""
    row = SignInChallenge.get_or_none(SignInChallenge.secret_hash == _hash(challenge or ""))
    if row is None or row.expires_at < now() or not row.person.active:
        raise Unauthenticated("登录已超时，请重新输入用户名和密码")
    counted = (SignInChallenge.update(tries=SignInChallenge.tries + 1)
               .where(SignInChallenge.id == row.id, SignInChallenge.tries < CHALLENGE_TRIES).execute())
    if not counted:
        SignInChallenge.delete().where(SignInChallenge.id == row.id).execute()
        raise Unauthenticated("验证码错误次数过多，请重新输入用户名和密码")
    kind = _take(row.person, code)
    SignInChallenge.delete().where(SignInChallenge.id == row.id).execute()
    return row.person, kind


# ---------------------------------------------------------------------------- key rotation
def reseal(keys: personal.DataKeys, page: int = 500) -> dict:
    """Every secret sealed with the current personal data key (after a rotation, before the old
    key is retired): what was read, sealed again, and whose does not open."""
    return personal.reseal_rows(SecondFactor, {"secret": PURPOSE}, keys, page)


def key_use() -> dict[str, int]:
    """How many secrets each key id has sealed (counted by the database)."""
    return personal.keys_in_use(SecondFactor, ("secret",))
