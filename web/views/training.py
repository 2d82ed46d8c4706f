"""培训登记 pages (N21, X29, X30): the office records courses and exchange meetings with their
trainers, invited units and attendees, and a unit's staff the training the unit organises
itself (for its own units); everyone sees each unit's year within their sight, the unit's own
training apart, and downloads the register as CSV or XLSX."""
from __future__ import annotations

import re

from flask import Blueprint, Response, abort, render_template, request, url_for

from govmb.auth import UNIT_STAFF, WORKING_ROLES
from govmb.contracts.assessment import TRAINER_KIND_NAMES, TRAINING_KIND_NAMES
from govmb.timefmt import beijing_today
from web.client import all_units, api, get_json
from web.session import login_required, person, roles
from web.views.forms import as_int, form_again, given, go, problem_of

bp = Blueprint("training", __name__, url_prefix="/training")
OFFICE = ("joint_office",)
RECORDERS = (*OFFICE, *UNIT_STAFF)  # a unit's staff record the unit's own training
TRAINER_ROWS = 3
NAME_SEPARATORS = re.compile(r"[\s、，,;；]+")


def _year() -> int:
    year = as_int(request.args.get("year"))
    return year if year and 2004 <= year <= 2100 else beijing_today().year


def names_of(text: str) -> list[str]:
    """The names typed in one box, separated by spaces, commas, 、 or new lines."""
    return [n for n in NAME_SEPARATORS.split(text or "") if n]


def _index_context(values=None, errors=None, message=None) -> dict:
    year = _year()
    recorder = bool(roles() & set(RECORDERS))
    return {"year": year, "years": list(range(beijing_today().year, 2011, -1)),
            "sessions": get_json("assessment", "/api/training/sessions", [], year=year),
            "record": get_json("assessment", "/api/training/record", [], year=year),
            "units": all_units("assessment") if recorder else [], "can_record": recorder,
            "own_only": not roles() & set(OFFICE),
            "kinds": TRAINING_KIND_NAMES, "trainer_kinds": TRAINER_KIND_NAMES, "trainer_rows": TRAINER_ROWS,
            "values": values or {}, "errors": errors or {}, "message": message}


@bp.get("")
@login_required(*WORKING_ROLES)
def index():
    return render_template("training/index.html", **_index_context())


@bp.post("")
@login_required(*RECORDERS)
def record():
    form = request.form
    trainers = []
    for n in range(TRAINER_ROWS):
        name = form.get(f"trainer_name_{n}", "").strip()
        if name:
            trainers.append({"name": name, "kind": form.get(f"trainer_kind_{n}", ""),
                             "affiliation": form.get(f"trainer_affiliation_{n}", "").strip()})
    attendee_unit = as_int(form.get("attendee_unit_id")) or 0
    body = {"kind": form.get("kind", ""), "title": form.get("title", "").strip(), "held_on": form.get("held_on", ""),
            "hours": form.get("hours", "").strip() or None, "place": form.get("place", "").strip(), "trainers": trainers,
            "invited_unit_ids": [as_int(v) or 0 for v in form.getlist("invited_unit_ids")],
            "attendees": [{"person_name": n, "unit_id": attendee_unit} for n in names_of(form.get("attendee_names", ""))]}
    r = api("assessment", "POST", "/api/training/sessions", json=given(body))
    if r.status_code == 201:
        return go(url_for("training.session", session_id=r.json()["id"]))
    errors, message = problem_of(r)
    values = {**{k: form.get(k, "") for k in form}, "invited_unit_ids": body["invited_unit_ids"]}
    return form_again("training/index.html", r.status_code, **_index_context(values, errors, message))


def _session_context(session_id: int, errors=None, message=None, values=None) -> dict:
    r = api("assessment", "GET", f"/api/training/sessions/{session_id}")
    if r.status_code != 200:
        abort(404)
    s = r.json()
    # who records a session's attendees: the office its own, the organising unit's staff the unit's
    recorder = bool(roles() & set(OFFICE)) if not s.get("own") else (
        bool(roles() & set(UNIT_STAFF)) and s.get("organiser_unit_id") == (person() or {}).get("unit_id"))
    return {"s": s, "can_record": recorder, "units": all_units("assessment") if recorder else [],
            "errors": errors or {}, "message": message, "values": values or {}}


@bp.get("/<int:session_id>")
@login_required(*WORKING_ROLES)
def session(session_id: int):
    return render_template("training/session.html", **_session_context(session_id))


@bp.post("/<int:session_id>/attendees")
@login_required(*RECORDERS)
def add_attendees(session_id: int):
    unit_id = as_int(request.form.get("unit_id")) or 0
    names = names_of(request.form.get("names", ""))
    if not names:
        return form_again("training/session.html", 422,
                          **_session_context(session_id, {"attendees": "请填写参训人员姓名"}))
    r = api("assessment", "POST", f"/api/training/sessions/{session_id}/attendees",
            json={"attendees": [{"person_name": n, "unit_id": unit_id} for n in names]})
    if r.status_code == 404:
        abort(404)
    if r.status_code == 200:
        return go(url_for("training.session", session_id=session_id))
    errors, message = problem_of(r)
    return form_again("training/session.html", r.status_code,
                      **_session_context(session_id, errors, message, dict(request.form)))


@bp.post("/<int:session_id>/attendees/<int:attendee_id>/remove")
@login_required(*RECORDERS)
def remove_attendee(session_id: int, attendee_id: int):
    r = api("assessment", "DELETE", f"/api/training/sessions/{session_id}/attendees/{attendee_id}")
    if r.status_code not in (204, 404):
        errors, message = problem_of(r)
        return form_again("training/session.html", r.status_code, **_session_context(session_id, errors, message))
    return go(url_for("training.session", session_id=session_id))


@bp.get("/export")
@login_required(*WORKING_ROLES)
def export():
    """The register as the service writes it (formulas neutralised there), passed through."""
    fmt = "xlsx" if request.args.get("format") == "xlsx" else "csv"
    r = api("assessment", "GET", "/api/training/export", params={"year": _year(), "format": fmt})
    if r.status_code != 200:
        abort(404)
    return Response(r.content, mimetype=r.headers.get("Content-Type", "application/octet-stream"),
                    headers={"Content-Disposition": r.headers.get("Content-Disposition", "attachment")})
