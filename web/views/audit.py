"""审计日志: the joint-meeting office, supervision and the administrator read each service's
audit trail (docs/audit.md): who approved, filed, transferred or deleted what, and when,
filtered and paged. The page only reads: the trail has no way to be changed."""
from __future__ import annotations

from flask import Blueprint, request

from govmb.audit import READERS, SUBJECT_TYPES, actions_of
from web.client import all_units
from web.listing import enveloped, list_page
from web.session import login_required
from web.views.forms import is_htmx

bp = Blueprint("audit", __name__, url_prefix="/audit")
SERVICES = {"registry": "账号、单位与人员", "publishing": "信息发布与词库", "inquiry": "留言转办",
            "assessment": "督查、值班与培训"}
FILTERS = ("action", "subject_type", "subject_id", "unit_id", "person_id", "from", "to")


@bp.get("")
@login_required(*READERS)
def index():
    service = request.args.get("service") if request.args.get("service") in SERVICES else "registry"
    trail = enveloped(service, "/api/audit", "audit.index", "audit-list", FILTERS, fixed={"service": service})
    page = list_page(trail, "audit/_list.html", "audit/index.html", trail=trail, service=service, services=SERVICES,
                     actions=actions_of(service), subject_types=SUBJECT_TYPES, units=all_units(service))
    return page, 200 if trail.status == 200 or is_htmx() else trail.status  # htmx swaps only a 2xx
