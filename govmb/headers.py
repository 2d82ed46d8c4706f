"""Security headers on every answer (issue 15; OWASP ASVS V14.4): no inline script or style may
run on the pages (Content-Security-Policy), no page may be framed (clickjacking of the approval
forms), no answer is sniffed into another type, no address leaks to other sites, no browser
feature is granted, and in production the browser keeps to HTTPS (HSTS)."""
from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

PAGES_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
             "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
NO_STORE = {"Cache-Control": "no-store"}  # an answer no cache keeps: a secret, a whole personal value
API_CSP = "default-src 'none'; frame-ancestors 'none'"  # JSON, never a page to render or frame
COMMON = {"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin",
          "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
          "Cross-Origin-Opener-Policy": "same-origin"}
HSTS = "max-age=31536000; includeSubDomains"


def secure_headers(app: Flask, pages: bool, production: bool) -> None:
    """Every answer of `app` gets them (an answer that set its own CSP keeps it)."""
    policy = PAGES_CSP if pages else API_CSP

    @app.after_request
    def _headers(response):
        response.headers.setdefault("Content-Security-Policy", policy)
        for name, value in COMMON.items():
            response.headers.setdefault(name, value)
        if production:
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        return response


def behind_proxies(app: Flask, proxies: int) -> None:
    """Behind `proxies` reverse proxies ending TLS (TRUSTED_PROXIES), the client's address, the
    scheme, the host and the path prefix (an API under /registry/) as the proxies saw them, from
    the X-Forwarded-* headers the nearest `proxies` of them set (werkzeug's ProxyFix). With none,
    those headers are ignored: a browser cannot claim another address, nor spend another's limits."""
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_prefix=proxies)
