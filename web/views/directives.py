"""Unified messaging: the office issues a directive and watches compliance fill in; units record forwards."""
from flask import Blueprint, abort, render_template, request, url_for

from govmb.auth import UNIT_STAFF
from web.client import api, get_all, pagination
from web.listing import Listing, list_page, listing, wants_fragment
from web.session import login_required, roles
from web.views.drafts import beijing_input
from web.views.forms import as_int, form_again, go, is_htmx, problem_of

bp = Blueprint("directives", __name__, url_prefix="/directives")
STATE_NAMES = {"on_time": "按时转发", "late": "逾期转发", "overdue": "逾期未转", "pending": "待转发"}
ALLOWED = ("operator", "responsible_office", "leader", "principal_leader", "joint_office", "supervision", "admin")
DIRECTIVE_PAGE = 10  # each directive's table polls every 10 s: ten to a page, not fifty
LEAD_LEVELS = 0  # the office's own level: the city's units right below the city, and the city itself
LEAD_SHOWN = 20  # the lead post's choices: the most recently released, narrowed by account and text
ISSUERS = ("joint_office", "supervision")  # N22: supervision sets the line for a major event too


def _directives() -> Listing:
    return listing("publishing", "/api/directives", "directives.index", "directives-list", ("from", "to"),
                   size=DIRECTIVE_PAGE, default_sort="-issued")


def _lead_choices() -> dict:
    """The office's choice of the source post: the lead account's (or any account's) most recently
    released posts, searched in their text; how many there are, so none is hidden unsaid."""
    params = {"status": "released", "sort": "-released", "page_size": LEAD_SHOWN,
              "account_id": as_int(request.args.get("lead_account_id")), "q": request.args.get("lead_q", "").strip()}
    r = api("publishing", "GET", "/api/drafts", params={k: v for k, v in params.items() if v})
    if r.status_code != 200:
        errors, message = problem_of(r)
        return {"items": [], "total": 0, "capped": False, "message": errors.get("q") or message}
    meta = pagination(r)
    return {"items": r.json(), "total": meta.get("total", 0), "capped": bool(meta.get("total_capped")), "message": None}


def _issue_context(values=None, errors=None, message=None) -> dict:
    """The issue form (the office and supervision): the accounts to choose the lead from and the posts of it."""
    if not set(ISSUERS) & set(roles()):
        return {"can_issue": False, "values": values or {}, "errors": errors or {}, "message": message}
    # the lead is a city-level account (the city's, a department's, a district's own), not any of thousands
    accounts = get_all("publishing", "/api/accounts", status="active", levels=LEAD_LEVELS)
    return {"can_issue": True, "lead": _lead_choices(), "lead_accounts": {a["id"]: a["name"] for a in accounts},
            "values": values or {}, "errors": errors or {}, "message": message}


def _context(values=None, errors=None, message=None) -> dict:
    return {"directives": _directives(), "states": STATE_NAMES, **_issue_context(values, errors, message)}


@bp.get("")
@login_required(*ALLOWED)
def index():
    if wants_fragment("lead-options"):
        if not set(ISSUERS) & set(roles()):
            abort(403)
        return render_template("_lead_options.html", **_issue_context())
    directives = _directives()
    return list_page(directives, "_directives.html", "directives.html", _issue_context,
                     directives=directives, states=STATE_NAMES)


@bp.post("")
@login_required(*ISSUERS)
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
@login_required(*UNIT_STAFF)
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
