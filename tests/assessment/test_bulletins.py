"""Supervisors' documents: the quarterly 检查情况通报 drafted from a small seeded quarter (figures
checked by hand), edited as a draft, issued once as a PDF (its text read back with pypdf), its
number unique in its year, bad input refused by field with nothing changed; and the annual
政务新媒体工作年度报表 with every figure of the seeded year checked by hand, as XLSX and PDF."""
import io

import pytest
from openpyxl import load_workbook

from services.assessment.models import Bulletin
from tests.assessment.conftest import DEPT, OFFICE, OTHER, message, post
from tests.assessment.test_archives_reports import text_of
from tests.assessment.test_inspections import SUPERVISION
from tests.conftest import audit_trail


def _inspect(client, unit_id, inspected_on, fix_by, found):
    r = client.post("/api/inspections", json={"unit_id": unit_id, "inspected_on": inspected_on, "checked": "发布和回复",
                                              "found": found, "required": "立即整改", "fix_by": fix_by},
                    headers=SUPERVISION)
    assert r.status_code == 201, r.json
    return r.json["id"]


@pytest.fixture
def quarter(app, client):
    """2026-Q2: unit 4 (东湖区民政局) posts twice (one original), gets two messages (one replied in
    time), and is found wanting on 05-10 with a fix due 05-20 still owed (overdue); unit 5
    (市交通运输局) posts once and fixes its finding, accepted."""
    post(1, 4, "2026-04-03T04:00:00+00:00")
    post(2, 4, "2026-05-03T04:00:00+00:00", original=False)
    post(3, 5, "2026-06-04T04:00:00+00:00")
    message(1, 4, "2026-05-05T00:00:00+00:00", "2026-05-06T00:00:00+00:00", replied_at="2026-05-05T08:00:00+00:00")
    message(1, 4, "2026-05-07T00:00:00+00:00", "2026-05-08T00:00:00+00:00")
    _inspect(client, 4, "2026-05-10", "2026-05-20", "东湖民政两周未更新")
    fixed = _inspect(client, 5, "2026-06-01", "2026-06-10", "交通留言回复不及时")
    client.post(f"/api/inspections/{fixed}/report", json={"text": "已回复", "fixed_on": "2026-06-05"},
                headers=OTHER)
    assert client.post(f"/api/inspections/{fixed}/review", json={"accept": True},
                       headers=SUPERVISION).json["status"] == "accepted"
    return app


def _draft(client, headers=SUPERVISION, **fields):
    return client.post("/api/bulletins", json={"quarter": "2026-Q2", **fields}, headers=headers)


def test_a_draft_is_composed_from_the_quarter_inspections_fixes_and_figures(quarter, client):
    r = _draft(client, prefix="洪政新办", year=2026)
    assert r.status_code == 201, r.json
    b = r.json
    assert (b["status"], b["number"], b["serial"]) == ("draft", "洪政新办〔2026〕1号", 1)
    assert b["title"] == "关于2026年第二季度全市政务微博检查情况的通报"
    assert "共对2个单位开展督查检查2次，发现问题2个" in b["body"]
    assert "已整改通过1个，待整改或待验收1个，其中逾期未整改1个" in b["body"]
    assert "东湖区民政局：东湖民政两周未更新（整改期限2026-05-20，已逾期" in b["body"]
    rows = {r[1]: r[4:] for r in b["attachment"]["rows"]}  # inspections, accepted, pending, overdue
    assert rows["东湖区民政局"] == [1, 0, 1, 1] and rows["市交通运输局"] == [1, 1, 0, 0]
    assert b["actions"] == ["issue"]
    second = _draft(client, prefix="洪政新办", year=2026).json
    assert second["number"] == "洪政新办〔2026〕2号"  # the next free number of the prefix and year


