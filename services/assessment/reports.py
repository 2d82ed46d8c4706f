"""Quarterly reports (N17, N18): per unit for the joint-meeting office, city-wide for the city
leaders, with the third-party evaluations (N25) imported by the office; as data, PDF and XLSX."""
from __future__ import annotations

from statistics import mean

from govmb.identity import Identity
from govmb.locales import recorded
from govmb.messages import said
from govmb.tables import TableError, read_records
from govmb.timefmt import utcnow
from services.assessment import annual
from services.assessment.documents import Document, workbook
from services.assessment.figures import Counts, Period
from services.assessment.models import ThirdPartyScore, Unit, db

COLUMNS = (("unit", "单位"), ("posts", "发布条数"), ("original_share", "原创率"), ("messages", "网民留言"),
           ("negative_share", "负面占比"), ("reply_timeliness", "回复及时率"), ("resolution", "问题解决率"),
           ("returns", "转办退回"), ("notices", "问题通报（下发/回复）"), ("score", "考核得分"),
           ("third_party", "第三方评估"))
IMPORT_HEADERS = {"单位": "unit", "单位编号": "unit_id", "评估机构": "evaluator", "得分": "score", "备注": "remark"}


class ImportRefused(ValueError):
    pass


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def _row(name: str, c: Counts, rates: dict, score: float, third: float | None) -> dict:
    return {"unit": name, "posts": c.posts, "original_share": None if not c.posts else c.original / c.posts,
            "messages": c.messages, "negative_share": None if not c.messages else c.negative / c.messages,
            "reply_timeliness": rates["reply_timeliness"], "resolution": rates["resolution"], "returns": c.returns,
            "notices": f"{c.notices_issued}/{c.notices_replied}", "score": score, "third_party": third}


def quarterly(quarter: str, unit_paths: list[str] | None = None) -> dict:
    """The quarter's report; with `unit_paths`, only the units under them (a county's own)."""
    period = Period.parse(quarter)
    result = annual.assess(period, accounts=False)
    scores: dict[int, list[float]] = {}
    for s in ThirdPartyScore.select().where(ThirdPartyScore.quarter == quarter):
        scores.setdefault(s.unit_id, []).append(s.score)
    units = [u for u in result["units"]
             if unit_paths is None or any(u["path"].startswith(p) for p in unit_paths)]
    rows, total = [], Counts()
    for u in units:
        c = Counts(**u["counts"])
        total.add(c)
        third = round(mean(scores[u["unit_id"]]), 1) if u["unit_id"] in scores else None
        rows.append({**_row(u["name"], c, u["rates"], u["score"], third), "unit_id": u["unit_id"],
                     "rank": u["rank"], "grade_name": u["grade_name"]})
    total_rates = annual.rates(total, result["rules"])
    summary = _row("合计", total, total_rates, round(mean([u["score"] for u in units]), 1) if units else 0.0,
                   round(mean([r["third_party"] for r in rows if r["third_party"] is not None]), 1)
                   if any(r["third_party"] is not None for r in rows) else None)
    return {"quarter": quarter, "label": period.label, "asof": result["asof"], "rows": rows, "total": summary,
            "named": [n for n in result["named"] if any(r["unit_id"] == n["unit_id"] for r in rows)],
            "commended": [n for n in result["commended"] if any(r["unit_id"] == n["unit_id"] for r in rows)]}


def cells(row: dict) -> list:
    shown = dict(row)
    for k in ("original_share", "negative_share", "reply_timeliness", "resolution"):
        shown[k] = _pct(row[k])
    shown["third_party"] = "—" if row["third_party"] is None else row["third_party"]
    return [shown[k] for k, _ in COLUMNS]


def units_table(doc: Document, report: dict) -> None:
    """The units' figures and their total, as a table of the document."""
    doc.grid([h for _, h in COLUMNS], [cells(r) for r in report["rows"]] + [cells(report["total"])],
             widths=(28, 14, 14, 14, 14, 16, 16, 12, 20, 14, 18))


