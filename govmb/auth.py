"""The caller of a request: their verified token (`govmb.identity` says what it holds), the
roles a view needs, and the rows they may see."""
from __future__ import annotations

from functools import wraps

from flask import current_app, g, request
from werkzeug.exceptions import Forbidden, Unauthorized

from govmb.account_copy import sees_row
from govmb.domain import NotFound
from govmb.identity import (  # noqa: F401  (what the web layer imports from here)
    ADMINISTRATORS,
    CITY_WIDE,
    PERSON_ROLES,
    ROLES,
    SERVICE_ROLES,
    UNIT_STAFF,
    WORKING_ROLES,
    AuthError,
    Identity,
    depth_at_most,
    issue_token,
    read_token,
    under,
)
from govmb.identity import in_sight as sight
from govmb.messages import said
from govmb.revocation import revocations


def current_identity() -> Identity:
    """The verified caller of this request, or 401."""
    if "identity" not in g:
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            raise Unauthorized("需要登录：请求缺少 Authorization: Bearer 令牌")
        settings = current_app.config["GOVMB_SETTINGS"]
        try:
            who = read_token(header[7:], settings.keys)
        except AuthError:
            raise Unauthorized("令牌无效或已过期，请重新登录") from None
        if who.revocation_key and revocations(settings.revocation_store_uri).revoked(who.revocation_key):
            raise Unauthorized("登录已结束（已退出、超时或被停用），请重新登录")
        g.identity = who
    return g.identity


def requires(*roles: str):
    """A view that needs a signed-in caller, and with roles given, one of those roles. Without
    roles, any working role (`WORKING_ROLES`): a system's token (intake), the security and the
    audit administrator pass only where their role is named."""
    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            who = current_identity()
            if not who.has(*(roles or WORKING_ROLES)):
                raise Forbidden("当前角色无权执行此操作")
            return view(*args, **kwargs)
        return wrapper
    return decorate


def person_only(view):
    """A view for a signed-in person, whatever their roles (one who must change their password
    holds none), never a system: checked before the request's body is read, as `requires` is."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        if current_identity().session is None:
            raise Forbidden("只有人员本人可以执行此操作")
        return view(*args, **kwargs)
    return wrapper


def in_sight(query, path_field, who: Identity | None = None):
    """The query narrowed to the caller's unit and the units below it (city-wide roles: all);
    the caller is this request's unless `who` is given."""
    return sight(query, path_field, who or current_identity())


def account_row_or_404(model, row_id: int, what: str, Account):
    """The row (a draft, a message …) of an account with this id if the caller may see it: its
    unit is in sight, or its account's managing unit is (X6); otherwise the same 404 as below."""
    return visible_or_404(model, row_id, what, seen=lambda row, who: sees_row(Account, row, who))


def visible_or_404(model, row_id: int, what: str, path_of=lambda row: row.unit_path, seen=None):
    """The row with this id if the caller may see its unit, otherwise a 404 that says the same
    for a row that does not exist and one out of sight (nothing leaks either way)."""
    row, who = model.get_or_none(model.id == row_id), current_identity()
    if row is None or not (seen(row, who) if seen else who.may_see(path_of(row))):
        raise NotFound(said("{what} {id} 不存在或不在您的管辖范围内", what=what, id=row_id))
    return row
