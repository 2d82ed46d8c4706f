"""Sign-in sessions: a person's tokens live minutes (`TOKEN_TTL_SECONDS`, 5 by default) and are
renewed through the session they name (`sid`), which the web app holds the refresh secret of.
A session ends when its person signs out (or out everywhere), after `SESSION_IDLE_SECONDS`
without a renewal, `SESSION_ABSOLUTE_SECONDS` after sign-in, or when its person is disabled.
An ended session's tokens are revoked at once in every process (govmb.revocation)."""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import secrets

from govmb.config import Settings
from govmb.domain import Unauthenticated
from govmb.identity import Identity, issue_token
from govmb.messages import N_, said
from govmb.revocation import revocations, session_key
from services.registry.models import Person, SignInSession, audit, db, now
from services.registry.people import identity_of
from services.registry.signin_guard import where

REASONS = {"sign_out": "退出登录", "everywhere": "退出全部登录", "idle": "长时间未操作", "expired": "超过登录时限",
           "disabled": "账号被停用", "password": "密码已修改或重置", "roles": "角色已收回",
           "second_factor": "两步验证被重置"}


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def token_of(person: Person, session: SignInSession, settings: Settings) -> str:
    """A token of the person's session; while their password must be changed (reset, or
    expired), or their roles need a second factor they have not enrolled, without any role: it
    opens nothing but the change of the password and the enrolment."""
    from services.registry.passwords import must_change
    from services.registry.second_factor import must_enrol
    roles = frozenset() if must_change(person, settings) or must_enrol(person, settings) else person.role_set
    who = dataclasses.replace(identity_of(person), session=session.sid, roles=roles)
    return issue_token(who, settings.keys, settings.token_ttl_seconds)


def open_session(person: Person, settings: Settings, address: str = "", user_agent: str = "",
                 second: str = "") -> tuple[SignInSession, str]:
    """A new session for a person who has just given their password (`second`: and which second
    factor), and its refresh secret (given to the web app once; kept only as a hash). The audit
    trail records the sign-in."""
    refresh = secrets.token_urlsafe(32)
    at = now()
    with db.atomic():
        session = SignInSession.create(
            sid=secrets.token_urlsafe(16), person=person, refresh_hash=_hash(refresh), address=address[:64],
            user_agent=user_agent[:200], created_at=at, last_seen_at=at,
            expires_at=at + dt.timedelta(seconds=settings.session_absolute_seconds))
        audit.record(dataclasses.replace(identity_of(person), session=session.sid), "signin.success", "person",
                     person.id, person.unit.path, N_("会话：{sid}…；{where}；第二因素：{second}").format(
                         sid=session.sid[:8], where=where(address, user_agent), second=second or '无'), person.name)
    return session, refresh


def _why_over(session: SignInSession, settings: Settings, at: dt.datetime) -> str | None:
    if session.ended_at is not None:
        return session.ended_reason or "sign_out"
    if at >= session.expires_at:
        return "expired"
    if at - session.last_seen_at > dt.timedelta(seconds=settings.session_idle_seconds):
        return "idle"
    if not session.person.active:
        return "disabled"
    return None


def renew(refresh: str, settings: Settings) -> tuple[SignInSession, str]:
    """A new token for the session whose refresh secret this is, while it lasts; a session found
    idle or too old is ended here (and said why)."""
    session = SignInSession.get_or_none(SignInSession.refresh_hash == _hash(refresh or ""))
    if session is None:
        raise Unauthenticated("登录已失效，请重新登录")
    at = now()
    reason = _why_over(session, settings, at)
    if reason is not None:
        if session.ended_at is None:
            end(session, reason, settings)
        raise Unauthenticated(said("登录已结束（{reason}），请重新登录", reason=REASONS.get(reason, reason)))
    SignInSession.update(last_seen_at=at).where(SignInSession.sid == session.sid).execute()
    return session, token_of(session.person, session, settings)


def end(session: SignInSession, reason: str, settings: Settings, who: Identity | None = None) -> bool:
    """End a session (once) and revoke its tokens everywhere; False if it had ended already. The
    audit trail records each ending, a timeout too (by the system)."""
    with db.atomic():
        ended = (SignInSession.update(ended_at=now(), ended_reason=reason)
                 .where(SignInSession.sid == session.sid, SignInSession.ended_at.is_null()).execute())
        if ended:
            audit.record(who, f"session.{reason}", "person", session.person_id, session.person.unit.path,
                         N_("会话：{sid}…；地址：{address}").format(sid=session.sid[:8], address=session.address or '未知'), session.person.name)
    revocations(settings.revocation_store_uri).revoke(session_key(session.sid), settings.token_ttl_seconds)
    return bool(ended)


def end_timed_out(settings: Settings, limit: int = 500) -> int:
    """End the sessions idle or too old that nobody came back to renew (the registry's worker,
    every SESSION_SWEEP_INTERVAL_SECONDS): each ending is in the trail, a timeout as much as a
    sign-out. At most `limit` a run; how many."""
    at = now()
    stale = (SignInSession.select().where(
        SignInSession.ended_at.is_null(),
        (SignInSession.expires_at <= at)
        | (SignInSession.last_seen_at < at - dt.timedelta(seconds=settings.session_idle_seconds)))
        .order_by(SignInSession.last_seen_at).limit(limit))
    return sum(end(s, _why_over(s, settings, at) or "idle", settings) for s in list(stale))


def end_all(person: Person, reason: str, settings: Settings, who: Identity | None = None) -> int:
    """End every open session of a person (sign out everywhere; disabled): how many."""
    open_ = list(SignInSession.select().where(SignInSession.person == person, SignInSession.ended_at.is_null()))
    return sum(end(s, reason, settings, who) for s in open_)


def open_of(person_id: int, settings: Settings):
    """A person's sessions still open (not ended, not over their time), newest first."""
    at = now()
    return (SignInSession.select()
            .where(SignInSession.person == person_id, SignInSession.ended_at.is_null(), SignInSession.expires_at > at,
                   SignInSession.last_seen_at > at - dt.timedelta(seconds=settings.session_idle_seconds))
            .order_by(SignInSession.created_at.desc()))
