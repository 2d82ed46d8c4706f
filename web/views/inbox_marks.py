"""The inbox's issue-19 steps on a message: a reply held for review (N6, X21: the responsible
office checks it, the leader approves it, either may edit or return it), marks (sensitive,
invalid: G19.2) and merging a duplicate into its main message; and the list of invalid
messages that supervision and the units read."""
from __future__ import annotations

from flask import Blueprint, abort, request, url_for

from govmb.auth import UNIT_STAFF
from govmb.contracts.inquiry import INVALID_KINDS
from web.client import api
from web.listing import Listing, list_page, listing, unit_picker
from web.session import login_required
from web.views.forms import as_int, step_answer
from web.views.inbox import ANYONE, _detail

bp = Blueprint("inbox_marks", __name__, url_prefix="/inbox")
REVIEWERS = ("responsible_office", "leader", "principal_leader")
DECISIONS = {"approve": "审核通过", "return": "退回"}


def _answer(message_id: int, r, action: str, label: str, values: dict):
    return step_answer(r, action, label, "inbox/detail.html", "inbox/_message.html",
                       url_for("inbox.detail", message_id=message_id),
                       lambda errors, failed, message: {**_detail(message_id, errors, failed, message),
                                                        "values": values if failed else {}})


@bp.post("/<int:message_id>/review/<decision>")
@login_required(*REVIEWERS)
def review(message_id: int, decision: str):
    if decision not in DECISIONS:
        abort(404)
    body = {"text": request.form.get("text", "").strip(), "reason": request.form.get("reason", "").strip()}
    r = api("inquiry", "POST", f"/api/messages/{message_id}/review/{decision}", json=body)
    return _answer(message_id, r, "review", DECISIONS[decision], body)


@bp.post("/<int:message_id>/sensitive")
@login_required(*UNIT_STAFF)
def sensitive(message_id: int):
    body = {"sensitive": request.form.get("sensitive") == "yes", "reason": request.form.get("reason", "").strip()}
    r = api("inquiry", "POST", f"/api/messages/{message_id}/sensitive", json=body)
    return _answer(message_id, r, "sensitive", "标为敏感" if body["sensitive"] else "撤销敏感标记", body)


@bp.post("/<int:message_id>/invalid")
@login_required(*UNIT_STAFF)
def invalid(message_id: int):
    kind = request.form.get("kind", "").strip()
    body = {"kind": kind or None, "reason": request.form.get("reason", "").strip()}
    r = api("inquiry", "POST", f"/api/messages/{message_id}/invalid", json=body)
    return _answer(message_id, r, "invalid", "标为无效留言" if kind else "撤销无效标记", body)


@bp.post("/<int:message_id>/merge")
@login_required(*UNIT_STAFF)
def merge(message_id: int):
    body = {"main_id": as_int(request.form.get("main_id")) or 0, "reason": request.form.get("reason", "").strip()}
    r = api("inquiry", "POST", f"/api/messages/{message_id}/merge", json=body)
    return _answer(message_id, r, "merge", "并入主留言", body)


INVALID_FILTERS = ("kind", "unit_id", "from", "to")


def _invalid() -> Listing:
    return listing("inquiry", "/api/invalid-messages", "inbox_marks.invalid_list", "invalid-list", INVALID_FILTERS)


@bp.get("/invalid")
@login_required(*ANYONE)
def invalid_list():
    """无效留言 (G19.2): what was set aside, by whom and why, for supervision and the units."""
    shown = _invalid()
    return list_page(shown, "inbox/_invalid.html", "inbox/invalid.html", invalid=shown, kinds=INVALID_KINDS,
                     picker=unit_picker("inquiry"))
