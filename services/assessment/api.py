"""The assessment service's HTTP API."""
from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from contextlib import nullcontext

import peewee
from flask import send_file
from flask_smorest import abort

from govmb.account_copy import account_rows_in_sight, runs_row
from govmb.audit_api import audit_blueprint
from govmb.auth import UNIT_STAFF, account_row_or_404, current_identity, in_sight, requires, under, visible_or_404
from govmb.copies_api import accounts_blueprint, units_blueprint
from govmb.locales import recorded
from govmb.messages import N_, said
from govmb.paging import Blueprint, ListQuerySchema, narrowed, page, sorted_by
from govmb.timefmt import beijing_today, stored, utcnow
from govmb.todo_api import todo_blueprint
from services.assessment import (
    annual,
    annual_entries,
    annual_report,
    archive,
    bulletins,
    coverage,
    dormancy,
    early_warning,
    followers,
    incidents,
    inspections,
    narratives,
    records,
    reports,
    roster,
    todo,
    training,
)
from services.assessment import rules as rules_
from services.assessment.duty import duty_log
from services.assessment.early_warning import early_warnings
from services.assessment.figures import Period, beijing_midnight, default_asof
from services.assessment.models import (
    Account,
    Archive,
    Bulletin,
    DormancyOrder,
    DutyShift,
    FollowerCount,
    Inspection,
    NarrativeReport,
    SecurityIncident,
    Unit,
    audit,
)
from services.assessment.schemas import (
    AnnualEntryOutSchema,
    AnnualEntrySchema,
    AnnualFormSchema,
    AnnualReportQuerySchema,
    ArchiveCheckSchema,
    ArchiveQuerySchema,
    ArchiveSchema,
    AssessmentSchema,
    AssessQuerySchema,
    AttendeesInSchema,
    BulletinDraftSchema,
    BulletinEditSchema,
    BulletinQuerySchema,
    BulletinRowSchema,
    BulletinSchema,
    CompiledQuerySchema,
    CoverageQuerySchema,
    CoverageSchema,
    CoverageUnitSchema,
    DormancyAnswerSchema,
    DormancyClosureSchema,
    DormancyCountSchema,
    DormancyOrderInSchema,
    DormancyOrderQuerySchema,
    DormancyOrderSchema,
    DormancyReviewSchema,
    DormantQuerySchema,
    DormantSchema,
    DutyLogSchema,
    DutyQuerySchema,
    FigureRecordSchema,
    FixReportSchema,
    FixReviewSchema,
    FollowerImportSchema,
    FollowerInSchema,
    FollowerQuerySchema,
    FollowerSchema,
    GapSchema,
    ImportFileSchema,
    IncidentInSchema,
    IncidentQuerySchema,
    IncidentSchema,
    IncidentUpdateSchema,
    IndicatorTableSchema,
    InspectionInSchema,
    InspectionQuerySchema,
    InspectionSchema,
    MonthFiledSchema,
    MonthSchema,
    NarrativeFilesSchema,
    NarrativeInSchema,
    NarrativeQuerySchema,
    NarrativeSchema,
    NarrativeSummarySchema,
    NarrativeUnitSchema,
    NarrativeUnitsQuerySchema,
    OnDutySchema,
    QuarterlyReportSchema,
    QuarterSchema,
    RecordsQuerySchema,
    ReportQuerySchema,
    RosterUnitSchema,
    RulesAnswerSchema,
    ShiftInSchema,
    ShiftQuerySchema,
    ShiftSchema,
    ThirdPartyImportSchema,
    TrainingExportSchema,
    TrainingInSchema,
    TrainingRecordSchema,
    TrainingSessionSchema,
    TrainingYearSchema,
    UncheckedAccountSchema,
    WarningQuerySchema,
    WarningSchema,
    WarningSummaryQuerySchema,
    WarningSummarySchema,
)

OFFICE = ("joint_office", "admin")

assessment = Blueprint("assessment", __name__, url_prefix="/api", description="考核：指标、单项否决、排名、预警与规则")
archives = Blueprint("archives", __name__, url_prefix="/api/archives", description="月度归档（打印件，不可更改）")
quarterly = Blueprint("reports", __name__, url_prefix="/api/reports", description="季度报告与第三方评估")


def _period(text: str) -> Period:
    try:
        return Period.parse(text)
    except ValueError:
        abort(422, errors={"period": ["期间应为年（2026）、季度（2026-Q3）或月份（2026-10）"]})


def _quarter(text: str) -> Period:
    if not re.fullmatch(r"\d{4}-Q[1-4]", text):
        abort(422, errors={"quarter": ["季度应形如 2026-Q3"]})
    return Period.parse(text)


# What no file name may hold: a path separator, a line break (a header would break), a quote, or
# what Windows refuses, also where a compatibility form turns into one (＼ and ／ become \ and /
# in the ASCII name beside the UTF-8 one).
_UNSAFE_IN_NAMES = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')


def _download(content: bytes, mimetype: str, name: str):
    """A file to download, its name (a unit's name in it may hold anything) made safe to save."""
    name = "".join("_" if _UNSAFE_IN_NAMES.search(unicodedata.normalize("NFKD", c)) else c for c in name)
    return send_file(io.BytesIO(content), mimetype=mimetype, as_attachment=True,
                     download_name=name.lstrip(". ") or "download")


def _exported(action: str, subject_type: str, subject_id, unit_path: str, detail: str, name: str = "") -> None:
    """An export of assessment data in the audit trail (docs/audit.md), before the file goes out:
    if the row cannot be written, nothing is handed over."""
    with audit.db.atomic():
        audit.record(current_identity(), action, subject_type, subject_id, unit_path, detail, name)


def _asof(args: dict) -> dt.datetime | None:
    return args["asof"].astimezone(dt.timezone.utc) if args.get("asof") else None


def _unit_in_sight(unit_id: int) -> Unit:
    unit = Unit.get_or_none(Unit.id == unit_id)
    if unit is None or not current_identity().may_see(unit.path):
        abort(404, message=said("单位 {id} 不存在或不在您的管辖范围内", id=unit_id))
    return unit


def _in_sight(rows: list[dict], path_of) -> list[dict]:
    who = current_identity()
    return [r for r in rows if who.may_see(path_of(r))]


