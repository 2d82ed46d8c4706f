"""Unified messaging: the office issues a directive and watches compliance fill in; units record forwards."""
from flask import Blueprint, abort, render_template, request, url_for

from web.client import api
from web.session import login_required, roles
from web.views.drafts import beijing_input
from web.views.forms import as_int, form_again, go, is_htmx, problem_of

bp = Blueprint("directives", __name__, url_prefix="/directives")
STATE_NAMES = {"on_time": "按时转发", "late": "逾期转发", "overdue": "逾期未转", "pending": "待转发"}
ALLOWED = ("operator", "responsible_office", "leader", "principal_leader", "joint_office", "supervision", "admin")


def _context(values=None, errors=None, message=None) -> dict:
    listing = api("publishing", "GET", "/api/directives")
    released = []
    if "joint_office" in roles():
        released = api("publishing", "GET", "/api/drafts", params={"status": "released"}).json()
    return {"directives": listing.json() if listing.status_code == 200 else [], "released": released,
            "values": values or {}, "errors": errors or {}, "message": message, "states": STATE_NAMES}


@bp.get("")
@login_required(*ALLOWED)
def index():
    return render_template("directives.html", **_context())


@bp.post("")
@login_required("joint_office")
def issue():
    form = request.form
    body = {"title": form.get("title", "").strip(), "due_at": beijing_input(form.get("due_at", "")),
            "lead_draft_id": as_int(form.get("lead_draft_id")) or 0}
    r = api("publishing", "POST", "/api/directives", json=body)
    if r.status_code == 201:
        return go(url_for("directives.index"))
    errors, message = problem_of(r)
    return form_again("directives.html", r.status_code, **_context(body, errors, message))


@bp.get("/<int:directive_id>/panel")
@login_required(*ALLOWED)
def panel(directive_id: int):
    """One directive's compliance table (htmx polls it)."""
    r = api("publishing", "GET", f"/api/directives/{directive_id}")
    if r.status_code != 200:
        abort(404)
    return render_template("_compliance.html", x=r.json(), states=STATE_NAMES)


@bp.post("/<int:directive_id>/forward")
@login_required("operator", "responsible_office", "leader", "principal_leader")
def forward(directive_id: int):
    account = request.form.get("account_id", "")
    r = api("publishing", "POST", f"/api/directives/{directive_id}/forwards",
            json={"account_id": as_int(account) or 0, "url": request.form.get("url", "")})
    if r.status_code == 200:
        if is_htmx():
            return render_template("_compliance.html", x=r.json(), states=STATE_NAMES)
        return go(url_for("directives.index"))
    if r.status_code == 404:  # not one of this unit's directives: there is no table to show again
        abort(404)
    errors, message = problem_of(r)
    detail = api("publishing", "GET", f"/api/directives/{directive_id}").json()
    return form_again("_compliance.html", r.status_code, x=detail, states=STATE_NAMES,
                      errors=errors, message=message or "请按提示修改")
