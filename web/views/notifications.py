"""通知: the bell in the top bar (its unread count, polled without counting as the person's
activity), each person's notifications, newest first, paged (opening one marks it read and goes
to its page), and 通知设置: e-mail, an IM robot (企业微信/政务微信, 钉钉, 飞书) and quiet hours.
The registry keeps them and delivers them (services/registry/notifications.py, delivery.py)."""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for

from govmb.contracts.reminders import KIND_NAMES
from govmb.headers import NO_STORE
from web.client import ServiceUnavailable, api
from web.listing import list_page, listing
from web.session import signed_in
from web.views.forms import problem_of

bp = Blueprint("notifications", __name__, url_prefix="/notifications")
ROBOTS = {"wecom": "企业微信 / 政务微信", "dingtalk": "钉钉", "feishu": "飞书"}


@bp.get("")
@signed_in
def index():
    shown = listing("registry", "/api/notifications", "notifications.index", "notification-list", ("unread",))
    return list_page(shown, "notifications/_list.html", "notifications/index.html", notes=shown, kinds=KIND_NAMES)


@bp.get("/bell")
@signed_in
def bell():
    """The bell's count (htmx, every minute, X-Poll: not the person's activity); nothing when the
    registry is away."""
    try:
        r = api("registry", "GET", "/api/notifications/unread")
    except ServiceUnavailable:
        return render_template("notifications/_bell.html", unread=None)
    return render_template("notifications/_bell.html", unread=r.json()["unread"] if r.status_code == 200 else None)


@bp.post("/<int:notification_id>/open")
@signed_in
def open_(notification_id: int):
    r = api("registry", "POST", f"/api/notifications/{notification_id}/read")
    if r.status_code != 200:
        abort(404)
    return redirect(r.json()["link"], 303)


@bp.post("/read-all")
@signed_in
def read_all():
    api("registry", "POST", "/api/notifications/read-all")
    return redirect(url_for("notifications.index"), 303)


def _settings_page(status: int = 200, errors: dict | None = None, message: str | None = None, form: dict | None = None):
    r = api("registry", "GET", "/api/notifications/preferences")
    current = r.json() if r.status_code == 200 else {}
    return render_template("notifications/settings.html", pref={**current, **(form or {})}, robots=ROBOTS,
                           errors=errors or {}, message=message), status, NO_STORE


@bp.get("/settings")
@signed_in
def settings():
    return _settings_page()


def _asked() -> dict:
    f = request.form
    body = {"email_on": f.get("email_on") == "on", "webhook_on": f.get("webhook_on") == "on",
            "quiet_from": f.get("quiet_from", "").strip()[:5], "quiet_to": f.get("quiet_to", "").strip()[:5]}
    if f.get("email", "").strip():
        body["email"] = f["email"].strip()[:254]
    if f.get("forget_email") == "on":
        body["email"] = ""
    if f.get("webhook_kind") in ROBOTS:
        body["webhook_kind"] = f["webhook_kind"]
    if f.get("webhook_url", "").strip():  # left empty: the robot kept as it is (its address is never shown)
        body["webhook_url"] = f["webhook_url"].strip()[:500]
        body["webhook_secret"] = f.get("webhook_secret", "").strip()[:200]
    if f.get("forget_webhook") == "on":
        body["webhook_url"] = ""
    return body


@bp.post("/settings")
@signed_in
def save_settings():
    body = _asked()
    r = api("registry", "PUT", "/api/notifications/preferences", json=body)
    if r.status_code != 200:
        errors, message = problem_of(r)
        shown = {k: v for k, v in body.items() if k not in ("email", "webhook_url", "webhook_secret")}
        return _settings_page(r.status_code, errors, message, form=shown)
    return redirect(url_for("notifications.settings", saved=1), 303)