@recorded()
def pdf(report: dict, title: str) -> bytes:
    doc = Document(title, said("{label}　数据截至 {asof}（北京时间）", label=report['label'],
                                asof=report['asof'][:16].replace('T', ' ')))
    t = report["total"]
    doc.paragraph(said("本季度共发布信息 {posts} 条，原创率 {original}；收到网民留言 {messages} 条，"
                       "负面占比 {negative}，回复及时率 {timely}，问题解决率 {resolution}；转办退回 {returns} 次。",
                       posts=t['posts'], original=_pct(t['original_share']), messages=t['messages'],
                       negative=_pct(t['negative_share']), timely=_pct(t['reply_timeliness']),
                       resolution=_pct(t['resolution']), returns=t['returns']))
    doc.heading("一、各单位情况")
    units_table(doc, report)
    ranked = sorted(report["rows"], key=lambda r: -r["score"])
    doc.bars("二、考核得分", [r["unit"] for r in ranked], [r["score"] for r in ranked], "分", limit=100)
    doc.bars("三、发布条数", [r["unit"] for r in ranked], [r["posts"] for r in ranked], "条")
    doc.heading("四、拟通报与拟表扬")
    doc.paragraph("拟通报：" + ("；".join(f"{n['name']}（{n['reason']}）" for n in report["named"]) or "无"))
    doc.paragraph("拟表扬：" + ("、".join(n["name"] for n in report["commended"]) or "无"))
    return doc.bytes()


RATES = ("original_share", "negative_share", "reply_timeliness", "resolution")


def xlsx(report: dict) -> bytes:
    """The report as a sheet: the rates as fractions shown as percentages (0.0%), a total row
    after the units (the counts summed, each rate over the totals, the mean score)."""
    headers = [h for _, h in COLUMNS]
    rows = [[r[k] for k, _ in COLUMNS] for r in report["rows"]]
    formats = {i: "0.0%" for i, (k, _) in enumerate(COLUMNS, 1) if k in RATES}
    return workbook([{"title": report["label"], "headers": headers, "rows": rows, "formats": formats,
                      "total": [report["total"][k] for k, _ in COLUMNS], "chart": ("考核得分", 1, 10)}])


def import_third_party(quarter: str, filename: str, data: bytes, who: Identity) -> dict:
    """Import third-party scores (N25): bad rows reported by number, good rows saved (a unit's
    score from the same evaluator replaced); an unreadable file is refused whole."""
    Period.parse(quarter)
    try:
        records = read_records(filename, data, IMPORT_HEADERS, required=(("unit", "unit_id"), "evaluator", "score"))
    except TableError as exc:
        raise ImportRefused(str(exc)) from None
    units = {u.id: u for u in Unit.select()}
    by_name = {u.name: u for u in units.values()}
    good, errors = [], []
    for number, rec in records:
        unit = units.get(_int(rec.get("unit_id"))) if rec.get("unit_id") not in (None, "") else \
            by_name.get(str(rec.get("unit", "")).strip())
        problems = []
        if unit is None:
            problems.append("单位不存在")
        evaluator = str(rec.get("evaluator") or "").strip()
        if not evaluator or len(evaluator) > 50:
            problems.append("评估机构应为 1–50 个字")
        try:
            score = float(rec.get("score"))
            if not 0 <= score <= 100:
                raise ValueError
        except (TypeError, ValueError):
            problems.append("得分应为 0–100 的数")
            score = None
        if problems:
            errors.append({"row": number, "errors": problems})
            continue
        good.append({"quarter": quarter, "unit_id": unit.id, "evaluator": evaluator, "score": score,
                     "remark": str(rec.get("remark") or "")[:200], "imported_by": who.name,
                     "imported_at": utcnow()})
    with db.atomic():
        for row in good:
            (ThirdPartyScore.insert(**row)
             .on_conflict(conflict_target=[ThirdPartyScore.quarter, ThirdPartyScore.unit_id, ThirdPartyScore.evaluator],
                          update={ThirdPartyScore.score: row["score"], ThirdPartyScore.remark: row["remark"],
                                  ThirdPartyScore.imported_by: row["imported_by"],
                                  ThirdPartyScore.imported_at: row["imported_at"]})
             .execute())
    return {"imported": len(good), "errors": errors}


def _int(value) -> int | None:
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return None
