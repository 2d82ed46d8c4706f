"""The public hall (政务微博大厅): anyone may open it, and leave a message for an account.

No person is signed in: the web app posts the message to inquiry with the hall's token, which
the registry issues to the web app (`web.own_tokens`): the intake role only and the whole tree
as its scope (it may post messages, nothing else). The form is protected
against CSRF like every form, and limited per address (`HALL_MESSAGE_LIMIT_PER_ADDRESS`).

Issue 19: the message's receipt number and query code are shown once on the page after it; with
both, /hall/query reads how the message is handled (nothing personal) and, once resolved, takes
the citizen's rating; limited per address (`HALL_QUERY_LIMIT_PER_ADDRESS`), here and in inquiry,
which counts the citizen's address the web app passes on."""
from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Response, redirect, render_template, request, session, url_for
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from govmb.config import options
from govmb.contracts.inquiry import RATING_NAMES
from web.client import ServiceUnavailable, client, get_json
from web.listing import list_page, listing
from web.own_tokens import own_token
from web.views.forms import as_int, problem_of

bp = Blueprint("hall", __name__, url_prefix="/hall")
limiter = Limiter(key_func=get_remote_address, storage_uri=options().ratelimit_storage_uri,
                  headers_enabled=True)


@bp.record_once
def _limit(state) -> None:
    limiter.init_app(state.app)


def _per_address() -> str:
    return options().hall_message_limit_per_address


def _groups(group: str) -> list[dict] | None:
    """The hall's groups with their counts, or None if the registry does not answer."""
    try:
        return get_json("registry", "/api/hall/groups", None, group=group)
    except (ServiceUnavailable, ValueError):
        return None


@bp.get("")
def index():
    group = "system" if request.args.get("group") == "system" else "region"
    try:
        accounts = listing("registry", "/api/hall", "hall.index", "hall-list", ("key", "q"), fixed={"group": group},
                           group=group)
    except ServiceUnavailable:
        return render_template("hall.html", groups=[], group=group, accounts=None, failed=True)

    def groups() -> dict:
        counted = _groups(group)
        return {"groups": counted or [], "failed": counted is None or accounts.message is not None}
    return list_page(accounts, "_hall_list.html", "hall.html", groups, accounts=accounts, group=group)


def _choices(values: dict) -> list[dict] | None:
    """The accounts the form offers: the one asked for, or those a search finds (first page)."""
    params = {"account_id": values["account_id"]} if values.get("account_id") else \
        {"q": values["find"]} if values.get("find") else None
    if params is None:
        return []
    try:
        return get_json("registry", "/api/hall", None, **params)
    except (ServiceUnavailable, ValueError):
        return None


def _form(values: dict, errors: dict | None = None, message: str | None = None, status: int = 200):
    choices = _choices(values)
    return render_template("hall_message.html", choices=choices or [], failed=choices is None, values=values,
                           errors=errors or {}, message=message), status


@bp.get("/message")
def message_form():
    return _form({"account_id": as_int(request.args.get("account_id")), "find": request.args.get("find", "").strip()[:50]})


def _values() -> dict:
    """What the citizen filled in, to post or to show again."""
    form = request.form
    return {"account_id": as_int(form.get("account_id")), "citizen_handle": form.get("citizen_handle", "").strip(),
            "citizen_contact": form.get("citizen_contact", "").strip(), "text": form.get("text", "").strip()}


@bp.post("/message")
@limiter.limit(_per_address)
def leave_message():
    values = _values()
    chosen = _choices(values) if values["account_id"] else []
    if chosen is None:
        return _form(values, message="大厅暂时无法加载，请稍后再试", status=503)
    accounts = {a["id"]: a for a in chosen}
    errors = {}
    if values["account_id"] not in accounts:
        errors["account_id"] = "请选择要留言的政务微博"
    if not values["citizen_handle"]:
        errors["citizen_handle"] = "请填写您的称呼或微博昵称"
    if not values["text"]:
        errors["text"] = "请填写留言内容"
    if errors:
        return _form(values, errors, status=422)
    try:
        r = client("inquiry").call("POST", "/api/intake/messages", own_token("hall"),
                                   json={**values, "kind": "private"})
    except ServiceUnavailable:
        return _form(values, message="留言暂时无法提交，请稍后再试", status=503)
    if r.status_code == 201:
        receipt = r.json()
        session["hall_receipt"] = {**{k: receipt[k] for k in ("id", "reply_due_at", "feedback_due_at", "provisional",
                                                              "receipt_number", "query_code")},
                                   "account": accounts[values["account_id"]]["name"]}
        return redirect(url_for("hall.message_sent"), 303)
    if r.status_code == 422:
        errors, message = problem_of(r)
        return _form(values, errors, message, 422)
    return _form(values, message="留言暂时无法提交，请稍后再试", status=503)


@bp.get("/message/sent")
def message_sent():
    receipt = session.get("hall_receipt")
    if not receipt:
        return redirect(url_for("hall.message_form"))
    if receipt.get("query_code"):  # shown once: a reload, or the next person at a shared computer, sees it no more
        session["hall_receipt"] = {k: v for k, v in receipt.items() if k != "query_code"}
    return render_template("hall_sent.html", receipt=receipt), 200, {"Cache-Control": "no-store"}


