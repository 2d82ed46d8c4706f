"""考核 pages: every view's dashboard (a unit against its quotas, a county's units side by
side, the city's ranking, warnings and the quarter at a glance), the records behind each
figure, the duty log, archives and quarterly reports with their downloads, the
third-party import and the office's rules."""
from __future__ import annotations

import datetime as dt
from collections import Counter

from flask import Blueprint, Response, abort, render_template, request

from govmb.contracts.inquiry import KIND_NAMES
from govmb.contracts.inquiry import STATUS_NAMES as MESSAGE_STATUS_NAMES
from govmb.contracts.publishing import INFO_TYPE_NAMES
from govmb.messages import said
from govmb.timefmt import beijing_today
from web.client import api, get_all, get_json, get_page, get_together
from web.listing import list_page, listing, paged, unit_picker, wants_fragment
from web.session import login_required, person, roles, sees_all
from web.views.forms import as_int, form_again, is_htmx, passed_file, problem_of

bp = Blueprint("assessment", __name__, url_prefix="/kaohe")  # not /assessment: the embedded mode mounts that service there

OFFICE = {"joint_office", "admin"}
# The indicators in the order of the regulations (a JSON object's keys come back sorted).
INDICATOR_ORDER = ("reply_timeliness", "resolution", "quota", "original", "emergency", "forwarding", "satisfaction")
# The records' columns and coded values in Chinese (the API keeps its field names).
RECORD_COLUMNS = {
    "message_id": "留言编号", "account_id": "账号", "received_at": "收到时间", "reply_due_at": "回复期限",
    "replied_at": "回复时间", "reply_on_time": "按时回复", "feedback_due_at": "反馈期限",
    "verification_due_at": "核实期限", "resolved_at": "办结时间", "status": "状态", "draft_id": "稿件编号",
    "day": "发布日期", "released_at": "发布时间", "original": "原创", "info_type": "信息类别",
    "emergency_event_at": "突发事件发生时间", "emergency_on_time": "2小时内发布", "month": "月份", "posts": "发稿数",
    "quota": "月度指标", "quota_met": "达标", "original_share": "原创占比", "directive_id": "统一口径编号",
    "title": "标题", "due_at": "转发期限", "forwarded_at": "转发时间", "on_time": "按时转发", "transfer_id": "转办编号",
    "reason": "退回理由", "at": "时间", "inspection_id": "检查编号", "inspected_on": "检查日期",
    "indicator_name": "检查指标（19号）", "deduction": "扣分", "found": "发现的问题", "recorded_by": "检查人",
    "incident_id": "安全事件编号", "kind_name": "类型", "found_at": "发现时间", "handled_at": "处置时间",
    "reported_at": "报告时间", "description": "经过", "rating_name": "网民评价", "rated_at": "评价时间"}
RECORD_HIDDEN = ("account_name", "indicator", "kind", "rating")  # the account's name is in its column; the codes have their names
RECORD_VALUES = {"status": {**MESSAGE_STATUS_NAMES, "returned": "被退回", "reassigned": "已改派"},
                 "info_type": INFO_TYPE_NAMES}

RECORD_TITLES = {"reply_timeliness": "回复及时率", "resolution": "问题解决率", "quota": "月度发稿指标",
                 "original": "原创率", "emergency": "突发事件2小时发布", "forwarding": "统一口径转发",
                 "returns": "转办退回", "unanswered": "超过3个月未回复的留言",
                 "inspections": "督查检查扣分（国办秘函〔2019〕19号）", "incidents": "安全事件（单项否决）",
                 "satisfaction": "网民满意率（满意与基本满意占评价数）"}


