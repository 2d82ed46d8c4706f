"""The joint-meeting office's view: how many accounts the city has in each state, and every
unit's accounts, filtered, searched and paged; the office's rule that accounts open on every
platform (N7)."""
from flask import Blueprint, abort, flash, request, url_for

from govmb.contracts.registry import STATUS_NAMES
from web.client import api, count_of, get_json
from web.listing import list_page
from web.session import login_required
from web.views.accounts import account_list_context, account_listing
from web.views.forms import go, problem_of

bp = Blueprint("city", __name__, url_prefix="/city")


def _counts() -> dict:
    """The city's accounts by state (those with none left out), each read as the total of a
    one-row page rather than by fetching every account."""
    counts = {}
    for status in STATUS_NAMES:
        got = count_of("registry", "/api/accounts", status=status)
        if got and got[0]:
            counts[status] = got
    return {"counts": counts, "rule": get_json("registry", "/api/platform-rule")}


@bp.get("")
@login_required("joint_office", "supervision", "admin")
def index():
    accounts = account_listing("city.index", "city-list")
    return list_page(accounts, "accounts/_list.html", "city.html", _counts, **account_list_context(accounts, "city-table"))


@bp.post("/platform-rule")
@login_required("joint_office")
def platform_rule():
    """The office switches on or off the rule that institutional accounts open on every platform (N7)."""
    on = request.form.get("every_platform") == "yes"
    r = api("registry", "PUT", "/api/platform-rule", json={"every_platform": on})
    if r.status_code != 200:
        abort(r.status_code if 400 <= r.status_code < 500 else 502, problem_of(r)[1])
    flash("已开启：政务微博须在全部平台开通" if on else "已关闭：政务微博须在全部平台开通")
    return go(url_for("city.index"))
