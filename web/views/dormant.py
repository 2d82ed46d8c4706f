"""僵尸号 pages (G123.4): the office and supervision list the dormant accounts (no post for the
rule's days, or citizens' messages unanswered beyond its months), issue rectification orders,
review the units' answers and order the accounts still dormant after the deadline closed; a unit
answers its orders; both see each unit's counts."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for

from govmb.auth import UNIT_STAFF, WORKING_ROLES
from web.client import api
from web.listing import Listing, list_page, listing, unit_picker
from web.session import login_required
from web.views.forms import as_int, form_again, given, go, problem_of

bp = Blueprint("dormant", __name__, url_prefix="/dormant")
ISSUERS = ("joint_office", "supervision")
KIND_NAMES = {"silent": "长期未更新", "unanswered": "留言长期未回复"}
# the assessment service's names for an order's states (its list filters by these keys)
STATUS_NAMES = {"issued": "待单位答复", "answered": "已答复，待审核", "accepted": "整改通过",
                "rejected": "整改未通过，待重新答复", "closure_ordered": "已责令关闭"}
STEPS = {"answer": "答复整改情况", "review": "审核答复", "closure": "责令关闭"}


def _accounts() -> Listing:
    return listing("assessment", "/api/dormancy/accounts", "dormant.index", "dormant-list", ("kind", "unit_id"),
                   default_sort="-days")


def _orders() -> Listing:
    tab = {"past_deadline": "true"} if request.args.get("past_deadline") == "true" else {}
    return listing("assessment", "/api/dormancy/orders", "dormant.orders", "orders-list",
                   ("status", "unit_id", "from", "to"), fixed=tab, default_sort="-issued", **tab)


def _counts() -> Listing:
    return listing("assessment", "/api/dormancy/counts", "dormant.counts", "counts-list", ("unit_id", "from", "to"))


@bp.get("")
@login_required(*ISSUERS)
def index():
    accounts = _accounts()
    return list_page(accounts, "dormant/_accounts.html", "dormant/index.html", accounts=accounts, kinds=KIND_NAMES,
                     units=unit_picker("assessment"))


@bp.get("/orders")
@login_required(*WORKING_ROLES)
def orders():
    shown = _orders()
    return list_page(shown, "dormant/_orders.html", "dormant/orders.html", orders=shown, statuses=STATUS_NAMES,
                     units=unit_picker("assessment"))


@bp.get("/counts")
@login_required(*WORKING_ROLES)
def counts():
    shown = _counts()
    return list_page(shown, "dormant/_counts.html", "dormant/counts.html", counts=shown,
                     units=unit_picker("assessment"))


def _new_context(account_id: int | None, values=None, errors=None, message=None) -> dict:
    """The dormant account an order is being issued for (none if it is not dormant, or not in sight)."""
    r = api("assessment", "GET", "/api/dormancy/accounts", params={"account_id": account_id}) if account_id else None
    found = r.json() if r is not None and r.status_code == 200 else []
    return {"account": found[0] if found else None, "account_id": account_id, "values": values or {},
            "errors": errors or {}, "message": message}


@bp.get("/orders/new")
@login_required(*ISSUERS)
def new_order():
    return render_template("dormant/new.html", **_new_context(as_int(request.args.get("account_id"))))


@bp.post("/orders")
@login_required(*ISSUERS)
def issue():
    form = request.form
    body = {"account_id": as_int(form.get("account_id")) or 0, "reason": form.get("reason", "").strip(),
            "deadline": form.get("deadline", "").strip()}
    r = api("assessment", "POST", "/api/dormancy/orders", json=given(body))
    if r.status_code == 201:
        return go(url_for("dormant.detail", order_id=r.json()["id"]))
    errors, message = problem_of(r)
    return form_again("dormant/new.html", r.status_code,
                      **_new_context(body["account_id"] or None, body, errors, message))


def _detail_context(order_id: int, errors=None, failed=None, message=None, values=None) -> dict:
    r = api("assessment", "GET", f"/api/dormancy/orders/{order_id}")
    if r.status_code != 200:
        abort(404)
    o = r.json()
    return {"o": o, "can": set(o.get("actions") or []), "errors": errors or {}, "failed": failed,
            "message": message, "values": values or {}}


@bp.get("/orders/<int:order_id>")
@login_required(*WORKING_ROLES)
def detail(order_id: int):
    return render_template("dormant/detail.html", **_detail_context(order_id))


@bp.post("/orders/<int:order_id>/answer")
@login_required(*UNIT_STAFF)
def answer(order_id: int):
    body = {"text": request.form.get("text", "").strip()}
    return _after_step(api("assessment", "POST", f"/api/dormancy/orders/{order_id}/answer", json=body),
                       order_id, "answer", body)


@bp.post("/orders/<int:order_id>/review")
@login_required(*ISSUERS)
def review(order_id: int):
    body = {"accept": request.form.get("accept") == "yes", "comment": request.form.get("comment", "").strip()}
    return _after_step(api("assessment", "POST", f"/api/dormancy/orders/{order_id}/review", json=body),
                       order_id, "review", body)


@bp.post("/orders/<int:order_id>/closure")
@login_required(*ISSUERS)
def closure(order_id: int):
    body = {"comment": request.form.get("comment", "").strip()}
    return _after_step(api("assessment", "POST", f"/api/dormancy/orders/{order_id}/closure", json=body),
                       order_id, "closure", body)


def _after_step(r, order_id: int, action: str, body: dict):
    if r.status_code == 404:
        abort(404)
    if r.status_code == 200:
        return go(url_for("dormant.detail", order_id=order_id))
    errors, message = problem_of(r)
    return form_again("dormant/detail.html", r.status_code,
                      **_detail_context(order_id, errors, action, message or "请按提示修改", body))
