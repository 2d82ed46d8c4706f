"""The language switch (issue 21, docs/i18n.md): a button per language offered, each named in
itself, in every page's footer; a plain form (no JavaScript), with its CSRF token. The choice is
the session's (`session["locale"]`, which web.i18n reads) and, for a signed-in person, saved at the
registry as theirs: it becomes the session's again at their next sign-in. Back to the page it came
from, a path of this site only."""
from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, flash, redirect, render_template, request, session
from markupsafe import Markup, escape

from govmb import i18n
from govmb.i18n import LANGUAGES
from web.client import ServiceUnavailable, api
from web.i18n import page_language_of
from web.views.forms import problem_of, safe_path

bp = Blueprint("language", __name__)


@dataclass(frozen=True)
class Language:
    code: str  # the catalogue's locale, what the form sends
    name: Markup  # named in itself: Markup, so that no catalogue turns 中文 into another language's word
    tag: str  # BCP 47, for lang=""
    dir: str
    current: bool


@bp.app_template_global("languages_offered")
def offered() -> list[Language]:
    """The languages a person may choose here: those of LANGUAGES that have a catalogue."""
    have, now = set(i18n.available()), i18n.request_locale()
    return [Language(code, Markup(escape(name)), shown.tag, shown.direction, code == now)
            for code, name in LANGUAGES.items() if code in have for shown in (page_language_of(code),)]


@bp.app_template_global("language_back")
def here(query: bool = True) -> str:
    """Where the switch brings the person back to: this page (a form's page by GET); an error page
    without its query, which it does not echo (the access matrix reads a refusal's whole body)."""
    return (request.full_path if request.method == "GET" and query else request.path).rstrip("?")


@bp.get("/language")
def choose():
    return render_template("language.html", errors={}, back=safe_path(request.args.get("next")))


@bp.post("/language")
def switch():
    locale, back = request.form.get("locale", ""), safe_path(request.form.get("next"))
    if locale not in {language.code for language in offered()}:
        return render_template("language.html", errors={"locale": "请选择下列语言之一"}, back=back), 422
    if session.get("token"):
        try:
            r = api("registry", "PUT", "/api/auth/me/locale", json={"locale": locale})
        except ServiceUnavailable:
            r = None
        if r is None or r.status_code >= 500:  # the registry away or failing: switched for this sign-in only
            flash("登记服务暂不可用：语言已在本次登录中切换，但未能保存，下次登录时仍是原来的语言")
        elif r.status_code != 200:
            errors, message = problem_of(r)
            return render_template("language.html", errors=errors, message=message, back=back), r.status_code
    session["locale"] = locale
    return redirect(back, 303)
