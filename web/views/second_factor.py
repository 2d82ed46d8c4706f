"""两步验证: a person's own second factor. Enrolment shows the secret once, as a QR code drawn by
the registry and as text, and takes a first code; the recovery codes are shown once, on the page
that confirms it (never kept by the web app). One whose roles need a second factor comes here
first after signing in (web.session.keep_alive) and can do nothing else until it is done."""
from __future__ import annotations

from base64 import b64encode

from flask import Blueprint, flash, redirect, render_template, request, url_for

from govmb.headers import NO_STORE
from web.client import ServiceUnavailable, api
from web.session import renewed, signed_in
from web.views.forms import problem_of

bp = Blueprint("second_factor", __name__, url_prefix="/me/second-factor")


def _status() -> dict | None:
    try:
        r = api("registry", "GET", "/api/auth/second-factor")
    except ServiceUnavailable:
        return None
    return r.json() if r.status_code == 200 else None


def _page(status_code: int = 200, **context):
    """The page; with a secret or recovery codes on it, kept by no cache (NO_STORE)."""
    context.setdefault("errors", {})
    secret = "enrolling" in context or "codes" in context
    return render_template("second_factor.html", status=_status(), **context), status_code, NO_STORE if secret else {}


def _code() -> dict:
    return {"code": request.form.get("code", "").strip()[:20]}


@bp.get("")
@signed_in
def index():
    return _page()


@bp.post("/start")
@signed_in
def start():
    """A new secret to scan: the QR code (SVG, as an image of this page) and the text."""
    r = api("registry", "POST", "/api/auth/second-factor",
            json={"current_password": request.form.get("current_password", "")[:200]})
    if r.status_code != 201:
        errors, message = problem_of(r)
        return _page(r.status_code, errors=errors, message=message)
    body = r.json()
    qr = "data:image/svg+xml;base64," + b64encode(body["qr"].encode()).decode()
    secret = " ".join(body["secret"][i:i + 4] for i in range(0, len(body["secret"]), 4))
    return _page(enrolling={"qr": qr, "secret": secret})


@bp.post("/confirm")
@signed_in
def confirm():
    r = api("registry", "POST", "/api/auth/second-factor/confirm", json=_code())
    if r.status_code == 200:
        renewed(r.json()["token"], r.json()["expires_in"], done="must_enrol")
        return _page(codes=r.json()["recovery_codes"], just_enrolled=True)
    errors, message = problem_of(r)
    return _page(r.status_code, errors=errors, message=message, confirming=True)


@bp.post("/recovery-codes")
@signed_in
def recovery_codes():
    r = api("registry", "POST", "/api/auth/second-factor/recovery-codes", json=_code())
    if r.status_code == 200:
        return _page(codes=r.json()["recovery_codes"])
    errors, message = problem_of(r)
    return _page(r.status_code, errors={"codes_code": errors.get("code") or message or "验证码不正确"})


@bp.post("/off")
@signed_in
def turn_off():
    r = api("registry", "POST", "/api/auth/second-factor/off", json=_code())
    if r.status_code == 204:
        flash("已停用两步验证")
        return redirect(url_for("second_factor.index"), 303)
    errors, message = problem_of(r)
    return _page(r.status_code, errors={"off_code": errors.get("code") or message or "验证码不正确"})
