"""What every form page shares: turning a service's answer into a page or a redirect."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import Response, abort, flash, make_response, redirect, render_template, request, url_for

from govmb.messages import said


def as_int(value: str | None) -> int | None:
    """A form's whole number, or None ("²".isdigit() is true, yet no number)."""
    value = (value or "").strip()
    return int(value) if re.fullmatch(r"[0-9]{1,10}", value) else None


def is_htmx() -> bool:
    """An htmx request that wants a fragment; a history restore (htmx 2 sends HX-Request then
    too) gets the whole page, since it replaces the whole body."""
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-History-Restore-Request") != "true"


def safe_path(target: str | None) -> str:
    """`target` when it is a path of this site (`/drafts?page=2`), else the home page: never
    another site's address however it is written — `//host`, `/\\host` (a browser reads a
    backslash as a slash), a scheme, a tab or a line break (which a browser drops)."""
    if not target or not target.startswith("/") or "\\" in target or target.startswith("//") \
            or any(ord(c) < 32 or ord(c) == 127 for c in target):
        return url_for("home")
    parts = urlsplit(target)
    return url_for("home") if parts.scheme or parts.netloc else target


def given(body: dict) -> dict:
    """A form's fields without the empty ones: a field left empty is 此项必填 at the service,
    not a bad date or number."""
    return {k: v for k, v in body.items() if v not in ("", None)}


def _first_message(value, where: str = "") -> str:
    """A field's first message; one about an item of a list (the second attendee's unit) says
    which item it is about."""
    if isinstance(value, list) and value:
        return _first_message(value[0], where)
    if isinstance(value, dict) and value:
        key, inner = next(iter(value.items()))
        return _first_message(inner, where + (said("第 {n} 项：", n=int(key) + 1) if str(key).isdigit() else ""))
    return where + str(value)


def problem_of(response) -> tuple[dict, str | None]:
    """(one message by field, a message for the whole form) from a service's problem details."""
    try:
        body = response.json()
    except ValueError:
        return {}, "服务返回了无法识别的内容"
    errors = {k: _first_message(v) for k, v in (body.get("errors") or {}).items()}
    detail = None if errors and body.get("detail") == "请检查标出的字段" else body.get("detail")
    return errors, detail


def reason_problems(r) -> tuple[dict, str | None]:
    """The service's problems, each platform's missing reason (N7: `omitted_reasons`, by platform)
    beside its own box (`omitted_reasons.<code>`)."""
    errors, message = problem_of(r)
    nested = (r.json().get("errors") or {}).get("omitted_reasons") if r.headers.get("content-type", "").endswith(
        "json") else None
    if isinstance(nested, dict):
        errors.update({f"omitted_reasons.{code}": m[0] if isinstance(m, list) else str(m) for code, m in nested.items()})
    return errors, message


def omitted_reasons(form, chosen, blank: bool = False) -> dict[str, str]:
    """The reasons (N7) a form gives for the platforms it leaves out: its `omit_reason_<code>` boxes
    (the empty ones too with `blank`)."""
    return {key.removeprefix("omit_reason_"): value.strip() for key, value in form.items()
            if key.startswith("omit_reason_") and (blank or value.strip())
            and key.removeprefix("omit_reason_") not in (chosen or ())}


def go(url: str):
    """After a successful post: htmx follows HX-Redirect, a plain form a 303."""
    if is_htmx():
        response = make_response("", 204)
        response.headers["HX-Redirect"] = url
        return response
    return redirect(url, 303)


def form_again(template: str, status: int, **context):
    """The form once more, with the errors beside their fields. htmx swaps only 2xx
    answers, so it gets 200; a plain form post gets the real status."""
    return render_template(template, **context), (200 if is_htmx() else status)


def step_answer(response, action: str, label: str, page: str, partial: str, detail_url: str, context):
    """After posting one step of a record's life (an account's, a draft's): on success the
    detail again with a note (htmx) or a redirect; on failure the detail with the errors
    beside the step's form. `context(errors, failed, message)` builds the detail's context."""
    if response.status_code == 404:
        abort(404)
    if response.status_code == 200:
        done = said("已办理：{label}", label=label)
        if not is_htmx():
            flash(done)
            return go(detail_url)
        return render_template(partial, **context(None, None, done))
    errors, message = reason_problems(response)  # N7: a resubmission's missing reasons beside their boxes
    return form_again(partial if is_htmx() else page, response.status_code, **context(errors, action, message))


def passed_file(response) -> Response:
    """A file as a service sends it (its name made safe there), or 404 when the service refuses."""
    if response.status_code != 200:
        abort(404 if response.status_code == 404 else 400)
    return Response(response.content, mimetype=response.headers.get("Content-Type", "application/octet-stream"),
                    headers={"Content-Disposition": response.headers.get("Content-Disposition", "attachment")})
