"""Sign-in protection that a stranger cannot turn into a lockout (等保 2.0 身份鉴别: 登录失败处理).

Every attempt is recorded (name, address, browser, when, whether it succeeded). The rate limits
count per name *and* address (`SIGNIN_LIMIT_PER_USER`) and per address: a stranger elsewhere who
guesses under an official's name is stopped without stopping the official. After
`FAILURES_FOR_CAPTCHA` failures under a name within `WINDOW`, from anywhere, signing in under it
takes a captcha, drawn here (no outside service): guessing slows to a person's pace, the official
still gets in. A burst of failures under one name (`BURST` within `BURST_WINDOW`) is written to the
audit trail and the log, once per burst, for the security administrator."""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
import random
import secrets

from PIL import Image, ImageDraw, ImageFilter, ImageFont

from govmb.messages import N_
from services.registry.models import Captcha, Person, SignInAttempt, audit, db, now

log = logging.getLogger(__name__)
FAILURES_FOR_CAPTCHA = 3
WINDOW = dt.timedelta(minutes=15)
BURST, BURST_WINDOW = 20, dt.timedelta(minutes=5)
CAPTCHA_LIFE = dt.timedelta(minutes=5)
ALPHABET = "ACDEFGHJKLMNPQRTUVWXY34679"  # nothing that reads as another (0/O, 1/I/L, 2/Z, 5/S, 8/B)


def _hash(answer: str) -> str:
    return hashlib.sha256(answer.strip().upper().encode()).hexdigest()


def failures(username: str, since: dt.timedelta = WINDOW) -> int:
    return (SignInAttempt.select().where(SignInAttempt.username == username, SignInAttempt.succeeded == False,  # noqa: E712
                                         SignInAttempt.at > now() - since).count())


def needs_captcha(username: str) -> bool:
    return failures(username) >= FAILURES_FOR_CAPTCHA


def where(address: str, user_agent: str) -> str:
    """Where a sign-in came from, as the audit trail says it."""
    return N_("地址：{address}；浏览器：{browser}").format(address=address[:64] or '未知', browser=user_agent[:120] or '未知')


def record(username: str, address: str, user_agent: str, succeeded: bool, person: Person | None = None,
           why: str = "") -> None:
    """One attempt (a failure in the audit trail too, `why`, under the person the name is of, if
    any); a failure that makes a burst is reported, once."""
    with db.atomic():
        SignInAttempt.create(username=username[:50], address=address[:64], user_agent=user_agent[:200],
                             succeeded=succeeded)
        if not succeeded:
            person = person or Person.get_or_none(Person.username == username[:50])  # whose name was tried
            # a name that is nobody's may be a password typed in the wrong box: the trail keeps it out
            name = person.username if person else "（不存在的用户名）"
            audit.record(None, "signin.failure", "person", person.id if person else 0,
                         person.unit.path if person else "/",
                         N_("用户名：{name}；{why}；{where}").format(name=name, why=why or '失败', where=where(address, user_agent)), name)
        if not succeeded and failures(username, BURST_WINDOW) == BURST:
            audit.record(None, "security.signin_burst", "person", 0, "/",
                         N_("用户名“{name}”{minutes}分钟内登录失败{n}次；最近一次来自 {address}").format(
                             name=username[:50], minutes=int(BURST_WINDOW.total_seconds() // 60), n=BURST,
                             address=address[:64] or '未知地址'), username[:50])
            log.warning("sign-in failures burst", extra={"username": username[:50], "address": address[:64]})


def alerts(days: int = 7):
    """The burst alerts of the last `days` days, newest first: the security administrator's to see
    (the audit administrator reads them in the trail too)."""
    E = audit.Entry
    return (E.select(E.at, E.subject_name, E.detail).where(E.action == "security.signin_burst",
                                                          E.at > now() - dt.timedelta(days=days))
            .order_by(E.id.desc()))


def new_captcha(text: str | None = None) -> tuple[str, bytes]:
    """A captcha's id and its picture (PNG): `text`, else four characters drawn at random."""
    text = text or "".join(secrets.choice(ALPHABET) for _ in range(4))
    Captcha.delete().where(Captcha.expires_at < now() - CAPTCHA_LIFE).execute()  # the table keeps only the live
    captcha = Captcha.create(id=secrets.token_urlsafe(16), answer_hash=_hash(text), expires_at=now() + CAPTCHA_LIFE)
    return captcha.id, _picture(text)


def solved(captcha_id: str | None, answer: str | None) -> bool:
    """Is this the answer of a captcha still in date, never used? It is used up either way."""
    if not captcha_id or not answer:
        return False
    taken = (Captcha.update(used_at=now())
             .where(Captcha.id == captcha_id, Captcha.used_at.is_null(), Captcha.expires_at > now()).execute())
    return bool(taken) and Captcha.get_by_id(captcha_id).answer_hash == _hash(answer)


def _picture(text: str) -> bytes:
    shake = random.Random(secrets.randbits(64))
    image = Image.new("RGB", (168, 56), (246, 246, 242))
    draw = ImageDraw.Draw(image)
    for _ in range(6):  # lines across, drawn under and over the letters
        draw.line([(shake.randint(0, 168), shake.randint(0, 56)) for _ in range(2)], fill=(150, 150, 170), width=2)
    font = ImageFont.load_default(size=34)  # Pillow's own font: nothing to install
    for i, char in enumerate(text):
        glyph = Image.new("RGBA", (44, 50), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((6, 4), char, font=font, fill=(40 + shake.randint(0, 80), 30, 90))
        glyph = glyph.rotate(shake.randint(-28, 28), resample=Image.Resampling.BICUBIC)
        image.paste(glyph, (8 + i * 39 + shake.randint(-4, 4), shake.randint(-2, 6)), glyph)
    for _ in range(160):
        draw.point((shake.randint(0, 167), shake.randint(0, 55)), fill=(110, 110, 110))
    out = io.BytesIO()
    image.filter(ImageFilter.SMOOTH).save(out, "PNG")
    return out.getvalue()
