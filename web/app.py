"""The web front end (HTMX): pages for departments, counties/districts, the joint-meeting
office and the public. It calls the services' APIs and keeps only the session."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from flask import (
    Flask,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import format_datetime
from flask_wtf.csrf import CSRFError, CSRFProtect
from htmx_flask import Htmx
from werkzeug.exceptions import HTTPException, InternalServerError

from govmb.config import SERVICES, Settings, load
from govmb.errors import description
from govmb.headers import behind_proxies, secure_headers
from govmb.i18n import GOVMB_CATALOGUES
from govmb.messages import N_, Catalogued
from govmb.observability import configure_logging, health_blueprint, instrument
from govmb.tables import MAX_BYTES
from govmb.timefmt import to_beijing
from web import i18n
from web.client import ServiceClient, ServiceUnavailable, SessionEnded
from web.session import ENDINGS, ROLE_NAMES, forget_all, keep_alive, menu_groups, navigation, person, todo_shown

# Front-end packages installed by `make setup` from the npm registry, never committed.
_MODULES = Path(__file__).parent / "node_modules"
VENDOR = {"htmx.min.js": _MODULES / "htmx.org/dist", "echarts.min.js": _MODULES / "echarts/dist",
          "bootstrap.min.css": _MODULES / "bootstrap/dist/css", "bootstrap.rtl.min.css": _MODULES / "bootstrap/dist/css",
          "bootstrap.bundle.min.js": _MODULES / "bootstrap/dist/js",
          "tom-select.complete.min.js": _MODULES / "tom-select/dist/js",
          "tom-select.bootstrap5.min.css": _MODULES / "tom-select/dist/css",
          # Uyghur's letters (Noto Sans Arabic, full Uyghur coverage): site.css's @font-face, read only for them
          **{f"noto-sans-arabic-arabic-{weight}-normal.woff2": _MODULES / "@fontsource/noto-sans-arabic/files"
             for weight in (400, 600, 700)}}

csrf = CSRFProtect()
htmx = Htmx()
TRANSLATIONS = Path(__file__).parent / "translations"


def beijing(value: str | dt.datetime | None, fmt: str = "yyyy-MM-dd HH:mm") -> str:
    """An API's ISO time (any offset) as Beijing time."""
    if not value:
        return ""
    when = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return format_datetime(when, fmt)


def deadline(value: str | None) -> str:
    """A deadline in Beijing time; one at midnight is the end of the day before: 24:00, as the
    rules say ("within 3 working days"), not 00:00 of the next."""
    if not value:
        return ""
    when = to_beijing(dt.datetime.fromisoformat(value))
    if when.time() == dt.time(0, 0):
        return f"{when.date() - dt.timedelta(days=1):%Y-%m-%d} 24:00"
    return beijing(when)


def _home():
    """The hall for the public; 工作台 (what waits) for those who do the work; the administrators'
    own first page for them."""
    if not person():
        return redirect(url_for("hall.index"))
    if todo_shown():
        return redirect(url_for("todo.index"))
    return redirect(url_for(navigation()[0][0]))


def _varies_with_htmx(response):
    response.vary.add("HX-Request")  # a list answers its fragment to htmx, the whole page otherwise
    return response


def _vendor(name: str):
    if name not in VENDOR:
        abort(404)
    return send_from_directory(VENDOR[name], name, max_age=86400)


def _session_ended(_exc):
    """A service refused the person's token: forget the session, and sign in again (htmx: the
    whole page goes, not the fragment)."""
    forget_all()
    flash(ENDINGS["refused"])
    target = url_for("auth.sign_in", next=request.full_path if request.method == "GET" else None)
    if request.headers.get("HX-Request"):
        response = make_response("", 204)
        response.headers["HX-Redirect"] = target
        return response
    return redirect(target, 303)


def _error_page(code: int, message: str):
    return render_template("error.html", code=code, message=message, error_page=True), code


def _http_error(error: HTTPException):
    """Any other 4xx/5xx werkzeug raises (400, 401, 409, 410, 415, 422, 429, 500…): its own text
    when a view gave one, the product's words for werkzeug's stock English otherwise."""
    return _error_page(error.code or 500, description(error))


