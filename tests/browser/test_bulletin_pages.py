"""Supervisors' documents in the browser: supervision drafts last quarter's 检查情况通报 (a bad
quarter and an emptied title refused beside their fields), edits it, issues it and downloads the
PDF; a unit reads the issued one; the office downloads the annual 政务新媒体工作年度报表."""
import io
import re

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from govmb.timefmt import to_beijing, utcnow

pytestmark = pytest.mark.browser


def test_supervision_drafts_edits_and_issues_a_bulletin_and_a_unit_reads_it(as_person, site):
    number = f"洪政新办〔{to_beijing(utcnow()).year}〕12号"
    sup = as_person("ducha")
    sup.goto(site + "/")
    assert "通报与年度报表" in sup.locator("header nav a").all_inner_texts()
    sup.goto(site + "/bulletins")
    sup.fill("#draft input[name=quarter]", "2099-Q1")
    sup.click("#draft button[type=submit]")
    assert "只能为已经开始的季度起草通报" in sup.inner_text("#draft .field-error")
    assert sup.locator("#bulletins tbody tr.empty").count() == 1  # nothing drafted

    sup.fill("#draft input[name=quarter]", "2026-Q3")
    sup.fill("#draft input[name=prefix]", "洪政新办")
    sup.fill("#draft input[name=serial]", "12")
    sup.click("#draft button[type=submit]")
    sup.wait_for_url(re.compile(r"/bulletins/\d+$"))
    detail = sup.url
    assert sup.inner_text("#number").endswith(number)
    assert "一、总体情况" in sup.input_value("#edit textarea[name=body]")

    sup.fill("#edit input[name=title]", "")
    sup.click("#edit button[type=submit]")
    assert "此项不能为空" in sup.inner_text("#edit #error-title")
    sup.goto(detail)
    sup.fill("#edit input[name=title]", "关于2026年第三季度全市政务微博检查情况的通报")
    sup.fill("#edit textarea[name=body]", sup.input_value("#edit textarea[name=body]") + "\n特此通报。")
    sup.click("#edit button[type=submit]")
    sup.wait_for_url(detail)
    sup.click("#issue button[type=submit]")
    sup.wait_for_url(detail)
    assert "已印发" in sup.inner_text("h1") and sup.locator("#edit").count() == 0
    assert "特此通报。" in sup.inner_text("#official")
    with sup.expect_download() as pdf:
        sup.click("#bulletin-pdf")
    text = "".join(p.extract_text() for p in PdfReader(pdf.value.path()).pages).replace("\n", "")
    assert number in text and "特此通报。" in text and "附件" in text

    unit = as_person("jy_caozuo")
    unit.goto(site + "/bulletins")
    assert number in unit.inner_text("#bulletins") and unit.locator("#draft").count() == 0


def test_the_office_downloads_the_annual_form(as_person, site):
    office = as_person("lianxi")
    office.goto(site + "/bulletins/annual?year=20x6")
    assert "年份须为四位数字" in office.inner_text("#annual-year")
    office.goto(site + "/bulletins/annual?year=2026")
    rows = {r.split("\t")[1]: r.split("\t")[2] for r in office.locator("#annual tbody tr").all_inner_texts()}
    assert int(rows["政务微博账号总数（个）"]) > 0 and int(rows["发布信息总数（条）"]) >= 0
    assert rows["征集调查期数（期）"] == "未填报"  # tests/browser/test_annual_entries_page.py enters 2025's
    with office.expect_download() as xlsx:
        office.click("#annual-xlsx")
    sheet = load_workbook(io.BytesIO(open(xlsx.value.path(), "rb").read())).active
    figures = {r[1]: r[2] for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert figures["发布信息总数（条）"] == int(rows["发布信息总数（条）"])
