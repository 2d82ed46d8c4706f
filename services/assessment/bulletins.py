"""The quarterly 检查情况通报 (N19, 国办秘函〔2019〕19号): supervision or the joint-meeting office
drafts it from the quarter's inspections and assessment figures, in 公文 form (发文机关标志,
发文字号, title, 主送机关, body, an attachment table of each unit's figures, 落款, date), edits it
while it is a draft, then issues it: issuing freezes it and writes its PDF once (GB/T 9704 in
spirit, `documents.OfficialDocument`), recorded in the audit trail. Issuing is the one step of
a machine of the workflow core (`MACHINE`)."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from enum import StrEnum

import peewee
from peewee import fn

from govmb.db import locked
from govmb.domain import Conflict, Invalid, Refused
from govmb.identity import Identity
from govmb.locales import recorded
from govmb.messages import N_, said
from govmb.timefmt import beijing_iso, beijing_today, utcnow
from govmb.workflow import Machine, Move, step
from services.assessment import annual
from services.assessment.documents import OfficialDocument
from services.assessment.figures import Period, sum_if
from services.assessment.inspections import overdue_clause, unit_names
from services.assessment.models import Bulletin, Inspection, audit, db

DRAFTERS = ("supervision", "joint_office")
STATUS_NAMES = {"draft": N_("草稿"), "issued": N_("已印发")}
DEFAULTS = {"issuer": N_("南昌市政务微博工作联席会议办公室"), "prefix": N_("洪政微办"),
            "addressees": N_("各县（区）人民政府，市政府各部门，各有关单位"),
            "signer": N_("南昌市政务微博工作联席会议办公室")}
EDITABLE = ("issuer", "prefix", "year", "serial", "title", "addressees", "body", "signer", "dated")
ATTACHMENT_HEADERS = (N_("序号"), N_("单位"), N_("考核得分"), N_("等次"), N_("检查次数"), N_("整改通过"),
                      N_("待整改或待验收"), N_("逾期未整改"))
SHOWN_FINDINGS = 10  # the quarter's findings the body names; the attachment counts them all
SHOWN_OVERDUE = 20


def number(b: Bulletin) -> str:
    """The 发文字号: 洪政微办〔2026〕12号."""
    return said("{prefix}〔{year}〕{serial}号", prefix=b.prefix, year=b.year, serial=b.serial)


def _inspected(period: Period, today: dt.date) -> dict[int, dict]:
    """Each inspected unit's count of the quarter's inspections, and of their fixes: accepted,
    owed or waiting for review, overdue (today); counted in the database."""
    rows = (Inspection.select(Inspection.unit_id, fn.COUNT(Inspection.id), sum_if(Inspection.status == "accepted"),
                              sum_if(Inspection.status != "accepted"), sum_if(overdue_clause(today)))
            .where(Inspection.inspected_on.between(period.start, period.end)).group_by(Inspection.unit_id).tuples())
    return {u: {"inspections": n, "accepted": int(a or 0), "pending": int(p or 0), "overdue": int(o or 0)}
            for u, n, a, p, o in rows}


def _attachment(label: str, assessed: dict, inspected: dict[int, dict]) -> dict:
    """The attachment: a row per unit assessed or inspected, in the assessment's ranking."""
    units = {u["unit_id"]: u for u in assessed["units"]}
    names = unit_names([u for u in inspected if u not in units])
    order = [u["unit_id"] for u in assessed["units"]] + sorted(u for u in inspected if u not in units)
    zero = {"inspections": 0, "accepted": 0, "pending": 0, "overdue": 0}
    rows = []
    for i, unit_id in enumerate(order, 1):
        u, c = units.get(unit_id), inspected.get(unit_id, zero)
        rows.append([i, u["name"] if u else names.get(unit_id, str(unit_id)), u["score"] if u else "—",
                     u["grade_name"] if u else "—", c["inspections"], c["accepted"], c["pending"], c["overdue"]])
    return {"title": said("{label}各单位政务微博检查和考核情况", label=label), "headers": list(ATTACHMENT_HEADERS),
            "rows": rows}


