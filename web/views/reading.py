"""每日阅读 (X18): the principal leader marks the unit's posts of today as read (the button on the
稿件 page and the to-do's 今日博文待阅 lead there); everyone sees, over a span of days, who read on
which day in the units in their sight and each unit's reading rate."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, flash, request, url_for

from govmb.auth import WORKING_ROLES
from govmb.messages import said
from govmb.timefmt import beijing_today
from web.client import api
from web.listing import list_page, listing, unit_picker
from web.session import login_required
from web.views.forms import go, problem_of

bp = Blueprint("reading", __name__, url_prefix="/reading")


@bp.post("/mark")
@login_required("principal_leader")
def mark():
    r = api("publishing", "POST", "/api/reading", json={})
    if r.status_code in (200, 201):
        flash(said("已标记今天的 {n} 条博文已阅", n=r.json()["posts"]))
    else:
        errors, message = problem_of(r)
        flash(message or next(iter(errors.values()), "标记未成功"))
    return go(url_for("drafts.index"))


def _span() -> dict:
    """The span the URL asks for, kept as given (the service judges it), the last 7 days by default."""
    end = request.args.get("to") or str(beijing_today())
    start = request.args.get("from") or str(beijing_today() - dt.timedelta(days=6))
    return {"from": start, "to": end}


@bp.get("")
@login_required(*WORKING_ROLES)
def index():
    span = _span()
    marks = listing("publishing", "/api/reading", "reading.index", "reading-marks", ("unit_id", "from", "to"), **span)
    rates = api("publishing", "GET", "/api/reading/rates", params=span)
    errors, message = problem_of(rates) if rates.status_code != 200 else ({}, None)
    return list_page(marks, "reading/_marks.html", "reading/index.html",
                     lambda: {"rates": rates.json() if rates.status_code == 200 else [], "span": span,
                              "errors": errors, "message": message},
                     marks=marks, units=unit_picker("publishing"))
