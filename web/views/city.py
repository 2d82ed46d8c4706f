"""The joint-meeting office's view: how many accounts the city has in each state, and every
unit's accounts, filtered, searched and paged."""
from flask import Blueprint

from govmb.contracts.registry import STATUS_NAMES
from web.client import count_of
from web.listing import list_page
from web.session import login_required
from web.views.accounts import account_list_context, account_listing

bp = Blueprint("city", __name__, url_prefix="/city")


def _counts() -> dict:
    """The city's accounts by state (those with none left out), each read as the total of a
    one-row page rather than by fetching every account."""
    counts = {}
    for status in STATUS_NAMES:
        got = count_of("registry", "/api/accounts", status=status)
        if got and got[0]:
            counts[status] = got
    return {"counts": counts}


@bp.get("")
@login_required("joint_office", "supervision", "admin")
def index():
    accounts = account_listing("city.index", "city-list")
    return list_page(accounts, "accounts/_list.html", "city.html", _counts, **account_list_context(accounts, "city-table"))