def _overdue_lines(today: dt.date) -> tuple[int, list[str]]:
    """(how many fixes are overdue today, the first of them in words, longest overdue first)."""
    query = Inspection.select().where(overdue_clause(today))
    shown = list(query.order_by(Inspection.fix_by, Inspection.id).limit(SHOWN_OVERDUE))
    names = unit_names(i.unit_id for i in shown)
    return query.count(), [said("{unit}：{found}（整改期限{fix_by}，已逾期{days}天）", unit=names.get(i.unit_id, ""),
                                found=_short(i.found), fix_by=i.fix_by.isoformat(), days=(today - i.fix_by).days)
                           for i in shown]


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "……"


def _findings(period: Period) -> list[str]:
    shown = list(Inspection.select().where(Inspection.inspected_on.between(period.start, period.end))
                 .order_by(Inspection.inspected_on, Inspection.id).limit(SHOWN_FINDINGS))
    names = unit_names(i.unit_id for i in shown)
    return [said("{unit}：{found}", unit=names.get(i.unit_id, ""), found=_short(i.found)) for i in shown]


@recorded()
def compose(quarter: str, issuer: str, today: dt.date | None = None) -> dict:
    """The title, body and attachment of a quarter's 通报, drafted from its figures."""
    today, period = today or beijing_today(), Period.parse(quarter)
    assessed = annual.assess(period, accounts=False)
    inspected = _inspected(period, today)
    total = {k: sum(c[k] for c in inspected.values()) for k in ("inspections", "accepted", "pending", "overdue")}
    units = assessed["units"]
    overdue_count, overdue = _overdue_lines(today)
    scores = [u["score"] for u in units]
    body = [
        said("为推动全市政务微博健康有序发展，根据《国务院办公厅关于推进政务新媒体健康有序发展的意见》（国办发〔2018〕123号）"
             "和政府网站与政务新媒体检查指标（国办秘函〔2019〕19号）的要求，{issuer}对{label}全市政务微博的运行情况"
             "开展了检查和考核。现将有关情况通报如下：", issuer=issuer, label=period.label),
        N_("一、总体情况"),
        said("{label}，共对{units}个单位开展督查检查{n}次，发现问题{n}个；截至{today}，已整改通过{accepted}个，"
             "待整改或待验收{pending}个，其中逾期未整改{overdue}个。全市{assessed}个单位参加考核，平均得分{avg}分，"
             "{excellent}个单位为优秀，{failed}个单位不合格。", label=period.label, units=len(inspected),
             n=total["inspections"], today=_chinese_date(today), accepted=total["accepted"], pending=total["pending"],
             overdue=total["overdue"], assessed=len(units), avg=round(sum(scores) / len(scores), 1) if scores else 0,
             excellent=sum(u["grade"] == "excellent" for u in units), failed=sum(u["grade"] == "fail" for u in units)),
        N_("二、工作较好的单位"),
        said("{names}考核得分靠前，予以表扬。", names="、".join(said("{name}（{score}分）", name=c["name"], score=c["score"])
                                                 for c in assessed["commended"]))
        if assessed["commended"] else N_("本季度没有达到表扬条件的单位。"),
        N_("三、存在的问题"),
        *([said("{name}：{reason}。", name=n["name"], reason=n["reason"]) for n in assessed["named"]]
          or [N_("本季度没有考核不合格的单位。")]),
        *([N_("检查中发现的主要问题："), *_findings(period)] if inspected else []),
        N_("四、逾期未整改的问题"),
        *(overdue + ([said("另有{n}个逾期未整改的问题，详见附件。", n=overdue_count - len(overdue))]
                     if overdue_count > len(overdue) else []) or [N_("截至通报起草时，没有逾期未整改的问题。")]),
        N_("五、工作要求"),
        said("请被通报的单位认真对照检查发现的问题，立即整改，并于通报印发之日起15个工作日内将整改情况报送{issuer}。"
             "各单位要落实政务微博日常监管责任，确保信息更新及时、网民留言按时回复。", issuer=issuer),
    ]
    return {"title": said("关于{label}全市政务微博检查情况的通报", label=period.label), "body": "\n".join(body),
            "attachment": _attachment(period.label, assessed, inspected)}


