"""The county/district view: filings from the units below waiting for acknowledgement."""
from flask import Blueprint, render_template

from web.client import api
from web.session import login_required

bp = Blueprint("filings", __name__, url_prefix="/filings")


@bp.get("")
@login_required("responsible_office", "leader", "principal_leader", "joint_office")
def index():
    r = api("registry", "GET", "/api/accounts?awaiting=filing")
    below = api("registry", "GET", "/api/accounts")
    return render_template("filings.html", waiting=r.json() if r.status_code == 200 else [],
                           accounts=below.json() if below.status_code == 200 else [])
