"""单位: the unit tree as the registry keeps it, for those who change it (the system administrator
and the joint-meeting office): the list, a unit's page, a new unit, a unit renamed, moved, or given
its name in Uyghur (issue 21: an account named in Uyghur must hold it). The rules are the registry's;
its refusals are shown beside their fields."""
from __future__ import annotations

from flask import Blueprint, abort, flash, request, url_for

from govmb.contracts.registry import UNIT_KIND_NAMES
from govmb.messages import said
from web.client import all_units, api, get_json, get_page
from web.listing import list_page, listing, unit_picker
from web.session import login_required
from web.views.forms import as_int, form_again, go, problem_of

bp = Blueprint("units", __name__, url_prefix="/units")
EDITORS = ("admin", "joint_office")  # as POST/PATCH /registry/api/units


def _page(status: int = 200, **extra):
    """The list with the new unit's form: the list's section alone when htmx asks for it; after a
    refused new unit, the whole page with the registry's refusals beside their fields."""
    shown = listing("registry", "/api/units", "units.index", "units-list", ("unit_id", "kind"))
    context = {"units_list": shown, "kinds": UNIT_KIND_NAMES, "errors": {}, "message": None, "values": {}, **extra}

    def more() -> dict:  # what only the whole page shows: the filter's unit picker, the new unit's parents
        return {"picker": unit_picker("registry"), "form_units": all_units("registry")}

    if status != 200:
        return form_again("units/index.html", status, **context, **more())
    return list_page(shown, "units/_list.html", "units/index.html", more=more, **context)


@bp.get("")
@login_required(*EDITORS)
def index():
    return _page()


def _form() -> dict:
    return {"name": request.form.get("name", "").strip(), "name_ug": request.form.get("name_ug", "").strip(),
            "kind": request.form.get("kind", ""), "parent_id": as_int(request.form.get("parent_id"))}


@bp.post("")
@login_required(*EDITORS)
def create():
    body = _form()
    r = api("registry", "POST", "/api/units", json=body)
    if r.status_code == 201:
        flash(said("已新建单位 {name}", name=r.json()["name"]))
        return go(url_for("units.detail", unit_id=r.json()["id"]))
    errors, message = problem_of(r)
    return _page(r.status_code, errors=errors, message=message or "请检查标出的字段", values=body)


def _unit(unit_id: int) -> dict:
    r = api("registry", "GET", f"/api/units/{unit_id}")
    if r.status_code != 200:
        abort(r.status_code if r.status_code in (403, 404) else 502)
    return r.json()


def _detail(unit_id: int, status: int = 200, errors=None, message=None, values=None):
    u = _unit(unit_id)
    parent = get_json("registry", f"/api/units/{u['parent_id']}") if u["parent_id"] else None
    below = get_page("registry", "/api/units", parent_id=unit_id, page_size=50)
    return form_again("units/detail.html", status, u=u, parent=parent, below=below[0] if below else [],
                      below_total=below[1].get("total", 0) if below else 0, kinds=UNIT_KIND_NAMES,
                      form_units=all_units("registry"), errors=errors or {}, message=message, values=values or u)


@bp.get("/<int:unit_id>")
@login_required(*EDITORS)
def detail(unit_id: int):
    return _detail(unit_id)


@bp.post("/<int:unit_id>")
@login_required(*EDITORS)
def update(unit_id: int):
    """The name and the Uyghur name as the form has them (an empty Uyghur name removes it); the
    parent only when the form changed it, so that a rename moves nothing."""
    u, form = _unit(unit_id), _form()
    body = {"name": form["name"], "name_ug": form["name_ug"]}
    if form["parent_id"] != u["parent_id"]:
        body["parent_id"] = form["parent_id"]
    r = api("registry", "PATCH", f"/api/units/{unit_id}", json=body)
    if r.status_code in (403, 404):
        abort(r.status_code)
    if r.status_code != 200:  # the refusal beside its field, the form as it was typed
        errors, message = problem_of(r)
        return _detail(unit_id, r.status_code, errors, message or "请检查标出的字段", {**u, **form})
    flash("单位已保存")
    return go(url_for("units.detail", unit_id=unit_id))
