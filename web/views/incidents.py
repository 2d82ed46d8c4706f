"""安全事件 pages (X24; the third single veto G19.3): the register of a unit's security incidents
(hijacked account, leak of secrets, serious misstatement, other) with the times found, handled
and reported; the unit or the joint-meeting office records one, the unit completes it; the office
and supervision see every unit's."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for

from govmb.auth import UNIT_STAFF, WORKING_ROLES
from web.client import api, get_all
from web.listing import Listing, list_page, listing, unit_picker
from web.session import login_required, roles
from web.views.drafts import beijing_input
from web.views.forms import as_int, form_again, given, go, problem_of

bp = Blueprint("incidents", __name__, url_prefix="/incidents")
RECORDERS = (*UNIT_STAFF, "joint_office")
# the assessment service's names (its list filters by these keys)
KIND_NAMES = {"hijacked": "账号被盗用或冒用", "leak": "泄露国家秘密或工作秘密", "misstatement": "严重表述错误",
              "other": "其他安全事件"}
REPORTED_TO_NAMES = {"superior": "上级单位", "office": "联席会议办公室", "both": "上级单位和联席会议办公室"}
FILTERS = ("kind", "unit_id", "from", "to", "q")
TIMES = ("found_at", "handled_at", "reported_at")


def _incidents() -> Listing:
    tab = {"open": "true"} if request.args.get("open") == "true" else {}
    return listing("assessment", "/api/incidents", "incidents.index", "incidents-list", FILTERS, fixed=tab, **tab)


def _list_context(incidents: Listing) -> dict:
    return {"incidents": incidents, "kinds": KIND_NAMES, "units": unit_picker("assessment")}


def _form_context(values=None, errors=None, message=None) -> dict:
    """The form: a unit's staff choose among their unit's active accounts; the office gives the
    account's number (the whole city's accounts are too many for a list)."""
    staff = bool(roles() & set(UNIT_STAFF))
    can = bool(roles() & set(RECORDERS))
    accounts = get_all("assessment", "/api/accounts", runs="true",
                       status="active") if staff else []
    return {"can_record": can, "own_accounts": accounts, "staff": staff, "reported_to": REPORTED_TO_NAMES,
            "values": values or {}, "errors": errors or {}, "message": message}


@bp.get("")
@login_required(*WORKING_ROLES)
def index():
    incidents = _incidents()
    return list_page(incidents, "incidents/_list.html", "incidents/index.html", _form_context,
                     **_list_context(incidents))


def _times(form) -> dict:
    return {k: beijing_input(form.get(k, "").strip()) for k in TIMES}


@bp.post("")
@login_required(*RECORDERS)
def record():
    form = request.form
    body = {"kind": form.get("kind", ""), "description": form.get("description", "").strip(),
            "reported_to": form.get("reported_to", ""), "measures": form.get("measures", "").strip(), **_times(form)}
    account = form.get("account_id", "").strip()
    body["account_id"] = as_int(account) if account else None
    if account and body["account_id"] is None:
        body["account_id"] = 0  # not a number: refused by the service, beside the field
    r = api("assessment", "POST", "/api/incidents", json=given(body))
    if r.status_code == 201:
        return go(url_for("incidents.detail", incident_id=r.json()["id"]))
    errors, message = problem_of(r)
    incidents = _incidents()
    return form_again("incidents/index.html", r.status_code, **_list_context(incidents),
                      **_form_context({**body, "account_id": account, **{k: form.get(k, "") for k in TIMES}},
                                      errors, message or "请按提示修改"))


def _detail_context(incident_id: int, errors=None, message=None, values=None) -> dict:
    r = api("assessment", "GET", f"/api/incidents/{incident_id}")
    if r.status_code != 200:
        abort(404)
    i = r.json()
    mine = i["runs"] and bool(roles() & set(UNIT_STAFF))  # the account's unit, or its managing unit (X6)
    return {"i": i, "can_update": mine or "joint_office" in roles(), "reported_to": REPORTED_TO_NAMES,
            "errors": errors or {}, "message": message, "values": values or {}}


@bp.get("/<int:incident_id>")
@login_required(*WORKING_ROLES)
def detail(incident_id: int):
    return render_template("incidents/detail.html", **_detail_context(incident_id))


@bp.post("/<int:incident_id>")
@login_required(*RECORDERS)
def update(incident_id: int):
    form = request.form
    body = {k: v for k, v in _times(form).items() if k != "found_at"}
    body.update({"reported_to": form.get("reported_to", ""), "measures": form.get("measures", "").strip()})
    r = api("assessment", "PATCH", f"/api/incidents/{incident_id}", json=given(body))
    if r.status_code == 404:
        abort(404)
    if r.status_code == 200:
        return go(url_for("incidents.detail", incident_id=incident_id))
    errors, message = problem_of(r)
    values = {**body, **{k: form.get(k, "") for k in TIMES}}
    return form_again("incidents/detail.html", r.status_code,
                      **_detail_context(incident_id, errors, message or "请按提示修改", values))
