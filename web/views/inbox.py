"""The citizens' inbox: messages by their nearest deadline with a live countdown, entry and
import, a form for each step, category and sentiment to confirm, transfers; and the
transfers and problem-notice desks of the county and the office."""
from __future__ import annotations

from flask import Blueprint, abort, flash, make_response, render_template, request, url_for

from govmb.auth import UNIT_STAFF
from govmb.contracts.inquiry import ACTION_NAMES, CATEGORY_NAMES, INVALID_KINDS, STATUS_NAMES
from govmb.platforms import platforms
from web.client import all_units, api, get_all, get_json, get_page
from web.listing import Listing, list_page, listing, unit_picker
from web.session import login_required, person, roles
from web.views.forms import as_int, form_again, go, is_htmx, problem_of, step_answer

bp = Blueprint("inbox", __name__, url_prefix="/inbox")
STAFF = UNIT_STAFF
ROUTERS = ("joint_office", "leader", "principal_leader", "responsible_office")
ANYONE = (*STAFF, "joint_office", "supervision", "admin")
SENTIMENT_NAMES = {"positive": "正面", "neutral": "中性", "negative": "负面"}
KIND_NAMES = {"comment": "评论", "mention": "提及", "private": "私信", "forward": "转发"}
STATE_NAMES = {"on_time": "按时", "late": "逾期办理", "open": "未到期", "overdue": "已逾期"}
COLUMN_NAMES = {"platform_message_id": "平台消息ID", "kind": "类型", "citizen_handle": "网民", "citizen_contact": "联系方式",
                "text": "内容", "received_at": "时间"}  # an import report's fields, as the file's columns


def _get(path: str, default=None, **params):
    return get_json("inquiry", path, default, **params)


MESSAGE_FILTERS = ("status", "category", "sentiment", "kind", "platform", "unit_id", "from", "to", "due_before", "overdue",
                   "review_waiting")


def _messages() -> Listing:
    return listing("inquiry", "/api/messages", "inbox.index", "inbox-list", MESSAGE_FILTERS, default_sort="due")


def _list_context(messages: Listing) -> dict:
    return {"messages": messages, "statuses": STATUS_NAMES, "categories": CATEGORY_NAMES, "kinds": KIND_NAMES,
            "sentiments": SENTIMENT_NAMES, "platforms": platforms(),
            "units": unit_picker("inquiry")}


def _page_context(values=None, errors=None, message=None, report=None) -> dict:
    """What the inbox shows around its list: the entry and import forms and the hot topics."""
    accounts = get_all("inquiry", "/api/accounts", runs="true", status="active")
    return {"accounts": accounts, "values": values or {}, "errors": errors or {},
            "message": message, "report": report, "columns": COLUMN_NAMES}


def _inbox_context(values=None, errors=None, message=None, report=None) -> dict:
    return {**_list_context(_messages()), **_page_context(values, errors, message, report)}


@bp.get("")
@login_required(*ANYONE)
def index():
    messages = _messages()
    return list_page(messages, "inbox/_list.html", "inbox/index.html", _page_context, **_list_context(messages))


@bp.get("/hot")
@login_required(*ANYONE)
def hot():
    """The hot topics, counted over a week of negative messages: the inbox loads them after its
    list (htmx, on load), so that the list does not wait for a city's week to be counted."""
    return render_template("inbox/_hot.html", hot=_get("/api/messages/hot-topics", {"day": [], "week": []}))


@bp.post("")
@login_required(*STAFF)
def enter():
    form = request.form
    body = {"account_id": as_int(form.get("account_id")) or 0, "kind": form.get("kind", ""),
            "citizen_handle": form.get("citizen_handle", "").strip(), "citizen_contact": form.get("citizen_contact", "").strip(),
            "text": form.get("text", "").strip()}
    r = api("inquiry", "POST", "/api/messages", json=body)
    if r.status_code == 201:
        return go(url_for("inbox.detail", message_id=r.json()["id"]))
    errors, message = problem_of(r)
    return form_again("inbox/index.html", r.status_code, **_inbox_context(body, errors, message))


