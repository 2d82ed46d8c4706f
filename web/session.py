"""Who is signed in: the registry's token and the person, kept in the secure session cookie.

The token lives minutes; `keep_alive` renews it through the registry's session (the refresh
secret the registry gave at sign-in) before each request that needs it. A session ends on
sign-out, after `SESSION_IDLE_SECONDS` without a request of the person's own (the pages' polls
do not count), `SESSION_ABSOLUTE_SECONDS` after sign-in, or when the registry refuses to renew
it (signed out elsewhere, disabled): the person is asked to sign in again."""
from __future__ import annotations

import time
from functools import wraps

from flask import abort, current_app, flash, g, redirect, request, session, url_for

from govmb.auth import CITY_WIDE, UNIT_STAFF, WORKING_ROLES

ROLE_NAMES = {"operator": "微博操作员", "responsible_office": "责任处室", "leader": "分管领导",
              "principal_leader": "主要领导", "joint_office": "联席会议办公室", "supervision": "督查",
              "admin": "系统管理员", "security_admin": "安全管理员", "audit_admin": "审计管理员"}


def person() -> dict | None:
    return session.get("person")


def roles() -> set[str]:
    return set((person() or {}).get("roles", []))


def sees_all() -> bool:
    return bool(roles() & CITY_WIDE)


RENEW_BEFORE = 60  # seconds before the token ends: renewed then, not after a refused call
ENDINGS = {"idle": "长时间未操作，已自动退出，请重新登录", "expired": "登录已超过时限，请重新登录",
           "refused": "登录已结束（已在别处退出或账号被停用），请重新登录"}


def sign_in(token: str, who: dict, refresh: str, expires_in: int) -> None:
    settings, now = current_app.config["GOVMB_SETTINGS"], time.time()
    session.clear()
    session.update(token=token, person=who, refresh=refresh, expires=now + expires_in, seen=now,
                   until=now + settings.session_absolute_seconds)
    session.permanent = True


def renewed(token: str, expires_in: int, done: str = "must_change") -> None:
    """A new token of the same session, after what held its roles back is `done` (the password
    changed: must_change; the second factor enrolled: must_enrol)."""
    session["token"], session["expires"] = token, time.time() + expires_in
    person = dict(session.get("person") or {})
    person.pop(done, None)
    session["person"] = person


def sign_out() -> None:
    """End the session at the registry (its tokens refused everywhere), then forget it here."""
    from web.client import ServiceUnavailable, client
    if session.get("token"):
        try:
            client("registry").call("POST", "/api/auth/sign-out", session["token"])
        except ServiceUnavailable:  # the cookie is forgotten all the same; the session times out there
            pass
    forget_all()


def forget_all() -> None:
    """The session forgotten, but for the language it was in: the sign-in page that follows speaks it."""
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale


def keep_alive():
    """Before each request: end a session idle or too old, renew its token when it is about to
    end, and count the request as the person's activity unless a page polled (X-Poll)."""
    if not session.get("token") or request.endpoint in ("static", "vendor"):
        return
    settings, now = current_app.config["GOVMB_SETTINGS"], time.time()
    if now - session.get("seen", 0) > settings.session_idle_seconds:
        return _ended("idle")
    if now >= session.get("until", 0):
        return _ended("expired")
    if session.get("expires", 0) - now < RENEW_BEFORE and not _renewed(now):
        return _ended("refused")
    if request.headers.get("X-Poll") != "1":
        session["seen"] = now
    who = session.get("person") or {}
    if who.get("must_change") and request.endpoint not in OPEN_WHILE_CHANGING:
        return redirect(url_for("auth.password"))
    if who.get("must_enrol") and not who.get("must_change") and request.endpoint not in OPEN_WHILE_ENROLLING:
        return redirect(url_for("second_factor.index"))


OPEN_WHILE_CHANGING = {"auth.password", "auth.sign_out", "auth.sign_in", "static", "vendor",
                       "notifications.bell",  # the top bar's poll: it answers nothing then
                       "language.choose", "language.switch"}  # the footer's switch, on that page too
# a person whose roles need a second factor, not yet enrolled: only that, until it is done
OPEN_WHILE_ENROLLING = {"second_factor.index", "second_factor.start", "second_factor.confirm",
                        "auth.sign_out", "auth.sign_in", "static", "vendor", "notifications.bell",
                        "language.choose", "language.switch"}


def _renewed(now: float) -> bool:
    from web.client import ServiceUnavailable, client
    try:
        r = client("registry").call("POST", "/api/auth/refresh", json={"refresh": session.get("refresh", "")})
    except ServiceUnavailable:
        return now < session.get("expires", 0)  # the registry is away: the token holds while it lasts
    if r.status_code != 200:
        return False
    session["token"], session["expires"] = r.json()["token"], now + r.json()["expires_in"]
    if r.json().get("second_factor") == "enrol":  # a role that needs a second factor, granted since sign-in
        session["person"] = {**(session.get("person") or {}), "must_enrol": True}
    return True


def _ended(reason: str) -> None:
    sign_out()
    flash(ENDINGS[reason])


