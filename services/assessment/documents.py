"""Printable documents (PDF with the Chinese font embedded, so they print the same anywhere)
and spreadsheets (XLSX with native charts) for archives and reports. Uyghur text (Arabic script)
is drawn in a font of its own beside the Chinese one (fpdf2's fallback fonts), shaped by
HarfBuzz (fpdf2's text shaping, `uharfbuzz`) and laid out right to left, Chinese and Uyghur in
one line each in its own order."""
from __future__ import annotations

import io
import re
import subprocess
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font

from govmb.config import options
from govmb.messages import said
from govmb.tables import xlsx_cell
from govmb.timefmt import to_beijing, utcnow

# (file, index in its collection). Debian's fonts-wqy-zenhei (installed by `make setup`) has
# TrueType outlines, whose text copies out of the PDF cleanly; Noto's CFF collections print
# well but copy out with stray characters. GOVMB_CJK_FONT names another file.
CANDIDATES = (("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
              ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2))  # 2: Simplified Chinese
# Uyghur: Noto Naskh Arabic from Debian's fonts-noto-core (installed by `make setup`), TrueType
# outlines covering the Uyghur letters (ئ ې ۆ ۇ ۈ ڭ ھ ...); GOVMB_UYGHUR_FONT names another file.
UYGHUR_CANDIDATES = ("/usr/share/fonts/truetype/noto/NotoNaskhArabic-Regular.ttf",
                     "/usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf")


ARABIC_SCRIPT = re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
HEADINGS = FontFace(emphasis="NONE", fill_color=(232, 236, 244))  # one weight of the font: no bold


class NoChineseFont(RuntimeError):
    pass


class NoUyghurFont(RuntimeError):
    pass