@assessment.route("/assessment/<period>")
@requires()
@assessment.arguments(AssessQuerySchema, location="query")
@assessment.response(200, AssessmentSchema)
def assess(args, period):
    """年度（或季度、月度）考核：各单位和账号的指标、得分、单项否决、等次、排名，拟通报和拟表扬的单位；
    unit_id：只看该单位及其下级单位；accounts=false：不列各账号；counts=false：单位行不带计数和分项得分；
    recent=true：最近一次统计的结果（看板用）"""
    p, who = _period(period), current_identity()
    # a unit is assessed among the units of the view: the whole city for the office, else the caller's own tree
    within = _unit_in_sight(args["unit_id"]).path if "unit_id" in args else "" if who.sees_all else who.unit_path
    result = annual.assess(p, _asof(args), within, recent=args["recent"], accounts=args["accounts"])
    result["units"] = _in_sight(result["units"], lambda u: u["path"])
    if not args["counts"]:
        result["units"] = [{k: v for k, v in u.items() if k not in ("counts", "points")} for u in result["units"]]
    result["accounts"] = _in_sight(result["accounts"], lambda a: a["unit_path"]) if args["accounts"] else []
    seen = {u["unit_id"] for u in result["units"]}
    result["named"] = [n for n in result["named"] if n["unit_id"] in seen]
    result["commended"] = [n for n in result["commended"] if n["unit_id"] in seen]
    return result


@assessment.route("/assessment/<period>/records")
@requires()
@assessment.arguments(RecordsQuerySchema, location="query")
@assessment.response(200, FigureRecordSchema(many=True))
@assessment.paginate()
def figure_records(args, period, pagination_parameters):
    """某项指标背后的记录（留言、稿件、月度数据、统一口径、转办），可逐条核对，分页"""
    p = _period(period)
    _unit_in_sight(args["unit_id"])
    rows = records.records(args["kind"], p, _asof(args) or default_asof(p), args["unit_id"], args["account_id"],
                           rules_.current()["unanswered_months"])
    return _records_page(rows, pagination_parameters)


def _records_page(rows: records.Rows, params) -> list[dict]:
    """One page of the records, setting the pagination's count on `params`, each with its
    account's name beside its number (one query for the page's accounts)."""
    if rows.shown is None:
        params.item_count = len(rows.query)
        shown = rows.query[params.first_item:params.first_item + params.page_size]
    else:
        shown = [rows.shown(r) for r in page(rows.query, params)]
    ids = {r["account_id"] for r in shown if r.get("account_id")}
    names = dict(Account.select(Account.id, Account.name).where(Account.id.in_(list(ids))).tuples()) if ids else {}
    return [{**r, "account_name": names.get(r["account_id"], "")} if "account_id" in r else r for r in shown]


@assessment.route("/warnings")
@requires()
@assessment.arguments(WarningQuerySchema, location="query")
@assessment.response(200, WarningSchema(many=True))
@assessment.paginate()
def warnings(args, pagination_parameters):
    """预警：即将触发单项否决（两周未更新、留言超过3个月未回复）或完不成月度指标的账号，最紧急的在前，分页；
    可按单位（含下级）、类别、级别筛选。由定时任务每两分钟统计一次（概况中的 asof 为统计时间）"""
    narrow = _warnings_view(args)
    run = early_warning.kept_run()
    if run is not None:
        return [early_warning.shown(w) for w in page(early_warning.kept(run, narrow, args.get("kind"), args.get("level")),
                                                    pagination_parameters)]
    rows = [w for w in early_warnings(utcnow().replace(tzinfo=dt.timezone.utc), rules_.current(), narrow)
            if w["kind"] == args.get("kind", w["kind"]) and w["level"] == args.get("level", w["level"])]
    pagination_parameters.item_count = len(rows)
    start = pagination_parameters.first_item
    return [early_warning.shown(w) for w in rows[start:start + pagination_parameters.page_size]]


@assessment.route("/warnings/summary")
@requires()
@assessment.arguments(WarningSummaryQuerySchema, location="query")
@assessment.response(200, WarningSummarySchema)
def warnings_summary(args):
    """预警概况（看板用）：共有多少条、各类多少条、各级多少条，及最紧急的若干条；unit_id：只看该单位及其下级；
    asof：统计时间"""
    return early_warning.summary(utcnow().replace(tzinfo=dt.timezone.utc), rules_.current(), _warnings_view(args),
                                 args["first"])


def _warnings_view(args: dict):
    """The narrowing of a warnings query to the units asked for (in sight), else to all in sight."""
    within = _unit_in_sight(args["unit_id"]).path if "unit_id" in args else ""
    return (lambda query, field: query.where(under(field, within))) if within else in_sight


@assessment.route("/rules")
@requires()
@assessment.response(200, RulesAnswerSchema)
def get_rules():
    """考核的权重与阈值（默认值取自两部规定，联席会议办公室可修改）"""
    return {**rules_.current(), "indicators": rules_.INDICATORS}


@assessment.route("/rules", methods=["PUT"])
@requires(*OFFICE)
@assessment.arguments(rules_.RulesSchema)
@assessment.response(200, RulesAnswerSchema)
def put_rules(data):
    """修改考核的权重与阈值（只改提交的项；权重之和须为 100）"""
    return {**rules_.save(data, current_identity().name), "indicators": rules_.INDICATORS}


@assessment.route("/duty-log")
@requires()
@assessment.arguments(DutyQuerySchema, location="query")
@assessment.response(200, DutyLogSchema)
def get_duty_log(args):
    """值班日志：账号每天的发布、回复、网民转发和评论、正负面比例、问题通报、粉丝数，以及负面趋势"""
    account = visible_or_404(Account, args["account_id"], "账号")
    try:
        return duty_log(account, args["start"], args["end"])
    except ValueError as exc:
        abort(422, errors={"to": [str(exc)]})


@archives.route("")
@requires()
@archives.arguments(ArchiveQuerySchema, location="query")
@archives.response(200, ArchiveSchema(many=True))
@archives.paginate()
def list_archives(args, pagination_parameters):
    """月度归档（本单位及下级单位；联席会议办公室可见全部），默认新的月份在前，可按月份（month）、单位名称（unit）
    排序，分页；可按月份、单位（含下级）筛选，按单位名称搜索"""
    query = in_sight(Archive.select(Archive.id, Archive.unit_id, Archive.unit_name, Archive.month, Archive.sha256,
                                    Archive.chain, Archive.summary, Archive.created_at), Archive.unit_path)
    query = narrowed(query, args, unit_model=Unit, path_field=Archive.unit_path, unit_field=Archive.unit_id,
                     search=Archive.unit_name)
    if args["month"]:
        query = query.where(Archive.month == args["month"])
    query = sorted_by(query, args["sort"], {"month": (Archive.month,), "unit": (Archive.unit_name, Archive.month)},
                      Archive.id)
    return page(query, pagination_parameters)