def test_a_draft_is_edited_then_issued_once_as_a_pdf_in_official_form(quarter, client):
    b = _draft(client, prefix="洪政新办", year=2026, serial=12).json
    r = client.patch(f"/api/bulletins/{b['id']}", json={"body": b["body"] + "\n请各单位认真落实。",
                                                         "issuer": "南昌市人民政府办公厅"}, headers=OFFICE)
    assert r.status_code == 200 and r.json["issuer"] == "南昌市人民政府办公厅"
    r = client.post(f"/api/bulletins/{b['id']}/issue", headers=SUPERVISION)
    assert r.status_code == 200, r.json
    assert r.json["status"] == "issued" and len(r.json["sha256"]) == 64 and r.json["actions"] == []
    pdf = client.get(f"/api/bulletins/{b['id']}/pdf", headers=DEPT)  # every unit reads an issued one
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    text = text_of(pdf.data).replace("\n", "")
    for part in ("南昌市人民政府办公厅", "洪政新办〔2026〕12号", "关于2026年第二季度全市政务微博检查情况的通报",
                 "各县（区）人民政府", "请各单位认真落实。", "附件：2026年第二季度各单位政务微博检查和考核情况",
                 "东湖区民政局", "市交通运输局", "— 2 —"):
        assert part in text, part
    frozen = client.patch(f"/api/bulletins/{b['id']}", json={"title": "改"}, headers=SUPERVISION)
    assert frozen.status_code == 409 and Bulletin.get_by_id(b["id"]).title != "改"
    assert client.post(f"/api/bulletins/{b['id']}/issue", headers=SUPERVISION).status_code == 409
    assert client.get(f"/api/bulletins/{b['id']}/pdf", headers=DEPT).data == pdf.data  # written once
    actions = [e["action"] for e in audit_trail(client, SUPERVISION, subject_type="bulletin")]
    assert {"bulletin.draft", "bulletin.issue", "bulletin.export"} <= set(actions)


def test_the_number_is_unique_in_its_year(quarter, client):
    first = _draft(client, prefix="洪政新办", year=2026, serial=5).json
    taken = _draft(client, prefix="洪政新办", year=2026, serial=5)
    assert taken.status_code == 422 and "serial" in taken.json["errors"]
    assert _draft(client, prefix="洪政新办", year=2027, serial=5).status_code == 201  # another year
    assert _draft(client, prefix="洪政督办", year=2026, serial=5).status_code == 201  # another prefix
    other = _draft(client, prefix="洪政新办", year=2026).json
    clash = client.patch(f"/api/bulletins/{other['id']}", json={"serial": 5}, headers=SUPERVISION)
    assert clash.status_code == 422 and "serial" in clash.json["errors"]
    assert Bulletin.get_by_id(other["id"]).serial == 6 and Bulletin.get_by_id(first["id"]).serial == 5


@pytest.mark.parametrize(("body", "field"), [
    ({"quarter": "2026-Q5"}, "quarter"), ({"quarter": "2099-Q1"}, "quarter"), ({}, "quarter"),
    ({"quarter": "2026-Q2", "serial": 0}, "serial"), ({"quarter": "2026-Q2", "year": 1900}, "year"),
    ({"quarter": "2026-Q2", "prefix": "   "}, "prefix"), ({"quarter": "2026-Q2", "issuer": "x" * 61}, "issuer"),
])
def test_bad_drafts_are_refused_by_field_and_nothing_is_drafted(quarter, client, body, field):
    r = client.post("/api/bulletins", json=body, headers=SUPERVISION)
    assert r.status_code == 422 and field in r.json["errors"], r.json
    assert Bulletin.select().count() == 0


@pytest.mark.parametrize(("body", "field"), [
    ({"title": ""}, "title"), ({"body": "  "}, "body"), ({"dated": "2026-13-01"}, "dated"),
    ({"serial": "十二"}, "serial"), ({"addressees": "x" * 301}, "addressees"),
])
def test_bad_edits_are_refused_by_field_and_change_nothing(quarter, client, body, field):
    b = _draft(client).json
    r = client.patch(f"/api/bulletins/{b['id']}", json=body, headers=SUPERVISION)
    assert r.status_code == 422 and field in r.json["errors"], r.json
    assert client.get(f"/api/bulletins/{b['id']}", headers=SUPERVISION).json == {**b, "actions": ["issue"]}


