"""The pages of the people who run an account (its certified unit's staff or its managing
unit's, X6): apply for a change filing (变更备案), adjust its team (X17), keep its security record
(X24). Each posts to the registry's API and shows its refusal beside the field."""
from __future__ import annotations

import datetime as dt
import re

from flask import Blueprint, abort, flash, render_template, request, url_for

from govmb.auth import UNIT_STAFF
from govmb.contracts.registry import TEAM_ROLE_NAMES
from govmb.messages import said
from govmb.timefmt import BEIJING
from web.client import api, get_all, get_json
from web.listing import unit_picker
from web.session import login_required, person
from web.views import account_connections as connections
from web.views.accounts import _team, _team_values
from web.views.forms import as_int, form_again, go, omitted_reasons, reason_problems

bp = Blueprint("account_work", __name__, url_prefix="/accounts")
DEVICE_KINDS = {"phone": "手机", "tablet": "平板", "computer": "电脑"}
DEVICE_ROWS = 5


def _account(account_id: int) -> dict:
    r = api("registry", "GET", f"/api/accounts/{account_id}")
    if r.status_code != 200:
        abort(r.status_code if 400 <= r.status_code < 500 else 502)
    account = r.json()
    if not account.get("may_work"):
        abort(403)
    return account


def _people(account: dict) -> list[dict]:
    """Whom a team or a record may name: the people the caller sees (the certified unit's and the
    managing unit's first)."""
    people = get_all("registry", "/api/people")
    ours = (account["unit_id"], account.get("managing_unit_id"), person()["unit_id"])
    return sorted(people, key=lambda p: p["unit_id"] not in ours)


def _page(template: str, account: dict, values: dict, errors: dict | None = None, message: str | None = None,
          status: int = 200, extra: dict | None = None):
    context = {**(extra or {}), "account": account, "values": values, "errors": errors or {}, "message": message,
               "roles": TEAM_ROLE_NAMES, "people": _people(account), "device_kinds": DEVICE_KINDS,
               "device_rows": DEVICE_ROWS, "units": unit_picker("registry"),
               "platforms": get_json("registry", "/api/accounts/platforms", [])}
    if status == 200:
        return render_template(template, **context)
    return form_again(template, status, **context)


def _saved(r, account_id: int, done: str, template: str, account: dict, values: dict):
    if r.status_code in (200, 201):
        flash(done)
        return go(url_for("accounts.detail", account_id=account_id))
    if r.status_code == 404:
        abort(404)
    errors, message = reason_problems(r)
    return _page(template, account, values, errors, message, r.status_code)


# ------------------------------------------------------------------------------- team (X17)
@bp.route("/<int:account_id>/team", methods=["GET", "POST"])
@login_required(*UNIT_STAFF)
def team(account_id: int):
    account = _account(account_id)
    if request.method == "GET":
        return _page("accounts/team.html", account, _team_values(account["team"]))
    members = _team(request.form)
    body = {"members": members, "comment": request.form.get("comment", "").strip()}
    r = api("registry", "PUT", f"/api/accounts/{account_id}/team", json=body)
    return _saved(r, account_id, said("已调整工作团队：{name}", name=account["name"]), "accounts/team.html", account,
                  {**_team_values(members), "comment": body["comment"]})


# --------------------------------------------------------------------------- security (X24)
def _devices(form) -> list[dict]:
    rows = ((form.get(f"device_name_{i}", "").strip(), form.get(f"device_kind_{i}", "")) for i in range(DEVICE_ROWS))
    return [{"name": name, "kind": kind} for name, kind in rows if name]


