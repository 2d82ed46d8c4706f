"""The state of every service, for the system administrator."""
from flask import Blueprint, render_template

from govmb.messages import said
from web.client import ServiceUnavailable, client
from web.session import login_required

bp = Blueprint("status", __name__, url_prefix="/status")
SERVICE_NAMES = {"registry": "登记服务", "publishing": "发布审核服务", "inquiry": "网民诉求服务",
                 "assessment": "考核培训服务"}


def service_rows() -> list[dict]:
    rows = []
    for name, label in SERVICE_NAMES.items():
        try:
            r = client(name).get("/readyz")
            rows.append({"name": label, "ok": r.status_code == 200, "checks": r.json().get("checks", {})})
        except (ServiceUnavailable, ValueError) as exc:
            rows.append({"name": label, "ok": False, "checks": {"连接": said("失败：{kind}", kind=type(exc).__name__)}})
    return rows


@bp.get("")
@login_required("admin")
def index():
    return render_template("status.html")


@bp.get("/panel")
def panel():
    """The status table (an htmx partial); it shows only up/down and counts, no data."""
    return render_template("_status.html", rows=service_rows())
