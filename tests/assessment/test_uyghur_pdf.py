"""Uyghur in the printable documents (issue 21): the monthly archive, the reports and the
notices draw Uyghur (Arabic script) in a font that covers it, shaped (letters joined in their
initial, medial and final forms) and right to left, with Chinese and Uyghur in one line each in
its own order; the text read back with pypdf is the text that was filed.

What is compared. A PDF holds glyphs in the order they are drawn, left to right on the page;
pypdf copies each glyph's characters back (the font's ToUnicode map, which fpdf2 writes for the
shaped glyphs too: a joined form copies back as its letter) and turns each Arabic-script word
the right way round, but leaves a right-to-left run of several words in the order they stand
on the page, last word first. `logical` puts such a run's words back in reading order (the
bidirectional algorithm undone for a run of Arabic-script words and spaces, which is what the
test texts hold: no digits inside them). Both sides are then NFKC-normalised (a presentation
form, U+FExx, would read as its letter) and compared without whitespace, since a long text
wraps inside its table cell at a place the test does not choose."""
import io
import re
import types
import unicodedata

import pytest
from pypdf import PdfReader

from services.assessment import documents
from services.assessment.documents import Document, OfficialDocument, right_to_left
from tests.assessment.conftest import DEPT, OFFICE, feed, post
from tests.assessment.test_archive_texts import archive_of
from tests.assessment.test_archives_reports import text_of

UYGHUR = "شىنجاڭ ئۇيغۇر ئاپتونوم رايونى خەلق ھۆكۈمىتى"  # the Xinjiang Uyghur Autonomous Region's government
NOTICE = "مۇھىم ئۇقتۇرۇش ئېلان قىلىندى"  # an important notice was issued (ئې, لا: a ligature)
MIXED = "新疆维吾尔自治区人民政府（" + UYGHUR + "）发布通知"
RUN = re.compile(r"[\u0600-\u06ff]+(?:[ ]+[\u0600-\u06ff]+)*")


def logical(text: str) -> str:
    """Each line's right-to-left runs of words back in reading order (see the module's note)."""
    return "\n".join(RUN.sub(lambda m: " ".join(reversed(m.group().split(" "))), line) for line in text.splitlines())


def squeezed(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def read_back(pdf: bytes) -> str:
    return squeezed(logical(text_of(pdf)))


def fonts_of(pdf: bytes) -> set[str]:
    return {str(font.get_object()["/BaseFont"]).split("+")[-1] for page in PdfReader(io.BytesIO(pdf)).pages
            for font in page["/Resources"]["/Font"].values()}


def test_the_archive_files_uyghur_posts_and_messages_whole_beside_chinese(app):
    post(1, 4, "2026-06-03T04:00:00+00:00", text=UYGHUR)
    post(1, 4, "2026-06-04T04:00:00+00:00", text=MIXED)
    post(1, 4, "2026-06-05T04:00:00+00:00", text="东湖区养老服务补贴申领指南发布")
    feed("inquiry.message.archive_text", {
        "id": 1, "unit_id": 4, "unit_path": "/1/3/4/", "account_id": 1, "category": "query", "kind": "comment",
        "received_at": "2026-06-06T02:00:00+00:00", "handle": "@ئا**ت", "contact": "", "text": NOTICE + "。谢谢",
        "answer": "已答复：" + UYGHUR, "status": "replied", "revision": 1})
    pdf = bytes(archive_of(app).pdf)
    text = read_back(pdf)
    for words in (UYGHUR, MIXED, "已答复：" + UYGHUR, "东湖区养老服务补贴申领指南发布", "东湖区民政局政务微博工作月度归档"):
        assert squeezed(words) in text, words
    # a paragraph that starts in Uyghur is right to left: its Chinese end stands at the left
    # of the line, read after the Uyghur, so it copies out first
    assert squeezed("谢谢。" + NOTICE) in text
    assert {"WenQuanYiZenHei", "NotoNaskhArabic"} <= fonts_of(pdf)


def test_a_line_of_uyghur_leaves_the_next_chinese_line_its_font():
    """fpdf2 2.8.9 loses the page's font after a line that starts in the fallback font (its
    issue 1772): the first line of a page in Uyghur, the Chinese line after it is written with no
    font selected (copied out as control characters) unless `Printable._render_styled_text_line`
    sets the page's font first. A later line on the page would fall back to an earlier size."""
    doc = Document("标题")
    doc.add_page()  # as a page break in the middle of a long Uyghur text
    doc.paragraph(UYGHUR + "\n中文的第二行\n" + NOTICE)
    doc.paragraph("之后的中文段落")
    text = text_of(doc.bytes())
    assert "中文的第二行" in text and "之后的中文段落" in text
    assert squeezed(UYGHUR) in read_back(doc.bytes()) and squeezed(NOTICE) in read_back(doc.bytes())


def test_a_uyghur_paragraph_is_aligned_right_and_a_chinese_one_left():
    doc = OfficialDocument("通报")
    doc.paragraph("各县（区）人民政府：", indent=False)
    doc.paragraph(UYGHUR)
    starts = {}

    def seen(text, cm, tm, font, size):
        if text.strip():
            starts.setdefault("ug" if right_to_left(text) else "zh", []).append(tm[4])

    PdfReader(io.BytesIO(doc.bytes())).pages[0].extract_text(visitor_text=seen)
    page_width = 595.28
    assert min(starts["zh"]) < page_width / 4  # from the left margin
    assert min(starts["ug"]) > page_width / 3  # ends at the right margin, starts past the middle's left


def test_an_issued_notice_with_a_uyghur_paragraph_reads_back_whole(client, app):
    from tests.assessment.test_bulletins import SUPERVISION, _draft
    b = _draft(client, prefix="新政办", year=2026, serial=3).json
    r = client.patch(f"/api/bulletins/{b['id']}", json={"body": b["body"] + "\n" + NOTICE + "\n" + MIXED},
                     headers=OFFICE)
    assert r.status_code == 200, r.json
    assert client.post(f"/api/bulletins/{b['id']}/issue", headers=SUPERVISION).status_code == 200
    pdf = client.get(f"/api/bulletins/{b['id']}/pdf", headers=DEPT).data
    text = read_back(pdf)
    assert squeezed(NOTICE) in text and squeezed(MIXED) in text and "新政办〔2026〕3号" in text


@pytest.mark.parametrize("text, rtl", [(UYGHUR, True), (MIXED, False), ("「" + NOTICE, True), ("2026 " + NOTICE, True),
                                       ("", False), ("123", False)])
def test_a_text_reads_right_to_left_when_its_first_strong_letter_does(text, rtl):
    assert right_to_left(text) is rtl


def test_the_uyghur_font_is_the_configured_one_else_found_else_refused_by_name(monkeypatch, tmp_path):
    monkeypatch.setattr(documents, "options", lambda: types.SimpleNamespace(uyghur_font="/srv/fonts/ukij.ttf"))
    documents.uyghur_font.cache_clear()
    assert documents.uyghur_font() == "/srv/fonts/ukij.ttf"
    monkeypatch.setattr(documents, "options", lambda: types.SimpleNamespace(uyghur_font=None))
    monkeypatch.setattr(documents, "UYGHUR_CANDIDATES", (str(tmp_path / "none.ttf"),))
    monkeypatch.setattr(documents, "_system_font", lambda command: "")
    documents.uyghur_font.cache_clear()
    with pytest.raises(documents.NoUyghurFont, match="GOVMB_UYGHUR_FONT"):
        documents.uyghur_font()
    documents.uyghur_font.cache_clear()
