"""突发事件 (X20.6, N11): the list of events (open and closed) with the declaration form; one event's
page — its clocks, the procedure's steps to tick off, the line to take, the posts written for it and
the citizens' messages linked to it (from inquiry); and the office's procedures per kind of event."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for

from govmb.auth import UNIT_STAFF, WORKING_ROLES
from govmb.contracts.publishing import STATUS_NAMES as STATUS_NAMES_OF_DRAFTS
from web.client import api, get_all, get_each, pagination
from web.listing import list_page, listing, unit_picker
from web.session import login_required, roles
from web.views.drafts import beijing_input
from web.views.forms import as_int, form_again, go, is_htmx, problem_of

bp = Blueprint("emergencies", __name__, url_prefix="/emergencies")
DECLARERS = (*UNIT_STAFF, "joint_office", "supervision")
STATUS_NAMES = {"open": "处置中", "closed": "已结束"}
MESSAGES_SHOWN = 20  # the linked messages on the event's page: the newest (the count says how many)
LINKABLE_SHOWN = 50  # the open events a message can be linked to: the newest (open ones are few)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _procedures() -> list[dict]:
    return get_all("publishing", "/api/emergency-procedures")


def _index_context(values=None, errors=None, message=None) -> dict:
    events = listing("publishing", "/api/emergencies", "emergencies.index", "emergencies-list",
                     ("status", "procedure_id", "unit_id", "from", "to"), default_sort="-occurred")
    return {"events": events, "procedures": _procedures(), "status_names": STATUS_NAMES,
            "units": unit_picker("publishing"), "can_declare": bool(roles() & set(DECLARERS)),
            "values": values or {}, "errors": errors or {}, "message": message}


@bp.get("")
@login_required(*WORKING_ROLES)
def index():
    context = _index_context()
    return list_page(context["events"], "emergencies/_list.html", "emergencies/index.html", **context)


@bp.post("")
@login_required(*DECLARERS)
def declare():
    form = request.form
    body = {"procedure_id": as_int(form.get("procedure_id")) or 0, "title": form.get("title", "").strip(),
            "occurred_at": beijing_input(form.get("occurred_at", "")), "unit_id": as_int(form.get("unit_id"))}
    r = api("publishing", "POST", "/api/emergencies", json=body)
    if r.status_code == 201:
        return go(url_for("emergencies.detail", emergency_id=r.json()["id"]))
    errors, message = problem_of(r)
    return form_again("emergencies/index.html", r.status_code, **_index_context(dict(form), errors, message))


def _detail_context(emergency_id: int, values=None, errors=None, message=None) -> dict:
    event, linked = get_each(("publishing", f"/api/emergencies/{emergency_id}", {}),
                             ("inquiry", f"/api/emergencies/{emergency_id}/messages", {"page_size": MESSAGES_SHOWN}))
    if event is None or event.status_code != 200:
        abort(404)
    messages = linked.json() if linked is not None and linked.status_code == 200 else []
    total = pagination(linked).get("total", len(messages)) if messages else 0
    # a draft is written on an account of the writer's own unit (the review chain's rule)
    accounts = get_all("publishing", "/api/accounts", status="active", levels=0) if roles() & set(UNIT_STAFF) else []
    return {"e": event.json(), "messages": messages, "post_status": STATUS_NAMES_OF_DRAFTS, "messages_total": total,
            "messages_missing": linked is None or linked.status_code not in (200, 404),
            "accounts": accounts, "can_act": bool(roles() & set(DECLARERS)),
            "can_write": bool(roles() & set(UNIT_STAFF)), "status_names": STATUS_NAMES,
            "values": values or {}, "errors": errors or {}, "message": message}


@bp.get("/<int:emergency_id>")
@login_required(*WORKING_ROLES)
def detail(emergency_id: int):
    return render_template("emergencies/detail.html", **_detail_context(emergency_id))


def _act(emergency_id: int, path: str, body: dict, ok: int = 200):
    r = api("publishing", "POST", f"/api/emergencies/{emergency_id}/{path}", json=body)
    if r.status_code == ok:
        target = (url_for("drafts.detail", draft_id=r.json()["id"]) if path == "drafts"
                  else url_for("emergencies.detail", emergency_id=emergency_id))
        return go(target)
    if r.status_code == 404:
        abort(404)
    errors, message = problem_of(r)
    return form_again("emergencies/detail.html", r.status_code,
                      **_detail_context(emergency_id, dict(request.form), errors, message or "请按提示修改"))


@bp.post("/<int:emergency_id>/steps")
@login_required(*DECLARERS)
def tick(emergency_id: int):
    return _act(emergency_id, "steps", {"step": as_int(request.form.get("step")) or 0,
                                        "done": request.form.get("done") == "true"})


@bp.post("/<int:emergency_id>/drafts")
@login_required(*UNIT_STAFF)
def write(emergency_id: int):
    form = request.form
    return _act(emergency_id, "drafts", {"account_id": as_int(form.get("account_id")) or 0,
                                         "text": form.get("text", "").strip(), "info_type": "emergency"}, ok=201)


@bp.post("/<int:emergency_id>/close")
@login_required(*DECLARERS)
def close(emergency_id: int):
    return _act(emergency_id, "close", {"summary": request.form.get("summary", "").strip()})


# ------------------------------------------------------------------------- citizens' messages
def _link_context(message_id: int, errors=None, message=None) -> dict:
    linked, events = get_each(("inquiry", f"/api/messages/{message_id}/emergency", {}),
                              ("inquiry", "/api/emergencies", {"page_size": LINKABLE_SHOWN}))
    if linked is None or linked.status_code != 200:
        abort(404)
    return {"message_id": message_id, "linked": linked.json()["emergency"],
            "events": events.json() if events is not None and events.status_code == 200 else [],
            "errors": errors or {}, "message": message}


@bp.get("/messages/<int:message_id>")
@login_required(*DECLARERS)
def message_link(message_id: int):
    """The inbox message page's panel (loaded by htmx): the event it is linked to, and the choice."""
    return render_template("emergencies/_link.html", **_link_context(message_id))