def _chinese_date(day: dt.date) -> str:
    return said("{y}年{m}月{d}日", y=day.year, m=day.month, d=day.day)


def next_serial(prefix: str, year: int) -> int:
    last = Bulletin.select(fn.MAX(Bulletin.serial)).where(Bulletin.prefix == prefix, Bulletin.year == year).scalar()
    return (last or 0) + 1


def _taken(prefix: str, year: int, serial: int, but: int | None = None) -> bool:
    query = Bulletin.select(Bulletin.id).where(Bulletin.prefix == prefix, Bulletin.year == year, Bulletin.serial == serial)
    return (query.where(Bulletin.id != but) if but else query).exists()


def _number_taken(prefix: str, year: int, serial: int) -> Invalid:
    return Invalid("serial", said("文号 {prefix}〔{year}〕{serial}号 已被使用，请换一个顺序号", prefix=prefix, year=year,
                                  serial=serial))


def _check(values: dict) -> None:
    """The rules a draft's fields keep (the schema has checked their types and lengths)."""
    errors = {k: N_("此项不能为空") for k in ("issuer", "prefix", "title", "addressees", "body", "signer")
              if k in values and not values[k]}
    if errors:
        raise Invalid(errors)


def draft(data: dict, who: Identity) -> Bulletin:
    """A new draft for `data["quarter"]`, composed from its figures; its number the next free one
    of the prefix and this year unless given."""
    if not who.has(*DRAFTERS):
        raise Refused(N_("检查情况通报由督查部门或联席会议办公室起草"))
    if Period.parse(data["quarter"]).start > beijing_today():
        raise Invalid("quarter", N_("只能为已经开始的季度起草通报"))
    values = {k: (data.get(k) or str(DEFAULTS[k])).strip() for k in DEFAULTS}
    _check(values)
    today = beijing_today()
    year = data.get("year") or today.year
    composed = compose(data["quarter"], values["issuer"], today)
    for _attempt in range(3):  # another draft may take the next number meanwhile
        serial = data.get("serial") or next_serial(values["prefix"], year)
        if _taken(values["prefix"], year, serial):
            if data.get("serial"):
                raise _number_taken(values["prefix"], year, serial)
            continue
        try:
            with db.atomic():
                b = Bulletin.create(quarter=data["quarter"], year=year, serial=serial, dated=today,
                                    title=composed["title"], body=composed["body"],
                                    attachment=json.dumps(composed["attachment"], ensure_ascii=False),
                                    drafted_by=who.name, updated_by=who.name, **values)
                audit.record(who, "bulletin.draft", "bulletin", b.id, "/", number(b), b.title)
            return b
        except peewee.IntegrityError:
            continue
    raise _number_taken(values["prefix"], year, data.get("serial") or 0)


def edit(b: Bulletin, data: dict, who: Identity) -> Bulletin:
    """Change a draft's fields; an issued 通报 stays as it was issued."""
    if not who.has(*DRAFTERS):
        raise Refused(N_("检查情况通报由督查部门或联席会议办公室修改"))
    values = {k: data[k].strip() if isinstance(data[k], str) else data[k] for k in EDITABLE if k in data}
    _check(values)
    with db.atomic():
        b = locked(Bulletin, b.id)
        if b.status != "draft":
            raise Conflict(N_("通报已印发，不能再修改"))
        for k, v in values.items():
            setattr(b, k, v)
        if _taken(b.prefix, b.year, b.serial, but=b.id):
            raise _number_taken(b.prefix, b.year, b.serial)
        b.updated_by, b.updated_at = who.name, utcnow()
        try:
            with db.atomic():
                b.save()
        except peewee.IntegrityError:
            raise _number_taken(b.prefix, b.year, b.serial) from None
    return b


