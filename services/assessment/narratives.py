"""Units' quarterly narrative reports (N17, N18): each unit that runs an account submits its
简报 or 专报 for a quarter (title, text, a few attached files), with its figures for the quarter
attached as they stood at submission; the office sees which units have and have not submitted
(and is helped by a reminder before the deadline and a to-do for the units that have not), and
compiles the city's report for the leaders: the units' texts in the order of the unit tree, after
the city's figures, as a PDF.

A quarter's report is due by the DEADLINE_DAYS-th day after the quarter ends. A unit submits one
report per quarter; a report is not edited afterwards (what the leaders read is what the unit
sent). The files are kept in the assessment database (the product has no file store): at most
MAX_FILES of at most MAX_FILE_BYTES each (govmb.tables.MAX_BYTES, the imports' limit), of the
types people send a report in."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import PurePath

import peewee

from govmb import tables
from govmb.domain import Conflict, Invalid, NotFound, Refused
from govmb.identity import UNIT_STAFF, Identity, in_sight
from govmb.locales import recorded
from govmb.messages import N_, said
from govmb.timefmt import beijing_today, to_beijing
from govmb.todo import end_of
from govmb.unit_copy import tree_order
from services.assessment import reports
from services.assessment.documents import Document
from services.assessment.figures import Period
from services.assessment.models import Account, NarrativeReport, ReportAttachment, Unit, audit, db

KINDS = {"brief": N_("简报"), "special": N_("专报")}
DEADLINE_DAYS = 10
REMIND_DAYS = 5  # the reminder goes out so many days before the deadline
MAX_FILES = 5
MAX_FILE_BYTES = tables.MAX_BYTES
FILE_TYPES = {".pdf": "application/pdf", ".doc": "application/msword",
              ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
              ".xls": "application/vnd.ms-excel",
              ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
              ".wps": "application/vnd.ms-works", ".ofd": "application/ofd", ".txt": "text/plain",
              ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}
FIGURE_NAMES = {key: title for key, title in reports.COLUMNS if key != "unit"}


def quarter_of(day: dt.date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def previous_quarter(day: dt.date) -> str:
    """The quarter before the one `day` is in: the one whose reports are being written."""
    return quarter_of(dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1) - dt.timedelta(days=1))


def deadline(quarter: str) -> dt.date:
    return Period.parse(quarter).end + dt.timedelta(days=DEADLINE_DAYS)


def reporting_units():
    """The ids of the units that report: those with an active account (a subquery)."""
    return Account.select(Account.unit_id).where(Account.status == "active", Account.kind != "private").distinct()


def _check_quarter(quarter: str) -> None:
    if Period.parse(quarter).start > beijing_today():
        raise Invalid("quarter", "该季度尚未开始，不能报送")


def _check_files(files: list[tuple[str, bytes]]) -> list[tuple[str, str, bytes]]:
    """(name, media type, content) of each file, or a 422 naming `files` and the file."""
    if len(files) > MAX_FILES:
        raise Invalid("files", said("附件至多 {n} 个", n=MAX_FILES))
    checked = []
    for name, content in files:
        base = PurePath((name or "").replace("\\", "/")).name.strip()[:120]
        media = FILE_TYPES.get(PurePath(base).suffix.lower())
        if not base or media is None:
            raise Invalid("files", said("“{name}”的类型不能作为附件（可用 PDF、Word、Excel、WPS、OFD、文本或图片）",
                                        name=base or "?"))
        if not content:
            raise Invalid("files", said("“{name}”是空文件", name=base))
        if len(content) > MAX_FILE_BYTES:  # read up to one byte more than the limit (api.py)
            raise Invalid("files", said("“{name}”过大：每个附件至多 {mb} MB", name=base,
                                        mb=MAX_FILE_BYTES // (1024 * 1024)))
        if not is_what_it_says(PurePath(base).suffix.lower(), content):
            raise Invalid("files", said("“{name}”的内容与其类型不符（例如改了扩展名的程序），不能作为附件", name=base))
        checked.append((base, media, content))
    return checked


# What each kind of file begins with: a file named .pdf that is a program is refused, since the
# office downloads and opens what units attach.
_OLE, _ZIP = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"PK\x03\x04"
SIGNATURES = {".pdf": (b"%PDF-",), ".doc": (_OLE,), ".xls": (_OLE,), ".wps": (_OLE,), ".docx": (_ZIP,),
              ".xlsx": (_ZIP,), ".ofd": (_ZIP,), ".jpg": (b"\xff\xd8\xff",), ".jpeg": (b"\xff\xd8\xff",),
              ".png": (b"\x89PNG\r\n\x1a\n",)}


def is_what_it_says(suffix: str, content: bytes) -> bool:
    """Does the content begin as files of its suffix do (a text: no NUL, UTF-8 or GB 18030)?"""
    if suffix == ".txt":
        if b"\x00" in content[:4096]:
            return False
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                content.decode(encoding)
                return True
            except UnicodeDecodeError:
                continue
        return False
    return content.startswith(SIGNATURES.get(suffix, (b"\x00\x00NEVER",)))


def figures_of(quarter: str, unit: Unit) -> dict:
    """The unit's figures for the quarter, as the quarterly report counts them now."""
    report = reports.quarterly(quarter, [unit.path])
    row = next((r for r in report["rows"] if r["unit_id"] == unit.id), None)
    return {"asof": report["asof"], "row": row and {k: row[k] for k in FIGURE_NAMES}}


