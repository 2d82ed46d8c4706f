"""The public hall (政务微博大厅): anyone may open it, and leave a message for an account.

No person is signed in: the web app posts the message to inquiry with the hall's token, which
the registry issues to the web app (`web.own_tokens`): the intake role only and the whole tree
as its scope (it may post messages, nothing else). The form is protected
against CSRF like every form, and limited per address (`HALL_MESSAGE_LIMIT_PER_ADDRESS`)."""
from __future__ import annotations

from flask import Blueprint, Response, redirect, render_template, request, session, url_for
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from govmb.config import options
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
        session["hall_receipt"] = {**{k: receipt[k] for k in ("id", "reply_due_at", "feedback_due_at", "provisional")},
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
    return render_template("hall_sent.html", receipt=receipt)  # deadlines at 24:00 of their day: the `deadline` filter


@bp.errorhandler(429)
def _too_often(_exc):
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
