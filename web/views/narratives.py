"""季度简报、专报 pages (N17, N18): a unit's staff submit the quarter's 简报 or 专报 with its files
(the unit's figures go with it, added by the service); everyone sees, for a quarter, which units
in their sight have and have not submitted, reads each report and downloads the compiled report
for the leaders (PDF)."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for

from govmb.auth import UNIT_STAFF, WORKING_ROLES
from govmb.timefmt import beijing_today
from web.client import api, get_json
from web.listing import Listing, list_page, listing, unit_picker
from web.session import login_required, roles
from web.views.forms import form_again, given, go, passed_file, problem_of

bp = Blueprint("narratives", __name__, url_prefix="/narratives")
KINDS = {"brief": "简报", "special": "专报"}
STATES = {"false": "未报送", "true": "已报送"}


def quarters(count: int = 8) -> list[str]:
    """The last `count` quarters, the one just ended first (then the current one, then older)."""
    today = beijing_today()
    year, q = today.year, (today.month - 1) // 3 + 1
    out = []
    for _ in range(count + 1):
        out.append(f"{year}-Q{q}")
        year, q = (year, q - 1) if q > 1 else (year - 1, 4)
    return [out[1], out[0], *out[2:]]


def _quarter() -> str:
    asked = request.args.get("quarter", "")
    return asked if asked in quarters() else quarters()[0]


def _rows() -> Listing:
    return listing("assessment", "/api/narratives/units", "narratives.index", "narrative-units",
                   ("unit_id", "submitted"), fixed={"quarter": _quarter()}, quarter=_quarter())


def _list_context(rows: Listing) -> dict:
    return {"rows": rows, "units": unit_picker("assessment"), "states": STATES, "quarter": _quarter()}


def _page_context(values=None, errors=None, message=None) -> dict:
    quarter = _quarter()
    return {"quarters": quarters(), "kinds": KINDS, "can_submit": bool(roles() & set(UNIT_STAFF)),
            "summary": get_json("assessment", "/api/narratives/summary", {}, quarter=quarter),
            "values": {"quarter": quarter, **(values or {})}, "errors": errors or {}, "message": message}


@bp.get("")
@login_required(*WORKING_ROLES)
def index():
    rows = _rows()
    return list_page(rows, "narratives/_units.html", "narratives/index.html", _page_context, **_list_context(rows))


@bp.post("")
@login_required(*UNIT_STAFF)
def submit():
    form = request.form
    body = given({k: form.get(k, "").strip() for k in ("quarter", "kind", "title", "text")})
    files = [("files", (f.filename, f.read(), f.mimetype or "application/octet-stream"))
             for f in request.files.getlist("files") if f.filename]
    r = api("assessment", "POST", "/api/narratives", data=body, files=files or None)
    if r.status_code == 201:
        return go(url_for("narratives.detail", report_id=r.json()["id"]))
    errors, message = problem_of(r)
    return form_again("narratives/index.html", r.status_code,
                      **_list_context(_rows()), **_page_context(dict(form), errors, message))


@bp.get("/<int:report_id>")
@login_required(*WORKING_ROLES)
def detail(report_id: int):
    r = api("assessment", "GET", f"/api/narratives/{report_id}")
    if r.status_code != 200:
        abort(404)
    return render_template("narratives/detail.html", r=r.json())


@bp.get("/<int:report_id>/attachments/<int:attachment_id>")
@login_required(*WORKING_ROLES)
def attachment(report_id: int, attachment_id: int):
    return passed_file(api("assessment", "GET", f"/api/narratives/{report_id}/attachments/{attachment_id}"))


@bp.get("/compiled")
@login_required(*WORKING_ROLES)
def compiled():
    return passed_file(api("assessment", "GET", "/api/narratives/compiled",
                       params={"quarter": _quarter(), "format": "pdf"}))