def _guarded(allowed: tuple[str, ...] | None):
    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not session.get("token"):
                return redirect(url_for("auth.sign_in", next=request.full_path))
            if allowed is not None and not roles() & set(allowed):
                abort(403)
            g.person = person()
            return view(*args, **kwargs)
        return wrapper
    return decorate


def login_required(*allowed: str):
    """A page for signed-in people with one of the `allowed` roles (none named: any working role,
    as the APIs' `requires`: the security and audit administrators reach only their own pages)."""
    return _guarded(allowed or WORKING_ROLES)


def signed_in(view):
    """A page of one's own (one's password, one's sessions): any signed-in person, whatever their
    roles (one who must change their password holds none)."""
    return _guarded(None)(view)


_STAFF = set(UNIT_STAFF)
_OFFICES = {"joint_office", "supervision", "admin"}  # the working roles with city-wide sight
# The menu: each page and the roles that see it (the security and audit administrators see
# only their own pages: 三员分立).
MENU = (
    ("accounts.index", "本单位账号", _STAFF), ("drafts.index", "稿件", _STAFF),
    ("filings.index", "待确认备案", {"responsible_office", "leader", "principal_leader", "joint_office"}),
    ("directives.index", "统一口径", _STAFF | {"joint_office", "supervision"}),
    ("portal.index", "门户网站源", _STAFF | {"joint_office"}), ("forwards.index", "转发记录", _STAFF | _OFFICES),
    ("drafts.proofreading", "校对环节", {"principal_leader", "responsible_office", "joint_office"}),
    ("freezes.index", "暂停发布", {"joint_office", "supervision", "admin"}),
    ("emergencies.index", "突发事件", _STAFF | _OFFICES),
    ("inbox.index", "网民留言", set(WORKING_ROLES)), ("inbox_marks.invalid_list", "无效留言", set(WORKING_ROLES)),
    ("assessment.index", "考核", set(WORKING_ROLES)),
    ("city.index", "全市账号", _OFFICES), ("follows.city", "关注名单", {"joint_office", "supervision"}),
    ("lexicon.index", "词库", _OFFICES),
    ("roster.index", "值班表", _STAFF), ("followers.index", "粉丝数", _STAFF),
    ("inspections.index", "督查检查", _STAFF | _OFFICES), ("incidents.index", "安全事件", _STAFF | _OFFICES),
    ("inspections.coverage", "检查覆盖率", _STAFF | _OFFICES),
    ("dormant.index", "僵尸号", {"joint_office", "supervision"}), ("dormant.orders", "僵尸号整改", _STAFF),
    ("training.index", "培训登记", _STAFF | _OFFICES), ("bulletins.index", "通报与年度报表", set(WORKING_ROLES)),
    ("narratives.index", "季度简报", set(WORKING_ROLES)), ("reading.index", "每日阅读", set(WORKING_ROLES)),
    ("audit.index", "审计日志", {"joint_office", "supervision", "audit_admin"}),
    ("people.index", "人员与角色", {"admin", "security_admin"}), ("units.index", "单位", {"admin", "joint_office"}),
    ("hall.index", "政务微博大厅", None), ("status.index", "系统状态", {"admin"}),
)


TODO_ROLES = frozenset({*UNIT_STAFF, "joint_office", "supervision"})  # whose first page is 工作台 (web/views/todo.py)


def todo_shown() -> bool:
    """Does the person work on things that wait (the top bar's 待办, the home page)? Not while a
    new password or a second factor is owed: nothing else opens until then."""
    who = person() or {}
    return bool(roles() & TODO_ROLES) and not who.get("must_change") and not who.get("must_enrol")


# The top bar groups the menu by work; a group offering one page is that page's own link, and a page
# of no group (the hall) stands alone at the end.
MENU_GROUPS = (
    ("账号", ("accounts.index", "filings.index", "city.index", "follows.city", "followers.index")),
    ("发布", ("drafts.index", "directives.index", "portal.index", "forwards.index", "emergencies.index", "drafts.proofreading",
            "freezes.index", "roster.index", "lexicon.index")),
    ("群众留言", ("inbox.index", "inbox_marks.invalid_list")),
    ("考核与督查", ("assessment.index", "inspections.index", "inspections.coverage", "incidents.index", "dormant.index",
               "dormant.orders", "bulletins.index")),
    ("报送与培训", ("narratives.index", "reading.index", "training.index")),
    ("系统", ("people.index", "units.index", "audit.index", "status.index")),
)


def navigation() -> list[tuple[str, str]]:
    """The menu, by role (`MENU`; the hall for everyone)."""
    r = roles()
    return [(endpoint, label) for endpoint, label, who in MENU if who is None or r & who]


def menu_groups() -> list[tuple[str | None, list[tuple[str, str]]]]:
    """The person's menu (`navigation`) in the groups of `MENU_GROUPS`, empty groups left out; the
    pages of no group follow, each as a group of its own without a name."""
    pages = dict(navigation())
    grouped = [(name, [(e, pages[e]) for e in endpoints if e in pages]) for name, endpoints in MENU_GROUPS]
    placed = {e for _, endpoints in MENU_GROUPS for e in endpoints}
    return [g for g in grouped if g[1]] + [(None, [(e, label)]) for e, label in pages.items() if e not in placed]
