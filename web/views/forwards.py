"""转发记录 (X14, N22): the unit's staff record forwards of superior and related accounts' posts made
outside a directive; everyone sees those of the units in their sight (the office and supervision:
the city's), and each account's forwards of a month."""
from __future__ import annotations

from flask import Blueprint, flash, request, url_for

from govmb.auth import UNIT_STAFF
from govmb.platforms import platforms
from govmb.timefmt import beijing_today
from web.client import api, get_all
from web.listing import list_page, listing, unit_picker
from web.session import login_required, roles
from web.views.drafts import beijing_input
from web.views.forms import as_int, form_again, go, problem_of

bp = Blueprint("forwards", __name__, url_prefix="/forwards")
READERS = (*UNIT_STAFF, "joint_office", "supervision", "admin")
FIELDS = ("platform", "source_account", "source_url", "url")


def _context(values: dict | None = None, errors: dict | None = None, message: str | None = None) -> dict:
    staff = bool(set(roles()) & set(UNIT_STAFF))
    accounts = get_all("publishing", "/api/accounts", runs="true",
                       status="active") if staff else []
    return {"can_record": staff, "accounts": accounts, "values": values or {}, "errors": errors or {},
            "message": message}


def _forwards():
    return listing("publishing", "/api/forwards", "forwards.index", "forwards-list",
                   ("unit_id", "account_id", "platform", "from", "to"), default_sort="-forwarded")


@bp.get("")
@login_required(*READERS)
def index():
    shown = _forwards()
    return list_page(shown, "forwards/_list.html", "forwards/index.html", _context, forwards=shown,
                     platform_names=platforms(), units=unit_picker("publishing"))


@bp.post("")
@login_required(*UNIT_STAFF)
def record():
    form = request.form
    body = {k: form.get(k, "").strip() for k in FIELDS}
    body["account_id"] = as_int(form.get("account_id")) or 0
    if form.get("forwarded_at"):
        body["forwarded_at"] = beijing_input(form["forwarded_at"])
    r = api("publishing", "POST", "/api/forwards", json=body)
    if r.status_code == 201:
        flash("转发已登记")
        return go(url_for("forwards.index"))
    errors, message = problem_of(r)
    shown = _forwards()
    return form_again("forwards/index.html", r.status_code, forwards=shown, platform_names=platforms(),
                      units=unit_picker("publishing"), **_context({**body, "forwarded_at_input": form.get("forwarded_at", "")}, errors, message))


@bp.get("/counts")
@login_required(*READERS)
def counts():
    month = request.args.get("month") or beijing_today().strftime("%Y-%m")
    shown = listing("publishing", "/api/forwards/counts", "forwards.counts", "forward-counts", ("month", "unit_id"),
                    month=month)
    return list_page(shown, "forwards/_counts.html", "forwards/counts.html", dict, counts=shown, month=month,
                     units=unit_picker("publishing"))


