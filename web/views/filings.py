"""The county/district view: filings from the units below waiting for acknowledgement, and
every account of the unit and the units below it."""
from flask import Blueprint

from web.client import get_all
from web.listing import list_page
from web.session import login_required
from web.views.accounts import account_list_context, account_listing

bp = Blueprint("filings", __name__, url_prefix="/filings")


def _waiting() -> dict:
    """The filings to acknowledge, all of them: a desk's work, not a list to page through."""
    return {"waiting": get_all("registry", "/api/accounts", awaiting="filing")}


@bp.get("")
@login_required("responsible_office", "leader", "principal_leader", "joint_office")
def index():
    accounts = account_listing("filings.index", "filings-list")
    return list_page(accounts, "accounts/_list.html", "filings.html", _waiting,
                     **account_list_context(accounts, "all-accounts"))