def _per_address_query() -> str:
    return options().hall_query_limit_per_address


def _query_page(values: dict, found: dict | None = None, errors: dict | None = None, message: str | None = None,
                notice: str | None = None, status: int = 200):
    return (render_template("hall_query.html", values=values, found=found, errors=errors or {}, message=message,
                            notice=notice, ratings=RATING_NAMES),
            status, {"Cache-Control": "no-store"})


def _query_values() -> dict:
    form = request.form
    return {"number": form.get("number", "").strip()[:30], "code": form.get("code", "").strip()[:40],
            "rating": form.get("rating", ""), "comment": form.get("comment", "").strip()}


def _inquiry(method: str, path: str, **kwargs):
    """Call inquiry's public query with the hall's token and the citizen's address (their limit)."""
    return client("inquiry").call(method, path, own_token("hall"),
                                  headers={"X-Client-Address": request.remote_addr or "", **kwargs.pop("headers", {})},
                                  **kwargs)


def _path(values: dict, tail: str = "") -> str:
    return f"/api/public/requests/{quote(values['number'], safe='')}{tail}"


def _read(values: dict):
    """inquiry's answer to the number and code (ServiceUnavailable when it does not answer)."""
    return _inquiry("GET", _path(values), headers={"X-Query-Code": values["code"]})


def _missing(values: dict) -> dict:
    errors = {}
    if not values["number"]:
        errors["number"] = "请填写留言编号"
    if not values["code"]:
        errors["code"] = "请填写查询码"
    return errors


@bp.get("/query")
def query_form():
    return _query_page({"number": request.args.get("number", "").strip()[:30], "code": ""})


@bp.post("/query")
@limiter.limit(_per_address_query)
def query():
    values = _query_values()
    errors = _missing(values)
    try:
        r = None if errors else _read(values)
    except ServiceUnavailable:
        return _query_page(values, message="暂时无法查询，请稍后再试", status=503)
    if r is None:
        return _query_page(values, errors=errors, status=422)
    if r.status_code == 200:
        return _query_page(values, r.json())
    if r.status_code in (404, 422):
        return _query_page(values, message="留言编号或查询码不正确，请核对后再试", status=r.status_code)
    return _query_page(values, message="暂时无法查询，请稍后再试", status=429 if r.status_code == 429 else 503)


@bp.post("/query/rating")
@limiter.limit(_per_address_query)
def rate():
    values = _query_values()
    if errors := _missing(values):
        return _query_page(values, errors=errors, status=422)
    if values["rating"] not in RATING_NAMES:
        return _query_again(values, {"rating": "请选择满意、基本满意或不满意"})
    try:
        r = _inquiry("POST", _path(values, "/rating"), json={"code": values["code"], "rating": values["rating"], "comment": values["comment"]})
    except ServiceUnavailable:
        return _query_page(values, message="暂时无法提交评价，请稍后再试", status=503)
    if r.status_code == 201:
        return _query_page(values, r.json(), notice="感谢您的评价")
    if r.status_code == 404:
        return _query_page(values, message="留言编号或查询码不正确，请核对后再试", status=404)
    if r.status_code in (409, 422):
        errors, message = problem_of(r)
        return _query_again(values, errors, message, r.status_code)
    return _query_page(values, message="暂时无法提交评价，请稍后再试", status=429 if r.status_code == 429 else 503)


def _query_again(values: dict, errors: dict, message: str | None = None, status: int = 422):
    """The message shown again with what was wrong beside the rating form."""
    try:
        r = _read(values)
    except ServiceUnavailable:
        r = None
    found = r.json() if r is not None and r.status_code == 200 else None
    return _query_page(values, found, errors=errors, message=message, status=status)


@bp.errorhandler(429)
def _too_often(_exc):
    if request.endpoint in ("hall.query", "hall.rate"):
        return _query_page(_query_values(), message="查询过于频繁，请稍后再试", status=429)
    return _form(_values(), message="留言过于频繁，请稍后再试", status=429)


FEED_HEADERS = ("Content-Type", "ETag", "Last-Modified", "Cache-Control")


@bp.get("/posts.atom")
def posts_feed():
    """The public Atom feed of released posts (X27, X28), as publishing writes it: the city's, or a
    unit's (`unit_id`) or an account's (`account_id`); the conditional headers passed both ways."""
    params = {k: request.args[k] for k in ("unit_id", "account_id", "before") if request.args.get(k)}
    asked = {h: request.headers[h] for h in ("If-None-Match", "If-Modified-Since") if request.headers.get(h)}
    try:
        r = client("publishing").call("GET", "/api/feeds/posts", headers=asked, params=params)
    except ServiceUnavailable:
        return Response("信息源暂时无法加载，请稍后再试", 503, content_type="text/plain; charset=utf-8")
    if r.status_code not in (200, 304):
        return Response("信息源不存在或参数有误", 404 if r.status_code == 404 else 422,
                        content_type="text/plain; charset=utf-8")
    return Response(r.content, r.status_code, headers={h: r.headers[h] for h in FEED_HEADERS if h in r.headers})