@bp.post("/import")
@login_required(*STAFF)
def upload():
    file = request.files.get("file")
    if file is None or not file.filename:
        return form_again("inbox/index.html", 422, **_inbox_context(errors={"file": "请选择文件"}))
    r = api("inquiry", "POST", "/api/messages/import",
            data={"account_id": request.form.get("account_id", ""), "platform": request.form.get("platform", "")},
            files={"file": (file.filename, file.read())})
    if r.status_code == 200:
        return render_template("inbox/index.html", **_inbox_context(report=r.json()))
    errors, message = problem_of(r)
    return form_again("inbox/index.html", r.status_code, **_inbox_context(errors=errors, message=message))


REVIEW_STAGES = {"office": ("responsible_office",), "leader": ("leader", "principal_leader")}  # N6: 核稿, 审批


def _detail(message_id: int, errors=None, failed=None, message=None, whole=None) -> dict:
    r = api("inquiry", "GET", f"/api/messages/{message_id}")
    if r.status_code != 200:
        abort(404)
    m = r.json()
    actions = {"received": ["reply"], "replied": ["feedback"], "accepted": ["resolve"], "verifying": ["resolve"]}
    mine = m["runs"] and bool(roles() & set(STAFF))  # the handling unit, or the account's managing unit (X6)
    marks, review = m.get("marks") or {}, m.get("review")
    held = bool(review or marks.get("invalid_kind") or marks.get("duplicate_of"))  # no step of its own now
    reviewer = bool(review) and m["runs"] and bool(roles() & set(REVIEW_STAGES[review["stage"]]))
    return {"m": m, "actions": actions.get(m["status"], []) if mine and not held else [], "mine": mine,
            "marks": marks, "can_review": reviewer, "invalid_kinds": INVALID_KINDS,
            "can_route": bool(roles() & set(ROUTERS)) and m["status"] != "resolved",
            "units": all_units("inquiry"), "errors": errors or {}, "failed": failed, "message": message,
            "action_names": ACTION_NAMES, "categories": CATEGORY_NAMES, "sentiments": SENTIMENT_NAMES,
            "kinds": KIND_NAMES, "state_names": STATE_NAMES, "platform_names": platforms(),
            "staff": bool(roles() & set(STAFF)), "whole": whole}


@bp.get("/<int:message_id>")
@login_required(*ANYONE)
def detail(message_id: int):
    return render_template("inbox/detail.html", **_detail(message_id))


@bp.post("/<int:message_id>/contact")
@login_required(*STAFF)
def contact(message_id: int):
    """The citizen's whole handle and contact, for the handling unit (the service checks and
    audits the read; a POST, so that no link or image elsewhere can make a read happen)."""
    r = api("inquiry", "GET", f"/api/messages/{message_id}/contact")
    if r.status_code == 404:
        abort(404)
    errors, message = ({}, None) if r.status_code == 200 else problem_of(r)
    whole = r.json() if r.status_code == 200 else None
    if is_htmx():
        response = make_response(render_template("inbox/_citizen.html", whole=whole, errors=errors, message=message,
                                                 m={"id": message_id}), 200)
    else:
        response = make_response(render_template("inbox/detail.html", **_detail(message_id, errors, "contact", message,
                                                                                whole)), r.status_code)
    response.headers["Cache-Control"] = "no-store"
    return response


FIELD_NAMES = {"text": "回复或办理结果", "post_text": "发布的文字"}  # where a finding of the checks of what leaves is


