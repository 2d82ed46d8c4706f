"""The department view: its accounts, where each stands, and the form for each step."""
from __future__ import annotations

from flask import Blueprint, abort, flash, render_template, request, url_for

from govmb.auth import UNIT_STAFF
from govmb.contracts.registry import (
    ACTION_NAMES,
    CATEGORY_NAMES,
    CHANGE_STATUS_NAMES,
    KIND_NAMES,
    STATUS_NAMES,
    TEAM_ROLE_NAMES,
)
from govmb.messages import said
from web.client import api, get_all, get_json
from web.listing import Listing, list_page, listing, unit_picker, wants_fragment
from web.session import login_required, person
from web.views.forms import as_int, form_again, go, is_htmx, omitted_reasons, reason_problems, step_answer

bp = Blueprint("accounts", __name__, url_prefix="/accounts")
STAFF = UNIT_STAFF
APPLICATION_FIELDS = ("name", "kind", "category", "positioning", "rules", "mechanism", "exception_reason", "profile")
ACTION_FIELDS = ("comment", "platform", "handle", "url", "reason", "notice_url", "name", "positioning", "rules",
                 "mechanism", "exception_reason")


ACCOUNT_FILTERS = ("status", "kind", "category", "platform", "unit_id", "change", "password", "follows")
CHANGE_ACTIONS = ("approve", "return", "file", "return_filing", "withdraw")


def account_listing(endpoint: str, target: str, **params) -> Listing:
    """The registry's accounts in the person's sight as a page's list (this page, the city's,
    the filings'): by unit (the service's order), name or the day it went live."""
    return listing("registry", "/api/accounts", endpoint, target, ACCOUNT_FILTERS, default_sort="unit", **params)


def account_list_context(accounts: Listing, table_id: str) -> dict:
    """What accounts/_list.html shows the list with (`table_id`: the table's id on that page)."""
    platforms = get_json("registry", "/api/accounts/platforms", [])
    return {"accounts": accounts, "table_id": table_id, "statuses": STATUS_NAMES, "kinds": KIND_NAMES,
            "changes": {"applied": CHANGE_STATUS_NAMES["applied"], "filing": CHANGE_STATUS_NAMES["filing"]},
            "categories": CATEGORY_NAMES, "platforms": {p["code"]: p["name"] for p in platforms},
            "units": unit_picker("registry")}


@bp.get("")
@login_required(*STAFF)
def index():
    accounts = account_listing("accounts.index", "accounts-list")
    return list_page(accounts, "accounts/_list.html", "accounts/index.html", **account_list_context(accounts, "accounts"))


def _form_context(values: dict, errors: dict, message: str | None) -> dict:
    me = person()
    people = get_all("registry", "/api/people")
    return {"values": values, "errors": errors, "message": message, "kinds": KIND_NAMES,
            "categories": CATEGORY_NAMES, "roles": TEAM_ROLE_NAMES,
            "platforms": get_json("registry", "/api/accounts/platforms", []), "units": unit_picker("registry"),
            "people": [p for p in people if p["unit_id"] == me["unit_id"]] or people,
            "rule": get_json("registry", "/api/platform-rule", {})}


def _team(form) -> list[dict]:
    """The team a form names: its leader in charge, its responsible office and its operators."""
    team = [{"person_id": as_int(form.get(role)), "role": role} for role in ("leader_in_charge", "responsible_office")
            if as_int(form.get(role))]
    return team + [{"person_id": as_int(pid), "role": "operator"} for pid in form.getlist("operators") if as_int(pid)]


def _team_values(team: list[dict]) -> dict:
    """A team as the team fields show it again."""
    return {"operators": [str(m["person_id"]) for m in team if m["role"] == "operator"],
            **{m["role"]: str(m["person_id"]) for m in team if m["role"] != "operator"}}