def _register_error_pages(app: Flask) -> None:
    """Errors as pages in the product's look, each saying what happened in the person's language."""
    app.register_error_handler(CSRFError, lambda _e: _error_page(
        400, N_("表单已过期或来源不明（CSRF 校验失败），请刷新页面后重试")))
    app.register_error_handler(ServiceUnavailable, lambda _e: _error_page(503, N_("后台服务暂不可用，请稍后重试")))
    app.register_error_handler(SessionEnded, _session_ended)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(InternalServerError, lambda _e: _error_page(500, description(InternalServerError())))
    for code, message in ((403, N_("您的角色无权打开此页面")), (404, N_("页面不存在，或不在您的管辖范围内")),
                          (405, N_("不支持此操作方式"))):
        app.register_error_handler(code, lambda _e, code=code, message=message: _error_page(code, message))
    app.register_error_handler(413, lambda _e: _error_page(413, Catalogued(N_("上传的文件过大：一次至多 {mb} MB")).format(
        mb=MAX_BYTES // (1024 * 1024))))


def _register_pages(app: Flask) -> None:
    from web.views import (
        account_connections,
        account_work,
        accounts,
        assessment,
        audit,
        auth,
        bulletins,
        city,
        directives,
        dormant,
        drafts,
        emergencies,
        filings,
        followers,
        follows,
        forwards,
        freezes,
        hall,
        inbox,
        inbox_marks,
        incidents,
        inspections,
        language,
        lexicon,
        narratives,
        notifications,
        people,
        portal,
        reading,
        roster,
        second_factor,
        status,
        todo,
        training,
        units,
        wordlists,
    )
    for module in (auth, accounts, drafts, directives, inbox, inbox_marks, lexicon, wordlists, filings, city, hall, status,
                   assessment, inspections, incidents, dormant, training, roster, followers, audit, people,
                   second_factor, notifications, todo, bulletins, account_work, narratives, reading, follows,
                   emergencies, forwards, portal, freezes, account_connections, language, units):
        app.register_blueprint(module.bp)


def create_app(settings: Settings | None = None) -> Flask:
    settings = settings or Settings.from_env("web")
    load()  # the rest of the environment, read and checked as the app starts (govmb.config)
    configure_logging("web")
    app = Flask(__name__)
    app.json.ensure_ascii = False
    app.config.update(
        SECRET_KEY=settings.cookie_secret,  # the web app's own: no service knows it
        GOVMB_SETTINGS=settings,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.production,  # production is served over HTTPS only
        PERMANENT_SESSION_LIFETIME=dt.timedelta(seconds=settings.session_absolute_seconds),
        BABEL_DEFAULT_LOCALE=i18n.DEFAULT_LOCALE,
        BABEL_DEFAULT_TIMEZONE="Asia/Shanghai",
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
        MAX_CONTENT_LENGTH=MAX_BYTES,  # an upload is refused here, before it is read and forwarded
    )
    behind_proxies(app, settings.trusted_proxies)  # the client's address and scheme as the proxies saw them
    csrf.init_app(app)
    htmx.init_app(app)
    i18n.init_app(app, (TRANSLATIONS, GOVMB_CATALOGUES))  # the services' labels it shows, in the person's language too
    instrument(app, "web")
    app.extensions["govmb_clients"] = {name: ServiceClient(settings.service_urls[name]) for name in SERVICES}
    app.register_blueprint(health_blueprint({}, metrics_token=settings.metrics_token))
    app.jinja_env.filters["bj"] = beijing
    app.jinja_env.filters["deadline"] = deadline
    app.jinja_env.globals.update(navigation=navigation, menu_groups=menu_groups, person=person, role_names=ROLE_NAMES,
                                 todo_shown=todo_shown)

    _register_pages(app)

    app.add_url_rule("/", "home", _home)
    app.add_url_rule("/static/vendor/<name>", "vendor", _vendor)
    app.before_request(keep_alive)
    app.after_request(_varies_with_htmx)
    secure_headers(app, pages=True, production=settings.production)
    _register_error_pages(app)
    return app
