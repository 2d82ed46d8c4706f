"""The department's drafts: the editor with the checks' findings highlighted in the text,
the review queue, a form for each step, the emergency clocks, the calendar."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, flash, render_template, request, url_for

from govmb.auth import UNIT_STAFF
from govmb.contracts.publishing import ACTION_NAMES, INFO_TYPE_NAMES, STATUS_NAMES
from govmb.messages import said
from govmb.platforms import platforms
from govmb.timefmt import to_beijing
from web.client import api, get_all, get_json, get_page
from web.listing import Listing, list_page, listing, unit_picker
from web.session import login_required, person, roles
from web.views.forms import as_int, form_again, go, is_htmx, omitted_reasons, problem_of, reason_problems, step_answer

bp = Blueprint("drafts", __name__, url_prefix="/drafts")
STAFF = UNIT_STAFF
TEXT_FIELDS = ("text", "info_type", "source", "topic", "column", "series_title", "apology")


def beijing_input(value: str) -> str | None:
    """A datetime-local field (Beijing time, no offset) as ISO 8601 with +08:00."""
    return f"{value}:00+08:00" if value and len(value) == 16 else (value or None)


def highlight(text: str, findings: list[dict]) -> list[tuple[str, dict | None]]:
    """The text cut into pieces, each marked with the finding it belongs to (if any)."""
    spans = sorted((f for f in findings if f.get("start") is not None and f.get("end") and f["end"] > f["start"]),
                   key=lambda f: f["start"])
    pieces, at = [], 0
    for f in spans:
        if f["start"] < at:
            continue  # overlapping findings: the first one marks the text
        pieces += [(text[at:f["start"]], None), (text[f["start"]:f["end"]], f)]
        at = f["end"]
    return [p for p in pieces + [(text[at:], None)] if p[0]]


def _my_accounts() -> list[dict]:
    return get_all("publishing", "/api/accounts", runs="true", status="active")


def media_of(lines: str) -> list[dict]:
    """One URL a line; its kind by its ending: a picture, a video, otherwise a link."""
    out = []
    for url in filter(None, (line.strip() for line in lines.splitlines())):
        ending = url.lower().rsplit("?", 1)[0].rsplit(".", 1)[-1]
        kind = "picture" if ending in ("jpg", "jpeg", "png", "gif", "webp") else "video" if ending in ("mp4", "mov", "m3u8") else "link"
        out.append({"kind": kind, "url": url})
    return out


def _body(form) -> dict:
    body = {k: form.get(k, "").strip() for k in TEXT_FIELDS}
    body["account_id"] = as_int(form.get("account_id"))
    body["corrects_id"] = as_int(form.get("corrects_id"))
    body["original"] = form.get("original") != "no"
    body["major"] = form.get("major") == "yes"
    body["platforms"] = form.getlist("platforms") if form.get("platform_choice") else None  # None: every platform
    body["omitted_reasons"] = omitted_reasons(form, body["platforms"])
    body["media"] = media_of(form.get("media", ""))
    for field in ("series_no", "series_total"):
        body[field] = as_int(form.get(field))
    for field in ("event_at", "planned_at"):
        body[field] = beijing_input(form.get(field, ""))
    return body


DRAFT_FILTERS = ("queue", "status", "info_type", "platform", "account_id", "unit_id", "released", "from", "to")
RELEASED_NAMES = {"true": "已发布", "false": "未发布"}
SCOPE_NAMES = {"true": "等待我办理的"}
QUEUE_SHOWN = 20  # the queue at the top of the page; more than this: the list below shows them all (范围)


def _drafts() -> Listing:
    return listing("publishing", "/api/drafts", "drafts.index", "drafts-list", DRAFT_FILTERS, default_sort="-created")


def _list_context(drafts: Listing) -> dict:
    accounts = get_all("publishing", "/api/accounts")
    return {"drafts": drafts, "statuses": STATUS_NAMES, "info_types": INFO_TYPE_NAMES, "platforms": platforms(),
            "released_names": RELEASED_NAMES, "scopes": SCOPE_NAMES, "units": unit_picker("publishing"),
            "accounts": {a["id"]: a["name"] for a in accounts}}


def _queue() -> dict:
    """What waits for me, newest first, as before; the list below holds it whole (范围：等待我办理的)."""
    got = get_page("publishing", "/api/drafts", queue="true", page_size=QUEUE_SHOWN)
    rows, meta = got or ([], {})
    today = get_json("publishing", "/api/reading/today") if "principal_leader" in roles() else None
    return {"queue": rows, "queue_total": meta.get("total", len(rows)), "reading": today}


@bp.get("")
@login_required(*STAFF)
def index():
    drafts = _drafts()
    return list_page(drafts, "drafts/_list.html", "drafts/index.html", _queue, **_list_context(drafts))


EDITABLE = ("draft", "returned")  # what the publishing service lets staff change


def local_input(value: str | None) -> str:
    """An API's ISO time as a datetime-local field's value, in Beijing time."""
    return to_beijing(dt.datetime.fromisoformat(value)).strftime("%Y-%m-%dT%H:%M") if value else ""


def _choice(account: dict | None, values: dict) -> dict:
    """The platform choice (N7) for the account: its platforms, those chosen (all by default), the
    reasons given for those left out."""
    codes = [p["platform"] for p in (account or {}).get("platforms", [])]
    chosen = codes if values.get("platforms") is None else values["platforms"]
    reasons = values.get("omitted_reasons") or {o["platform"]: o["reason"] for o in values.get("omitted") or []}
    return {"account_platforms": codes, "chosen": chosen, "reasons": reasons, "platform_names": platforms()}


def _editor(values: dict, errors: dict, message: str | None, draft: dict | None = None) -> dict:
    accounts = _my_accounts()
    wanted = (draft or {}).get("account_id") or values.get("account_id")
    account = next((a for a in accounts if a["id"] == wanted), accounts[0] if accounts else None)
    return {"values": values, "errors": errors, "message": message, "accounts": accounts,
            "info_types": INFO_TYPE_NAMES, "draft": draft, **_choice(account, values)}


@bp.get("/platforms")
@login_required(*STAFF)
def platform_choice():
    """The platform choice of the account picked in the editor (an htmx partial)."""
    account_id = as_int(request.args.get("account_id"))
    account = next((a for a in _my_accounts() if a["id"] == account_id), None)
    return render_template("drafts/_platforms.html", errors={}, **_choice(account, {}))


def _typed(form, body: dict) -> dict:
    """The body to show the form again with: the time fields as they were typed."""
    return {**body, "event_at_input": form.get("event_at", ""), "planned_at_input": form.get("planned_at", "")}


@bp.route("/new", methods=["GET", "POST"])
@login_required(*STAFF)
def new():
    corrected = _corrected(as_int(request.values.get("corrects")) or as_int(request.form.get("corrects_id")))
    if request.method == "GET":
        values = {"original": True, "info_type": "disclosure"}
        if corrected:  # 更正: a new post of the same account, through the same review chain
            values = {"original": True, "info_type": corrected["info_type"], "account_id": corrected["account_id"],
                      "platforms": corrected["platforms"], "omitted": corrected.get("omitted"),
                      "corrects_id": corrected["id"], "text": "【更正】"}
        return render_template("drafts/new.html", **_editor(values, {}, None), corrected=corrected)
    body = _body(request.form)
    r = api("publishing", "POST", "/api/drafts", json=body)
    if r.status_code == 201:
        flash("更正稿件已保存，请提交审核" if body["corrects_id"] else "草稿已保存")
        return go(url_for("drafts.detail", draft_id=r.json()["id"]))
    errors, message = reason_problems(r)
    return form_again("drafts/_editor.html" if is_htmx() else "drafts/new.html", r.status_code,
                      **_editor(_typed(request.form, body), errors, message), corrected=corrected)


def _corrected(draft_id: int | None) -> dict | None:
    """The released post a new draft corrects (更正), if the writer may see it."""
    if not draft_id:
        return None
    r = api("publishing", "GET", f"/api/drafts/{draft_id}")
    return r.json() if r.status_code == 200 and r.json()["status"] == "released" else None


@bp.route("/<int:draft_id>/edit", methods=["GET", "POST"])
@login_required(*STAFF)
def edit(draft_id: int):
    """A draft or a returned one, changed and saved (then submitted again from its page)."""
    r = api("publishing", "GET", f"/api/drafts/{draft_id}")
    if r.status_code != 200:
        abort(404 if r.status_code in (403, 404) else 502)
    d = r.json()
    if d["status"] not in EDITABLE:
        flash(said("“{status}”的稿件不能修改", status=d["status_name"]))
        return go(url_for("drafts.detail", draft_id=draft_id))
    if request.method == "GET":
        values = {**d, "event_at_input": local_input((d.get("emergency") or {}).get("event_at")),
                  "planned_at_input": local_input(d.get("planned_at"))}
        return render_template("drafts/edit.html", **_editor(values, {}, None, d))
    body = {**_body(request.form), "account_id": d["account_id"], "corrects_id": d.get("corrects_id")}
    if [m["url"] for m in body["media"]] == [m["url"] for m in d.get("media") or []]:
        body["media"] = d["media"]  # unchanged: kept with their kinds, not guessed again from the URLs
    r = api("publishing", "PUT", f"/api/drafts/{draft_id}", json=body)
    if r.status_code == 200:
        flash("稿件已修改")
        return go(url_for("drafts.detail", draft_id=draft_id))
    errors, message = reason_problems(r)
    return form_again("drafts/_editor.html" if is_htmx() else "drafts/edit.html", r.status_code,
                      **_editor(_typed(request.form, body), errors, message, d))


@bp.post("/check")
@login_required(*STAFF)
def check():
    """The findings for the text being typed (an htmx partial); nothing is saved."""
    body = _body(request.form)
    payload = {k: body[k] for k in ("text", "original", "source", "topic", "column", "series_title", "series_no",
                                    "series_total")}
    payload["platforms"] = body["platforms"] or []
    r = api("publishing", "POST", "/api/checks", json=payload)
    findings = r.json() if r.status_code == 200 else []
    return render_template("drafts/_findings.html", findings=findings, pieces=highlight(body["text"], findings))


def _detail(draft_id: int, errors: dict | None = None, failed: str | None = None, message: str | None = None) -> dict:
    r = api("publishing", "GET", f"/api/drafts/{draft_id}")
    if r.status_code != 200:
        abort(404 if r.status_code in (403, 404) else 502)
    d = r.json()
    accounts = {a["id"]: a for a in get_all("publishing", "/api/accounts")}
    account = accounts.get(d["account_id"], {"name": str(d["account_id"]), "platforms": []})
    me = person()
    writer = bool(set(me["roles"]) & set(STAFF)) and d["runs"]  # its unit's, or its managing unit's (X6)
    can_edit = d["status"] in EDITABLE and writer
    open_correction = any(c["status"] not in ("released", "withdrawn") for c in d.get("corrections", []))
    can_correct = writer and d["status"] == "released" and not open_correction and account.get("status") == "active"
    return {"d": d, "account": account, "can_edit": can_edit, "can_correct": can_correct, "pieces": highlight(d["text"], d["findings"]),
            "errors": errors or {},
            "failed": failed, "message": message, "action_names": ACTION_NAMES, "info_types": INFO_TYPE_NAMES,
            "platform_names": platforms(), "recorded": {p["platform"] for p in d["publications"]}}


@bp.get("/<int:draft_id>")
@login_required()
def detail(draft_id: int):
    return render_template("drafts/detail.html", **_detail(draft_id))


@bp.post("/<int:draft_id>/act/<action>")
@login_required(*STAFF)
def act(draft_id: int, action: str):
    if action not in ACTION_NAMES:
        abort(404)
    form = request.form
    body = {k: form[k].strip() for k in ("comment", "channel", "platform", "url") if form.get(k, "").strip()}
    if form.get("acknowledge") == "yes":
        body["acknowledge"] = True
    if as_int(form.get("approver_id")):
        body["approver_id"] = as_int(form.get("approver_id"))
    if form.get("approved_at"):
        body["approved_at"] = beijing_input(form["approved_at"])
    r = api("publishing", "POST", f"/api/drafts/{draft_id}/actions/{action}", json=body)
    return step_answer(r, action, ACTION_NAMES[action], "drafts/detail.html", "drafts/_draft.html",
                       url_for("drafts.detail", draft_id=draft_id),
                       lambda errors, failed, message: _detail(draft_id, errors, failed, message))


CALENDAR_PAGE = 200  # a month of a city is tens of thousands of posts: paged, with the count


@bp.get("/calendar")
@login_required(*STAFF, "joint_office", "supervision", "admin")
def calendar():
    today = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date()
    month = request.args.get("month") or today.strftime("%Y-%m")
    shown = listing("publishing", "/api/calendar", "drafts.calendar", "calendar-list", ("month", "unit_id"),
                    size=CALENDAR_PAGE, month=month)
    days: dict[str, list] = {}
    for d in shown.items:
        days.setdefault((d["released_at"] or d["planned_at"] or "")[:10], []).append(d)
    return list_page(shown, "drafts/_calendar.html", "drafts/calendar.html", lambda: {"units": unit_picker("publishing")},
                     month=month, days=sorted(days.items()), calendar=shown)


PROOFREADING_SETTERS = ("principal_leader", "responsible_office", "joint_office")


@bp.route("/proofreading", methods=["GET", "POST"])
@login_required(*PROOFREADING_SETTERS)
def proofreading():
    """三审三校: the proof-reading step switched on or off, city-wide (the office) or for the unit."""
    errors, message, status = {}, None, 200
    if request.method == "POST":
        scope = "city" if request.form.get("scope") == "city" else "unit"
        r = api("publishing", "PUT", f"/api/proofreading/{scope}", json={"enabled": request.form.get("enabled") == "yes"})
        if r.status_code == 200:
            flash("校对环节设置已保存")
            return go(url_for("drafts.proofreading"))
        (errors, message), status = problem_of(r), r.status_code
    r = api("publishing", "GET", "/api/proofreading")
    if r.status_code != 200:
        abort(502)
    return render_template("drafts/proofreading.html", state=r.json(), errors=errors, message=message), status
