"""审计日志: the joint-meeting office, supervision and the administrator read each service's
audit trail (docs/audit.md): who approved, filed, transferred or deleted what, and when,
filtered and paged. The page only reads: the trail has no way to be changed."""
from __future__ import annotations

from flask import Blueprint, render_template, request

from govmb.audit import READERS, SUBJECT_TYPES, actions_of
from web.client import all_units, api
from web.session import login_required
from web.views.forms import form_again, given, problem_of

bp = Blueprint("audit", __name__, url_prefix="/audit")
SERVICES = {"registry": "账号、单位与人员", "publishing": "信息发布与词库", "inquiry": "留言转办",
            "assessment": "督查、值班与培训"}
FILTERS = ("action", "subject_type", "subject_id", "unit_id", "person_id", "from", "to")


@bp.get("")
@login_required(*READERS)
def index():
    service = request.args.get("service") if request.args.get("service") in SERVICES else "registry"
    filters = given({k: request.args.get(k, "").strip() for k in FILTERS})
    r = api(service, "GET", "/api/audit", params={**filters, "page": request.args.get("page", "1")})
    context = {"service": service, "services": SERVICES, "filters": filters, "actions": actions_of(service),
               "subject_types": SUBJECT_TYPES, "units": all_units(service), "errors": {},
               "message": None, "trail": {"items": [], "total": 0, "page": 1, "per_page": 50}}
    if r.status_code == 200:
        context["trail"] = r.json()
        return render_template("audit/index.html", **context)
    context["errors"], context["message"] = problem_of(r)
    return form_again("audit/index.html", r.status_code, **context)
