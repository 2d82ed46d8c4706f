"""暂停发布 pages (issue 20): the joint-meeting office stops every scheduled and automatic release,
city-wide or for a unit and those below it (a day of mourning, an emergency), with a reason, and
lifts it; the list shows the freezes in force first, then the past ones. Supervision reads it."""
from __future__ import annotations

from flask import Blueprint, abort, request, url_for

from web.client import all_units, api
from web.listing import list_page, listing
from web.session import login_required, roles
from web.views.forms import as_int, form_again, go, problem_of

bp = Blueprint("freezes", __name__, url_prefix="/release-freezes")
FREEZERS = ("joint_office", "admin")
READERS = (*FREEZERS, "supervision")
STATES = {"true": "暂停中", "false": "已解除"}


def _context(values=None, errors=None, message=None) -> dict:
    freezes = listing("publishing", "/api/release-freezes", "freezes.index", "freeze-list", ("active",))
    may = bool(roles() & set(FREEZERS))
    return {"freezes": freezes, "states": STATES, "may_freeze": may, "units": all_units("publishing") if may else [],
            "values": values or {}, "errors": errors or {}, "message": message}


@bp.get("")
@login_required(*READERS)
def index():
    context = _context()
    return list_page(context["freezes"], "freezes/_list.html", "freezes/index.html", **context)


@bp.post("")
@login_required(*FREEZERS)
def add():
    form = request.form
    unit = form.get("unit_id", "").strip()
    body = {"reason": form.get("reason", "").strip(), "unit_id": (as_int(unit) or -1) if unit else None}
    r = api("publishing", "POST", "/api/release-freezes", json=body)
    if r.status_code == 201:
        return go(url_for("freezes.index"))
    errors, message = problem_of(r)
    return form_again("freezes/index.html", r.status_code, **_context(dict(form), errors, message or "请检查输入"))


@bp.post("/<int:freeze_id>/lift")
@login_required(*FREEZERS)
def lift(freeze_id: int):
    r = api("publishing", "POST", f"/api/release-freezes/{freeze_id}/lift")
    if r.status_code == 404:
        abort(404)
    if r.status_code == 200:
        return go(url_for("freezes.index"))
    _errors, message = problem_of(r)
    return form_again("freezes/index.html", r.status_code, **_context(message=message))
