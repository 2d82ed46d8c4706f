"""The web front end (HTMX): pages for departments, counties/districts, the joint-meeting
office and the public. It calls the services' APIs and keeps only the session."""
from __future__ import annotations

from pathlib import Path

from flask import Flask, abort, render_template, send_from_directory
from flask_wtf.csrf import CSRFProtect
from htmx_flask import Htmx

from govmb.config import SERVICES, Settings
from govmb.observability import configure_logging, health_blueprint, instrument
from web.client import ServiceClient, client

SERVICE_NAMES = {"registry": "登记服务", "publishing": "发布审核服务", "inquiry": "网民诉求服务",
                 "assessment": "考核培训服务"}
# Front-end packages installed by `make setup` from the npm registry, never committed.
VENDOR = {"htmx.min.js": Path(__file__).parent / "node_modules/htmx.org/dist"}

csrf = CSRFProtect()
htmx = Htmx()


def create_app(settings: Settings | None = None) -> Flask:
    settings = settings or Settings.from_env("web")
    configure_logging("web")
    app = Flask(__name__)
    app.json.ensure_ascii = False
    app.config.update(
        SECRET_KEY=settings.token_secret,
        GOVMB_SETTINGS=settings,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.production,
    )
    csrf.init_app(app)
    htmx.init_app(app)
    instrument(app, "web")
    app.extensions["govmb_clients"] = {name: ServiceClient(settings.service_urls[name]) for name in SERVICES}
    app.register_blueprint(health_blueprint({}))

    @app.get("/")
    def index():
        return render_template("index.html", services=SERVICE_NAMES)

    @app.get("/status")
    def status():
        """The state of every service, for the status panel (an htmx partial)."""
        rows = []
        for name, label in SERVICE_NAMES.items():
            try:
                r = client(name).get("/readyz")
                rows.append({"name": label, "ok": r.status_code == 200, "checks": r.json().get("checks", {})})
            except Exception as exc:  # an unreachable service is shown as such, not raised
                rows.append({"name": label, "ok": False, "checks": {"连接": f"失败：{type(exc).__name__}"}})
        return render_template("_status.html", rows=rows)

    @app.get("/static/vendor/<name>")
    def vendor(name: str):
        if name not in VENDOR:
            abort(404)
        return send_from_directory(VENDOR[name], name, max_age=86400)

    return app
