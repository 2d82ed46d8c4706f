"""The joint-meeting office's lexicon editor."""
from flask import Blueprint, render_template, request, url_for

from web.client import api
from web.session import login_required
from web.views.forms import form_again, go, problem_of

bp = Blueprint("lexicon", __name__, url_prefix="/lexicon")


def _entries() -> list[dict]:
    r = api("publishing", "GET", "/api/lexicon")
    return r.json() if r.status_code == 200 else []


@bp.get("")
@login_required("joint_office", "admin", "supervision")
def index():
    return render_template("lexicon.html", entries=_entries(), errors={}, message=None)


@bp.post("")
@login_required("joint_office", "admin")
def add():
    words = [w.strip() for w in request.form.get("words", "").replace("，", "\n").replace(",", "\n").splitlines() if w.strip()]
    entries = [{"word": w, "category": request.form.get("category", "sensitive"),
                "severity": request.form.get("severity", "warn"), "note": request.form.get("note", "").strip()}
               for w in words]
    r = api("publishing", "POST", "/api/lexicon", json={"entries": entries})
    if r.status_code == 200:
        return go(url_for("lexicon.index"))
    errors, message = problem_of(r)
    return form_again("lexicon.html", r.status_code, entries=_entries(), errors=errors, message=message or "请检查输入")


@bp.post("/<int:entry_id>/delete")
@login_required("joint_office", "admin")
def delete(entry_id: int):
    api("publishing", "DELETE", f"/api/lexicon/{entry_id}")
    return go(url_for("lexicon.index"))
