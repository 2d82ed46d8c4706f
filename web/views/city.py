"""The joint-meeting office's view: every unit and account of the city, filterable."""
from flask import Blueprint, render_template, request

from govmb.contracts.registry import KIND_NAMES, STATUS_NAMES
from web.client import all_units, api
from web.session import login_required
from web.views.forms import is_htmx

bp = Blueprint("city", __name__, url_prefix="/city")


@bp.get("")
@login_required("joint_office", "supervision", "admin")
def index():
    filters = {k: request.args[k] for k in ("status", "kind", "unit_id") if request.args.get(k)}
    r = api("registry", "GET", "/api/accounts", params=filters)
    accounts = r.json() if r.status_code == 200 else []
    context = {"accounts": accounts, "filters": filters, "statuses": STATUS_NAMES, "kinds": KIND_NAMES,
               "units": all_units("registry")}
    counts = {}
    for a in api("registry", "GET", "/api/accounts").json():
        counts[a["status"]] = counts.get(a["status"], 0) + 1
    context["counts"] = counts
    return render_template("city_table.html" if is_htmx() else "city.html", **context)