def test_only_supervision_and_the_office_draft_and_units_see_issued_ones_only(quarter, client):
    assert _draft(client, headers=DEPT).status_code == 403
    b = _draft(client).json
    assert client.get(f"/api/bulletins/{b['id']}", headers=DEPT).status_code == 404
    assert client.get("/api/bulletins", headers=DEPT).json == []
    assert client.patch(f"/api/bulletins/{b['id']}", json={"title": "x"}, headers=DEPT).status_code == 403
    assert client.post(f"/api/bulletins/{b['id']}/issue", headers=DEPT).status_code == 403
    client.post(f"/api/bulletins/{b['id']}/issue", headers=OFFICE)
    assert [x["number"] for x in client.get("/api/bulletins", headers=DEPT).json] == [b["number"]]


def _form(client, headers=OFFICE, **params):
    r = client.get("/api/reports/annual/2026", query_string=params, headers=headers)
    assert r.status_code == 200, r.get_data(as_text=True)
    return r


def test_the_annual_form_holds_the_year_figures_counted_by_hand(quarter, client):
    form = _form(client).json
    values = {r["item"]: r["value"] for r in form["rows"]}
    assert form["title"] == "2026年度政务新媒体工作年度报表" and values["名称"] == "全市政务微博"
    assert values["政务微博账号总数（个）"] == 3 and values["其中机构微博（个）"] == 3
    assert values["其中民生类（个）"] == 2 and values["其中政策理论类（个）"] == 1
    assert values["开设在新浪网的账号（个）"] == 3 and values["开设在腾讯网的账号（个）"] == 0
    assert values["发布信息总数（条）"] == 3 and values["原创量（条）"] == 2
    assert values["收到留言数量（条）"] == 2 and values["已回复留言数量（条）"] == 1
    assert values["按时回复（24小时内）数量（条）"] == 1
    assert values["督查检查次数（次）"] == 2 and values["问题整改数量（个）"] == 1 and values["逾期未整改（个）"] == 1
    assert values["征集调查期数（期）"] == "未填报"
    notes = {r["item"]: r["note"] for r in form["rows"]}
    assert notes["原创量（条）"] == "原创率 66.7%"
    unit = _form(client, headers=DEPT).json  # a unit's own form
    values = {r["item"]: r["value"] for r in unit["rows"]}
    assert values["名称"] == "东湖区民政局" and values["发布信息总数（条）"] == 2 and values["督查检查次数（次）"] == 1


def test_the_annual_form_downloads_as_xlsx_and_pdf(quarter, client):
    sheet = load_workbook(io.BytesIO(_form(client, format="xlsx").data)).active
    rows = {r[1]: r[2] for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["发布信息总数（条）"] == 3 and rows["收到留言数量（条）"] == 2
    text = text_of(_form(client, format="pdf").data)
    assert "2026年度政务新媒体工作年度报表" in text and "发布信息总数（条）" in text and "未填报" in text
    assert "annual_report.export" in [e["action"] for e in audit_trail(client, OFFICE)]


@pytest.mark.parametrize(("url", "field"), [("/api/reports/annual/2003", "year"),
                                            ("/api/reports/annual/2026?format=doc", "format"),
                                            ("/api/reports/annual/2026?unit_id=x", "unit_id")])
def test_the_annual_form_refuses_bad_input_by_field(quarter, client, url, field):
    r = client.get(url, headers=OFFICE)
    assert r.status_code == 422 and field in r.json["errors"], r.json


def test_a_bulletin_drafted_by_a_reader_of_uyghur_is_drafted_in_chinese(quarter, client):
    """Issue 21: the 通报 is an official document; its draft reads the same whatever the language of
    the supervisor who asked for it (the page around it is in theirs)."""
    b = _draft(client, headers={**SUPERVISION, "Accept-Language": "ug"}, prefix="洪政新办", year=2026).json
    assert b["title"] == "关于2026年第二季度全市政务微博检查情况的通报"
    assert "国办发〔2018〕123号" in b["body"] and not any("\u0600" <= c <= "\u06ff" for c in b["body"])
