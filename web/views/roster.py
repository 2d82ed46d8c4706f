"""值班表 page (X20.3): who is on duty now for the unit and each account, the gaps in the next
7 days, the shifts; the unit's staff add and remove shifts (Beijing time); a county or the
city looks at any unit in its sight."""
from __future__ import annotations

from flask import Blueprint, abort, request, url_for

from govmb.auth import UNIT_STAFF, WORKING_ROLES
from web.client import api, get_json
from web.listing import list_page, listing, unit_picker
from web.session import login_required, person, roles
from web.views.drafts import beijing_input
from web.views.forms import as_int, form_again, go, problem_of

bp = Blueprint("roster", __name__, url_prefix="/roster")


def _context(unit_id: int | None = None, values=None, errors=None, message=None) -> dict:
    me = person()
    unit_id = unit_id or as_int(request.args.get("unit_id")) or me["unit_id"]
    r = api("assessment", "GET", "/api/roster/now", params={"unit_id": unit_id})
    if r.status_code == 404:
        abort(404)
    now = r.json() if r.status_code == 200 else None
    mine = unit_id == me["unit_id"] and bool(roles() & set(UNIT_STAFF))
    # a shift can be for any account the service rosters: those it lists as on duty now or not
    accounts = [{"id": a["account_id"], "name": a["account_name"]} for a in now["accounts"]] if mine and now else []
    return {"now": now, "unit_id": unit_id, "mine": mine,
            "gaps": get_json("assessment", "/api/roster/gaps", [], unit_id=unit_id),
            "shifts": listing("assessment", "/api/roster/shifts", "roster.index", "shifts-list", (),
                              fixed={"unit_id": unit_id} if unit_id != me["unit_id"] else {}, unit_id=unit_id, days=14),
            "units": unit_picker("assessment"), "accounts": accounts,
            "values": values or {}, "errors": errors or {}, "message": message}


@bp.get("")
@login_required(*WORKING_ROLES)
def index():
    context = _context()
    return list_page(context["shifts"], "roster/_shifts.html", "roster/index.html", **context)


@bp.post("")
@login_required(*UNIT_STAFF)
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
@login_required(*UNIT_STAFF)
def remove(shift_id: int):
    r = api("assessment", "DELETE", f"/api/roster/shifts/{shift_id}")
    if r.status_code == 404:
        abort(404)
    if r.status_code == 204:
        return go(url_for("roster.index"))
    _errors, message = problem_of(r)
    return form_again("roster/index.html", r.status_code, **_context(person()["unit_id"], message=message))
