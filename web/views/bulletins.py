"""Supervisors' documents: the quarterly 检查情况通报 (drafted from the quarter's figures, edited
as a draft, issued as a PDF) and the annual 政务新媒体工作年度报表 (XLSX and PDF)."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, render_template, request, url_for

from govmb.auth import UNIT_STAFF, WORKING_ROLES
from govmb.timefmt import beijing_today
from web.client import api
from web.listing import Listing, list_page, listing
from web.session import login_required, roles
from web.views.assessment import _download
from web.views.forms import as_int, form_again, given, go, problem_of

bp = Blueprint("bulletins", __name__, url_prefix="/bulletins")
DRAFTERS = ("supervision", "joint_office")
STATUS_NAMES = {"draft": "草稿", "issued": "已印发"}
EDITABLE = ("issuer", "prefix", "year", "serial", "title", "addressees", "body", "signer", "dated")
NUMBERS = ("year", "serial")


def _previous_quarter(day: dt.date) -> str:
    q = (day.month - 1) // 3
    return f"{day.year - 1}-Q4" if q == 0 else f"{day.year}-Q{q}"


def _bulletins() -> Listing:
    return listing("assessment", "/api/bulletins", "bulletins.index", "bulletins-list", ("status", "year"),
                   default_sort="-number")


def _form_context(values=None, errors=None, message=None) -> dict:
    return {"can_draft": bool(roles() & set(DRAFTERS)), "values": values or {},
            "errors": errors or {}, "message": message, "default_quarter": _previous_quarter(beijing_today())}


@bp.get("")
@login_required(*WORKING_ROLES)
def index():
    shown = _bulletins()
    return list_page(shown, "bulletins/_list.html", "bulletins/index.html", _form_context, bulletins=shown,
                     statuses=STATUS_NAMES)


def _numbers(body: dict) -> dict:
    """The number fields as numbers; what is not a whole number goes as typed, for the service to name."""
    for k in NUMBERS:
        if body.get(k):
            body[k] = as_int(body[k]) if as_int(body[k]) is not None else body[k]
    return body


@bp.post("")
@login_required(*DRAFTERS)
def draft():
    body = _numbers({k: request.form.get(k, "").strip() for k in ("quarter", "prefix", "year", "serial")})
    r = api("assessment", "POST", "/api/bulletins", json=given(body))
    if r.status_code == 201:
        return go(url_for("bulletins.detail", bulletin_id=r.json()["id"]))
    errors, message = problem_of(r)
    shown = _bulletins()
    return form_again("bulletins/index.html", r.status_code, bulletins=shown, statuses=STATUS_NAMES,
                      **_form_context(body, errors, message))


def _detail_context(bulletin_id: int, values=None, errors=None, message=None) -> dict:
    r = api("assessment", "GET", f"/api/bulletins/{bulletin_id}")
    if r.status_code != 200:
        abort(404)
    b = r.json()
    return {"b": b, "can_edit": bool(roles() & set(DRAFTERS)) and b["status"] == "draft",
            "values": {**b, **(values or {})}, "errors": errors or {}, "message": message}


@bp.get("/<int:bulletin_id>")
@login_required(*WORKING_ROLES)
def detail(bulletin_id: int):
    return render_template("bulletins/detail.html", **_detail_context(bulletin_id))


@bp.post("/<int:bulletin_id>")
@login_required(*DRAFTERS)
def edit(bulletin_id: int):
    body = _numbers({k: request.form.get(k, "").strip() for k in EDITABLE})
    r = api("assessment", "PATCH", f"/api/bulletins/{bulletin_id}", json=body)
    return _after(r, bulletin_id, body)


@bp.post("/<int:bulletin_id>/issue")
@login_required(*DRAFTERS)
def issue(bulletin_id: int):
    return _after(api("assessment", "POST", f"/api/bulletins/{bulletin_id}/issue"), bulletin_id, None)


def _after(r, bulletin_id: int, body: dict | None):
    if r.status_code == 404:
        abort(404)
    if r.status_code == 200:
        return go(url_for("bulletins.detail", bulletin_id=bulletin_id))
    errors, message = problem_of(r)
    return form_again("bulletins/detail.html", r.status_code,
                      **_detail_context(bulletin_id, body, errors, message or "请按提示修改"))


@bp.get("/<int:bulletin_id>.pdf")
@login_required(*WORKING_ROLES)
def pdf(bulletin_id: int):
    return _download(api("assessment", "GET", f"/api/bulletins/{bulletin_id}/pdf"))


ENTERERS = (*DRAFTERS, *UNIT_STAFF)  # the office and supervision the city's, a unit's staff their own
ENTRY_ITEMS = ("surveys", "interviews", "smart_qa", "security_assessments")


def _entered(form: dict) -> dict:
    """The figures entered so far, as the entry form shows them (empty where nothing was)."""
    entered = form.get("entered") or {}
    values = {k: "" if entered.get(k) is None else str(entered[k]) for k in ENTRY_ITEMS}
    values["smart_qa"] = {True: "true", False: "false"}.get(entered.get("smart_qa"), "")
    return values


def _annual_page(year: str, values=None, errors=None, entry_errors=None, message=None, status=200):
    if as_int(year) is None:
        return render_template("bulletins/annual.html", year=year, form=None,
                               errors={"year": "年份须为四位数字，如 2026"}), 422
    r = api("assessment", "GET", f"/api/reports/annual/{year}")
    if r.status_code != 200:
        errors, message = problem_of(r)
        return render_template("bulletins/annual.html", year=year, form=None, errors=errors,
                               message=message), r.status_code
    form = r.json()
    return render_template("bulletins/annual.html", year=year, form=form, errors=errors or {},
                           can_enter=bool(roles() & set(ENTERERS)), values=values or _entered(form),
                           entry_errors=entry_errors or {}, message=message), status


@bp.get("/annual")
@login_required(*WORKING_ROLES)
def annual():
    return _annual_page(request.args.get("year", "").strip() or str(beijing_today().year))


@bp.post("/annual/<int:year>/entries")
@login_required(*ENTERERS)
def enter_annual(year: int):
    values = {k: request.form.get(k, "").strip() for k in ENTRY_ITEMS}
    body = {k: as_int(v) if as_int(v) is not None else v for k, v in values.items() if k != "smart_qa"}
    body["smart_qa"] = {"true": True, "false": False}.get(values["smart_qa"], values["smart_qa"])
    r = api("assessment", "PUT", f"/api/reports/annual/{year}/entries", json=given(body))
    if r.status_code == 200:
        return go(url_for("bulletins.annual", year=year))
    errors, message = problem_of(r)
    return _annual_page(str(year), values, entry_errors=errors, message=message or "请按提示修改",
                        status=r.status_code)


@bp.get("/annual/<int:year>.<fmt>")
@login_required(*WORKING_ROLES)
def annual_file(year: int, fmt: str):
    if fmt not in ("pdf", "xlsx"):
        abort(404)
    return _download(api("assessment", "GET", f"/api/reports/annual/{year}", params={"format": fmt}))
