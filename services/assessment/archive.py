"""The monthly archive (X20.4): at the start of each month, for each unit, last month's posts
with their texts, platforms and approval records, the citizens' opinions and comments by
category with their texts and answers (masked by inquiry before they left: handles, contacts,
phone and ID numbers), and the problem notices with their texts and answers, filed as a PDF
with a cover, a table of contents and page numbers. A document is written once (the database
refuses an update) and its SHA-256 is chained to the unit's previous archive, so a later change
shows.

A big unit's month holds thousands of messages: every section is read in keyset pages of
`PAGE` rows (`pages`), each page drawn as a table of its own before the next is read, so no
more than a page of rows is held at a time; the texts are bounded where they are received
(`govmb.contracts.inquiry.ARCHIVE_TEXT`), so a unit-month's document is bounded by its count."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator

import peewee

from govmb.contracts.inquiry import CATEGORY_NAMES, KIND_NAMES, SENTIMENTS
from govmb.contracts.publishing import ACTION_NAMES, INFO_TYPE_NAMES
from govmb.locales import recorded
from govmb.messages import N_
from govmb.platforms import platforms
from govmb.timefmt import beijing_today, last_month, to_beijing
from services.assessment.annual import assessed_accounts
from services.assessment.documents import Document
from services.assessment.figures import Period, Window, default_asof
from services.assessment.models import (
    Account,
    Archive,
    InvalidMessageFact,
    MessageFact,
    MessageText,
    NoticeFact,
    NoticeText,
    PostFact,
    Unit,
    db,
)

SENTIMENT_NAMES = {"positive": "正面", "neutral": "中性", "negative": "负面"}
IMPORTANCE_NAMES = {"high": "高", "medium": "中", "low": "低"}
GENESIS = "0" * 64
PAGE = 200  # rows read, and drawn, at a time


def _when(value: str | dt.datetime | None) -> str:
    if not value:
        return ""
    when = dt.datetime.fromisoformat(value) if isinstance(value, str) else value.replace(tzinfo=dt.timezone.utc)
    return to_beijing(when).strftime("%m-%d %H:%M")


def pages(query: peewee.ModelSelect, *keys: peewee.Field) -> Iterator[list]:
    """The rows of `query` in keyset pages of `PAGE` rows, ordered by `keys` (the last one
    unique): each page one bounded read, the next read after the last row of the one before."""
    last = None
    while True:
        q = query if last is None else query.where(peewee.Tuple(*keys) > peewee.Tuple(*last))
        rows = list(q.order_by(*keys).limit(PAGE))
        if rows:
            yield rows
        if len(rows) < PAGE:
            return
        last = tuple(getattr(rows[-1], k.name) for k in keys)


def _facts(unit_id: int, month: str) -> tuple[Window, dict]:
    """The month's window and what the archive counts for a unit (aggregates, no rows read)."""
    period = Period.parse(month)
    w = Window.of(period, default_asof(period), 0)
    accounts = dict(assessed_accounts(period).select(Account.id, Account.name).where(Account.unit_id == unit_id)
                    .order_by(Account.id).tuples())
    messages = MessageFact.select().where(MessageFact.unit_id == unit_id,
                                          MessageFact.received_day.between(w.first_day, w.last_day))

    def by(field):
        return dict(messages.select(field, peewee.fn.COUNT(MessageFact.id)).group_by(field).tuples())

    categories, sentiments, kinds = by(MessageFact.category), by(MessageFact.sentiment), by(MessageFact.kind)
    return w, {
        "label": period.label, "accounts": accounts,
        "posts": _posts(unit_id, w).count(), "messages": sum(categories.values()),
        "by_category": {**{k: categories.get(k, 0) for k in CATEGORY_NAMES}, "unclassified": categories.get(None, 0)},
        "by_sentiment": {k: sentiments.get(k, 0) for k in SENTIMENTS},
        "by_kind": {k or "unknown": v for k, v in kinds.items()},
        "resolved": messages.where(MessageFact.status == "resolved").count(),
        "notices": _notices(unit_id, w).count(),
    }


def _posts(unit_id: int, w: Window) -> peewee.ModelSelect:
    return PostFact.select().where(PostFact.unit_id == unit_id, PostFact.released_at >= w.start,
                                   PostFact.released_at < w.end)


def _texts(unit_id: int, w: Window, category: str) -> peewee.ModelSelect:
    """The category's texts of the month, but an invalid message's (G19.2): out of the counts, out of the archive."""
    return MessageText.select().where(MessageText.unit_id == unit_id, MessageText.category == category,
                                      MessageText.received_at >= w.start, MessageText.received_at < w.end,
                                      MessageText.id.not_in(InvalidMessageFact.select(InvalidMessageFact.id)))


def _notices(unit_id: int, w: Window) -> peewee.ModelSelect:
    return (NoticeFact.select(NoticeFact, NoticeText)
            .join(NoticeText, peewee.JOIN.LEFT_OUTER, on=(NoticeText.notice_id == NoticeFact.notice_id), attr="texts")
            .where(NoticeFact.unit_id == unit_id, NoticeFact.issued_at >= w.start, NoticeFact.issued_at < w.end))


def _approvals(p: PostFact) -> str:
    shown = []
    for r in json.loads(p.reviews):
        if r["action"] == "write":
            continue
        line = ACTION_NAMES.get(r["action"], r["action"]) + "：" + r["actor_name"] + " " + _when(r["at"])
        if r.get("channel"):
            line += "（" + r["channel"] + "，" + (r.get("approver") or "") + "）"
        shown.append(line)
    return "；".join(shown) or (N_("快速审批") if p.fast_track else "")