@bp.post("/messages/<int:message_id>")
@login_required(*DECLARERS)
def link_message(message_id: int):
    emergency_id = as_int(request.form.get("emergency_id"))
    r = api("inquiry", "PUT", f"/api/messages/{message_id}/emergency", json={"emergency_id": emergency_id})
    if r.status_code == 404:
        abort(404)
    errors, message = problem_of(r) if r.status_code != 200 else ({}, None)
    if r.status_code == 200 and not is_htmx():
        return go(url_for("inbox.detail", message_id=message_id))
    return render_template("emergencies/_link.html", **_link_context(message_id, errors, message)), r.status_code


# ------------------------------------------------------------------------- procedures
def _procedures_context(values=None, errors=None, message=None, editing=None) -> dict:
    return {"procedures": _procedures(), "can_edit": "joint_office" in roles(), "values": values or {},
            "errors": errors or {}, "message": message, "editing": editing}


@bp.get("/procedures")
@login_required(*WORKING_ROLES)
def procedures():
    return render_template("emergencies/procedures.html", **_procedures_context())


def _procedure_body(form) -> dict:
    body = {"name": form.get("name", "").strip(), "steps": _lines(form.get("steps", "")),
            "channels": _lines(form.get("channels", "")), "line": form.get("line", "").strip()}
    for name in ("first_minutes", "national_minutes", "followup_minutes"):
        body[name] = as_int(form.get(name)) or 0
    return body


@bp.post("/procedures")
@login_required("joint_office")
def save_procedure():
    form = request.form
    body, procedure_id = _procedure_body(form), as_int(form.get("id"))
    if procedure_id:
        r = api("publishing", "PUT", f"/api/emergency-procedures/{procedure_id}", json=body)
    else:
        r = api("publishing", "POST", "/api/emergency-procedures", json={**body, "code": form.get("code", "").strip()})
    if r.status_code in (200, 201):
        return go(url_for("emergencies.procedures"))
    errors, message = problem_of(r)
    return form_again("emergencies/procedures.html", r.status_code,
                      **_procedures_context(dict(form), errors, message or "请按提示修改", procedure_id))