@bp.post("/<int:message_id>/act/<action>")
@login_required(*STAFF)
def act(message_id: int, action: str):
    if action not in ACTION_NAMES:
        abort(404)
    body = {"text": request.form.get("text", "").strip(), "needs_verification": request.form.get("needs_verification") == "yes"}
    if action == "resolve":  # X10: the result, where fitting, published on the account after review
        body.update(publish=request.form.get("publish") == "yes", post_text=request.form.get("post_text", "").strip())
    r = api("inquiry", "POST", f"/api/messages/{message_id}/actions/{action}", json=body)
    findings = r.json().get("findings", []) if r.status_code == 200 else []
    for f in findings if not is_htmx() else ():  # the page after the redirect shows them
        flash(f"{FIELD_NAMES.get(f['field'], f['field'])}：{f['message']}")
    return step_answer(r, action, ACTION_NAMES[action], "inbox/detail.html", "inbox/_message.html",
                       url_for("inbox.detail", message_id=message_id),
                       lambda errors, failed, message: {**_detail(message_id, errors, failed, message),
                                                        "values": body if failed else {}, "findings": findings})


@bp.post("/<int:message_id>/classify")
@login_required(*STAFF)
def classify(message_id: int):
    r = api("inquiry", "POST", f"/api/messages/{message_id}/classify",
            json={"category": request.form.get("category", ""), "sentiment": request.form.get("sentiment", "")})
    return step_answer(r, "classify", "确认类别", "inbox/detail.html", "inbox/_message.html",
                       url_for("inbox.detail", message_id=message_id),
                       lambda errors, failed, message: _detail(message_id, errors, failed, message))


@bp.post("/<int:message_id>/transfer")
@login_required(*ROUTERS)
def transfer(message_id: int):
    body = {"to_unit_id": as_int(request.form.get("to_unit_id")) or 0, "note": request.form.get("note", "").strip()}
    r = api("inquiry", "POST", f"/api/messages/{message_id}/transfers", json=body)
    if r.status_code == 201:
        return go(url_for("inbox.transfers"))
    errors, message = problem_of(r)
    return form_again("inbox/detail.html", r.status_code, **_detail(message_id, errors, "transfer", message),
                      values=body)


TRANSFER_STATUS_NAMES = {"pending": "待答复", "accepted": "已接收", "returned": "被退回", "reassigned": "已改派"}
TRANSFER_FILTERS = ("status", "unit_id", "from", "to")


def _transfers() -> Listing:
    return listing("inquiry", "/api/transfers", "inbox.transfers", "transfers-list", TRANSFER_FILTERS,
                   default_sort="-sent")


def _transfer_list_context(transfers: Listing) -> dict:
    units = all_units("inquiry")
    return {"transfers": transfers, "transfer_statuses": TRANSFER_STATUS_NAMES, "units": units,
            "unit_names": {u["id"]: u["name"] for u in units}, "picker": unit_picker("inquiry")}


DESK = 20  # a desk shows the oldest so many, with how many wait in all; the list below holds every one


def _desk(**which) -> tuple[list, int]:
    got = get_page("inquiry", "/api/transfers", page_size=DESK, **which)
    return (got[0], got[1].get("total", 0)) if got else ([], 0)


def _desks(errors=None, message=None) -> dict:
    """The two desks at the top (what waits for an answer or a decision, with its count), and
    the returns by unit. Each desk lists what has waited longest first (sent, or returned, longest ago)."""
    (waiting, waiting_total), (returned, returned_total) = (_desk(waiting="true", sort="sent"),
                                                            _desk(returned="true", sort="answered"))
    return {"waiting": waiting, "waiting_total": waiting_total, "returned": returned, "returned_total": returned_total,
            "desk": DESK, "returns": _get("/api/transfers/returns", []), "errors": errors or {}, "message": message}


def _transfers_context(errors=None, message=None) -> dict:
    return {**_transfer_list_context(_transfers()), **_desks(errors, message)}


@bp.get("/transfers")
@login_required(*ANYONE)
def transfers():
    shown = _transfers()
    return list_page(shown, "inbox/_transfers.html", "inbox/transfers.html", _desks, **_transfer_list_context(shown))


