"""The monthly archive (X20.4): at the start of each month, for each unit, last month's posts
with their approval records, citizens' messages by category and the problem notices, filed
as a printable document. A document is written once (the database refuses an update) and
its SHA-256 is chained to the unit's previous archive, so a later change shows."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter

import peewee

from govmb.contracts.inquiry import CATEGORY_NAMES, KIND_NAMES, SENTIMENTS
from govmb.contracts.publishing import ACTION_NAMES, INFO_TYPE_NAMES
from govmb.messages import N_
from govmb.timefmt import beijing_iso, beijing_today, last_month, to_beijing
from services.assessment.annual import assessed_accounts
from services.assessment.documents import Document
from services.assessment.figures import Period, Window, default_asof
from services.assessment.models import Account, Archive, MessageFact, NoticeFact, PostFact, Unit, db

SENTIMENT_NAMES = {"positive": "正面", "neutral": "中性", "negative": "负面"}
GENESIS = "0" * 64


def _when(iso: str | None) -> str:
    return to_beijing(dt.datetime.fromisoformat(iso)).strftime("%m-%d %H:%M") if iso else ""


def contents(unit_id: int, month: str) -> dict:
    """What the month's archive holds for a unit, as plain data."""
    period = Period.parse(month)
    w = Window.of(period, default_asof(period), 0)
    accounts = dict(assessed_accounts(period).select(Account.id, Account.name).where(Account.unit_id == unit_id)
                    .order_by(Account.id).tuples())
    posts = list(PostFact.select().where(PostFact.unit_id == unit_id, PostFact.day.between(w.first_day, w.last_day))
                 .order_by(PostFact.released_at, PostFact.draft_id))
    messages = list(MessageFact.select(MessageFact.category, MessageFact.sentiment, MessageFact.kind,
                                       MessageFact.status)
                    .where(MessageFact.unit_id == unit_id, MessageFact.received_day.between(w.first_day, w.last_day)))
    notices = list(NoticeFact.select().where(NoticeFact.unit_id == unit_id, NoticeFact.issued_at >= w.start,
                                             NoticeFact.issued_at < w.end).order_by(NoticeFact.issued_at))
    categories = Counter(m.category or "unclassified" for m in messages)
    return {
        "month": month, "label": period.label, "accounts": accounts,
        "posts": [{"draft_id": p.draft_id, "account": accounts.get(p.account_id, N_("账号{id}").format(id=p.account_id)),
                   "released_at": beijing_iso(p.released_at), "info_type": p.info_type, "original": p.original,
                   "fast_track": p.fast_track, "text": p.text, "reviews": json.loads(p.reviews)} for p in posts],
        "messages": len(messages),
        "by_category": {k: categories.get(k, 0) for k in (*CATEGORY_NAMES, "unclassified")},
        "by_sentiment": {k: sum(m.sentiment == k for m in messages) for k in SENTIMENTS},
        "by_kind": dict(Counter(m.kind or "unknown" for m in messages)),
        "resolved": sum(m.status == "resolved" for m in messages),
        "notices": [{"notice_id": n.notice_id, "kind": n.kind, "importance": n.importance, "status": n.status,
                     "issued_at": beijing_iso(n.issued_at), "replied_at": beijing_iso(n.replied_at)} for n in notices],
    }


