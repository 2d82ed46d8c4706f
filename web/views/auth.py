"""Sign-in and sign-out.

The registry limits sign-in attempts per name and per address. The web app passes on the
address of the person at the form, and proves it is the web app with a token of its own that
the registry gave it (no role: it opens nothing), so that the registry counts each person's
address, not the web app's."""
from flask import Blueprint, flash, redirect, render_template, request, session, url_for

from govmb.i18n import LANGUAGES
from govmb.messages import said
from web.client import ServiceUnavailable, api, client, get_json
from web.own_tokens import own_token
from web.session import forget_all, renewed, signed_in
from web.session import sign_in as keep
from web.session import sign_out as forget
from web.views.forms import problem_of, safe_path

bp = Blueprint("auth", __name__)


def _as_the_web_app() -> dict:
    """What the registry is told of the person at the form, beside the web app's own token."""
    return {"X-Client-Address": request.remote_addr or "",
            # a header carries Latin-1 only: anything else in a browser's name is replaced
            "X-Client-User-Agent": request.user_agent.string.encode("latin-1", "replace").decode("latin-1")}


def _captcha_for(username: str) -> dict | None:
    """A captcha to show, if signing in under this name now takes one."""
    try:
        r = client("registry").call("GET", "/api/auth/captcha", own_token("web"), headers=_as_the_web_app(),
                                    params={"username": username})
    except ServiceUnavailable:
        return None
    return r.json() if r.status_code == 200 and r.json().get("required") else None


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    errors, message, username = {}, None, ""
    if request.method == "POST":
        username = request.form.get("username", "").strip()
        body = {"username": username, "password": request.form.get("password", "")}
        for field in ("captcha_id", "captcha_answer"):
            if request.form.get(field):
                body[field] = request.form[field][:32]
        try:
            r = client("registry").call("POST", "/api/auth/sign-in", own_token("web"), headers=_as_the_web_app(),
                                        json=body)
        except ServiceUnavailable:
            r = None
            message = "登记服务暂不可用，请稍后再试"
        if r is not None and r.status_code == 200 and r.json().get("second_factor") == "code":
            session["challenge"] = {"secret": r.json()["challenge"], "username": username,
                                    "next": request.args.get("next")}
            return redirect(url_for("auth.sign_in_code"), 303)
        if r is not None and r.status_code == 200:
            return _signed_in(r.json(), request.args.get("next"))
        captcha = None
        if r is not None:
            errors, message = problem_of(r)
            if r.status_code == 429:
                message = "此用户名自您的地址尝试次数过多，请一分钟后再试"
            captcha = _captcha_for(username) if username else None
        return render_template("sign_in.html", errors=errors, message=message, username=username,
                               captcha=captcha), (r.status_code if r is not None else 503)
    return render_template("sign_in.html", errors=errors, message=message, username=username)


def _signed_in(body: dict, next_page: str | None):
    """Keep the session the registry opened, then on to what the person must do first (change
    their password, enrol a second factor) or where they were going."""
    p = body["person"]
    keep(body["token"], {"id": p["id"], "name": p["name"], "unit_id": p["unit_id"], "unit_name": p["unit_name"],
                         "roles": p["roles"], "username": p["username"], "must_change": body.get("password_change"),
                         "must_enrol": body.get("second_factor") == "enrol"},
         body["refresh"], body["expires_in"])
    if p.get("locale") in LANGUAGES:  # the language the person chose, from any browser (web/views/language.py)
        session["locale"] = p["locale"]
    if body.get("password_change"):
        return redirect(url_for("auth.password"), 303)
    if body.get("second_factor") == "enrol":  # the page says why
        return redirect(url_for("second_factor.index"), 303)
    return redirect(safe_path(next_page), 303)


@bp.route("/sign-in/code", methods=["GET", "POST"])
def sign_in_code():
    """The second step of a sign-in: the code of the person's authenticator app (or a recovery
    code), for the challenge the password gave."""
    pending = session.get("challenge")
    if not pending:
        return redirect(url_for("auth.sign_in"), 303)
    errors, message = {}, None
    if request.method == "POST":
        try:
            r = client("registry").call("POST", "/api/auth/sign-in/second-factor", own_token("web"),
                                        headers=_as_the_web_app(),
                                        json={"challenge": pending["secret"], "code": request.form.get("code", "")[:20]})
        except ServiceUnavailable:
            r, message = None, "登记服务暂不可用，请稍后再试"
        if r is not None and r.status_code == 200:
            return _signed_in(r.json(), pending.get("next"))
        if r is not None:
            errors, message = problem_of(r)
            if r.status_code == 401 and "重新输入" in (message or ""):
                session.pop("challenge", None)
                flash(message)
                return redirect(url_for("auth.sign_in"), 303)
            if r.status_code == 401:
                errors, message = {"code": message or "验证码不正确"}, None
        return render_template("sign_in_code.html", errors=errors, message=message, username=pending["username"]), \
            (r.status_code if r is not None else 503)
    return render_template("sign_in_code.html", errors=errors, message=message, username=pending["username"])


@bp.post("/sign-out")
def sign_out():
    forget()
    flash("已退出登录")
    return redirect(url_for("auth.sign_in"), 303)


@bp.route("/me/password", methods=["GET", "POST"])
@signed_in
def password():
    """Change one's password: needed before anything else once it was reset or has expired."""
    errors, message = {}, None
    if request.method == "POST":
        current, new = request.form.get("current_password", ""), request.form.get("new_password", "")
        if new != request.form.get("confirm", ""):
            errors["confirm"] = "两次输入的新密码不一致"
        else:
            errors, message = _changed(current, new)
            if not errors and message is None:
                flash("密码已修改；您在其他地方的登录已结束")
                return redirect(url_for("home"), 303)
    return render_template("password.html", errors=errors, message=message,
                           reason=(session.get("person") or {}).get("must_change")), 422 if errors or message else 200


def _changed(current: str, new: str) -> tuple[dict, str | None]:
    """Ask the registry to change the password; ({}, None) when it did (the session then holds
    the new token, with the person's roles again)."""
    try:  # not api(): a 401 here is a wrong current password, not an ended session
        r = client("registry").call("POST", "/api/auth/password", session.get("token"),
                                    json={"current_password": current, "new_password": new})
    except ServiceUnavailable:
        return {}, "登记服务暂不可用，请稍后再试"
    if r.status_code == 401:
        return {"current_password": "当前密码不正确"}, None
    if r.status_code != 200:
        return problem_of(r)
    renewed(r.json()["token"], r.json()["expires_in"])
    return {}, None


@bp.get("/me/sessions")
@signed_in
def sessions():
    """One's sign-ins still open: where and with what browser, since when, last used."""
    try:
        rows = get_json("registry", "/api/auth/sessions", default=None)
    except ServiceUnavailable:
        rows = None
    return render_template("sessions.html", rows=rows)


@bp.post("/me/sessions/end-all")
@signed_in
def end_all():
    """Sign out everywhere: every session of one's own ends, this one too."""
    try:
        r = api("registry", "POST", "/api/auth/sessions/end-all")
    except ServiceUnavailable:
        r = None
    if r is None or r.status_code != 200:
        flash("登记服务暂不可用，未能退出全部登录，请稍后再试")
        return redirect(url_for("auth.sessions"), 303)
    forget_all()  # this session ended with the others
    flash(said("已退出全部登录（{n} 处），请重新登录", n=r.json()["ended"]))
    return redirect(url_for("auth.sign_in"), 303)
