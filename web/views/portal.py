"""门户网站源 pages (X28): the government portal's Atom or RSS feeds registered for an account, read
by the publishing worker, each new entry a draft that goes through review; when a read fails, the
feed's page says why. The unit's staff register feeds for the unit's accounts, the joint-meeting
office for any account; everyone at work sees those in their sight."""
from __future__ import annotations

from flask import Blueprint, abort, request, url_for

from govmb.auth import UNIT_STAFF, WORKING_ROLES
from govmb.contracts.publishing import INFO_TYPE_NAMES
from web.client import api, get_json
from web.listing import list_page, listing
from web.session import login_required, roles
from web.views.forms import as_int, form_again, go, problem_of

bp = Blueprint("portal", __name__, url_prefix="/portal-feeds")
WRITERS = (*UNIT_STAFF, "joint_office")
STATES = {"true": "启用", "false": "已停用"}
READS = {"true": "上次读取失败", "false": "上次读取成功"}


def _accounts() -> list[dict]:
    """The active accounts the form offers: the unit's own; the office's, those its search finds."""
    if not roles() & set(WRITERS):
        return []
    if "joint_office" in roles():
        find = request.values.get("find", "").strip()[:50]
        return get_json("publishing", "/api/accounts", [], status="active", page_size=50, **({"q": find} if find else {}))
    return get_json("publishing", "/api/accounts", [], status="active", runs="true",
                    page_size=100)


def _context(values=None, errors=None, message=None) -> dict:
    feeds = listing("publishing", "/api/portal-feeds", "portal.index", "portal-list", ("active", "failing"))
    return {"feeds": feeds, "accounts": _accounts(), "info_types": INFO_TYPE_NAMES, "states": STATES, "reads": READS,
            "may_add": bool(roles() & set(WRITERS)), "values": values or {"info_type": "disclosure"},
            "errors": errors or {}, "message": message}


@bp.get("")
@login_required(*WORKING_ROLES)
def index():
    context = _context()
    return list_page(context["feeds"], "portal/_feeds.html", "portal/index.html", **context)


@bp.post("")
@login_required(*WRITERS)
def add():
    form = request.form
    body = {"account_id": as_int(form.get("account_id")) or 0, "url": form.get("url", "").strip(),
            "title": form.get("title", "").strip(), "info_type": form.get("info_type", "disclosure"),
            "import_existing": form.get("import_existing") == "on"}
    r = api("publishing", "POST", "/api/portal-feeds", json=body)
    if r.status_code == 201:
        return go(url_for("portal.detail", feed_id=r.json()["id"]))
    errors, message = problem_of(r)
    return form_again("portal/index.html", r.status_code, **_context(dict(form), errors, message or "请检查输入"))


def _feed(feed_id: int) -> dict:
    r = api("publishing", "GET", f"/api/portal-feeds/{feed_id}")
    if r.status_code != 200:
        abort(404)
    return r.json()


def _entries(feed_id: int) -> dict:
    return listing("publishing", f"/api/portal-feeds/{feed_id}/entries", "portal.detail", "entries-list", (),
                   fixed={"feed_id": feed_id})


@bp.get("/<int:feed_id>")
@login_required(*WORKING_ROLES)
def detail(feed_id: int):
    feed = _feed(feed_id)
    entries = _entries(feed_id)
    return list_page(entries, "portal/_entries.html", "portal/detail.html", feed=feed, entries=entries, message=None)


@bp.post("/<int:feed_id>/active")
@login_required(*WRITERS)
def set_active(feed_id: int):
    r = api("publishing", "PUT", f"/api/portal-feeds/{feed_id}/active",
            json={"active": request.form.get("active") == "true"})
    if r.status_code == 404:
        abort(404)
    if r.status_code == 200:
        return go(url_for("portal.detail", feed_id=feed_id))
    _errors, message = problem_of(r)
    entries = _entries(feed_id)
    return form_again("portal/detail.html", r.status_code, feed=_feed(feed_id), entries=entries, message=message)