@archives.route("", methods=["POST"])
@requires(*OFFICE)
@archives.arguments(MonthSchema)
@archives.response(201, MonthFiledSchema)
def file_month(data):
    """为已结束的月份补做归档（每月1日由后台自动归档；已归档的单位不重复、不覆盖）"""
    try:
        return {"month": data["month"], "filed": archive.build_month(data["month"])}
    except ValueError as exc:
        abort(422, errors={"month": [str(exc)]})


def _archive(archive_id: int) -> Archive:
    return visible_or_404(Archive, archive_id, "归档")


@archives.route("/<int:archive_id>/pdf")
@requires()
@archives.doc(responses={200: {"description": "归档文件（PDF）", "content": {"application/pdf": {}}}})
def archive_pdf(archive_id):
    """下载归档文件（PDF）；每次下载记入审计日志"""
    found = _archive(archive_id)
    _exported("archive.export", "archive", found.id, found.unit_path, N_("{unit} {month} 月度归档（PDF）").format(
                  unit=found.unit_name, month=found.month),
              f"{found.unit_name} {found.month}")
    return _download(bytes(found.pdf), "application/pdf", said("{unit}-{month}-月度归档.pdf", unit=found.unit_name, month=found.month))


@archives.route("/<int:archive_id>/verify")
@requires()
@archives.response(200, ArchiveCheckSchema)
def verify_archive(archive_id):
    """核验归档：文件的哈希值与归档时一致，且与上一份归档的链值相连"""
    return archive.verify(_archive(archive_id))


@quarterly.route("/<quarter>")
@requires()
@quarterly.arguments(ReportQuerySchema, location="query")
@quarterly.doc(responses={200: {"description": "季度报告（JSON、PDF 或 XLSX）", "content": {
    "application/json": {"schema": QuarterlyReportSchema}, "application/pdf": {},
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}}}})
def quarterly_report(args, quarter):
    """季度报告：各单位的统计和网民反映，附第三方评估；format=pdf 或 xlsx 下载（每次下载记入审计日志）"""
    _quarter(quarter)
    who = current_identity()
    if args["unit_id"]:
        unit = _unit_in_sight(args["unit_id"])
        paths, scope = [unit.path], unit.name
    else:
        paths, scope = (None, "全市") if who.sees_all else ([who.unit_path], "本单位及下级单位")
    with _document_language(args["format"]):
        report = reports.quarterly(quarter, paths)
        title = said("{scope}政务微博季度报告", scope=scope)
    if args["format"] in ("pdf", "xlsx"):
        _exported("report.export", "report", quarter, paths[0] if paths else "/",
                  f"{title}（{args['format'].upper()}）", f"{quarter} {scope}")
    if args["format"] == "pdf":
        return _download(reports.pdf(report, title), "application/pdf", f"{title}-{quarter}.pdf")
    if args["format"] == "xlsx":
        return _download(reports.xlsx(report), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                         f"{title}-{quarter}.xlsx")
    return {**report, "title": title}


def _document_language(fmt: str):
    """A document's figures and title are in Chinese, the record's language (govmb.locales.recorded);
    the JSON answer is in the reader's."""
    return recorded() if fmt in ("pdf", "xlsx") else nullcontext()


@quarterly.route("/<quarter>/third-party", methods=["POST"])
@requires(*OFFICE)
@quarterly.arguments(ImportFileSchema, location="files")
@quarterly.response(200, ThirdPartyImportSchema)
def import_third_party(files, quarter):
    """导入第三方评估结果（CSV 或 XLSX：单位或单位编号、评估机构、得分、备注）；错误的行逐行报告"""
    _quarter(quarter)
    upload = files["file"]
    try:
        return reports.import_third_party(quarter, upload.filename or "", upload.read(), current_identity())
    except reports.ImportRefused as exc:
        abort(422, errors={"file": [str(exc)]})


# --- inspections, training, roster, followers ---

inspections_bp = Blueprint("inspections", __name__, url_prefix="/api/inspections",
                           description="督查检查与整改（N19）：检查、发现的问题、整改要求与期限、整改报告与验收")


def _inspection_in_sight(inspection_id: int) -> Inspection:
    return visible_or_404(Inspection, inspection_id, "检查记录")


@inspections_bp.route("")
@requires()
@inspections_bp.arguments(InspectionQuerySchema, location="query")
@inspections_bp.response(200, InspectionSchema(many=True))
@inspections_bp.paginate()
def list_inspections(args, pagination_parameters):
    """本单位及下级单位的检查（督查、联席会议办公室：全市），默认（urgency）整改逾期的在前，再是待整改的，
    各按整改期限；可按检查日期（inspected）、整改期限（fix_by）排序，分页；overdue=true 只看逾期的；
    可按状态、单位（含下级）、检查日期筛选，按检查内容搜索"""
    today = beijing_today()
    query = narrowed(in_sight(Inspection.select(), Inspection.unit_path), args, unit_model=Unit,
                     path_field=Inspection.unit_path, unit_field=Inspection.unit_id, at=Inspection.inspected_on,
                     search=Inspection.checked)
    if args["overdue"]:
        query = query.where(inspections.overdue_clause(today))
    if "status" in args:
        query = query.where(Inspection.status == args["status"])
    overdue_first = peewee.Case(None, [(inspections.overdue_clause(today), 0)], 1)
    owed_first = peewee.Case(None, [(Inspection.status.in_(inspections.OWED), 0)], 1)
    query = sorted_by(query, args["sort"], {"urgency": (overdue_first, owed_first, Inspection.fix_by),
                                            "inspected": (Inspection.inspected_on,), "fix_by": (Inspection.fix_by,)},
                      Inspection.id)
    rows = page(query, pagination_parameters)
    names = inspections.unit_names(r.unit_id for r in rows)
    return [inspections.shown(r, today, names) for r in rows]


@inspections_bp.route("", methods=["POST"])
@requires(*inspections.INSPECTORS)
@inspections_bp.arguments(InspectionInSchema)
@inspections_bp.response(201, InspectionSchema)
def record_inspection(data):
    """记录一次检查：检查日期、检查内容、发现的问题、整改要求、整改期限（督查、联席会议办公室）"""
    return inspections.shown(inspections.record(data, current_identity()), with_steps=True)


@inspections_bp.route("/<int:inspection_id>")
@requires()
@inspections_bp.response(200, InspectionSchema)
def get_inspection(inspection_id):
    """一次检查及其每一步（检查、整改报告、验收）"""
    return inspections.shown(_inspection_in_sight(inspection_id), with_steps=True)


@inspections_bp.route("/<int:inspection_id>/report", methods=["POST"])
@requires(*UNIT_STAFF)
@inspections_bp.arguments(FixReportSchema)
@inspections_bp.response(200, InspectionSchema)
def report_fix(data, inspection_id):
    """被检查单位报告整改情况和完成日期（验收不通过后可再次报告）"""
    inspection = inspections.report(_inspection_in_sight(inspection_id), data["text"], data["fixed_on"],
                                    current_identity())
    return inspections.shown(inspection, with_steps=True)