def render(unit_name: str, data: dict, previous_chain: str) -> bytes:
    doc = Document(N_("{unit}政务微博工作月度归档").format(unit=unit_name), N_("{label}　（依据《管理规定》第二十条第四项）").format(label=data['label']))
    doc.paragraph(N_("账号：{accounts}。本月发布信息 {posts} 条，"
                           "收到网民留言 {messages} 条（已办结 {resolved} 条），"
                           "收到问题通报单 {notices} 份。").format(accounts='、'.join(data['accounts'].values()) or "无",
                           posts=len(data['posts']), messages=data['messages'], resolved=data['resolved'],
                           notices=len(data['notices'])))
    doc.heading("一、发布信息及审批记录")
    rows = []
    for p in data["posts"]:
        approvals = "；".join(f"{ACTION_NAMES.get(r['action'], r['action'])}：{r['actor_name']} {_when(r['at'])}"
                             + (f"（{r['channel']}，{r['approver']}）" if r.get("channel") else "")
                             for r in p["reviews"] if r["action"] != "write")
        rows.append((_when(p["released_at"]), p["account"], INFO_TYPE_NAMES.get(p["info_type"], p["info_type"]),
                     "原创" if p["original"] else "转发", p["text"], approvals or ("快速审批" if p["fast_track"] else "")))
    doc.grid(("发布时间", "账号", "类型", "原创", "内容", "审批记录"), rows or [("—", "本月无发布", "", "", "", "")],
             widths=(14, 18, 16, 8, 60, 44))
    doc.heading("二、网民意见和评论（按类别）")
    doc.grid(("类别", "条数"), [(CATEGORY_NAMES.get(k, "未分类"), v) for k, v in data["by_category"].items()],
             widths=(60, 30))
    doc.grid(("情感倾向", "条数"), [(SENTIMENT_NAMES[k], v) for k, v in data["by_sentiment"].items()], widths=(60, 30))
    doc.grid(("来源", "条数"), [(KIND_NAMES.get(k, "其他"), v) for k, v in sorted(data["by_kind"].items())] or
             [("—", 0)], widths=(60, 30))
    doc.heading("三、问题通报")
    doc.grid(("通报单", "类型", "重要程度", "下发时间", "回复时间"),
             [(n["notice_id"], n["kind"], {"high": "高", "medium": "中", "low": "低"}.get(n["importance"], ""),
               _when(n["issued_at"]), _when(n["replied_at"]) or "未回复") for n in data["notices"]]
             or [("—", "本月无问题通报", "", "", "")], widths=(18, 50, 20, 40, 40))
    doc.paragraph(N_("上一份归档的链值：{chain}").format(chain=previous_chain), size=7)
    return doc.bytes()


def chain_of(previous_chain: str, digest: str) -> str:
    return hashlib.sha256((previous_chain + digest).encode()).hexdigest()


def _previous(unit_id: int, month: str) -> Archive | None:
    return (Archive.select().where(Archive.unit_id == unit_id, Archive.month < month)
            .order_by(Archive.month.desc()).first())


def build(unit_id: int, month: str) -> Archive | None:
    """File a unit's archive for a month, unless it is filed already (then: None)."""
    if Archive.select().where(Archive.unit_id == unit_id, Archive.month == month).exists():
        return None
    unit = Unit.get_or_none(Unit.id == unit_id)
    name = unit.name if unit else N_("单位{id}").format(id=unit_id)
    data = contents(unit_id, month)
    previous = _previous(unit_id, month)
    previous_chain = previous.chain if previous else GENESIS
    pdf = render(name, data, previous_chain)
    digest = hashlib.sha256(pdf).hexdigest()
    summary = {"posts": len(data["posts"]), "messages": data["messages"], "by_category": data["by_category"],
               "notices": len(data["notices"]), "accounts": list(data["accounts"].values())}
    try:
        with db.atomic():
            return Archive.create(unit_id=unit_id, unit_name=name, unit_path=unit.path if unit else "", month=month,
                                  pdf=pdf, summary=json.dumps(summary, ensure_ascii=False), sha256=digest,
                                  chain=chain_of(previous_chain, digest))
    except peewee.IntegrityError:  # another worker filed it meanwhile
        return None


def build_month(month: str) -> int:
    """File the month's archive of every unit with an account open in that month."""
    if month >= beijing_today().strftime("%Y-%m"):
        raise ValueError("只能归档已经结束的月份")
    units = [u for (u,) in assessed_accounts(Period.parse(month)).select(Account.unit_id).distinct()
             .order_by(Account.unit_id).tuples()]
    return sum(build(u, month) is not None for u in units)


def build_due() -> int:
    """The worker's job: last month's archives, filed once at the start of the month."""
    return build_month(last_month())


def verify(archive: Archive) -> dict:
    """Is the stored document the one filed, and is the unit's chain unbroken up to it?"""
    digest = hashlib.sha256(bytes(archive.pdf)).hexdigest()
    previous = _previous(archive.unit_id, archive.month)
    expected_chain = chain_of(previous.chain if previous else GENESIS, archive.sha256)
    problems = []
    if digest != archive.sha256:
        problems.append("文件内容与归档时的哈希值不一致")
    if expected_chain != archive.chain:
        problems.append("与上一份归档的链值不一致（之前的归档被改动或删除）")
    return {"archive_id": archive.id, "sha256": archive.sha256, "computed": digest, "chain": archive.chain,
            "intact": not problems, "problems": problems,
            "created_at": to_beijing(archive.created_at).isoformat(timespec="seconds")}
