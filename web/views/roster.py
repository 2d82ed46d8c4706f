"""值班表 page (X20.3): who is on duty now for the unit and each account, the gaps in the next
7 days, the shifts; the unit's staff add and remove shifts (Beijing time); a county or the
city looks at any unit in its sight."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for

from web.client import api, get_json
from web.session import login_required, person, roles
from web.views.drafts import beijing_input
from web.views.forms import as_int, form_again, go, problem_of

bp = Blueprint("roster", __name__, url_prefix="/roster")
STAFF = ("operator", "responsible_office", "leader", "principal_leader")
ANYONE = (*STAFF, "joint_office", "supervision", "admin")
ROSTERED = ("active", "filed", "closing_requested", "closing_approved", "superior_informed", "notice_posted")


def _context(unit_id: int | None = None, values=None, errors=None, message=None) -> dict:
    me = person()
    unit_id = unit_id or as_int(request.args.get("unit_id")) or me["unit_id"]
    now = api("assessment", "GET", "/api/roster/now", params={"unit_id": unit_id})
    if now.status_code == 404:
        abort(404)
    mine = unit_id == me["unit_id"] and bool(roles() & set(STAFF))
    accounts = [a for a in get_json("assessment", "/api/accounts", []) if a["unit_id"] == me["unit_id"]
                and a["kind"] != "private" and a["status"] in ROSTERED] if mine else []
    return {"now": now.json() if now.status_code == 200 else None, "unit_id": unit_id, "mine": mine,
            "gaps": get_json("assessment", "/api/roster/gaps", [], unit_id=unit_id),
            "shifts": get_json("assessment", "/api/roster/shifts", [], unit_id=unit_id, days=14),
            "units": get_json("assessment", "/api/units", []), "accounts": accounts,
            "values": values or {}, "errors": errors or {}, "message": message}


@bp.get("")
@login_required(*ANYONE)
def index():
    return render_template("roster/index.html", **_context())


@bp.post("")
@login_required(*STAFF)
def add():
    form = request.form
    account = form.get("account_id", "")
    body = {"account_id": as_int(account) if account else None, "starts_at": beijing_input(form.get("starts_at", "")),
            "ends_at": beijing_input(form.get("ends_at", "")), "person_name": form.get("person_name", "").strip(),
            "phone": form.get("phone", "").strip()}
    if account and body["account_id"] is None:
        body["account_id"] = 0  # refused by the service, beside the field
    r = api("assessment", "POST", "/api/roster/shifts", json=body)
    if r.status_code == 201:
        return go(url_for("roster.index"))
    errors, message = problem_of(r)
    return form_again("roster/index.html", r.status_code,
                      **_context(person()["unit_id"], dict(form), errors, message))


@bp.post("/<int:shift_id>/remove")
@login_required(*STAFF)
def remove(shift_id: int):
    r = api("assessment", "DELETE", f"/api/roster/shifts/{shift_id}")
    if r.status_code == 404:
        abort(404)
    if r.status_code == 204:
        return go(url_for("roster.index"))
    _errors, message = problem_of(r)
    return form_again("roster/index.html", r.status_code, **_context(person()["unit_id"], message=message))