def submit(data: dict, files: list[tuple[str, bytes]], who: Identity) -> NarrativeReport:
    """The caller's unit's report for a quarter, with its files and figures: once per quarter."""
    if not who.has(*UNIT_STAFF):
        raise Refused("季度简报、专报由本单位工作人员报送")
    _check_quarter(data["quarter"])
    checked = _check_files(files)
    unit = Unit.get_or_none(Unit.id == who.unit_id)
    if unit is None:
        raise NotFound("本单位不存在")
    if NarrativeReport.get_or_none(NarrativeReport.unit_id == unit.id, NarrativeReport.quarter == data["quarter"]):
        raise Conflict(said("本单位已报送 {quarter} 的报告", quarter=data["quarter"]))
    figures = figures_of(data["quarter"], unit)
    try:
        with db.atomic():
            report = NarrativeReport.create(unit_id=unit.id, unit_path=unit.path, unit_name=unit.name,
                                            quarter=data["quarter"], kind=data["kind"], title=data["title"].strip(),
                                            text=data["text"].strip(), figures=json.dumps(figures, ensure_ascii=False),
                                            submitted_by=who.name)
            for name, media, content in checked:
                ReportAttachment.create(report=report, name=name, media_type=media, size=len(content),
                                        content=content)
            audit.record(who, "narrative.submit", "narrative_report", report.id, unit.path,
                         said("{quarter} {kind}，附件 {n} 个", quarter=report.quarter, kind=KINDS[report.kind],
                              n=len(checked)), report.title)
    except peewee.IntegrityError:  # a colleague's submission in between
        raise Conflict(said("本单位已报送 {quarter} 的报告", quarter=data["quarter"])) from None
    return report


def listing(who: Identity, quarter: str | None, unit_id: int | None):
    """The reports in the caller's sight, the latest quarter first (a query, for a page)."""
    query = in_sight(NarrativeReport.select(), NarrativeReport.unit_path, who)
    if quarter:
        query = query.where(NarrativeReport.quarter == quarter)
    if unit_id is not None:
        query = query.where(NarrativeReport.unit_id == unit_id)
    return query.order_by(NarrativeReport.quarter.desc(), NarrativeReport.unit_path, NarrativeReport.id)


def visible(report_id: int, who: Identity) -> NarrativeReport:
    report = in_sight(NarrativeReport.select().where(NarrativeReport.id == report_id),
                      NarrativeReport.unit_path, who).first()
    if report is None:
        raise NotFound(said("报告 {id} 不存在或不在您的管辖范围内", id=report_id))
    return report


def attachment(report: NarrativeReport, attachment_id: int) -> ReportAttachment:
    found = ReportAttachment.get_or_none(ReportAttachment.id == attachment_id, ReportAttachment.report == report)
    if found is None:
        raise NotFound(said("报告没有附件 {id}", id=attachment_id))
    return found


def _late(report: NarrativeReport) -> bool:
    return to_beijing(report.submitted_at).date() > deadline(report.quarter)