def _system_font(command: list[str]) -> str:
    """The first file fontconfig answers `command` with, or ""."""
    try:
        found = subprocess.run(command, capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""
    found = found.splitlines()[0] if found else ""
    return found if found and Path(found).exists() else ""


@lru_cache(maxsize=1)
def chinese_font() -> tuple[str, int]:
    """(font file, index in its collection) of a font with Simplified Chinese."""
    configured = options().cjk_font  # GOVMB_CJK_FONT
    if configured:
        return configured, 0
    for path, index in CANDIDATES:
        if Path(path).exists():
            return path, index
    found = _system_font(["fc-match", "-f", "%{file}", ":lang=zh-cn"])
    if found:
        return found, 0
    raise NoChineseFont("没有可用的中文字体：请安装 fonts-wqy-zenhei（make setup 会安装），或设置 GOVMB_CJK_FONT")


@lru_cache(maxsize=1)
def uyghur_font() -> str:
    """A font file covering Uyghur (Arabic script); fontconfig's `fc-list :lang=ug` lists only
    fonts that cover it, unlike `fc-match`, which always answers."""
    configured = options().uyghur_font  # GOVMB_UYGHUR_FONT
    if configured:
        return configured
    for path in UYGHUR_CANDIDATES:
        if Path(path).exists():
            return path
    found = _system_font(["fc-list", "-f", "%{file}\n", ":lang=ug:fontformat=TrueType"])
    if found:
        return found
    raise NoUyghurFont("没有可用的维吾尔文字体：请安装 fonts-noto-core（make setup 会安装），或设置 GOVMB_UYGHUR_FONT")


def right_to_left(text: str) -> bool:
    """Whether the text's first strong character is written right to left (Uyghur, as the
    Unicode bidirectional algorithm takes a paragraph's direction): such text is aligned right."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


class Printable(FPDF):
    """An A4 page with the Chinese font ("cjk"), the Uyghur one as its fallback for the
    characters it lacks, and text shaping for the texts in Arabic script."""

    def __init__(self):
        super().__init__(orientation="P", unit="mm", format="A4")
        path, index = chinese_font()
        self.add_font("cjk", fname=path, collection_font_number=index)
        self.add_font("ug", fname=uyghur_font())
        self.set_fallback_fonts(["ug"], exact_match=False)

    def _shaped(self, text: str) -> None:
        """Text shaping on for a text in Arabic script (Uyghur), which needs it, and off for
        the rest, which it would make twice as slow to draw (a big unit's archive)."""
        self.set_text_shaping(bool(text) and ARABIC_SCRIPT.search(text) is not None)

    def cell(self, w=None, h=None, text="", *args, **kwargs):
        self._shaped(text)
        return super().cell(w, h, text, *args, **kwargs)

    def multi_cell(self, w, h=None, text="", *args, **kwargs):  # a table's cells too
        self._shaped(text)
        return super().multi_cell(w, h, text, *args, **kwargs)

    def _render_styled_text_line(self, *args, **kwargs):
        """fpdf2 2.8.9 sets the page's font inside a line's own graphics state when the line
        starts in a fallback font (a Uyghur line), then counts it as set for the page: the next
        line, in the Chinese font, is written with no font selected (its text copies out as
        garbage). The page's font is set outside the line first, as for a Chinese line
        (https://github.com/py-pdf/fpdf2/issues/1772)."""
        if self.page and self.current_font is not None and not self.current_font_is_set_on_page:
            self._out(self._set_font_for_page(self.current_font, self.font_size_pt))
        return super()._render_styled_text_line(*args, **kwargs)


class Document(Printable):
    """An A4 document with a title block, a footer with the page number and the time it was made."""

    def __init__(self, title: str, subtitle: str = ""):
        super().__init__()
        self.set_auto_page_break(auto=True, margin=18)
        self.made_at = to_beijing(utcnow()).strftime("%Y-%m-%d %H:%M")
        self.doc_title = title
        self.set_title(title)
        self.set_creator("政务微博管理平台")
        self.add_page()
        self.set_font("cjk", size=18)
        self.multi_cell(0, 10, title, align="C", new_x="LMARGIN", new_y="NEXT")
        if subtitle:
            self.set_font("cjk", size=11)
            self.multi_cell(0, 7, subtitle, align="C", new_x="LMARGIN", new_y="NEXT")
        self.ln(4)

    def footer(self):
        self.set_y(-12)
        self.set_font("cjk", size=8)
        self.cell(0, 6, said("{title}　第 {page} 页　生成于 {made_at}（北京时间）", title=self.doc_title,
                                   page=self.page_no(), made_at=self.made_at), align="C")

    def heading(self, text: str) -> None:
        self.ln(2)
        self.set_font("cjk", size=13)
        self.multi_cell(0, 8, text, new_x="LMARGIN", new_y="NEXT")

    def paragraph(self, text: str, size: int = 10) -> None:
        self.set_font("cjk", size=size)
        self.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT", align="R" if right_to_left(text) else "J")

    def contents_page(self) -> None:
        """A page for the table of contents, filled in when the document is done (fpdf2's
        placeholder): each `section` with its page, linked to it."""
        self.add_page()
        self.insert_toc_placeholder(_contents, pages=1)

    def section(self, text: str, level: int = 0) -> None:
        """A heading that enters the table of contents and the PDF's outline."""
        self.set_font("cjk", size=13 if level == 0 else 11)
        if self.will_page_break(20):  # not a heading alone at the foot of a page
            self.add_page()
        self.start_section(text, level=level)
        self.ln(2)
        self.multi_cell(0, 8, text, new_x="LMARGIN", new_y="NEXT")

    def grid(self, headers: Sequence[str], rows: Sequence[Sequence], widths: Sequence[int] | None = None) -> None:
        """A table; long cells wrap, the header repeats on a new page."""
        self.set_font("cjk", size=8.5)
        with self.table(col_widths=widths, text_align="LEFT", line_height=5, first_row_as_headings=True,
                        repeat_headings=1, headings_style=HEADINGS) as table:
            table.row([str(h) for h in headers])
            for r in rows:
                row = table.row()
                for text in ("" if v is None else str(v) for v in r):
                    row.cell(text, align="RIGHT" if right_to_left(text) else None)
        self.ln(2)

    def bars(self, title: str, labels: Sequence[str], values: Sequence[float], unit: str = "",
             limit: float | None = None) -> None:
        """A horizontal bar chart: one bar per label, its value written at its end."""
        if not values:
            return
        self.heading(title)
        top = limit or max(max(values), 1)
        label_w, bar_w, h = 48, self.epw - 48 - 22, 5.5
        self.set_font("cjk", size=8)
        for label, value in zip(labels, values):
            if self.will_page_break(h + 1):
                self.add_page()
            y = self.get_y()
            self.set_xy(self.l_margin, y)
            self.cell(label_w, h, str(label)[:16])
            self.set_fill_color(84, 112, 198)
            self.rect(self.l_margin + label_w, y + 0.8, max(0.3, bar_w * min(value, top) / top), h - 1.6, style="F")
            self.set_xy(self.l_margin + label_w + bar_w + 2, y)
            self.cell(20, h, f"{value:g}{unit}")
            self.set_y(y + h + 0.6)
        self.ln(2)

    def bytes(self) -> bytes:
        return bytes(self.output())


def _contents(pdf: Document, outline) -> None:
    pdf.set_xy(pdf.l_margin, pdf.t_margin)
    pdf.set_font("cjk", size=14)
    pdf.multi_cell(0, 10, "目录", align="C", new_x="LMARGIN", new_y="NEXT")
    for entry in outline:
        pdf.set_font("cjk", size=11 if entry.level == 0 else 10)
        indent = 8 * entry.level
        link = pdf.add_link(page=entry.page_number)
        pdf.set_x(pdf.l_margin + indent)
        pdf.cell(pdf.epw - indent - 16, 7, entry.name, link=link)
        pdf.cell(16, 7, str(entry.page_number), align="R", link=link, new_x="LMARGIN", new_y="NEXT")


RED = (204, 0, 0)  # the 版头's red: the issuer's mark and the separator line


class OfficialDocument(Printable):
    """A 公文 on A4 after GB/T 9704 in spirit: margins of its 版心 (top 37 mm, left 28 mm, right
    26 mm), the issuer's mark in red centred at the top, the number under it, a red line across
    the text width, the title centred, the body in 3号 (16 pt) with each paragraph indented two
    characters, the signature and date to the right, the page number as "— 1 —" at the foot; an
    attachment starts a page of its own."""

    def __init__(self, title: str):
        super().__init__()
        self.set_margins(28, 37, 26)
        self.set_auto_page_break(auto=True, margin=35)
        self.set_title(title)
        self.set_creator("政务微博管理平台")
        self.add_page()

    def footer(self):
        self.set_y(-28)
        self.set_font("cjk", size=14)
        self.cell(0, 7, f"— {self.page_no()} —", align="C")

    def header_block(self, issuer: str, number: str) -> None:
        """The 版头: the issuer's mark (red), the number under it, the red line."""
        self.set_text_color(*RED)
        self.set_font("cjk", size=30)
        self.multi_cell(0, 16, issuer, align="C", new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(0, 0, 0)
        self.ln(8)
        self.set_font("cjk", size=16)
        self.cell(0, 8, number, align="C", new_x="LMARGIN", new_y="NEXT")
        y = self.get_y() + 4
        self.set_draw_color(*RED)
        self.set_line_width(0.6)
        self.line(self.l_margin, y, self.w - self.r_margin, y)
        self.set_draw_color(0, 0, 0)
        self.set_line_width(0.2)
        self.set_y(y + 10)

    def title_block(self, title: str) -> None:
        self.set_font("cjk", size=22)
        self.multi_cell(0, 11, title, align="C", new_x="LMARGIN", new_y="NEXT")
        self.ln(6)

    def paragraph(self, text: str, indent: bool = True) -> None:
        self.set_font("cjk", size=16)
        if right_to_left(text):  # Uyghur: aligned right, broken between words
            self.multi_cell(0, 9, text, new_x="LMARGIN", new_y="NEXT", align="R")
            return
        self.multi_cell(0, 9, ("\u3000\u3000" if indent else "") + text, new_x="LMARGIN", new_y="NEXT",
                        wrapmode="CHAR")  # Chinese breaks between any two characters

    def signature(self, signer: str, date: str) -> None:
        """落款 and 成文日期, right-aligned, four characters in from the right edge."""
        self.ln(14)
        self.set_font("cjk", size=16)
        for line in (signer, date):
            self.multi_cell(self.epw - 22, 9, line, align="R", new_x="LMARGIN", new_y="NEXT")

    def attachment_page(self, label: str, title: str, headers: Sequence[str], rows: Sequence[Sequence],
                        widths: Sequence[int] | None = None) -> None:
        self.add_page()
        self.set_font("cjk", size=16)
        self.cell(0, 9, label, new_x="LMARGIN", new_y="NEXT")
        self.ln(3)
        self.title_block(title)
        Document.grid(self, headers, rows, widths)

    def bytes(self) -> bytes:
        return bytes(self.output())


def workbook(sheets: Sequence[dict]) -> bytes:
    """An XLSX with one sheet per {title, headers, rows, chart: (title, label column, value column),
    formats: {column: number format}, total: a last row (bold, left out of the chart)}; text
    cells as govmb.tables writes them (formulas neutralised, control characters dropped)."""
    wb = Workbook()
    wb.remove(wb.active)
    for sheet in sheets:
        ws = wb.create_sheet(sheet["title"][:31])
        ws.append(list(sheet["headers"]))
        for row in sheet["rows"]:
            ws.append([xlsx_cell(v) for v in row])
        if sheet.get("total"):
            ws.append([xlsx_cell(v) for v in sheet["total"]])
            for cell in ws[ws.max_row]:
                cell.font = Font(bold=True)
        for column, number_format in (sheet.get("formats") or {}).items():  # a rate: 0.0% of its fraction
            for (cell,) in ws.iter_rows(min_row=2, min_col=column, max_col=column):
                cell.number_format = number_format
        for i, _ in enumerate(sheet["headers"], 1):
            ws.column_dimensions[ws.cell(1, i).column_letter].width = 16
        chart_spec = sheet.get("chart")
        if chart_spec and sheet["rows"]:
            title, label_col, value_col = chart_spec
            chart = BarChart()
            chart.type, chart.title, chart.height, chart.width = "bar", title, 9, 18
            n = len(sheet["rows"]) + 1
            chart.add_data(Reference(ws, min_col=value_col, min_row=1, max_row=n), titles_from_data=True)
            chart.set_categories(Reference(ws, min_col=label_col, min_row=2, max_row=n))
            ws.add_chart(chart, ws.cell(1, len(sheet["headers"]) + 2).coordinate)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
