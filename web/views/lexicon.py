"""The joint-meeting office's lexicon editor: the words, searched, by category and paged."""
from flask import Blueprint, request, url_for

from web.client import api
from web.listing import Listing, list_page, listing
from web.session import login_required
from web.views.forms import form_again, go, problem_of

bp = Blueprint("lexicon", __name__, url_prefix="/lexicon")
CATEGORY_NAMES = {"sensitive": "敏感", "classified": "涉密", "allowed": "允许的短语"}


def _entries() -> Listing:
    return listing("publishing", "/api/lexicon", "lexicon.index", "lexicon-list", ("category",), default_sort="word")


@bp.get("")
@login_required("joint_office", "admin", "supervision")
def index():
    entries = _entries()
    return list_page(entries, "_lexicon.html", "lexicon.html", entries=entries, categories=CATEGORY_NAMES,
                     errors={}, message=None)


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
    return form_again("lexicon.html", r.status_code, entries=_entries(), categories=CATEGORY_NAMES, errors=errors,
                      message=message or "请检查输入")


@bp.post("/<int:entry_id>/delete")
@login_required("joint_office", "admin")
def delete(entry_id: int):
    api("publishing", "DELETE", f"/api/lexicon/{entry_id}")
    back = request.form.get("back", "")  # the list as it was (its search and page), and only this page
    return go(back if back.split("?", 1)[0] == url_for("lexicon.index") else url_for("lexicon.index"))