def shown(report: NarrativeReport, with_text: bool = False) -> dict:
    out = {"id": report.id, "unit_id": report.unit_id, "unit_name": report.unit_name, "quarter": report.quarter,
           "kind": report.kind, "kind_name": KINDS[report.kind], "title": report.title,
           "submitted_by": report.submitted_by, "submitted_at": report.submitted_at, "late": _late(report),
           "deadline": deadline(report.quarter)}
    if with_text:
        figures = json.loads(report.figures)
        out |= {"text": report.text, "figures_asof": figures.get("asof"),
                "figures": [{"key": k, "name": name, "value": (figures.get("row") or {}).get(k)}
                            for k, name in FIGURE_NAMES.items()],
                "attachments": [{"id": a.id, "name": a.name, "media_type": a.media_type, "size": a.size}
                                for a in ReportAttachment.select(ReportAttachment.id, ReportAttachment.name,
                                                                 ReportAttachment.media_type, ReportAttachment.size)
                                .where(ReportAttachment.report == report).order_by(ReportAttachment.id)]}
    return out


def units(who: Identity, quarter: str, submitted: bool | None = None):
    """The reporting units in the caller's sight with their report
    for the quarter or none, in the order of the tree (a query, for a page)."""
    query = (Unit.select(Unit.id, Unit.name, Unit.path, NarrativeReport.id.alias("report_id"),
                         NarrativeReport.kind, NarrativeReport.title, NarrativeReport.submitted_by,
                         NarrativeReport.submitted_at)
             .join(NarrativeReport, peewee.JOIN.LEFT_OUTER,
                   on=((NarrativeReport.unit_id == Unit.id) & (NarrativeReport.quarter == quarter)))
             .where(Unit.id.in_(reporting_units())))
    query = in_sight(query, Unit.path, who)
    if submitted is not None:
        query = query.where(NarrativeReport.id.is_null(not submitted))
    return query.order_by(Unit.path, Unit.id).objects()


def unit_row(row, quarter: str) -> dict:
    late = row.report_id is not None and to_beijing(row.submitted_at).date() > deadline(quarter)
    return {"unit_id": row.id, "unit_name": row.name, "submitted": row.report_id is not None,
            "report_id": row.report_id, "kind_name": KINDS.get(row.kind or "", ""), "title": row.title or "",
            "submitted_by": row.submitted_by or "", "submitted_at": row.submitted_at, "late": late}


def summary(who: Identity, quarter: str) -> dict:
    """How many units report, how many have, how many have not, how many late; the deadline."""
    expected = units(who, quarter).order_by().count()
    done = units(who, quarter, True).order_by().count()
    late = (units(who, quarter, True).order_by()
            .where(NarrativeReport.submitted_at >= end_of(deadline(quarter))).count())
    return {"quarter": quarter, "label": Period.parse(quarter).label, "deadline": deadline(quarter).isoformat(),
            "expected": expected, "submitted": done, "missing": expected - done, "late": late,
            "overdue": beijing_today() > deadline(quarter)}


@recorded()
def compiled_pdf(who: Identity, quarter: str, scope: str, paths: list[str] | None) -> bytes:
    """The city's (or the caller's units') report for the leaders: the quarter's figures, then
    each unit's report in the order of the unit tree, then the units that have not reported."""
    figures = reports.quarterly(quarter, paths)
    doc = Document(said("{scope}政务微博季度工作报告", scope=scope),
                   said("{label}　各单位报送截至 {day}", label=figures["label"], day=deadline(quarter)))
    t = figures["total"]
    doc.heading("一、总体情况")
    doc.paragraph(said("本季度共发布信息 {posts} 条，收到网民留言 {messages} 条，转办退回 {returns} 次；"
                       "各单位平均考核得分 {score} 分。", posts=t["posts"], messages=t["messages"],
                       returns=t["returns"], score=t["score"]))
    reports.units_table(doc, figures)
    doc.heading("二、各单位报告")
    written = sorted(listing(who, quarter, None), key=lambda r: tree_order(r.unit_path))
    for n, report in enumerate(written, 1):
        doc.heading(said("（{n}）{unit}：{title}（{kind}）", n=n, unit=report.unit_name, title=report.title,
                         kind=KINDS[report.kind]))
        doc.paragraph(report.text)
    if not written:
        doc.paragraph("本季度尚无单位报送。")
    missing = [u.name for u in units(who, quarter, False)]
    doc.heading("三、未报送的单位")
    doc.paragraph("、".join(missing) if missing else "各单位均已报送。")
    return doc.bytes()