@inspections_bp.route("/<int:inspection_id>/review", methods=["POST"])
@requires(*inspections.INSPECTORS)
@inspections_bp.arguments(FixReviewSchema)
@inspections_bp.response(200, InspectionSchema)
def review_fix(data, inspection_id):
    """验收整改：通过，或写明意见不通过"""
    inspection = inspections.review(_inspection_in_sight(inspection_id), data["accept"], data["comment"],
                                    current_identity())
    return inspections.shown(inspection, with_steps=True)


@inspections_bp.route("/indicators")
@requires()
@inspections_bp.response(200, IndicatorTableSchema)
def inspection_indicators():
    """国办秘函〔2019〕19号的扣分指标及各自的标准扣分（数据文件注明来源）：记录检查时为每条问题选择"""
    table = inspections.indicator_table()
    return {**table, "indicators": list(table["indicators"].values())}


def _coverage_quarter(args: dict) -> Period:
    if args.get("quarter"):
        return Period.parse(args["quarter"])
    today = beijing_today()
    return Period.parse(f"{today.year}-Q{(today.month - 1) // 3 + 1}")


def _coverage_sight(args: dict):
    """The caller's units, or the unit asked for and those below it."""
    if "unit_id" in args:
        path = _unit_in_sight(args["unit_id"]).path
        return lambda query, field: in_sight(query, field).where(under(field, path))
    return in_sight


@inspections_bp.route("/coverage")
@requires()
@inspections_bp.arguments(CoverageQuerySchema, location="query")
@inspections_bp.response(200, CoverageSchema)
def inspection_coverage(args):
    """季度检查覆盖率（19号：每个正常运行的账号每季度至少检查一次）：应检查、已检查、未检查的账号数和覆盖率"""
    return coverage.summary(_coverage_quarter(args), _coverage_sight(args))


@inspections_bp.route("/coverage/units")
@requires()
@inspections_bp.arguments(CoverageQuerySchema, location="query")
@inspections_bp.response(200, CoverageUnitSchema(many=True))
@inspections_bp.paginate()
def inspection_coverage_units(args, pagination_parameters):
    """各单位本季度的检查覆盖率，覆盖率低的在前，分页"""
    rows = page(coverage.by_unit(_coverage_quarter(args), _coverage_sight(args)), pagination_parameters)
    names = inspections.unit_names(r.unit_id for r in rows)
    return [coverage.unit_row(r, names) for r in rows]


@inspections_bp.route("/coverage/unchecked")
@requires()
@inspections_bp.arguments(CoverageQuerySchema, location="query")
@inspections_bp.response(200, UncheckedAccountSchema(many=True))
@inspections_bp.paginate()
def inspection_coverage_unchecked(args, pagination_parameters):
    """本季度尚未被任何检查登记的账号，按单位，分页"""
    rows = page(coverage.unchecked(_coverage_quarter(args), _coverage_sight(args)), pagination_parameters)
    names = inspections.unit_names(r.unit_id for r in rows)
    return [{"id": r.id, "name": r.name, "unit_id": r.unit_id, "unit_name": names.get(r.unit_id, "")} for r in rows]


incidents_bp = Blueprint("incidents", __name__, url_prefix="/api/incidents",
                         description="安全事件登记（X24；19号单项否决 G19.3）：账号被盗用、泄密、严重表述错误等")


@incidents_bp.route("")
@requires()
@incidents_bp.arguments(IncidentQuerySchema, location="query")
@incidents_bp.response(200, IncidentSchema(many=True))
@incidents_bp.paginate()
def list_incidents(args, pagination_parameters):
    """本单位及下级单位的安全事件（联席会议办公室、督查：全市），新发现的在前，分页；可按类型、单位、
    发现日期筛选，按账号名称搜索；open=true 只看尚未处置或尚未报告的"""
    query = narrowed(account_rows_in_sight(SecurityIncident.select(), SecurityIncident, Account, current_identity()), args, unit_model=Unit,
                     path_field=SecurityIncident.unit_path, unit_field=SecurityIncident.unit_id,
                     at=SecurityIncident.found_at, search=SecurityIncident.account_name)
    if "kind" in args:
        query = query.where(SecurityIncident.kind == args["kind"])
    if args["open"]:
        query = query.where(SecurityIncident.handled_at.is_null() | SecurityIncident.reported_at.is_null())
    rows = page(query.order_by(SecurityIncident.found_at.desc(), SecurityIncident.id.desc()), pagination_parameters)
    names = incidents.unit_names(r.unit_id for r in rows)
    return [incidents.shown(r, names) for r in rows]


@incidents_bp.route("", methods=["POST"])
@requires(*UNIT_STAFF, *incidents.OFFICE)
@incidents_bp.arguments(IncidentInSchema)
@incidents_bp.response(201, IncidentSchema)
def record_incident(data):
    """登记一起安全事件：账号、类型、经过、发现时间，以及（已有的）处置时间、报告时间和对象、采取的措施
    （账号所属单位或联席会议办公室）"""
    return incidents.shown(incidents.record(data, current_identity()))


@incidents_bp.route("/<int:incident_id>")
@requires()
@incidents_bp.response(200, IncidentSchema)
def get_incident(incident_id):
    """一起安全事件"""
    return _incident_shown(account_row_or_404(SecurityIncident, incident_id, "安全事件", Account))


@incidents_bp.route("/<int:incident_id>", methods=["PATCH"])
@requires(*UNIT_STAFF, *incidents.OFFICE)
@incidents_bp.arguments(IncidentUpdateSchema)
@incidents_bp.response(200, IncidentSchema)
def update_incident(data, incident_id):
    """补充处置时间、报告时间和对象、采取的措施（类型、账号和发现时间不可改：单项否决以此为据）"""
    incident = account_row_or_404(SecurityIncident, incident_id, "安全事件", Account)
    return _incident_shown(incidents.update(incident, data, current_identity()))


def _incident_shown(incident: SecurityIncident) -> SecurityIncident:
    incident.runs = runs_row(Account, incident, current_identity())
    return incidents.shown(incident)


training_bp = Blueprint("training", __name__, url_prefix="/api/training",
                        description="培训登记（N21、X29、X30）：授课培训、经验交流座谈会、参训人员、各单位年度情况")


def _year(args: dict) -> int:
    return args.get("year") or beijing_today().year