def _post_rows(unit_id: int, w: Window, accounts: dict) -> Iterator[list]:
    names = platforms()
    for rows in pages(_posts(unit_id, w), PostFact.released_at, PostFact.draft_id):
        yield [(_when(p.released_at), accounts.get(p.account_id, N_("账号{id}").format(id=p.account_id)),
                INFO_TYPE_NAMES.get(p.info_type, p.info_type) + "／" + (N_("原创") if p.original else N_("转发")),
                "、".join(names.get(x, x) for x in json.loads(p.platforms or "[]")), p.text, _approvals(p))
               for p in rows]


def _message_rows(unit_id: int, w: Window, category: str) -> Iterator[list]:
    for rows in pages(_texts(unit_id, w, category), MessageText.received_at, MessageText.id):
        yield [(_when(m.received_at), KIND_NAMES.get(m.kind, N_("其他")), "\n".join(x for x in (m.handle, m.contact) if x),
                m.text, m.answer or N_("未答复")) for m in rows]


def _notice_rows(unit_id: int, w: Window) -> Iterator[list]:
    for rows in pages(_notices(unit_id, w), NoticeFact.issued_at, NoticeFact.notice_id):
        out = []
        for n in rows:
            t = getattr(n, "texts", None)
            title, content = (t.title, t.content) if t and t.title else ("", "")
            answer = (t.reply + "\n" + t.replied_by) if t and t.reply else ""
            out.append((N_("第{id}号").format(id=n.notice_id) + ("\n" + title if title else ""),
                        n.kind + "／" + IMPORTANCE_NAMES.get(n.importance, ""),
                        _when(n.issued_at) + ("\n" + t.issued_by if t and t.issued_by else ""), content,
                        (answer + " " + _when(n.replied_at)).strip() if n.replied_at else N_("未答复")))
        yield out


def _table(doc: Document, headers: tuple, widths: tuple, row_pages: Iterator[list], empty: str) -> int:
    """Each page of rows drawn as a table before the next page is read; the rows drawn."""
    drawn = 0
    for rows in row_pages:
        doc.grid(headers, rows, widths=widths)
        drawn += len(rows)
    if not drawn:
        doc.paragraph(empty)
    return drawn


NUMERALS = "一二三四五六七八九"


@recorded()
def render(unit_id: int, unit_name: str, w: Window, facts: dict, previous_chain: str) -> tuple[bytes, int]:
    """The document, and the citizens' messages filed in it with their texts."""
    doc = Document(N_("{unit}政务微博工作月度归档").format(unit=unit_name),
                   N_("{label}　（依据《管理规定》第二十条第四项）").format(label=facts["label"]))
    doc.paragraph(N_("账号：{accounts}。本月发布信息 {posts} 条，收到网民留言 {messages} 条（已办结 {resolved} 条），"
                     "收到问题通报单 {notices} 份。").format(
        accounts="、".join(facts["accounts"].values()) or N_("无"), posts=facts["posts"], messages=facts["messages"],
        resolved=facts["resolved"], notices=facts["notices"]))
    doc.paragraph(N_("网民的称呼、联系方式以及留言和答复中的电话、证件、银行卡号码和门牌号已作遮蔽处理。"))
    doc.paragraph(N_("上一份归档的链值：{chain}").format(chain=previous_chain), size=7)
    doc.contents_page()
    doc.section(N_("一、发布信息及审批记录"))
    _table(doc, ("发布时间", "账号", "类型", "平台", "内容", "审批记录"), (14, 18, 16, 16, 70, 56),
           _post_rows(unit_id, w, facts["accounts"]), N_("本月无发布。"))
    doc.section(N_("二、网民意见和评论（按类别）"))
    doc.grid(("情感倾向", "条数"), [(SENTIMENT_NAMES[k], v) for k, v in facts["by_sentiment"].items()], widths=(60, 30))
    doc.grid(("来源", "条数"), [(KIND_NAMES.get(k, "其他"), v) for k, v in sorted(facts["by_kind"].items())] or
             [("—", 0)], widths=(60, 30))
    filed = 0
    for i, (key, name) in enumerate((*CATEGORY_NAMES.items(), ("", N_("未分类")))):
        count = facts["by_category"][key or "unclassified"]
        doc.section(N_("（{n}）{name}（{count} 条）").format(n=NUMERALS[i], name=name, count=count), level=1)
        filed += _table(doc, ("收到时间", "来源", "网民", "内容", "答复"), (14, 10, 22, 80, 64),
                        _message_rows(unit_id, w, key), N_("本月无此类留言。"))
    doc.section(N_("三、问题通报及答复"))
    _table(doc, ("通报单", "类型／重要程度", "下发", "通报内容", "答复"), (20, 22, 22, 64, 62),
           _notice_rows(unit_id, w), N_("本月无问题通报。"))
    return doc.bytes(), filed


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
    w, facts = _facts(unit_id, month)
    previous = _previous(unit_id, month)
    previous_chain = previous.chain if previous else GENESIS
    pdf, filed = render(unit_id, name, w, facts, previous_chain)
    digest = hashlib.sha256(pdf).hexdigest()
    summary = {"posts": facts["posts"], "messages": facts["messages"], "texts": filed,
               "by_category": facts["by_category"], "notices": facts["notices"],
               "accounts": list(facts["accounts"].values())}
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