class BulletinStatus(StrEnum):
    DRAFT = "draft"
    ISSUED = "issued"


def _issue(move: Move) -> None:
    b = move.row
    if not b.body.strip():
        raise Invalid("body", N_("正文不能为空"))
    if b.dated > beijing_today():
        raise Invalid("dated", N_("成文日期不能晚于今天"))
    b.issued_by = move.who.name
    b.pdf = render(b)
    b.sha256 = hashlib.sha256(b.pdf).hexdigest()


def _record(move: Move) -> None:
    b = move.row
    audit.record(move.who, "bulletin.issue", "bulletin", b.id, "/", said("{number}，SHA-256 {sha}", number=number(b),
                                                                          sha=b.sha256), b.title)


MACHINE = Machine("bulletin", Bulletin, BulletinStatus, (
    step("issue", {BulletinStatus.DRAFT}, BulletinStatus.ISSUED, "drafters", stamp="issued_at", effect=_issue),),
    guards={"drafters": lambda _b, who: who.has(*DRAFTERS)},
    refused=lambda _t: N_("检查情况通报由督查部门或联席会议办公室印发"),
    conflict=lambda _b, _t: N_("通报已印发"), record=_record, who_names={"drafters": N_("督查部门或联席会议办公室")})


def issue(b: Bulletin, who: Identity) -> Bulletin:
    return MACHINE.apply(b, "issue", who)


@recorded()
def render(b: Bulletin) -> bytes:
    """The 公文 as a PDF: the red header with the issuer and the number, the title, the addressees,
    the body, the attachment's note, the signature and the date; the attachment on its own page."""
    attachment = json.loads(b.attachment)
    doc = OfficialDocument(b.title)
    doc.header_block(b.issuer, number(b))
    doc.title_block(b.title)
    doc.paragraph(b.addressees + "：", indent=False)
    for line in b.body.splitlines():
        if line.strip():
            doc.paragraph(line.strip())
    doc.ln(6)
    doc.paragraph(said("附件：{title}", title=attachment["title"]))
    doc.signature(b.signer, _chinese_date(b.dated))
    doc.attachment_page(N_("附件"), attachment["title"], attachment["headers"], attachment["rows"],
                        widths=(10, 46, 16, 14, 16, 16, 20, 18))
    return doc.bytes()


def shown(b: Bulletin, who: Identity | None = None) -> dict:
    """A 通报 as the API answers it (without its PDF)."""
    return {"id": b.id, "quarter": b.quarter, "status": b.status, "status_name": STATUS_NAMES[b.status],
            "number": number(b), **{k: getattr(b, k) for k in EDITABLE}, "dated": b.dated.isoformat(),
            "attachment": json.loads(b.attachment), "drafted_by": b.drafted_by, "drafted_at": beijing_iso(b.drafted_at),
            "updated_by": b.updated_by, "updated_at": beijing_iso(b.updated_at), "issued_by": b.issued_by,
            "issued_at": beijing_iso(b.issued_at), "sha256": b.sha256,
            "actions": MACHINE.available(b, who) if who is not None else []}


LISTED = (Bulletin.id, Bulletin.quarter, Bulletin.status, Bulletin.prefix, Bulletin.year, Bulletin.serial, Bulletin.title,
          Bulletin.dated, Bulletin.drafted_by, Bulletin.issued_by, Bulletin.issued_at)  # not the PDF nor the body


def listed(b: Bulletin) -> dict:
    """A row of the list."""
    return {"id": b.id, "quarter": b.quarter, "status": b.status, "status_name": STATUS_NAMES[b.status],
            "number": number(b), "title": b.title, "dated": b.dated.isoformat(), "drafted_by": b.drafted_by,
            "issued_by": b.issued_by, "issued_at": beijing_iso(b.issued_at)}


def visible(query: peewee.ModelSelect, who: Identity) -> peewee.ModelSelect:
    """The drafters see every 通报; everyone else the issued ones (they are sent to every unit)."""
    return query if who.has(*DRAFTERS) else query.where(Bulletin.status == "issued")

