"""The monthly archive with the texts (issue 19, X20.4): the posts' texts, platforms and approval
records, the citizens' opinions by category with their texts and answers masked by inquiry
before they leave, the problem notices with their texts and answers; a PDF with a cover, a table
of contents and page numbers, sealed and verifiable; a big month read in bounded pages."""
import json

import pytest

from govmb.contracts import load_incoming
from services.assessment import archive
from services.assessment.handlers import HANDLERS
from services.assessment.models import Archive, MessageText, NoticeText
from services.inquiry.models import bus as inquiry_bus
from tests.assessment.conftest import DEPT, OFFICE, feed, post
from tests.assessment.test_archives_reports import REVIEWS, text_of
from tests.inquiry.conftest import DEPT_STAFF, JOINT, inquiry_app
from tests.inquiry.conftest import message as inquiry_message
from tests.inquiry.test_notices import NOTICE, units

JUNE = "2026-06-{day}T10:00:00+08:00"


def deliver(events) -> None:
    """Inquiry's outbox rows, as the assessment worker receives them."""
    for e in events:
        HANDLERS[e.event_type](load_incoming(e.event_type, e.version, json.loads(e.body)), None)


def inquiry_outbox(inquiry):
    """What inquiry sent that assessment consumes, its notices dated back to June (the month filed)."""
    with inquiry.app_context():
        rows = [e for e in inquiry_bus.Outbox.select().order_by(inquiry_bus.Outbox.id)
                if e.event_type.startswith(("inquiry.message.", "inquiry.notice.")) and "publication" not in e.event_type]
    for e in rows:
        if e.event_type == "inquiry.notice.changed":
            e.body = e.body.replace(json.loads(e.body)["issued_at"], "2026-06-08T00:00:00+00:00")
    return rows


@pytest.fixture
def citizens(app, tmp_path):
    """June in inquiry: a complaint with a phone and an ID number in its text, replied; a
    suggestion; a problem notice issued and answered."""
    (tmp_path / "inq").mkdir()
    inquiry = inquiry_app(tmp_path / "inq")
    units(inquiry)
    c = inquiry.test_client()
    complaint = inquiry_message(c, category="complaint", received_at=JUNE.format(day="05"),
                                text="东湖路噪音扰民，我的电话13912345678，身份证11010519491231002X，请联系@东湖邻居").json
    r = c.post(f"/api/messages/{complaint['id']}/actions/reply", headers=DEPT_STAFF,
               json={"text": "您好，已责成城管部门夜间巡查，巡查结果将另行告知。"})
    assert r.status_code == 200, r.text
    inquiry_message(c, category="suggestion", received_at=JUNE.format(day="06"), citizen_handle="热心市民老李",
                    text="建议在湖边增设夜间照明。")
    notice = c.post("/api/notices", json=NOTICE, headers=JOINT).json
    assert c.post(f"/api/notices/{notice['id']}/reply", json={"reply": "已冲洗管网，水质恢复"},
                  headers=DEPT_STAFF).status_code == 200
    post(1, 4, "2026-06-03T04:00:00+00:00", text="东湖区养老服务补贴申领指南发布", reviews=REVIEWS)
    return inquiry


