"""Who is signed in: the registry's token and the person, kept in the secure session cookie."""
from __future__ import annotations

from functools import wraps

from flask import abort, g, redirect, request, session, url_for

from govmb.auth import CITY_WIDE

ROLE_NAMES = {"operator": "微博操作员", "responsible_office": "责任处室", "leader": "分管领导",
              "principal_leader": "主要领导", "joint_office": "联席会议办公室", "supervision": "督查",
              "admin": "系统管理员"}


def person() -> dict | None:
    return session.get("person")


def roles() -> set[str]:
    return set((person() or {}).get("roles", []))


def sees_all() -> bool:
    return bool(roles() & CITY_WIDE)


def sign_in(token: str, who: dict) -> None:
    session.clear()
    session["token"], session["person"] = token, who
    session.permanent = True


def sign_out() -> None:
    session.clear()


def login_required(*allowed: str):
    """A page for signed-in people (with `allowed`, only those roles)."""
    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not session.get("token"):
                return redirect(url_for("auth.sign_in", next=request.full_path))
            if allowed and not roles() & set(allowed):
                abort(403)
            g.person = person()
            return view(*args, **kwargs)
        return wrapper
    return decorate


def navigation() -> list[tuple[str, str]]:
    """The menu, by role."""
    r, items = roles(), []
    staff = r & {"operator", "responsible_office", "leader", "principal_leader"}
    if staff:
        items += [("accounts.index", "本单位账号"), ("drafts.index", "稿件")]
    if r & {"responsible_office", "leader", "principal_leader", "joint_office"}:
        items.append(("filings.index", "待确认备案"))
    if staff or "joint_office" in r:
        items.append(("directives.index", "统一口径"))
    if r:  # signed in: a visitor leaves a message in the hall, not here
        items += [("inbox.index", "网民留言"), ("assessment.index", "考核")]
    if r & CITY_WIDE:
        items.append(("city.index", "全市账号"))
    if r & {"joint_office", "supervision", "admin"}:
        items.append(("lexicon.index", "词库"))
    if staff:
        items += [("roster.index", "值班表"), ("followers.index", "粉丝数")]
    if staff or r & CITY_WIDE:
        items.append(("inspections.index", "督查检查"))
    if r & CITY_WIDE:
        items += [("training.index", "培训登记"), ("audit.index", "审计日志")]
    items.append(("hall.index", "政务微博大厅"))
    if "admin" in r:
        items.append(("status.index", "系统状态"))
    return items
