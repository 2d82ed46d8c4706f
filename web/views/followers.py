"""粉丝数 page (X20.3): a unit's staff enter an account's followers for a day or import a
table of them; the last 30 days (or 7, or 90) with the change from the day before, paged by the
service, narrowed by unit or a search in the account's name."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, render_template, request, url_for

from govmb.auth import UNIT_STAFF
from govmb.messages import said
from govmb.timefmt import beijing_today
from web.client import api, get_all
from web.listing import Listing, list_page, listing, unit_picker
from web.session import login_required
from web.views.forms import as_int, form_again, given, go, problem_of

bp = Blueprint("followers", __name__, url_prefix="/followers")
WENT_LIVE = ("active", "closing_requested", "closing_approved", "superior_informed", "notice_posted", "closed")


WINDOWS = {"7": "最近 7 天", "90": "最近 90 天"}  # and, chosen by none, the last 30 days


def _rows() -> Listing:
    days = request.args.get("days") if request.args.get("days") in WINDOWS else "30"
    return listing("assessment", "/api/followers", "followers.index", "followers-list", ("unit_id", "account_id", "days"),
                   days=days)


def _list_context(rows: Listing) -> dict:
    own = get_all("assessment", "/api/accounts", runs="true")
    return {"rows": rows, "windows": WINDOWS, "units": unit_picker("assessment"),
            "own_accounts": [a for a in own if a["kind"] != "private" and a["status"] in WENT_LIVE]}


def _form_context(values=None, errors=None, message=None, report=None) -> dict:
    yesterday = beijing_today() - dt.timedelta(days=1)
    return {"values": {"day": yesterday.isoformat(), **(values or {})}, "errors": errors or {}, "message": message,
            "report": report}


def _context(values=None, errors=None, message=None, report=None) -> dict:
    return {**_list_context(_rows()), **_form_context(values, errors, message, report)}


@bp.get("")
@login_required(*UNIT_STAFF)
def index():
    rows = _rows()
    return list_page(rows, "roster/_followers.html", "roster/followers.html", _form_context, **_list_context(rows))


@bp.post("")
@login_required(*UNIT_STAFF)
def enter():
    form = request.form
    count = form.get("followers", "").strip().replace(",", "")
    body = {"account_id": as_int(form.get("account_id")) or 0, "day": form.get("day", "").strip(),
            "followers": as_int(count) if as_int(count) is not None else count}
    r = api("assessment", "POST", "/api/followers", json=given(body))
    if r.status_code == 200:
        saved = r.json()
        note = said("已替换 {day} 的粉丝数（原为 {previous}）", day=saved["day"], previous=saved["previous"]) if saved["replaced"] else None
        if note:
            return render_template("roster/followers.html", **_context(message=note))
        return go(url_for("followers.index"))
    errors, message = problem_of(r)
    return form_again("roster/followers.html", r.status_code, **_context(dict(form), errors, message))


@bp.post("/import")
@login_required(*UNIT_STAFF)
def upload():
    file = request.files.get("file")
    if file is None or not file.filename:
        return form_again("roster/followers.html", 422, **_context(errors={"file": "请选择文件"}))
    r = api("assessment", "POST", "/api/followers/import", files={"file": (file.filename, file.read())})
    if r.status_code == 200:
        return render_template("roster/followers.html", **_context(report=r.json()))
    errors, message = problem_of(r)
    return form_again("roster/followers.html", r.status_code, **_context(errors=errors, message=message))