@training_bp.route("/sessions")
@requires()
@training_bp.arguments(TrainingYearSchema, location="query")
@training_bp.response(200, TrainingSessionSchema(many=True))
def list_training(args):
    """一年的培训（默认今年）：全市角色看全部；单位看本单位及下级单位受邀或参加的"""
    who = current_identity()
    return training.shown(training.sessions(who, _year(args)), who)


@training_bp.route("/sessions", methods=["POST"])
@requires(*training.RECORDERS)
@training_bp.arguments(TrainingInSchema)
@training_bp.response(201, TrainingSessionSchema)
def record_training(data):
    """登记一次授课培训或经验交流座谈会，及授课人、邀请单位、参训人员：联席会议办公室登记的为全市培训；
    单位工作人员登记的为本单位自行组织的培训（邀请单位、参训人员限本单位及下级单位）"""
    who = current_identity()
    return training.shown_one(training.create(data, who), who)


@training_bp.route("/sessions/<int:session_id>")
@requires()
@training_bp.response(200, TrainingSessionSchema)
def get_training(session_id):
    who = current_identity()
    return training.shown_one(training.visible(session_id, who), who)


@training_bp.route("/sessions/<int:session_id>/attendees", methods=["POST"])
@requires(*training.RECORDERS)
@training_bp.arguments(AttendeesInSchema)
@training_bp.response(200, TrainingSessionSchema)
def add_attendees(data, session_id):
    """登记参训人员（全部登记或全部不登记；同一人同一场只登记一次）；由组织培训的单位登记"""
    who = current_identity()
    return training.shown_one(training.add_attendees(training.visible(session_id, who), data["attendees"], who), who)


@training_bp.route("/sessions/<int:session_id>/attendees/<int:attendee_id>", methods=["DELETE"])
@requires(*training.RECORDERS)
@training_bp.response(204)
def remove_attendee(session_id, attendee_id):
    """删除一条登记错的参训记录"""
    who = current_identity()
    training.remove_attendee(training.visible(session_id, who), attendee_id, who)


@training_bp.route("/record")
@requires()
@training_bp.arguments(TrainingYearSchema, location="query")
@training_bp.response(200, TrainingRecordSchema(many=True))
def training_record(args):
    """各单位一年的培训情况：受邀场次、参加场次、参训人次、人·学时、受邀未参加场次"""
    return training.record(current_identity(), _year(args), args.get("unit_id"))


@training_bp.route("/export")
@requires()
@training_bp.arguments(TrainingExportSchema, location="query")
@training_bp.doc(responses={"200": {"description": "培训登记表（CSV 为 UTF-8，带 BOM）", "content": {
    "text/csv": {}, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}}}})
def export_training(args):
    """导出一年的培训登记表（每个参训人次一行）；以 = + - @ 开头的文字前加 '，表格软件不会当作公式；每次导出记入审计日志"""
    who, year = current_identity(), _year(args)
    content, media, name = training.export(who, year, args["format"])
    _exported("training.export", "training", year, "/" if who.sees_all else who.unit_path,
              N_("{year} 年培训登记表（{fmt}）").format(year=year, fmt=args['format'].upper()),
              N_("{year}年").format(year=year))
    return _download(content, media, name)


roster_bp = Blueprint("roster", __name__, url_prefix="/api/roster",
                      description="24 小时值班表（X20.3）：班次、当前值班人、未来空档")


@roster_bp.route("/shifts")
@requires()
@roster_bp.arguments(ShiftQuerySchema, location="query")
@roster_bp.response(200, ShiftSchema(many=True))
@roster_bp.paginate()
def list_shifts(args, pagination_parameters):
    """一个单位（默认本单位）自某日（默认今天）零时起若干天内的班次，北京时间，按开始时间，分页"""
    unit = roster.unit_in_sight(args.get("unit_id"), current_identity())
    start = stored(beijing_midnight(args["start"] or beijing_today()))
    query = roster.listing(unit, start, start + dt.timedelta(days=args["days"]), args.get("account_id"))
    return roster.named(page(query, pagination_parameters))


@roster_bp.route("/shifts", methods=["POST"])
@requires(*UNIT_STAFF)
@roster_bp.arguments(ShiftInSchema)
@roster_bp.response(201, ShiftSchema)
def add_shift(data):
    """排一个班次（本单位；指定账号或本单位）：结束须晚于开始，同一账号的班次不能重叠"""
    return roster.add(data, current_identity())


@roster_bp.route("/shifts/<int:shift_id>", methods=["DELETE"])
@requires(*UNIT_STAFF)
@roster_bp.response(204)
def remove_shift(shift_id):
    roster.remove(visible_or_404(DutyShift, shift_id, "班次"), current_identity())


@roster_bp.route("/now")
@requires()
@roster_bp.arguments(RosterUnitSchema, location="query")
@roster_bp.response(200, OnDutySchema)
def on_duty_now(args):
    """现在谁在值班：本单位的，以及每个运行中的账号的（账号自己的班次，否则本单位的）"""
    return roster.on_duty(roster.unit_in_sight(args.get("unit_id"), current_identity()))


@roster_bp.route("/gaps")
@requires()
@roster_bp.arguments(RosterUnitSchema, location="query")
@roster_bp.response(200, GapSchema(many=True))
def roster_gaps(args):
    """从现在起若干天（默认 7 天）内无人值班的时段，按账号"""
    return roster.gaps(roster.unit_in_sight(args.get("unit_id"), current_identity()), args["days"])


followers_bp = Blueprint("followers", __name__, url_prefix="/api/followers",
                         description="账号每日粉丝数（X20.3 值班日志）：录入与导入")


@followers_bp.route("")
@requires()
@followers_bp.arguments(FollowerQuerySchema, location="query")
@followers_bp.response(200, FollowerSchema(many=True))
@followers_bp.paginate()
def list_followers(args, pagination_parameters):
    """本单位及下级单位账号最近若干天（默认 30 天）的粉丝数，新的在前，分页；可按单位（含下级）、账号、
    日期筛选，按账号名称搜索"""
    today = beijing_today()
    query = followers.history(current_identity(), today - dt.timedelta(days=args["days"] - 1), today,
                              args.get("account_id"),
                              lambda q: narrowed(q, args, unit_model=Unit, path_field=Account.unit_path,
                                                 unit_field=Account.unit_id, at=FollowerCount.day, search=Account.name))
    return followers.shown(page(query, pagination_parameters))


@followers_bp.route("", methods=["POST"])
@requires(*UNIT_STAFF)
@followers_bp.arguments(FollowerInSchema)
@followers_bp.response(200, FollowerSchema)
def enter_followers(data):
    """录入本单位账号某日的粉丝数；同一账号同一天再次录入即替换，并记下由谁替换"""
    return followers.enter(data["account_id"], data["day"], data["followers"], current_identity())