def test_the_archive_files_the_texts_masked_with_contents_and_answers(citizens, client):
    events = inquiry_outbox(citizens)
    sent = [e.body for e in events if e.event_type == "inquiry.message.archive_text"]
    assert sent and all("13912345678" not in b and "13800000000" not in b and "@东湖居民" not in b for b in sent)
    deliver(events)
    deliver(events)  # every event delivered again: nothing doubles, nothing goes back
    assert MessageText.select().count() == 2 and NoticeText.select().count() == 1
    assert "夜间巡查" in MessageText.get(MessageText.category == "complaint").answer
    r = client.post("/api/archives", json={"month": "2026-06"}, headers=OFFICE)
    assert r.status_code == 201, r.text
    filed = client.get("/api/archives", headers=DEPT).json[0]
    assert filed["summary"]["texts"] == 2 and filed["summary"]["by_category"]["complaint"] == 1
    pdf = client.get(f"/api/archives/{filed['id']}/pdf", headers=DEPT).data
    text = text_of(pdf).replace(" ", "").replace("\n", "")  # a cell wraps anywhere
    for words in ("目录", "一、发布信息及审批记录", "二、网民意见和评论（按类别）", "（二）投诉质疑（1条）",
                  "（四）建言献策（1条）", "三、问题通报及答复",  # the contents and the sections
                  "东湖区养老服务补贴申领指南发布", "新浪网", "审批通过：梁宇",  # the post, its platform, approval
                  "东湖路噪音扰民", "139****5678", "110***********002X", "@东**居", "@东**民", "138****0000",
                  "已责成城管部门夜间巡查", "建议在湖边增设夜间照明", "热****李",  # opinions, masked, answered
                  "自来水发黄", "近一日多条负面留言反映自来水发黄", "已冲洗管网，水质恢复",  # the notice and its answer
                  "第3页"):  # cover, contents, then the sections
        assert words in text, words
    for raw in ("13912345678", "11010519491231002X", "13800000000", "@东湖居民", "@东湖邻居", "热心市民老李"):
        assert raw not in text, raw
    assert text.count("东湖路噪音扰民") == 1  # delivered twice, filed once
    assert client.get(f"/api/archives/{filed['id']}/verify", headers=DEPT).json["intact"] is True


def test_a_late_event_does_not_take_an_answer_back(citizens):
    events = inquiry_outbox(citizens)
    deliver(events)
    first = [e for e in events if e.event_type in ("inquiry.message.archive_text", "inquiry.notice.archive_text")]
    deliver([first[0]])  # the complaint as received, before its reply, arriving late
    deliver([e for e in first if e.event_type == "inquiry.notice.archive_text"][:1])  # the notice as issued
    assert "夜间巡查" in MessageText.get(MessageText.category == "complaint").answer
    assert NoticeText.get().reply == "已冲洗管网，水质恢复"


def test_a_big_month_is_read_and_drawn_in_bounded_pages(app, client, monkeypatch):
    monkeypatch.setattr(archive, "PAGE", 40)
    for i in range(1, 301):
        feed("inquiry.message.archive_text", {
            "id": i, "unit_id": 4, "unit_path": "/1/3/4/", "account_id": 1, "category": ("query", "complaint")[i % 2],
            "kind": "comment", "received_at": f"2026-06-{i % 28 + 1:02d}T0{i % 10}:00:00+00:00", "handle": "@网**友",
            "contact": "", "text": f"第{i}条留言", "answer": "", "status": "received", "revision": 1})
    read = []
    whole = archive.pages

    def counted(query, *keys):
        for rows in whole(query, *keys):
            read.append((query.model.__name__, len(rows)))
            yield rows

    monkeypatch.setattr(archive, "pages", counted)
    built = archive_of(app)
    texts = [n for model, n in read if model == "MessageText"]
    assert sum(texts) == 300 and max(texts) <= 40 and len(texts) >= 8  # never more than a page held
    assert json.loads(built.summary)["texts"] == 300
    shown = text_of(bytes(built.pdf))
    assert "第300条留言" in shown and "第1条留言" in shown


def archive_of(app) -> Archive:
    with app.app_context():
        return archive.build(4, "2026-06")



def test_an_invalid_message_is_not_filed(app):
    """An invalid message (G19.2) leaves the counts: its text leaves the archive too, so each
    category's rows agree with its count."""
    from tests.assessment.test_invalid_messages import NEVER_ANSWERED
    june = {"id": 7001, "unit_id": 4, "unit_path": "/1/3/4/", "account_id": 1, "category": "complaint",
            "kind": "comment", "received_at": "2026-06-10T02:00:00+00:00", "status": "received", "revision": 2}
    feed("inquiry.message.archive_text", {**june, "handle": "", "contact": "", "text": "低价代开发票加微信",
                                          "answer": ""})
    feed("inquiry.message.changed", {**NEVER_ANSWERED, **june, "invalid": True})
    built = archive_of(app)
    summary = json.loads(built.summary)
    assert (summary["texts"], summary["by_category"]["complaint"]) == (0, 0)
    assert "低价代开发票" not in text_of(bytes(built.pdf)).replace(" ", "").replace("\n", "")