def _application(form) -> dict:
    body = {k: form.get(k, "").strip() for k in APPLICATION_FIELDS}
    body["category"] = body["category"] or None
    body["platforms"] = form.getlist("platforms")
    body["omitted_reasons"] = omitted_reasons(form, body["platforms"])
    body["owner_id"] = as_int(form.get("owner_id"))
    body["managing_unit_id"] = None if body["kind"] == "private" else as_int(form.get("managing_unit_id"))
    body["team"] = [] if body["kind"] == "private" else _team(form)
    return body


@bp.route("/new", methods=["GET", "POST"])
@login_required(*STAFF)
def new():
    if request.method == "GET":
        return render_template("accounts/new.html", **_form_context({"kind": "institutional"}, {}, None))
    body = _application(request.form)
    r = api("registry", "POST", "/api/accounts", json=body)
    if r.status_code == 201:
        flash(said("已提交：{name}", name=body["name"]))
        return go(url_for("accounts.detail", account_id=r.json()["id"]))
    errors, message = reason_problems(r)
    values = {**body, **_team_values(body["team"])}
    template = "accounts/_form.html" if is_htmx() else "accounts/new.html"
    return form_again(template, r.status_code, **_form_context(values, errors, message))


def _detail_context(account_id: int, errors: dict | None = None, failed: str | None = None,
                    message: str | None = None) -> dict:
    r = api("registry", "GET", f"/api/accounts/{account_id}")
    if r.status_code == 404:
        abort(404)
    if r.status_code != 200:
        abort(r.status_code if 400 <= r.status_code < 500 else 502)
    history = listing("registry", f"/api/accounts/{account_id}/changes", "accounts.detail", "changes-list", (),
                      fixed={"account_id": account_id}, size=10)
    account = r.json()
    on = {p["platform"] for p in account["platforms"]}
    left_out = [p for p in get_json("registry", "/api/accounts/platforms", []) if p["code"] not in on] if (
        account.get("every_platform") and "resubmit" in account["actions"]) else []  # N7: their reasons again
    return {"account": account, "errors": errors or {}, "failed": failed, "message": message,
            "action_names": ACTION_NAMES, "kinds": KIND_NAMES, "categories": CATEGORY_NAMES,
            "roles": TEAM_ROLE_NAMES, "history": history, "left_out": left_out,
            "reasons": {o["platform"]: o["reason"] for o in account.get("omitted", [])}}


@bp.get("/<int:account_id>")
@login_required()
def detail(account_id: int):
    context = _detail_context(account_id)
    if wants_fragment("changes-list"):
        return render_template("accounts/_changes.html", **context)
    return render_template("accounts/detail.html", **context)


@bp.post("/<int:account_id>/act/<action>")
@login_required()
def act(account_id: int, action: str):
    if action not in ACTION_NAMES:
        abort(404)
    body = {k: request.form[k].strip() for k in ACTION_FIELDS if request.form.get(k, "").strip()}
    if action == "resubmit" and (reasons := omitted_reasons(request.form, (), blank=True)):
        body["omitted_reasons"] = reasons  # a box emptied takes its reason away
    r = api("registry", "POST", f"/api/accounts/{account_id}/actions/{action}", json=body)
    return step_answer(r, action, ACTION_NAMES[action], "accounts/detail.html", "accounts/_detail.html",
                       url_for("accounts.detail", account_id=account_id),
                       lambda errors, failed, message: _detail_context(account_id, errors, failed, message))


@bp.post("/<int:account_id>/changes/<int:change_id>/act/<action>")
@login_required()
def change_act(account_id: int, change_id: int, action: str):
    """One step of a change filing (approve, return, file, return_filing, withdraw) from the account's page."""
    if action not in CHANGE_ACTIONS:
        abort(404)
    body = {"comment": request.form.get("comment", "").strip()}
    r = api("registry", "POST", f"/api/accounts/{account_id}/changes/{change_id}/actions/{action}", json=body)
    if r.status_code == 201:
        r.status_code = 200
    return step_answer(r, f"change_{action}", ACTION_NAMES[f"change_{action}"], "accounts/detail.html",
                       "accounts/_detail.html", url_for("accounts.detail", account_id=account_id),
                       lambda errors, failed, message: _detail_context(account_id, errors, failed, message))