@followers_bp.route("/import", methods=["POST"])
@requires(*UNIT_STAFF)
@followers_bp.arguments(ImportFileSchema, location="files")
@followers_bp.response(200, FollowerImportSchema)
def import_followers(files):
    """导入 CSV 或 XLSX（账号ID 或 账号、日期、粉丝数）：正确的行保存，错误的行按行号报告"""
    upload = files["file"]
    return followers.import_file(upload.filename or "", upload.read(), current_identity())


# --- supervisors' documents: the quarterly 检查情况通报, the annual 年度报表 ---

bulletins_bp = Blueprint("bulletins", __name__, url_prefix="/api/bulletins",
                         description="检查情况通报（公文）：按季度起草、修改、印发为 PDF（印发后不可更改）")


def _bulletin(bulletin_id: int) -> Bulletin:
    found = bulletins.visible(Bulletin.select().where(Bulletin.id == bulletin_id), current_identity()).first()
    if found is None:
        abort(404, message=said("通报 {id} 不存在", id=bulletin_id))
    return found


@bulletins_bp.route("")
@requires()
@bulletins_bp.arguments(BulletinQuerySchema, location="query")
@bulletins_bp.response(200, BulletinRowSchema(many=True))
@bulletins_bp.paginate()
def list_bulletins(args, pagination_parameters):
    """检查情况通报：督查、联席会议办公室看全部（含草稿），其他人看已印发的；默认文号新的在前，可按文号（number）、
    季度（quarter）排序，分页；可按状态、文号年份筛选，按标题搜索"""
    who = current_identity()
    query = bulletins.visible(Bulletin.select(*bulletins.LISTED), who)
    if "status" in args:
        query = query.where(Bulletin.status == args["status"])
    if "year" in args:
        query = query.where(Bulletin.year == args["year"])
    if args.get("q", "").strip():
        query = query.where(Bulletin.title.contains(args["q"].strip()))
    query = sorted_by(query, args["sort"], {"number": (Bulletin.year, Bulletin.prefix, Bulletin.serial),
                                            "quarter": (Bulletin.quarter,)}, Bulletin.id)
    return [bulletins.listed(b) for b in page(query, pagination_parameters)]


@bulletins_bp.route("", methods=["POST"])
@requires(*bulletins.DRAFTERS)
@bulletins_bp.arguments(BulletinDraftSchema)
@bulletins_bp.response(201, BulletinSchema)
def draft_bulletin(data):
    """起草一份季度检查情况通报：正文和附件（各单位检查和考核情况）按该季度的督查检查、整改和考核得分生成；
    文号默认取该代字本年的下一个顺序号（督查、联席会议办公室）"""
    who = current_identity()
    return bulletins.shown(bulletins.draft(data, who), who)


@bulletins_bp.route("/<int:bulletin_id>")
@requires()
@bulletins_bp.response(200, BulletinSchema)
def get_bulletin(bulletin_id):
    """一份通报（不含 PDF）"""
    return bulletins.shown(_bulletin(bulletin_id), current_identity())


@bulletins_bp.route("/<int:bulletin_id>", methods=["PATCH"])
@requires(*bulletins.DRAFTERS)
@bulletins_bp.arguments(BulletinEditSchema)
@bulletins_bp.response(200, BulletinSchema)
def edit_bulletin(data, bulletin_id):
    """修改草稿：发文机关标志、文号、标题、主送机关、正文、落款、成文日期（只改提交的项；已印发的不能改）"""
    who = current_identity()
    return bulletins.shown(bulletins.edit(_bulletin(bulletin_id), data, who), who)


@bulletins_bp.route("/<int:bulletin_id>/issue", methods=["POST"])
@requires(*bulletins.DRAFTERS)
@bulletins_bp.response(200, BulletinSchema)
def issue_bulletin(bulletin_id):
    """印发：定稿并生成 PDF（此后不可更改），记入审计日志"""
    who = current_identity()
    return bulletins.shown(bulletins.issue(_bulletin(bulletin_id), who), who)


@bulletins_bp.route("/<int:bulletin_id>/pdf")
@requires()
@bulletins_bp.doc(responses={200: {"description": "已印发的通报（PDF）", "content": {"application/pdf": {}}}})
def bulletin_pdf(bulletin_id):
    """下载已印发的通报（PDF）；草稿的预览由督查、联席会议办公室下载（标明为草稿的文号不变）；每次下载记入审计日志"""
    found = _bulletin(bulletin_id)
    content = bytes(found.pdf) if found.status == "issued" else bulletins.render(found)
    number = bulletins.number(found)
    _exported("bulletin.export", "bulletin", found.id, "/", said("{number}（PDF）", number=number), found.title)
    return _download(content, "application/pdf", f"{number}-{found.title}.pdf")


def _annual_year(year: int) -> None:
    if not 2004 <= year <= beijing_today().year:
        abort(422, errors={"year": [said("年份须在 2004 年至 {last} 年之间", last=beijing_today().year)]})


@quarterly.route("/annual/<int:year>/entries", methods=["PUT"])
@requires(*annual_entries.CITY_ENTERERS, *UNIT_STAFF)
@quarterly.arguments(AnnualEntrySchema)
@quarterly.response(200, AnnualEntryOutSchema)
def enter_annual(data, year):
    """填报年度报表中平台外的工作：征集调查期数、访谈期数、是否提供智能问答、安全检测评估次数（整数 0 至 100000）；
    联席会议办公室、督查填全市的（不填 unit_id），单位人员填本单位的；再次填报替换之前的，记入审计日志"""
    _annual_year(year)
    return annual_entries.shown(annual_entries.enter(year, data, current_identity(), data.get("unit_id")))


@quarterly.route("/annual/<int:year>")
@requires()
@quarterly.arguments(AnnualReportQuerySchema, location="query")
@quarterly.doc(responses={200: {"description": "政务新媒体工作年度报表（JSON、PDF 或 XLSX）", "content": {
    "application/json": {"schema": AnnualFormSchema}, "application/pdf": {},
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}}}})
def annual_form(args, year):
    """政务新媒体工作年度报表（国务院办公厅模板）：全市（或本单位及下级单位、所选单位）一年的账号、发布、留言办理、
    督查检查、考核和培训情况；format=pdf 或 xlsx 下载（每次下载记入审计日志）"""
    _annual_year(year)
    who = current_identity()
    if args["unit_id"]:
        unit = _unit_in_sight(args["unit_id"])
        within, scope, unit_id = unit.path, unit.name, unit.id
    elif who.sees_all:
        within, scope, unit_id = "", "", annual_entries.CITY
    else:
        within, scope, unit_id = who.unit_path, _unit_in_sight(who.unit_id).name, who.unit_id
    with _document_language(args["format"]):
        form = annual_report.figures(year, within, scope, unit_id)
    if args["format"] in ("pdf", "xlsx"):
        _exported("annual_report.export", "annual_report", year, within or "/",
                  said("{title}（{scope}，{format}）", title=form["title"], scope=form["scope"],
                       format=args["format"].upper()), f"{year} {form['scope']}")
    if args["format"] == "pdf":
        return _download(annual_report.pdf(form), "application/pdf", f"{form['title']}-{form['scope']}.pdf")
    if args["format"] == "xlsx":
        return _download(annual_report.xlsx(form), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                         f"{form['title']}-{form['scope']}.xlsx")
    return form


