"""人员与角色: the system administrator adds people (without roles), disables, enables and
resets passwords; the security administrator grants and withdraws roles (三员分立). The rules
are the registry's: the page offers what the signed-in role may do and shows what it refuses."""
from __future__ import annotations

from flask import Blueprint, abort, flash, request, url_for

from govmb.auth import PERSON_ROLES
from govmb.messages import said
from web.client import all_units, api, get_json
from web.listing import Listing, list_page, listing, unit_picker
from web.session import ROLE_NAMES, login_required, roles
from web.views.forms import as_int, form_again, given, go, problem_of

bp = Blueprint("people", __name__, url_prefix="/people")
MANAGERS = ("admin", "security_admin")
STATUSES = {"disabled": "已停用", "all": "全部"}  # none chosen: those in post


def _people() -> Listing:
    return listing("registry", "/api/people", "people.index", "people-list", ("unit_id", "role", "status"))


def _context(**extra) -> dict:
    return {"people": _people(), "role_names": ROLE_NAMES, "statuses": STATUSES, "errors": {}, "message": None,
            "values": {}, **extra}


@bp.get("")
@login_required(*MANAGERS)
def index():
    context = _context()
    return list_page(context["people"], "people/_list.html", "people/index.html", more=_more, **context)


def _more() -> dict:
    """What only the whole page shows: the unit picker, and the security administrator's alerts."""
    alerts = get_json("registry", "/api/auth/alerts", default=[]) if "security_admin" in roles() else []
    return {"units": unit_picker("registry"),  # the filter: two levels down, as every list's
            "form_units": all_units("registry") if "admin" in roles() else [], "alerts": alerts[:10]}


@bp.post("")
@login_required("admin")
def create():
    body = given({"unit_id": as_int(request.form.get("unit_id")), "name": request.form.get("name", "").strip(),
                  "username": request.form.get("username", "").strip(), "password": request.form.get("password", "")})
    r = api("registry", "POST", "/api/people", json=body)
    if r.status_code == 201:
        flash(said("已新增人员 {name}：请安全管理员为其授予角色", name=r.json()["name"]))
        return go(url_for("people.detail", person_id=r.json()["id"]))
    errors, message = problem_of(r)
    return form_again("people/index.html", r.status_code, **_context(
        errors=errors, message=message or "请检查标出的字段", values={**body, "password": ""}), **_more())


def _person(person_id: int) -> dict:
    r = api("registry", "GET", f"/api/people/{person_id}")
    if r.status_code != 200:
        abort(r.status_code if r.status_code in (403, 404) else 502)
    return r.json()


def _detail(person_id: int, status: int = 200, failed: str = "", errors=None, message=None):
    p = _person(person_id)
    context = {"p": p, "role_names": ROLE_NAMES, "roles_offered": PERSON_ROLES, "failed": failed,
               "errors": errors or {}, "message": message, "mine": roles(),
               "second_factor": get_json("registry", f"/api/people/{person_id}/second-factor")}
    return form_again("people/detail.html", status, **context)


@bp.get("/<int:person_id>")
@login_required(*MANAGERS)
def detail(person_id: int):
    return _detail(person_id)


def _step(person_id: int, form: str, method: str, path: str, body: dict | None, done: str):
    r = api("registry", method, path, json=body)
    if r.status_code in (200, 204):
        flash(done)
        return go(url_for("people.detail", person_id=person_id))
    if r.status_code == 404:
        abort(404)
    errors, message = problem_of(r)
    return _detail(person_id, r.status_code, form, errors, message or "请检查标出的字段")


@bp.post("/<int:person_id>/roles")
@login_required("security_admin")
def set_roles(person_id: int):
    chosen = [r for r in request.form.getlist("roles") if r in PERSON_ROLES]
    return _step(person_id, "roles", "PUT", f"/api/people/{person_id}/roles", {"roles": chosen}, "角色已保存")


@bp.post("/<int:person_id>/active")
@login_required("admin")
def set_active(person_id: int):
    active = request.form.get("active") == "yes"
    return _step(person_id, "active", "PUT", f"/api/people/{person_id}/active", {"active": active},
                 "已重新启用" if active else "已停用：其所有登录已结束")


@bp.post("/<int:person_id>/password")
@login_required("admin")
def reset_password(person_id: int):
    return _step(person_id, "password", "PUT", f"/api/people/{person_id}/password",
                 {"password": request.form.get("password", "")}, "密码已重置：其下次登录时须修改密码")


@bp.post("/<int:person_id>/second-factor/reset")
@login_required("security_admin")
def reset_second_factor(person_id: int):
    return _step(person_id, "second_factor", "DELETE", f"/api/people/{person_id}/second-factor", None,
                 "两步验证已重置：其下次登录时须重新绑定")