def security_page(account_id: int, status: int = 200, platform: str = "", errors: dict | None = None,
                  values: dict | None = None, message: str | None = None):
    """The security record's page, with its platform connections' section (account_connections.py):
    `platform` names the connection form that failed, with its `errors`."""
    account = _account(account_id)
    record = account.get("security") or {}
    at = record.get("password_changed_at")
    changed = dt.datetime.fromisoformat(at).astimezone(BEIJING).date().isoformat() if at else ""
    return _page("accounts/security.html", account, {
        "credential_holder_id": str(record.get("credential_holder_id") or ""), "devices": record.get("devices", []),
        "password_changed_on": changed}, status=status, extra=connections.section(account, platform, errors, values, message))


@bp.route("/<int:account_id>/security", methods=["GET", "POST"])
@login_required(*UNIT_STAFF)
def security(account_id: int):
    if request.method == "GET":
        return security_page(account_id)
    account = _account(account_id)
    day = request.form.get("password_changed_on", "").strip()
    body = {"credential_holder_id": as_int(request.form.get("credential_holder_id")), "devices": _devices(request.form),
            "comment": request.form.get("comment", "").strip()}
    if day:  # a Beijing date: the service reads a time without an offset as Beijing time
        body["password_changed_at"] = f"{day}T00:00:00" if re.fullmatch(r"\d{4}-\d{2}-\d{2}", day) else day
    r = api("registry", "PUT", f"/api/accounts/{account_id}/security", json=body)
    values = {"credential_holder_id": request.form.get("credential_holder_id", ""), "devices": body["devices"],
              "password_changed_on": day, "comment": body["comment"]}
    if r.status_code in (200, 201):
        return _saved(r, account_id, said("已更新安全登记：{name}", name=account["name"]), "accounts/security.html",
                      account, values)
    if r.status_code == 404:
        abort(404)
    errors, message = reason_problems(r)
    return _page("accounts/security.html", account, values, errors, message, r.status_code,
                 extra=connections.section(account))


# ----------------------------------------------------------------------- change filing (变更备案)
def _current(account: dict) -> dict:
    """The account's values as the change form starts from them."""
    live = [p for p in account["platforms"] if not p.get("deregistered_at")]
    return {"name": account["name"], "positioning": account.get("positioning", ""), "rules": account.get("rules", ""),
            "mechanism": account.get("mechanism", ""), "owner_id": str(account.get("owner_id") or ""),
            "managing_unit_id": str(account.get("managing_unit_id") or ""),
            "platforms": [p["platform"] for p in live],
            **{f"handle_{p['platform']}": p["handle"] for p in live}, **{f"url_{p['platform']}": p["url"] for p in live},
            **_team_values(account["team"]), **{f"omit_reason_{o['platform']}": o["reason"] for o in account.get("omitted", [])}}


def _change(form, account: dict) -> dict:
    body = {k: form.get(k, "").strip() for k in ("name", "positioning", "rules", "mechanism", "reason")}
    body["managing_unit_id"] = as_int(form.get("managing_unit_id"))
    if account["kind"] != "institutional":
        body["owner_id"] = as_int(form.get("owner_id"))
    if account["kind"] != "private":
        body["team"] = _team(form)
    body["platforms"] = [{"platform": code, "handle": form.get(f"handle_{code}", "").strip(),
                          "url": form.get(f"url_{code}", "").strip()} for code in form.getlist("platforms")]
    if account["kind"] == "institutional":  # N7: a reason for each platform left out
        body["omitted_reasons"] = omitted_reasons(form, form.getlist("platforms"))
    return body


@bp.route("/<int:account_id>/change", methods=["GET", "POST"])
@login_required(*UNIT_STAFF)
def change(account_id: int):
    account = _account(account_id)
    if request.method == "GET":
        return _page("accounts/change.html", account, _current(account))
    body = _change(request.form, account)
    r = api("registry", "POST", f"/api/accounts/{account_id}/changes", json=body)
    values = {**request.form.to_dict(), "platforms": request.form.getlist("platforms"),
              "operators": request.form.getlist("operators")}
    return _saved(r, account_id, said("已提交变更备案申请：{name}", name=account["name"]), "accounts/change.html",
                  account, values)
