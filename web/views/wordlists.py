"""The joint-meeting office's corrections (错别字与规范表述) and list of leaders (领导名单), two
tabs beside the lexicon: each list searched, filtered and paged; one entry added at a time,
its errors beside its fields."""
from flask import Blueprint, request, url_for

from web.client import api
from web.listing import Listing, list_page, listing
from web.session import login_required
from web.views.forms import as_int, form_again, go, problem_of

bp = Blueprint("wordlists", __name__, url_prefix="/lexicon")
KINDS = {"typo": "错别字（提示）", "formulation": "不规范表述（禁止）"}
ACTIVE = {"true": "在任", "false": "停用"}
READERS, WRITERS = ("joint_office", "admin", "supervision"), ("joint_office", "admin")


def _corrections() -> Listing:
    return listing("publishing", "/api/corrections", "wordlists.corrections", "corrections-list", ("kind",),
                   default_sort="wrong")


def _leaders() -> Listing:
    return listing("publishing", "/api/leaders", "wordlists.leaders", "leaders-list", ("active",), default_sort="rank")


def _entry_errors(response) -> tuple[dict, str | None]:
    """The errors of the one entry posted, by its own fields (wrong, right, name, rank…)."""
    errors, message = problem_of(response)
    try:
        entry = (response.json().get("errors") or {}).get("entries") or {}
    except ValueError:
        return errors, message
    if isinstance(entry, dict) and isinstance(entry.get("0"), dict):
        errors = {k: (v[0] if isinstance(v, list) and v else str(v)) for k, v in entry["0"].items()}
    return errors, message


@bp.get("/corrections")
@login_required(*READERS)
def corrections():
    entries = _corrections()
    return list_page(entries, "_corrections.html", "corrections.html", entries=entries, kinds=KINDS, errors={},
                     message=None, form={})


@bp.post("/corrections")
@login_required(*WRITERS)
def add_correction():
    form = {k: request.form.get(k, "").strip() for k in ("wrong", "right", "kind", "note", "source")}
    return _add("/api/corrections", form, form, "wordlists.corrections", "corrections.html", _corrections, kinds=KINDS)


@bp.post("/corrections/<int:entry_id>/delete")
@login_required(*WRITERS)
def delete_correction(entry_id: int):
    api("publishing", "DELETE", f"/api/corrections/{entry_id}")
    return _back("wordlists.corrections")


@bp.get("/leaders")
@login_required(*READERS)
def leaders():
    entries = _leaders()
    return list_page(entries, "_leaders.html", "leaders.html", entries=entries, states=ACTIVE, errors={},
                     message=None, form={})


@bp.post("/leaders")
@login_required(*WRITERS)
def add_leader():
    form = {k: request.form.get(k, "").strip() for k in ("name", "title", "unit_name", "rank", "active")}
    rank = as_int(form["rank"])
    entry = {**form, "rank": rank if rank is not None else form["rank"] or None, "active": form["active"] != "false"}
    return _add("/api/leaders", entry, form, "wordlists.leaders", "leaders.html", _leaders, states=ACTIVE)


def _add(path: str, entry: dict, form: dict, endpoint: str, template: str, entries, **context):
    """Post one entry; on success the list, else the form again with the errors beside its fields."""
    r = api("publishing", "POST", path, json={"entries": [entry]})
    if r.status_code == 200:
        return go(url_for(endpoint))
    errors, message = _entry_errors(r)
    return form_again(template, r.status_code, entries=entries(), errors=errors, message=message or "请检查输入",
                      form=form, **context)


@bp.post("/leaders/<int:leader_id>/delete")
@login_required(*WRITERS)
def delete_leader(leader_id: int):
    api("publishing", "DELETE", f"/api/leaders/{leader_id}")
    return _back("wordlists.leaders")


def _back(endpoint: str):
    back = request.form.get("back", "")  # the list as it was (its search and page), and only this list
    return go(back if back.split("?", 1)[0] == url_for(endpoint) else url_for(endpoint))
