"""The public hall (政务微博大厅): anyone may open it."""
from flask import Blueprint, render_template, request

from web.client import ServiceUnavailable, api

bp = Blueprint("hall", __name__, url_prefix="/hall")


@bp.get("")
def index():
    group = "system" if request.args.get("group") == "system" else "region"
    try:
        groups, failed = api("registry", "GET", f"/api/hall?group={group}").json(), False
    except (ServiceUnavailable, ValueError):
        groups, failed = [], True
    return render_template("hall.html", groups=groups, group=group, failed=failed)
