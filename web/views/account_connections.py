"""The account's connections to the platforms' APIs (issue 20), a section of its security record
page (X24): each platform of the account with its status, a form to connect it or replace its
credentials (password inputs for the credentials its adapter asks for: the service says which),
and a disconnection. The credentials go to the publishing service once and are never shown
again; a refusal is shown beside the field it names."""
from __future__ import annotations

from flask import Blueprint, abort, flash, request, url_for

from govmb.auth import UNIT_STAFF
from govmb.messages import said
from web.client import api, get_json
from web.session import login_required
from web.views.forms import go, problem_of

bp = Blueprint("account_connections", __name__, url_prefix="/accounts")


def listed(account_id: int) -> list[dict] | None:
    """The account's connections as publishing keeps them, None when it does not answer."""
    return get_json("publishing", f"/api/accounts/{account_id}/connections", None)


def section(account: dict, platform: str = "", errors: dict | None = None, values: dict | None = None,
            message: str | None = None) -> dict:
    """What the section shows: the connections, the registry's warnings, the form that failed."""
    return {"connections": listed(account["id"]), "conn_platform": platform, "conn_errors": errors or {},
            "conn_values": values or {}, "conn_message": message,
            "conn_warnings": [c["warning"] for c in account.get("connections") or [] if c.get("warning")]}


def problems(r) -> tuple[dict, str | None]:
    """Each refused credential beside its own input (`credentials.<name>`)."""
    errors, message = problem_of(r)
    nested = (r.json().get("errors") or {}).get("credentials") if "json" in r.headers.get("content-type", "") else None
    if isinstance(nested, dict):
        errors.pop("credentials", None)
        errors.update({f"credentials.{name}": m[0] if isinstance(m, list) else str(m) for name, m in nested.items()})
    return errors, message


def _again(account_id: int, platform: str, r, values: dict):
    from web.views.account_work import security_page  # the page this section belongs to
    if r.status_code == 404:
        abort(404)
    errors, message = problems(r)
    return security_page(account_id, r.status_code, platform, errors, values, message)


@bp.route("/<int:account_id>/connections/<platform>", methods=["POST"])
@login_required(*UNIT_STAFF)
def connect(account_id: int, platform: str):
    fields = {c["platform"]: c for c in listed(account_id) or []}.get(platform, {}).get("credential_fields", [])
    body = {"account_uid": request.form.get("account_uid", "").strip(),
            "credentials": {f["name"]: request.form.get(f"credential_{f['name']}", "") for f in fields}}
    r = api("publishing", "PUT", f"/api/accounts/{account_id}/connections/{platform}", json=body)
    if r.status_code == 200:
        flash(said("已连接平台接口：{platform}（凭据已加密保存）", platform=r.json()["platform_name"]))
        return go(url_for("account_work.security", account_id=account_id))
    return _again(account_id, platform, r, {"account_uid": body["account_uid"]})  # never the credentials back


@bp.route("/<int:account_id>/connections/<platform>/disconnect", methods=["POST"])
@login_required(*UNIT_STAFF)
def disconnect(account_id: int, platform: str):
    r = api("publishing", "DELETE", f"/api/accounts/{account_id}/connections/{platform}")
    if r.status_code == 200:
        flash(said("已断开平台接口：{platform}（凭据已清除）", platform=r.json()["platform_name"]))
        return go(url_for("account_work.security", account_id=account_id))
    return _again(account_id, platform, r, {})