def _quarter_of(day: dt.date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def _previous_quarter(day: dt.date) -> str:
    first = day.replace(month=3 * ((day.month - 1) // 3) + 1, day=1)
    return _quarter_of(first - dt.timedelta(days=1))


TOP = 10  # the charts show the best and the worst ten: what a person can read


def _dashboard_call(year: str) -> tuple[str, str, dict]:
    """The year's assessment of the view (the office's city, or the unit drilled into; a unit's
    own tree otherwise), without the accounts, as of the service's last count of the live months
    (at most a minute old; the page says when)."""
    drill = as_int(request.args.get("unit_id"))
    return "assessment", f"/api/assessment/{year}", {"accounts": "false", "counts": "false", "recent": "true",
                                                      "unit_id": drill}


def _dashboard_result(r) -> dict:
    if r.status_code != 200:
        abort(404)
    return r.json()


def _common_path(paths: list[str]) -> str:
    """The deepest unit above (or at) every path: the top of the view."""
    parts = [p.strip("/").split("/") for p in paths] or [[]]
    common = []
    for level in zip(*parts):
        if len(set(level)) > 1:
            break
        common.append(level[0])
    return "/" + "/".join(common) + "/" if common else "/"


def _groups(units: list[dict], key) -> list[dict]:
    """Units summed by a key (a subtree, a system): how many, the average score, how many fail
    or are vetoed, and the lowest, worst first."""
    out: dict = {}
    for u in units:
        g = out.setdefault(key(u), {"key": key(u), "units": 0, "score": 0.0, "fail": 0, "vetoed": 0, "lowest": u})
        g["units"] += 1
        g["score"] += u["score"]
        g["fail"] += u["grade"] == "fail"
        g["vetoed"] += bool(u["vetoes"])
        g["lowest"] = min(g["lowest"], u, key=lambda x: x["score"])
    rows = [{**g, "score": round(g["score"] / g["units"], 1)} for g in out.values()]
    return sorted(rows, key=lambda g: (-g["fail"], g["score"]))


def _child_of(path: str, scope_path: str) -> str:
    """The path of the unit right below `scope_path` on the way to `path` (the unit itself if
    it is the scope)."""
    rest = path[len(scope_path):].strip("/").split("/")
    return scope_path + rest[0] + "/" if rest and rest[0] else scope_path


def _bar_chart(units: list[dict]) -> dict:
    return {"tooltip": {}, "grid": {"left": 140, "right": 30, "top": 10, "bottom": 20},
            "xAxis": {"type": "value", "max": 100},
            "yAxis": {"type": "category", "inverse": True, "data": [u["name"] for u in units]},
            "series": [{"type": "bar", "name": "得分", "data": [u["score"] for u in units]}]}


@bp.get("")
@login_required()
def index():
    today = beijing_today()
    year = request.args.get("year") or str(today.year)
    drill = as_int(request.args.get("unit_id"))
    if wants_fragment("ranking-list"):
        result, warnings, progress = _dashboard_result(get_together(_dashboard_call(year))[0]), None, []
    else:  # the assessment, the warnings and one's own month, side by side
        scope = {"unit_id": drill} if drill else {} if sees_all() else {"unit_id": person()["unit_id"]}
        own_month = not sees_all() and not drill
        answers = get_together(_dashboard_call(year), ("assessment", "/api/warnings/summary", scope),
                               *(_progress_calls(today) if own_month else ()))
        result = _dashboard_result(answers[0])
        warnings = answers[1].json() if answers[1].status_code == 200 else {"total": 0, "by_kind": {}, "first": []}
        progress = _progress(*answers[2:]) if own_month else []
    units = sorted(result["units"], key=lambda u: u["rank"])
    system = request.args.get("system", "")
    listed = [u for u in units if (not system or u["system"] == system)
              and (not request.args.get("q") or request.args["q"].strip() in u["name"])]
    ranking = paged(listed, "assessment.index", "ranking-list", ("year", "unit_id", "system", "q"))
    if wants_fragment("ranking-list"):
        return render_template("assessment/_ranking.html", ranking=ranking, result=result, year=year,
                               indicator_order=INDICATOR_ORDER, systems={s: s for s in sorted({u["system"] for u in units})})
    scope_path = _common_path([u["path"] for u in units])
    scope_id = as_int(scope_path.strip("/").split("/")[-1])
    below = {u["path"]: u for u in get_all("assessment", "/api/units", unit_id=scope_id, levels=1)} if scope_id else {}
    scope = below.get(scope_path)
    by_area = _groups(units, lambda u: _child_of(u["path"], scope_path))
    for g in by_area:
        unit = below.get(g["key"])
        g["name"], g["unit_id"] = (unit["name"], unit["id"]) if unit else (g["lowest"]["name"], None)
    grades = Counter(u["grade_name"] for u in units)
    charts = {"top": _bar_chart(units[:TOP]), "bottom": _bar_chart(units[-TOP:][::-1]) if len(units) > TOP else None,
              "grades": {"tooltip": {}, "series": [{"type": "pie", "radius": "65%",
                                                    "data": [{"name": k, "value": v} for k, v in grades.items()]}]}}
    return render_template("assessment/index.html", result=result, units=units, ranking=ranking, charts=charts,
                           by_area=by_area, by_system=_groups(units, lambda u: u["system"]), scope=scope,
                           systems={s: s for s in sorted({u["system"] for u in units})}, warnings=warnings,
                           progress=progress, year=year,
                           month=f"{today:%Y-%m}", quarter=_previous_quarter(today), city=sees_all(),
                           office=bool(roles() & OFFICE), indicator_order=INDICATOR_ORDER, top=TOP)


OPEN = ("active", "closing_requested", "closing_approved", "superior_informed", "notice_posted")  # held to a quota


def _progress_calls(today: dt.date) -> tuple:
    """This month's posts against the quota, for the accounts of the person's own unit: the calls."""
    return (("assessment", f"/api/assessment/{today:%Y-%m}", {"unit_id": person()["unit_id"], "recent": "true"}),
            ("assessment", "/api/rules", {}))


def _progress(month, rules) -> list[dict]:
    month = month.json() if month.status_code == 200 else {"accounts": []}
    quotas = (rules.json() if rules.status_code == 200 else {}).get("quotas", {})
    # the accounts that must post this month: not one closed (assessed for the days it was open,
    # but no longer held to a quota); one not yet opened is not assessed at all
    own = [a for a in month["accounts"] if a["unit_id"] == person()["unit_id"] and a.get("status") in OPEN]
    return [{**a, "quota": quotas.get(a["category"] or "", 0)} for a in own]


@bp.get("/records")
@login_required()
def records():
    period, kind = request.args.get("period", ""), request.args.get("kind", "")
    figure = {"kind": kind, "unit_id": as_int(request.args.get("unit_id")), "account_id": as_int(request.args.get("account_id"))}
    figure = {k: v for k, v in figure.items() if v}
    shown = listing("assessment", f"/api/assessment/{period}/records", "assessment.records", "records-list", (),
                    fixed={"period": period, **figure}, **figure)
    if shown.status != 200:
        abort(404 if shown.status == 404 else 400)
    present = shown.items[0] if shown.items else {}
    keys = [k for k in RECORD_COLUMNS if k in present] + [k for k in present if k not in RECORD_COLUMNS
                                                           and k not in RECORD_HIDDEN]
    return list_page(shown, "assessment/_records.html", "assessment/records.html", records=shown,
                     title=RECORD_TITLES.get(kind, kind), period=period, keys=keys, columns=RECORD_COLUMNS,
                     values=RECORD_VALUES)


PICKED = 100  # accounts in the duty log's picker at most


@bp.get("/duty")
@login_required()
def duty():
    # The picker offers the active accounts of a unit (and below) that match the name typed, the
    # first PICKED of them: a county or the city has hundreds or thousands.
    unit_id, q = as_int(request.args.get("unit_id")), request.args.get("q", "").strip()[:30]
    accounts, meta = get_page("assessment", "/api/accounts", status="active", unit_id=unit_id, q=q,
                              page_size=PICKED) or ([], {})
    today = beijing_today()
    asked = as_int(request.args.get("account_id"))
    chosen = asked if any(a["id"] == asked for a in accounts) else accounts[0]["id"] if accounts else None
    start = request.args.get("from") or (today - dt.timedelta(days=13)).isoformat()
    end = request.args.get("to") or today.isoformat()
    log, errors = None, {}
    if chosen:
        r = api("assessment", "GET", "/api/duty-log", params={"account_id": chosen, "from": start, "to": end})
        if r.status_code == 200:
            log = r.json()
        else:
            errors, message = problem_of(r)
            if message:
                errors["to"] = message
    chart = None if not log else {
        "tooltip": {"trigger": "axis"}, "legend": {"top": 0}, "grid": {"left": 40, "right": 20, "top": 30, "bottom": 30},
        "xAxis": {"type": "category", "data": [d["day"][5:] for d in log["negative_trend"]]},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [{"type": "line", "name": "负面留言", "data": [d["negative"] for d in log["negative_trend"]]},
                   {"type": "line", "name": "全部留言", "data": [d["received"] for d in log["negative_trend"]]}]}
    topics = get_json("inquiry", "/api/messages/hot-topics", {})
    return render_template("assessment/duty.html", accounts=accounts, accounts_total=meta.get("total", len(accounts)),
                           picked=PICKED, units=unit_picker("assessment"), unit_id=unit_id, q=q, chosen=chosen,
                           start=start, end=end, log=log, errors=errors, chart=chart, topics=topics,
                           kind_names=KIND_NAMES)


ARCHIVE_FILTERS = ("month", "unit_id")


@bp.get("/archives")
@login_required()
def archives(errors=None, message=None, status=200):
    listed = listing("assessment", "/api/archives", "assessment.archives", "archives-list", ARCHIVE_FILTERS,
                     default_sort="-month")
    page = list_page(listed, "assessment/_archives.html", "assessment/archives.html", archives=listed,
                     units=unit_picker("assessment"), office=bool(roles() & OFFICE), errors=errors or {},
                     message=message)
    return page, status


@bp.post("/archives")
@login_required("joint_office", "admin")
def file_month():
    r = api("assessment", "POST", "/api/archives", json={"month": request.form.get("month", "")})
    if r.status_code == 201:
        return archives(message=said("已归档 {n} 个单位（已归档的不重复、不覆盖）", n=r.json()["filed"]))
    errors, message = problem_of(r)
    return archives(errors=errors, message=message, status=200 if is_htmx() else 422)


@bp.get("/archives/<int:archive_id>.pdf")
@login_required()
def archive_pdf(archive_id: int):
    return _download(api("assessment", "GET", f"/api/archives/{archive_id}/pdf"))


@bp.get("/archives/<int:archive_id>/verify")
@login_required()
def verify(archive_id: int):
    r = api("assessment", "GET", f"/api/archives/{archive_id}/verify")
    if r.status_code != 200:
        abort(404)
    return render_template("assessment/_verify.html", check=r.json())


def _download(r) -> Response:
    return passed_file(r)


@bp.get("/reports")
@login_required()
def reports(errors=None, report_result=None, status=200):
    quarter = request.args.get("quarter") or _previous_quarter(beijing_today())
    r = api("assessment", "GET", f"/api/reports/{quarter}")
    report = r.json() if r.status_code == 200 else None
    return render_template("assessment/reports.html", quarter=quarter, report=report, office=bool(roles() & OFFICE),
                           errors=errors or ({} if report else {"quarter": "季度应形如 2026-Q3"}),
                           result=report_result), status


@bp.get("/reports/<quarter>.<fmt>")
@login_required()
def report_file(quarter: str, fmt: str):
    if fmt not in ("pdf", "xlsx"):
        abort(404)
    return _download(api("assessment", "GET", f"/api/reports/{quarter}", params={"format": fmt}))


@bp.post("/reports/<quarter>/third-party")
@login_required("joint_office", "admin")
def third_party(quarter: str):
    upload = request.files.get("file")
    if not upload or not upload.filename:
        return reports(errors={"file": "请选择 CSV 或 XLSX 文件"}, status=422)
    r = api("assessment", "POST", f"/api/reports/{quarter}/third-party",
            files={"file": (upload.filename, upload.read(), upload.mimetype)})
    if r.status_code == 200:
        return reports(report_result=r.json())
    errors, message = problem_of(r)
    return reports(errors=errors or {"file": message}, status=422)


@bp.route("/rules", methods=["GET", "POST"])
@login_required()
def rules():
    current = get_json("assessment", "/api/rules", {})
    if request.method == "GET":
        return render_template("assessment/rules.html", rules=current, errors={}, office=bool(roles() & OFFICE),
                               indicator_order=INDICATOR_ORDER)
    if not roles() & OFFICE:
        abort(403)
    weights = {k: request.form[f"weight_{k}"] for k in INDICATOR_ORDER if f"weight_{k}" in request.form}  # left out: the API's default
    body = {"weights": weights, "return_penalty": request.form.get("return_penalty", ""),
            "dormant_days": request.form.get("dormant_days", ""),
            "unanswered_months": request.form.get("unanswered_months", ""),
            "commend_top": request.form.get("commend_top", "")}
    r = api("assessment", "PUT", "/api/rules", json=body)
    if r.status_code == 200:
        return render_template("assessment/rules.html", rules=r.json(), errors={}, office=True, saved=True,
                               indicator_order=INDICATOR_ORDER)
    errors, message = problem_of(r)
    return form_again("assessment/rules.html", 422, rules={**current, "weights": {**current.get("weights", {}), **weights}}, errors=errors,
                      message=message, office=True, indicator_order=INDICATOR_ORDER)