dormancy_bp = Blueprint("dormancy", __name__, url_prefix="/api/dormancy",
                        description="僵尸号（G123.4）：长期未更新或留言长期未回复的账号，整改通知、单位答复、审核、"
                                    "到期仍为僵尸号的责令关闭（登记中心据此开启关闭流程），各单位的统计")


@dormancy_bp.route("/accounts")
@requires()
@dormancy_bp.arguments(DormantQuerySchema, location="query")
@dormancy_bp.response(200, DormantSchema(many=True))
@dormancy_bp.paginate()
def list_dormant(args, pagination_parameters):
    """本单位及下级单位（联席会议办公室、督查：全市）运行中的僵尸号：超过规定天数（考核规则 dormant_days，默认14天）
    未发布，或有超过规定月数（unanswered_months，默认3个月）未回复的网民留言；默认未更新天数多的在前（sort=days
    少的在前，name 按账号名称），分页；可按单位（含下级）、类别筛选，按账号名称搜索"""
    limits = dormancy.Limits.now()
    query = narrowed(in_sight(dormancy.dormant(limits, args.get("kind")), Account.unit_path), args, unit_model=Unit,
                     path_field=Account.unit_path, unit_field=Account.unit_id, search=Account.name)
    if "account_id" in args:
        query = query.where(Account.id == args["account_id"])
    sort = {"days": "-since", "-days": "since"}.get(args["sort"], args["sort"])  # more days silent: an earlier day
    query = sorted_by(query, sort, {"since": (dormancy.SINCE,), "name": (Account.name,)}, Account.id)
    return dormancy.shown(page(query, pagination_parameters), limits)


def _order_in_sight(order_id: int) -> DormancyOrder:
    return account_row_or_404(DormancyOrder, order_id, "整改通知", Account)


def _shown_order(order: DormancyOrder) -> DormancyOrder:
    return dormancy.shown_order(order, current_identity(), with_steps=True)


@dormancy_bp.route("/orders")
@requires()
@dormancy_bp.arguments(DormancyOrderQuerySchema, location="query")
@dormancy_bp.response(200, DormancyOrderSchema(many=True))
@dormancy_bp.paginate()
def list_orders(args, pagination_parameters):
    """整改通知：本单位及下级单位的（联席会议办公室、督查：全市），默认新下发的在前（sort=deadline 按期限），分页；
    可按状态、单位（含下级）、账号、期限（from/to）筛选，只看期限已过尚未办结的（past_deadline），按账号名称搜索"""
    today = beijing_today()
    query = narrowed(account_rows_in_sight(DormancyOrder.select(), DormancyOrder, Account, current_identity()), args, unit_model=Unit,
                     path_field=DormancyOrder.unit_path, unit_field=DormancyOrder.unit_id, at=DormancyOrder.deadline,
                     search=DormancyOrder.account_name)
    for key, condition in (("status", lambda: DormancyOrder.status == args["status"]),
                           ("account_id", lambda: DormancyOrder.account_id == args["account_id"])):
        if key in args:
            query = query.where(condition())
    if args["past_deadline"]:
        query = query.where(DormancyOrder.status.in_(dormancy.OPEN), DormancyOrder.deadline < today)
    query = sorted_by(query, args["sort"], {"deadline": (DormancyOrder.deadline,), "issued": (DormancyOrder.id,)},
                      DormancyOrder.id)
    rows = page(query, pagination_parameters)
    names = inspections.unit_names(r.unit_id for r in rows)
    return [dormancy.shown_order(r, today=today, names=names) for r in rows]


@dormancy_bp.route("/orders", methods=["POST"])
@requires(*dormancy.ISSUERS)
@dormancy_bp.arguments(DormancyOrderInSchema)
@dormancy_bp.response(201, DormancyOrderSchema)
def issue_order(data):
    """向僵尸号所属单位下发整改通知：整改要求、期限（联席会议办公室、督查；一个账号同时只有一份未办结的）"""
    return _shown_order(dormancy.issue(data, current_identity()))


@dormancy_bp.route("/orders/<int:order_id>")
@requires()
@dormancy_bp.response(200, DormancyOrderSchema)
def get_order(order_id):
    """一份整改通知及其每一步（下发、答复、审核、责令关闭），和本人现在可办理的步骤"""
    return _shown_order(_order_in_sight(order_id))


@dormancy_bp.route("/orders/<int:order_id>/answer", methods=["POST"])
@requires(*UNIT_STAFF)
@dormancy_bp.arguments(DormancyAnswerSchema)
@dormancy_bp.response(200, DormancyOrderSchema)
def answer_order(data, order_id):
    """账号所属单位答复整改情况（未通过后可再次答复）；第一次答复是否在期限内计入统计"""
    return _shown_order(dormancy.take(_order_in_sight(order_id), "answer", data, current_identity()))


@dormancy_bp.route("/orders/<int:order_id>/review", methods=["POST"])
@requires(*dormancy.ISSUERS)
@dormancy_bp.arguments(DormancyReviewSchema)
@dormancy_bp.response(200, DormancyOrderSchema)
def review_order(data, order_id):
    """审核单位的答复：整改通过，或写明意见不通过（单位再次答复）"""
    action = "accept" if data["accept"] else "reject"
    return _shown_order(dormancy.take(_order_in_sight(order_id), action, data, current_identity()))


@dormancy_bp.route("/orders/<int:order_id>/closure", methods=["POST"])
@requires(*dormancy.ISSUERS)
@dormancy_bp.arguments(DormancyClosureSchema)
@dormancy_bp.response(200, DormancyOrderSchema)
def order_closure(data, order_id):
    """责令关闭：整改期限已过、账号仍为僵尸号时；登记中心据此开启该账号的关闭流程（记为由本人责令）"""
    return _shown_order(dormancy.take(_order_in_sight(order_id), "order_closure", data, current_identity()))


