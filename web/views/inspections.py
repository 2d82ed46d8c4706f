"""督查检查 pages (N19): supervision and the office record inspections and accept or reject
the fixes; each unit sees its own (and those below it) and reports its fix; overdue fixes
stand out."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for

from govmb.auth import UNIT_STAFF, WORKING_ROLES
from govmb.timefmt import beijing_today
from web.client import all_units, api, get_json
from web.listing import Listing, list_page, listing, unit_picker
from web.session import login_required, person, roles
from web.views.forms import as_int, form_again, given, go, problem_of

bp = Blueprint("inspections", __name__, url_prefix="/inspections")
INSPECTORS = ("supervision", "joint_office")
FIELDS = ("inspected_on", "checked", "found", "required", "fix_by", "indicator")
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
    """The form that records an inspection (inspectors only): any unit in sight may be inspected;
    the finding's 19号 indicator and deduction; the accounts checked (coverage). A link from the
    coverage page fills the unit and the account."""
    inspector = bool(roles() & set(INSPECTORS))
    table = get_json("assessment", "/api/inspections/indicators", {}) if inspector else {}
    asked = {k: request.args[k] for k in ("unit_id", "account_ids") if request.args.get(k)}
    values = values or ({"unit_id": as_int(asked.get("unit_id")), "account_ids": asked.get("account_ids", "")}
                        if asked else {})
    return {"can_record": inspector, "record_units": all_units("assessment") if inspector else [],
            "indicators": table.get("indicators", []), "indicator_source": table.get("source", ""),
            "values": values, "errors": errors or {}, "message": message}


def _account_ids(text: str) -> list | str:
    """"12, 15 18" → [12, 15, 18]; anything else is sent as it is, for the service to refuse."""
    parts = text.replace("，", ",").replace("、", ",").replace(" ", ",").split(",")
    ids = [as_int(p) for p in parts if p.strip()]
    return ids if all(i is not None for i in ids) else text


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
    deduction, accounts = form.get("deduction", "").strip(), form.get("account_ids", "").strip()
    sent = given({**body, "account_ids": _account_ids(accounts) if accounts else None})
    if deduction:
        try:
            sent["deduction"] = float(deduction)
        except ValueError:
            sent["deduction"] = deduction  # refused by the service, beside the field
    body.update(deduction=deduction, account_ids=accounts)
    r = api("assessment", "POST", "/api/inspections", json=sent)
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


COVERAGE_VIEWS = {"units": ("/api/inspections/coverage/units", "各单位覆盖率"),
                  "unchecked": ("/api/inspections/coverage/unchecked", "本季度未检查的账号")}


def _quarter() -> str:
    asked = request.args.get("quarter", "").strip()
    if asked:
        return asked
    today = beijing_today()
    return f"{today.year}-Q{(today.month - 1) // 3 + 1}"


@bp.get("/coverage")
@login_required(*WORKING_ROLES)
def coverage():
    """The quarter's inspection coverage (19号: every active account checked once a quarter):
    the figures, then either the units (least covered first) or the accounts not yet checked."""
    quarter = _quarter()
    view = request.args.get("view") if request.args.get("view") in COVERAGE_VIEWS else "units"
    fixed = {"quarter": quarter, "view": view}
    shown = listing("assessment", COVERAGE_VIEWS[view][0], "inspections.coverage", "coverage-list", ("unit_id",),
                    fixed=fixed, quarter=quarter)
    more = lambda: {"summary": get_json("assessment", "/api/inspections/coverage", None, quarter=quarter,  # noqa: E731
                                        **({"unit_id": shown.args["unit_id"]} if "unit_id" in shown.args else {}))}
    return list_page(shown, "inspections/_coverage.html", "inspections/coverage.html", more, rows=shown,
                     view=view, views=COVERAGE_VIEWS, quarter=quarter, units=unit_picker("assessment"),
                     inspector=bool(roles() & set(INSPECTORS)))