@bp.post("/transfers/<int:transfer_id>/<verb>")
@login_required(*ANYONE)
def transfer_step(transfer_id: int, verb: str):
    if verb == "answer":
        body = {"accept": request.form.get("accept") == "yes", "reason": request.form.get("reason", "").strip()}
    elif verb == "reassign":
        body = {"to_unit_id": as_int(request.form.get("to_unit_id")) or 0, "note": request.form.get("note", "").strip()}
    else:
        abort(404)
    r = api("inquiry", "POST", f"/api/transfers/{transfer_id}/{verb}", json=body)
    if r.status_code in (200, 201):
        return go(url_for("inbox.transfers"))
    errors, message = problem_of(r)
    return form_again("inbox/transfers.html", r.status_code, **_transfers_context(errors, message))


NOTICE_STATUS_NAMES = {"issued": "待答复", "replied": "已答复"}
IMPORTANCE_NAMES = {"high": "重要", "medium": "一般", "low": "较低"}
NOTICE_FILTERS = ("status", "importance", "unit_id", "from", "to")


def _notices() -> Listing:
    return listing("inquiry", "/api/notices", "inbox.notices", "notices-list", NOTICE_FILTERS, default_sort="-issued")


def _notice_list_context(notices: Listing) -> dict:
    units = all_units("inquiry")
    return {"notices": notices, "notice_statuses": NOTICE_STATUS_NAMES, "importances": IMPORTANCE_NAMES,
            "units": units, "unit_names": {u["id"]: u["name"] for u in units}, "picker": unit_picker("inquiry"),
            "can_issue": bool(roles() & set(ROUTERS))}


def _notice_desk(values=None, errors=None, message=None) -> dict:
    """Around the list: the form that issues a notice and the counts by unit."""
    return {"counts": _get("/api/notices/counts", []),
            "values": values or {}, "errors": errors or {}, "message": message}


def _notices_context(values=None, errors=None, message=None) -> dict:
    return {**_notice_list_context(_notices()), **_notice_desk(values, errors, message)}


@bp.get("/notices")
@login_required(*ANYONE)
def notices():
    shown = _notices()
    return list_page(shown, "inbox/_notices.html", "inbox/notices.html", _notice_desk, **_notice_list_context(shown))


@bp.post("/notices")
@login_required(*ROUTERS)
def issue_notice():
    form = request.form
    body = {k: form.get(k, "").strip() for k in ("title", "importance", "kind", "content")}
    body["unit_id"] = as_int(form.get("unit_id")) or 0
    r = api("inquiry", "POST", "/api/notices", json=body)
    if r.status_code == 201:
        return go(url_for("inbox.notices"))
    errors, message = problem_of(r)
    return form_again("inbox/notices.html", r.status_code, **_notices_context(body, errors, message))


@bp.get("/notices/<int:notice_id>")
@login_required()
def notice(notice_id: int):
    """One notice: the problem, how important, by whom and when; the reply, or its form for the
    unit that must answer."""
    return _notice_page(notice_id)


def _notice_page(notice_id: int, status: int = 200, errors=None, message=None, reply: str = ""):
    r = api("inquiry", "GET", f"/api/notices/{notice_id}")
    if r.status_code != 200:
        abort(r.status_code if r.status_code in (403, 404) else 502)
    n = r.json()
    return form_again("inbox/notice.html", status, n=n, importances=IMPORTANCE_NAMES, statuses=NOTICE_STATUS_NAMES,
                      unit_name=(get_json("registry", f"/api/units/{n['unit_id']}") or {}).get("name", ""),
                      can_reply=n["status"] == "issued" and n["unit_id"] == person()["unit_id"]
                      and bool(set(person()["roles"]) & set(STAFF)),
                      errors=errors or {}, message=message, reply=reply)


@bp.post("/notices/<int:notice_id>/reply")
@login_required(*STAFF)
def reply_notice(notice_id: int):
    text = request.form.get("reply", "")
    r = api("inquiry", "POST", f"/api/notices/{notice_id}/reply", json={"reply": text})
    if r.status_code == 200:
        flash("已答复通报单")
        return go(url_for("inbox.notice", notice_id=notice_id))
    if r.status_code == 404:
        abort(404)
    errors, message = problem_of(r)
    return _notice_page(notice_id, r.status_code, errors, message or "请检查标出的字段", text)