@dormancy_bp.route("/counts")
@requires()
@dormancy_bp.arguments(ListQuerySchema, location="query")
@dormancy_bp.response(200, DormancyCountSchema(many=True))
@dormancy_bp.paginate()
def order_counts(args, pagination_parameters):
    """各单位的整改通知统计：收到多少、按期答复多少、逾期答复多少、被责令关闭多少、未办结多少，按单位分页；
    可按单位（含下级）、整改期限（from/to）筛选"""
    query = narrowed(account_rows_in_sight(DormancyOrder.select(), DormancyOrder, Account, current_identity()), args, unit_model=Unit,
                     path_field=DormancyOrder.unit_path, unit_field=DormancyOrder.unit_id, at=DormancyOrder.deadline)
    grouped = dormancy.counts(query).order_by(DormancyOrder.unit_id)
    return dormancy.shown_counts(page(grouped, pagination_parameters))


narratives_bp = Blueprint("narratives", __name__, url_prefix="/api/narratives",
                          description="各单位季度简报、专报（N17、N18）：报送、附件、报送情况、汇编全市报告")


@narratives_bp.route("")
@requires()
@narratives_bp.arguments(NarrativeQuerySchema, location="query")
@narratives_bp.response(200, NarrativeSchema(many=True))
@narratives_bp.paginate()
def list_narratives(args, pagination_parameters):
    """本单位及下级单位报送的简报、专报（联席会议办公室、督查：全市），新的季度在前，分页；可按季度、单位（含下级）
    筛选，按标题搜索"""
    query = narrowed(narratives.listing(current_identity(), args["quarter"], None), args, unit_model=Unit,
                     path_field=NarrativeReport.unit_path, unit_field=NarrativeReport.unit_id,
                     search=NarrativeReport.title)
    return [narratives.shown(r) for r in page(query, pagination_parameters)]


@narratives_bp.route("", methods=["POST"])
@requires(*UNIT_STAFF)
@narratives_bp.arguments(NarrativeInSchema, location="form")
@narratives_bp.arguments(NarrativeFilesSchema, location="files")
@narratives_bp.response(201, NarrativeSchema)
def submit_narrative(data, files):
    """报送本单位一个季度的简报或专报（multipart：标题、正文、附件），本单位本季度的数据自动附上；每季度一份，
    报送后不再修改"""
    uploads = [(f.filename or "", f.read(narratives.MAX_FILE_BYTES + 1)) for f in files["files"]]
    return narratives.shown(narratives.submit(data, uploads, current_identity()), with_text=True)


@narratives_bp.route("/<int:report_id>")
@requires()
@narratives_bp.response(200, NarrativeSchema)
def get_narrative(report_id):
    """一份简报或专报：正文、所附数据、附件"""
    return narratives.shown(narratives.visible(report_id, current_identity()), with_text=True)


@narratives_bp.route("/<int:report_id>/attachments/<int:attachment_id>")
@requires()
@narratives_bp.doc(responses={200: {"description": "附件", "content": {"application/octet-stream": {}}}})
def narrative_attachment(report_id, attachment_id):
    """下载报告的一个附件（每次下载记入审计日志）"""
    report = narratives.visible(report_id, current_identity())
    found = narratives.attachment(report, attachment_id)
    _exported("narrative.download", "narrative_report", report.id, report.unit_path,
              said("{unit} {quarter} {title}：{name}", unit=report.unit_name, quarter=report.quarter,
                   title=report.title, name=found.name), found.name)
    return _download(bytes(found.content), found.media_type, found.name)


@narratives_bp.route("/units")
@requires()
@narratives_bp.arguments(NarrativeUnitsQuerySchema, location="query")
@narratives_bp.response(200, NarrativeUnitSchema(many=True))
@narratives_bp.paginate()
def narrative_units(args, pagination_parameters):
    """一个季度各单位（有运行中账号的单位）的报送情况，按单位顺序，分页；submitted=false 只看未报送的；
    可按单位（含下级）筛选，按单位名称搜索"""
    query = narrowed(narratives.units(current_identity(), args["quarter"], args["submitted"]), args, unit_model=Unit,
                     path_field=Unit.path, unit_field=Unit.id, search=Unit.name)
    return [narratives.unit_row(r, args["quarter"]) for r in page(query, pagination_parameters)]


@narratives_bp.route("/summary")
@requires()
@narratives_bp.arguments(QuarterSchema, location="query")
@narratives_bp.response(200, NarrativeSummarySchema)
def narrative_summary(args):
    """一个季度的报送概况：应报、已报、未报、逾期报送的单位数，报送期限"""
    return narratives.summary(current_identity(), args["quarter"])


@narratives_bp.route("/compiled")
@requires()
@narratives_bp.arguments(CompiledQuerySchema, location="query")
@narratives_bp.doc(responses={200: {"description": "汇编的季度工作报告（PDF）或报送概况（JSON）", "content": {
    "application/json": {"schema": NarrativeSummarySchema}, "application/pdf": {}}}})
def compiled_report(args):
    """汇编全市（或本单位及下级单位）的季度工作报告供领导阅示：全市数据，再按单位顺序收录各单位的简报、专报，
    最后列出未报送的单位；format=pdf 下载（每次下载记入审计日志）"""
    who, quarter = current_identity(), args["quarter"]
    own = None if who.sees_all else Unit.get_or_none(Unit.id == who.unit_id)
    scope, paths = ("全市", None) if who.sees_all else (own.name if own else "本单位", [who.unit_path])
    if args["format"] != "pdf":
        return {**narratives.summary(who, quarter), "scope": scope}
    _exported("narrative.compile", "narrative_report", quarter, paths[0] if paths else "/",
              said("{scope} {quarter} 季度工作报告（PDF）", scope=scope, quarter=quarter), f"{quarter} {scope}")
    return _download(narratives.compiled_pdf(who, quarter, scope, paths), "application/pdf",
                     said("{scope}政务微博季度工作报告-{quarter}.pdf", scope=scope, quarter=quarter))


BLUEPRINTS = [units_blueprint(Unit), accounts_blueprint(Account, Unit), assessment, archives, quarterly,
              inspections_bp, incidents_bp, dormancy_bp, training_bp, roster_bp, followers_bp, bulletins_bp, narratives_bp,
              audit_blueprint(audit),
              todo_blueprint(todo.waiting, "fixes（督查整改待完成，按整改期限）、fixes_to_review（整改报告待验收）、"
                             "fixes_overdue（督查整改逾期，上报联席会议办公室）、shifts（今日值班）、"
                             "dormancy_orders（僵尸号整改通知待答复，按期限）、dormancy_answers（僵尸号整改答复待审核）、"
                             "dormancy_due（僵尸号整改期限已过待处理）、narrative_report（季度简报、专报待报送）")]
