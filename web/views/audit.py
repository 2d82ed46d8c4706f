"""审计日志: the joint-meeting office, supervision and the audit administrator read each service's
audit trail (docs/audit.md): who approved, filed, transferred or deleted what, and when,
filtered and paged; the audit administrator the security events too (a quick filter). The
filtered rows export as a file, which the service makes and records in its trail. The page only
reads: the trail has no way to be changed."""
from __future__ import annotations

from flask import Blueprint, Response, request, url_for

from govmb.audit import READERS, SUBJECT_TYPES, actions_of
from govmb.audit_api import EXPORT_CAP
from web.client import all_units, api
from web.listing import enveloped, list_page
from web.session import login_required, roles
from web.views.forms import is_htmx

bp = Blueprint("audit", __name__, url_prefix="/audit")
SERVICES = {"registry": "账号、单位与人员", "publishing": "信息发布与词库", "inquiry": "留言转办",
            "assessment": "督查、值班与培训"}
FILTERS = ("action", "subject_type", "subject_id", "unit_id", "person_id", "from", "to", "security")


def _service() -> str:
    return request.args.get("service") if request.args.get("service") in SERVICES else "registry"


@bp.get("")
@login_required(*READERS)
def index():
    service = _service()
    trail = enveloped(service, "/api/audit", "audit.index", "audit-list", FILTERS, fixed={"service": service})
    asked = {k: v for k, v in trail.args.items() if k in FILTERS}
    export_urls = {fmt: url_for("audit.export", service=service, **asked, format=fmt) for fmt in ("xlsx", "csv")}
    page = list_page(trail, "audit/_list.html", "audit/index.html", trail=trail, service=service, services=SERVICES,
                     actions=actions_of(service), subject_types=SUBJECT_TYPES, units=all_units(service),
                     auditor="audit_admin" in roles(), export_cap=EXPORT_CAP, export_urls=export_urls)
    return page, 200 if trail.status == 200 or is_htmx() else trail.status  # htmx swaps only a 2xx


@bp.get("/export")
@login_required(*READERS)
def export():
    """The filtered rows of one service's trail as the service writes them (XLSX or CSV, at most
    EXPORT_CAP, recorded in its trail), passed through; a bad filter shows the page with it."""
    fmt = "csv" if request.args.get("format") == "csv" else "xlsx"
    asked = {k: v for k in FILTERS if (v := request.args.get(k))}
    r = api(_service(), "GET", "/api/audit/export", params={**asked, "format": fmt},
            timeout=120)  # up to EXPORT_CAP rows written into a workbook: seconds, not the usual ten
    if r.status_code != 200:
        return index()
    return Response(r.content, mimetype=r.headers.get("Content-Type", "application/octet-stream"),
                    headers={"Content-Disposition": r.headers.get("Content-Disposition", "attachment"),
                             "Cache-Control": "no-store"})
