"""关注名单 (X22): an account's follow list (its staff record, import, explain or remove follows;
whoever sees the account reads it), the joint-meeting office's register of media and experts, and
the city's list of accounts with unrelated follows not yet explained (the office, supervision)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, request, url_for

from govmb.messages import said
from web.client import api, get_json
from web.listing import list_page, listing, unit_picker
from web.session import login_required, roles
from web.views.forms import as_int, form_again, given, go, problem_of

bp = Blueprint("follows", __name__)
KINDS = {"government": "政务账号", "media": "主流媒体", "expert": "行业专家", "unrelated": "与工作无关"}
REGISTER_KINDS = {"media": "主流媒体", "expert": "行业专家"}
FIELDS = {"platform": "平台", "handle": "账号", "name": "名称", "url": "网址"}
OFFICES = ("joint_office", "supervision")


# ---------------------------------------------------------------------- an account's list
def _account(account_id: int) -> dict:
    r = api("registry", "GET", f"/api/accounts/{account_id}")
    if r.status_code != 200:
        abort(r.status_code if 400 <= r.status_code < 500 else 502)
    return r.json()


def _rows(account_id: int):
    return listing("registry", f"/api/accounts/{account_id}/follows", "follows.account", "follows-list",
                   ("kind", "unexplained"), fixed={"account_id": account_id})


def _page(account_id: int, values=None, errors=None, message=None, report=None, status: int = 200):
    account, rows = _account(account_id), _rows(account_id)
    context = {"account": account, "rows": rows, "kinds": KINDS, "values": values or {}, "errors": errors or {},
               "message": message, "report": report, "fields": FIELDS,
               "platforms": [p for p in account.get("platforms", []) if not p.get("deregistered_at")]}
    if status == 200:
        return list_page(rows, "follows/_list.html", "follows/account.html", **context)
    return form_again("follows/account.html", status, **context)


def _done(r, account_id: int, note: str, values=None):
    if r.status_code in (200, 201, 204):
        flash(note)
        return go(url_for("follows.account", account_id=account_id))
    if r.status_code == 404:
        abort(404)
    errors, message = problem_of(r)
    return _page(account_id, values, errors, message, status=r.status_code)


@bp.get("/accounts/<int:account_id>/follows")
@login_required()
def account(account_id: int):
    return _page(account_id)


@bp.post("/accounts/<int:account_id>/follows")
@login_required()
def record(account_id: int):
    values = {k: request.form.get(k, "").strip() for k in FIELDS}
    r = api("registry", "POST", f"/api/accounts/{account_id}/follows", json=given(values))
    kind = r.json().get("kind_name", "") if r.status_code == 201 else ""
    return _done(r, account_id, said("已登记关注：{handle}（{kind}）", handle=values["handle"], kind=kind), values)


@bp.post("/accounts/<int:account_id>/follows/import")
@login_required()
def upload(account_id: int):
    file = request.files.get("file")
    if file is None or not file.filename:
        return _page(account_id, errors={"file": "请选择文件"}, status=422)
    r = api("registry", "POST", f"/api/accounts/{account_id}/follows/import", files={"file": (file.filename, file.read())})
    if r.status_code == 200:
        return _page(account_id, report=r.json())
    return _done(r, account_id, "")


@bp.post("/accounts/<int:account_id>/follows/check")
@login_required()
def check(account_id: int):
    r = api("registry", "POST", f"/api/accounts/{account_id}/follows/check")
    changed = r.json().get("changed", 0) if r.status_code == 200 else 0
    return _done(r, account_id, said("已重新判定，{n} 个关注的判定有变化", n=changed))


@bp.post("/accounts/<int:account_id>/follows/<int:follow_id>/reason")
@login_required()
def reason(account_id: int, follow_id: int):
    body = {"reason": request.form.get("reason", "").strip()}
    r = api("registry", "PUT", f"/api/accounts/{account_id}/follows/{follow_id}/reason", json=body)
    return _done(r, account_id, "已保存理由", {"reason_for": follow_id, **body})


@bp.post("/accounts/<int:account_id>/follows/<int:follow_id>/remove")
@login_required()
def remove(account_id: int, follow_id: int):
    r = api("registry", "DELETE", f"/api/accounts/{account_id}/follows/{follow_id}")
    return _done(r, account_id, "已从关注名单中移除")


# --------------------------------------------------------------------------- the city's list
@bp.get("/follows")
@login_required(*OFFICES)
def city():
    rows = listing("registry", "/api/accounts", "follows.city", "follows-city", ("unit_id",), follows="unexplained",
                   default_sort="-follows", sort=request.args.get("sort") or "-follows")
    return list_page(rows, "follows/_city.html", "follows/city.html", rows=rows, units=unit_picker("registry"))


# ------------------------------------------------------------------------------ the register
def _register_page(values=None, errors=None, message=None, status: int = 200):
    rows = listing("registry", "/api/follow-register", "follows.register", "register-list", ("kind", "platform"))
    context = {"rows": rows, "values": values or {}, "errors": errors or {}, "message": message,
               "kinds": REGISTER_KINDS, "may_edit": "joint_office" in roles(),
               "platforms": get_json("registry", "/api/accounts/platforms", [])}
    if status == 200:
        return list_page(rows, "follows/_register.html", "follows/register.html", **context)
    return form_again("follows/register.html", status, **context)


@bp.get("/follows/register")
@login_required(*OFFICES)
def register():
    editing = as_int(request.args.get("edit"))
    if editing and "joint_office" in roles():
        r = api("registry", "GET", f"/api/follow-register/{editing}")
        if r.status_code == 200:
            return _register_page({**r.json(), "id": editing})
    return _register_page()


@bp.post("/follows/register")
@login_required("joint_office")
def write_entry():
    values = {k: request.form.get(k, "").strip() for k in ("platform", "handle", "name", "kind", "url", "note")}
    entry_id = as_int(request.form.get("id"))
    if entry_id:
        r = api("registry", "PUT", f"/api/follow-register/{entry_id}", json=given(values))
    else:
        r = api("registry", "POST", "/api/follow-register", json=given(values))
    if r.status_code in (200, 201):
        flash(said("已保存：{name}", name=values["name"]))
        return go(url_for("follows.register"))
    errors, message = problem_of(r)
    return _register_page({**values, "id": entry_id or ""}, errors, message, r.status_code)


@bp.post("/follows/register/<int:entry_id>/remove")
@login_required("joint_office")
def remove_entry(entry_id: int):
    r = api("registry", "DELETE", f"/api/follow-register/{entry_id}")
    if r.status_code != 204:
        abort(404 if r.status_code == 404 else 400)
    flash("已从名录中删除")
    return go(url_for("follows.register"))
