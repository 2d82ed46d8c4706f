"""督查检查 pages (N19): supervision and the office record inspections and accept or reject
the fixes; each unit sees its own (and those below it) and reports its fix; overdue fixes
stand out."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for

from govmb.auth import UNIT_STAFF, WORKING_ROLES
from web.client import all_units, api
from web.listing import Listing, list_page, listing, unit_picker
from web.session import login_required, person, roles
from web.views.forms import as_int, form_again, given, go, problem_of

bp = Blueprint("inspections", __name__, url_prefix="/inspections")
INSPECTORS = ("supervision", "joint_office")
FIELDS = ("inspected_on", "checked", "found", "required", "fix_by")
# the assessment service's names for an inspection's states (its list filters by these keys)
STATUS_NAMES = {"open": "待整改", "reported": "已报告整改，待验收", "accepted": "整改通过", "rejected": "整改未通过，待重新整改"}
INSPECTION_FILTERS = ("status", "unit_id", "from", "to")


def _inspections() -> Listing:
    """All of them, or (the tab 整改逾期, which clearing the filters keeps) those whose fix is overdue."""
    tab = {"overdue": "true"} if request.args.get("overdue") == "true" else {}
    return listing("assessment", "/api/inspections", "inspections.index", "inspections-list", INSPECTION_FILTERS,
                   fixed=tab, default_sort="urgency", **tab)


def _list_context(inspections: Listing) -> dict:
    return {"inspections": inspections, "statuses": STATUS_NAMES, "units": unit_picker("assessment")}


def _form_context(values=None, errors=None, message=None) -> dict:
    """The form that records an inspection (inspectors only): any unit in sight may be inspected."""
    inspector = bool(roles() & set(INSPECTORS))
    return {"can_record": inspector, "record_units": all_units("assessment") if inspector else [],
            "values": values or {}, "errors": errors or {}, "message": message}


def _index_context(values=None, errors=None, message=None) -> dict:
    return {**_list_context(_inspections()), **_form_context(values, errors, message)}


@bp.get("")
@login_required(*WORKING_ROLES)
def index():
    inspections = _inspections()
    return list_page(inspections, "inspections/_list.html", "inspections/index.html", _form_context,
                     **_list_context(inspections))


@bp.post("")
@login_required(*INSPECTORS)
def record():
    form = request.form
    body = {k: form.get(k, "").strip() for k in FIELDS}
    body["unit_id"] = as_int(form.get("unit_id")) or 0
    r = api("assessment", "POST", "/api/inspections", json=given(body))
    if r.status_code == 201:
        return go(url_for("inspections.detail", inspection_id=r.json()["id"]))
    errors, message = problem_of(r)
    return form_again("inspections/index.html", r.status_code, **_index_context(body, errors, message))


def _detail_context(inspection_id: int, errors=None, failed=None, message=None, values=None) -> dict:
    r = api("assessment", "GET", f"/api/inspections/{inspection_id}")
    if r.status_code != 200:
        abort(404)
    i = r.json()
    mine = i["unit_id"] == person()["unit_id"] and bool(roles() & set(UNIT_STAFF))
    return {"i": i, "can_report": mine and i["status"] in ("open", "rejected"),
            "can_review": bool(roles() & set(INSPECTORS)) and i["status"] == "reported",
            "errors": errors or {}, "failed": failed, "message": message, "values": values or {}}


@bp.get("/<int:inspection_id>")
@login_required(*WORKING_ROLES)
def detail(inspection_id: int):
    return render_template("inspections/detail.html", **_detail_context(inspection_id))


@bp.post("/<int:inspection_id>/report")
@login_required(*UNIT_STAFF)
def report(inspection_id: int):
    body = {"text": request.form.get("text", "").strip(), "fixed_on": request.form.get("fixed_on", "").strip()}
    r = api("assessment", "POST", f"/api/inspections/{inspection_id}/report", json=given(body))
    return _after_step(r, inspection_id, "report", body)


@bp.post("/<int:inspection_id>/review")
@login_required(*INSPECTORS)
def review(inspection_id: int):
    body = {"accept": request.form.get("accept") == "yes", "comment": request.form.get("comment", "").strip()}
    r = api("assessment", "POST", f"/api/inspections/{inspection_id}/review", json=body)
    return _after_step(r, inspection_id, "review", body)


def _after_step(r, inspection_id: int, action: str, body: dict):
    if r.status_code == 404:
        abort(404)
    if r.status_code == 200:
        return go(url_for("inspections.detail", inspection_id=inspection_id))
    errors, message = problem_of(r)
    return form_again("inspections/detail.html", r.status_code,
                      **_detail_context(inspection_id, errors, action, message or "请按提示修改", body))
