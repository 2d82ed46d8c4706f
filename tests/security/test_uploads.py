"""Issue 7, uploads and exports (docs/security.md, "Uploads and exports"): every import endpoint
refuses a file too large (413, said in Chinese), a file that is no CSV or XLSX (also renamed
to .xlsx), a zip bomb and a sheet declared enormous, naming the field; every spreadsheet export
neutralises formulas; no name a person gives reaches a path (download names, upload names,
the web app's static files). Endpoints are found in each service's OpenAPI, so a new import
or export is caught until it is covered here."""
from __future__ import annotations

import csv
import io
import re
import time
import uuid
import zipfile
from dataclasses import dataclass
from urllib.parse import unquote

import pytest
from flask.testing import FlaskClient
from openpyxl import Workbook, load_workbook

from govmb.tables import FORMULA_STARTS, MAX_BYTES
from govmb.timefmt import beijing_today
from tests.assessment.conftest import DEPT, OFFICE, app, client, feed, post  # noqa: F401 (fixtures)
from tests.assessment.test_training import day
from tests.inquiry.conftest import DEPT_STAFF, inquiry_app
from tests.security.test_hardening import CSRF_REFUSED, csrf_token, form_routes, serving, signed_in, web_app
from tests.system import SERVICES, migrated_app, settings_for

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILE_TYPES = {"text/csv", XLSX, "application/pdf"}
HOSTILE = ['=HYPERLINK("http://evil.example","点我")', "+86 791 8888", "-2+3", "@SUM(1+1)", "\t=1+1", "\r=2+2",
           "=cmd|' /C calc'!A0"]


@dataclass
class Upload:
    client: FlaskClient
    url: str
    headers: dict
    form: dict

    def send(self, data: bytes, filename: str):
        return self.client.post(self.url, headers=self.headers, content_type="multipart/form-data",
                                data={**self.form, "file": (io.BytesIO(data), filename)})


def operations(service_client: FlaskClient, wanted) -> set[str]:
    """'METHOD path' of the service's documented operations for which `wanted(operation)` holds."""
    spec = service_client.get("/openapi.json").json
    return {f"{method.upper()} {path}" for path, ops in spec["paths"].items() for method, op in ops.items()
            if isinstance(op, dict) and wanted(op)}


def takes_a_file(op) -> bool:
    return "multipart/form-data" in op.get("requestBody", {}).get("content", {})


def gives_a_file(op) -> bool:
    return bool(FILE_TYPES & set((op.get("responses", {}).get("200") or {}).get("content") or {}))


def documented(tmp_path, client, wanted) -> dict[str, set[str]]:  # noqa: F811
    """Per service, its operations for which `wanted` holds (assessment's from the test's app)."""
    found = {"assessment": operations(client, wanted)}
    for name in SERVICES:
        if name != "assessment":
            other = migrated_app(name, settings_for(name, f"sqlite:///{tmp_path / (name + '-docs.db')}"))
            found[name] = operations(other.test_client(), wanted)
    return {name: ops for name, ops in found.items() if ops}


@pytest.fixture
def uploads(client, tmp_path) -> dict[str, Upload]:  # noqa: F811
    """Every import endpoint of every service, with a caller allowed to use it."""
    # First: documented() binds each service's database anew, the inquiry app's below must stay.
    found = {f"{service} {op}" for service, ops in documented(tmp_path, client, takes_a_file).items() for op in ops}
    inquiry = inquiry_app(tmp_path).test_client()
    every = {"inquiry POST /api/messages/import": Upload(inquiry, "/api/messages/import", DEPT_STAFF,
                                                         {"account_id": "1", "platform": "sina"}),
             "assessment POST /api/reports/{quarter}/third-party": Upload(client, "/api/reports/2026-Q2/third-party",
                                                                          OFFICE, {}),
             "assessment POST /api/followers/import": Upload(client, "/api/followers/import", DEPT, {}),
             "registry POST /api/accounts/{account_id}/follows/import": registry_follows(tmp_path)}
    assert found == set(every) | ATTACHMENTS, "an import endpoint without its checks here"
    return every


def registry_follows(tmp_path) -> Upload:
    """A follow-list import (X22) of a running account, by an operator of its unit."""
    from services.registry import service
    from services.registry.models import Account, AccountPlatform, Person
    from tests.conftest import auth
    registry = migrated_app("registry", settings_for("registry", f"sqlite:///{tmp_path / 'registry-uploads.db'}"))
    with registry.app_context():
        unit = service.create_unit("上传区", "district", None)
        person = Person.create(unit=unit, name="上传员", username="uploader", password_hash="x", roles="operator")
        account = Account.create(unit=unit, name="上传发布", kind="institutional", status="active", created_by=person)
        AccountPlatform.create(account=account, platform="sina", handle="上传发布")
        headers = auth(unit.id, unit.path, "operator", person=person.id)
    return Upload(registry.test_client(), f"/api/accounts/{account.id}/follows/import", headers, {})


def previous_quarter() -> str:
    from services.assessment.narratives import previous_quarter as quarter_before
    return quarter_before(beijing_today())


ATTACHMENTS = {"assessment POST /api/narratives"}  # documents, not tables: test_a_reports_attachments_are_checked


def test_a_reports_attachments_are_checked(client, tmp_path):  # noqa: F811
    """A unit's 简报's files (services/assessment/narratives.py): over the limit a 413 in Chinese; a
    program renamed .pdf, or any file whose content is not its type, refused by the field; no name
    reaches the file system."""
    from services.assessment import narratives
    from tests.assessment.test_narratives import submit
    over = submit(client, files=[("大文件.pdf", b"%PDF-" + b"x" * MAX_BYTES)])
    assert over.status_code == 413 and "过大" in over.json["detail"]
    exe = b"MZ\x90\x00\x03\x00\x00\x00" + bytes(200)
    for name, content in (("简报.pdf", exe), ("简报.docx", exe), ("照片.png", b"%PDF-1.4"), ("说明.txt", b"a\x00b" * 10)):
        message = refused(submit(client, files=[(name, content)]), "files")
        assert name in message, message
    target = tmp_path / f"{uuid.uuid4().hex}.pdf"
    r = submit(client, files=[("../" * 12 + str(target).lstrip("/"), b"%PDF-1.4 ok")])
    assert r.status_code == 201, r.json
    assert r.json["attachments"][0]["name"] == target.name and not target.exists()
    assert narratives.is_what_it_says(".pdf", b"%PDF-1.7") and not narratives.is_what_it_says(".pdf", exe)


def workbook(*rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def zip_bomb(megabytes: int = 256) -> bytes:
    """An XLSX of a few hundred kilobytes whose sheet unpacks to `megabytes` (one cell of 'A's),
    which openpyxl would hold in memory twice over."""
    good = zipfile.ZipFile(io.BytesIO(workbook(["账号ID", "日期", "粉丝数"], [1, "2026-06-01", "BOMB"])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for part in good.infolist():
            content = good.read(part.filename)
            if part.filename != "xl/worksheets/sheet1.xml":
                bomb.writestr(part.filename, content)
                continue
            before, after = content.split(b"BOMB")
            with bomb.open(part.filename, "w") as sheet:
                sheet.write(before)
                for _ in range(megabytes):
                    sheet.write(b"A" * 1024 * 1024)
                sheet.write(after)
    assert len(out.getvalue()) < MAX_BYTES // 4
    return out.getvalue()


def declared_enormous() -> bytes:
    """A sheet whose last cell is at row 1,048,576 and column XFD: Excel's whole grid."""
    book = Workbook()
    book.active.append(["单位", "评估机构", "得分"])
    book.active.cell(row=1_048_576, column=16_384, value="末格")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def refused(r, field: str = "file") -> str:
    assert r.status_code == 422 and field in r.json["errors"], (r.status_code, r.get_data(as_text=True)[:300])
    return r.json["errors"][field][0]


# ------------------------------------------------------------------------------ uploads
def test_every_import_refuses_a_file_over_the_limit_with_413_in_chinese(uploads):
    for name, upload in uploads.items():
        r = upload.send(b"a,b\n" * (MAX_BYTES // 4 + 1), "大文件.csv")
        assert r.status_code == 413, (name, r.status_code)
        assert r.mimetype == "application/problem+json" and "过大" in r.json["detail"] and "2 MB" in r.json["detail"], name


def test_every_import_refuses_what_is_not_csv_or_xlsx_also_when_renamed(uploads):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64)
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as z:  # a zip, but no workbook in it
        z.writestr("word/document.xml", "<w:document/>")
    not_a_table, not_xlsx, not_text = "只接受 .csv 或 .xlsx", "无法读取 XLSX 文件", "不是文本表格|编码无法识别|空字符"
    cases = [(b"a,b\n1,2\n", "表格.txt", not_a_table), (b"a,b\n1,2\n", "表格", not_a_table),
             (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "报表.xlsx", not_xlsx), (png, "截图.xlsx", not_xlsx),
             (docx.getvalue(), "文档.xlsx", not_xlsx), (b"MZ\x90\x00\x03\x00\x00\x00" + bytes(200), "程序.csv", not_text),
             (png, "截图.csv", not_text), (bytes(range(1, 128)) * 8, "导出.csv", "不是文本表格")]  # binary, no NUL
    for name, upload in uploads.items():
        for data, filename, problem in cases:
            message = refused(upload.send(data, filename))
            assert re.search(problem, message), (name, filename, message)


def test_every_import_refuses_a_zip_bomb_and_a_sheet_declared_enormous_quickly(uploads):
    bomb, enormous = zip_bomb(), declared_enormous()
    for name, upload in uploads.items():
        started = time.monotonic()
        assert "解压后过大" in refused(upload.send(bomb, "粉丝数.xlsx")), name
        assert "至多导入" in refused(upload.send(enormous, "评估.xlsx")), name
        assert time.monotonic() - started < 5, name  # refused, not unpacked (which takes several seconds)


def test_no_upload_name_reaches_the_file_system(uploads, tmp_path):
    target = tmp_path / f"{uuid.uuid4().hex}.csv"
    names = [str(target), "../" * 12 + str(target).lstrip("/"), "..\\..\\" + target.name]
    for upload in uploads.values():
        for filename in names:
            assert upload.send(b"a,b\n1,2\n", filename).status_code in (200, 422)
    assert not target.exists() and not list(tmp_path.glob(f"*{target.stem}*"))


def test_the_web_app_refuses_a_body_over_the_limit_itself_and_passes_a_services_refusal_on(app):  # noqa: F811
    web = web_app()
    for method, url in form_routes(web):  # before reading it, before the CSRF check, before any service
        r = signed_in(web).open(url, method=method, content_type="multipart/form-data",
                                data={"file": (io.BytesIO(b"x" * (MAX_BYTES + 1)), "大文件.csv")})
        assert r.status_code == 413 and "上传的文件过大" in r.get_data(as_text=True), (method, url, r.status_code)
    with serving(app) as assessment:
        browser = signed_in(web_app({"assessment": assessment}), 4, "/1/3/4/")  # a unit with accounts
        r = browser.post("/followers/import", content_type="multipart/form-data",
                         data={"csrf_token": csrf_token(browser), "file": (io.BytesIO(b"%PDF-1.7"), "粉丝数.xlsx")})
        page = r.get_data(as_text=True)
        assert r.status_code == 422 and "无法读取 XLSX 文件" in page and CSRF_REFUSED not in page


# ------------------------------------------------------------------------------ exports
def cells_of(content: bytes, mimetype: str) -> list:
    """Every non-empty cell of an exported file: CSV text, or XLSX openpyxl cells."""
    if mimetype == "text/csv":
        return [c for row in csv.reader(io.StringIO(content.decode("utf-8-sig"))) for c in row if c]
    book = load_workbook(io.BytesIO(content))
    return [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row if c.value is not None]


@pytest.fixture
def hostile(client):  # noqa: F811
    """Hostile text everywhere an export shows text: unit names (as the registry's events bring
    them), a training session's title, place, trainers and attendees (through the API); and
    posts in June so that the quarter's report lists the units."""
    for unit_id, name, parent, path in ((4, HOSTILE[0], 3, "/1/3/4/"), (5, HOSTILE[4], 1, "/1/5/")):
        feed("registry.unit.changed", {"id": unit_id, "name": name, "kind": "department", "parent_id": parent,
                                       "path": path, "revision": 2})
    post(1, 4, "2026-06-03T04:00:00+00:00")
    post(3, 5, "2026-06-04T04:00:00+00:00")
    r = client.post("/api/training/sessions", headers=OFFICE, json={
        "kind": "course", "title": HOSTILE[1], "held_on": day(), "hours": 2, "place": HOSTILE[2],
        "trainers": [{"name": HOSTILE[3], "kind": "scholar", "affiliation": HOSTILE[6]}], "invited_unit_ids": [4, 5],
        "attendees": [{"person_name": HOSTILE[5], "unit_id": 4}, {"person_name": HOSTILE[6], "unit_id": 5}]})
    assert r.status_code == 201, r.json
    session = client.get(f"/api/training/sessions/{r.json['id']}", headers=OFFICE).json
    gone = next(a for a in session["attendees"] if a["person_name"].strip() == HOSTILE[5].strip())  # its removal: a row
    assert client.delete(f"/api/training/sessions/{r.json['id']}/attendees/{gone['id']}", headers=OFFICE).status_code == 204
    client.post("/api/training/sessions/{}/attendees".format(r.json["id"]), headers=OFFICE,
                json={"attendees": [{"person_name": HOSTILE[5], "unit_id": 4}]})  # and back, for the training export
    return HOSTILE


EXPORTS = {"assessment GET /api/training/export": ["/api/training/export?format=csv", "/api/training/export?format=xlsx"],
           "assessment GET /api/reports/{quarter}": ["/api/reports/2026-Q2?format=xlsx"],
           "assessment GET /api/reports/annual/{year}": ["/api/reports/annual/2026?format=xlsx&unit_id=4"],
           "assessment GET /api/audit/export": ["/api/audit/export?format=csv", "/api/audit/export?format=xlsx"],
           # the same code as assessment's (govmb/audit_api.py), asked there
           **{f"{s} GET /api/audit/export": [] for s in ("registry", "publishing", "inquiry")}}
SHOWN_AT_LEAST = {"annual": 1, "reports": 2, "audit": 1}  # how many hostile values each export holds (the rest: all)


def test_every_spreadsheet_export_neutralises_formulas(hostile, client, tmp_path):  # noqa: F811
    spreadsheets = {f"{service} {op}" for service, ops in documented(
        tmp_path, client, lambda op: gives_a_file(op) and ({"text/csv", XLSX} & set(op["responses"]["200"]["content"])))
        .items() for op in ops}
    assert spreadsheets == set(EXPORTS), "a spreadsheet export without its check here"
    for urls in EXPORTS.values():
        for url in urls:
            r = client.get(url, headers=OFFICE)
            assert r.status_code == 200, (url, r.get_data(as_text=True)[:200])
            cells = cells_of(r.data, r.mimetype)
            texts = [c if isinstance(c, str) else c.value for c in cells if isinstance(c, str) or c.data_type == "s"]
            assert not [c for c in cells if not isinstance(c, str) and c.data_type == "f"], url  # no formula anywhere
            assert not [t for t in texts if t.startswith(FORMULA_STARTS)], url
            shown = [h for h in hostile if any(h.strip() in t for t in texts)]
            least = next((n for part, n in SHOWN_AT_LEAST.items() if part in url), len(hostile))
            assert len(shown) >= least, (url, shown)  # the values did come out
            assert any(t.startswith("'" + h.strip()) for h in shown for t in texts), url


# ------------------------------------------------------------------------- path traversal
def download_names(response) -> list[str]:
    """The file names a browser or a download tool could take from Content-Disposition."""
    header = response.headers["Content-Disposition"]
    assert header.startswith("attachment"), header
    names = [m.group(1).replace('\\"', '"') for m in re.finditer(r'filename="((?:[^"\\]|\\.)*)"', header)]
    names += [unquote(m.group(1)) for m in re.finditer(r"filename\*=UTF-8''([^;\s]+)", header)]
    assert names, header
    return names


def test_no_download_name_holds_a_path_or_breaks_the_header(client, hostile, tmp_path):  # noqa: F811
    feed("registry.unit.changed", {"id": 4, "name": '..／..／etc/passwd\n"东湖区\\民政局"', "kind": "department",
                                   "parent_id": 3, "path": "/1/3/4/", "revision": 3})
    assert client.post("/api/archives", json={"month": "2026-06"}, headers=OFFICE).status_code == 201
    archive = next(a for a in client.get("/api/archives?month=2026-06", headers=OFFICE).json if a["unit_id"] == 4)
    bulletin = client.post("/api/bulletins", json={"quarter": "2026-Q2", "issuer": '..／..／etc\n"督查室"'},
                           headers=OFFICE)
    assert bulletin.status_code == 201, bulletin.json
    assert client.post(f"/api/bulletins/{bulletin.json['id']}/issue", headers=OFFICE).status_code == 200
    downloads = {"assessment GET /api/archives/{archive_id}/pdf": [f"/api/archives/{archive['id']}/pdf"],
                 "assessment GET /api/reports/{quarter}": ["/api/reports/2026-Q2?format=pdf&unit_id=4",
                                                           "/api/reports/2026-Q2?format=xlsx&unit_id=4"],
                 "assessment GET /api/training/export": ["/api/training/export?format=csv"],
                 "assessment GET /api/reports/annual/{year}": ["/api/reports/annual/2026?format=pdf&unit_id=4",
                                                               "/api/reports/annual/2026?format=xlsx&unit_id=4"],
                 "assessment GET /api/bulletins/{bulletin_id}/pdf": [f"/api/bulletins/{bulletin.json['id']}/pdf"],
                 "assessment GET /api/narratives/compiled": [f"/api/narratives/compiled?quarter={previous_quarter()}"
                                                             "&format=pdf&unit_id=4"],
                 "assessment GET /api/audit/export": ["/api/audit/export?format=csv"],
                 **{f"{s} GET /api/audit/export": [] for s in ("registry", "publishing", "inquiry")}}  # as above
    found = {f"{s} {op}" for s, ops in documented(tmp_path, client, gives_a_file).items() for op in ops}
    assert found == set(downloads), "a download without its check here"
    for urls in downloads.values():
        for url in urls:
            r = client.get(url, headers=OFFICE)
            assert r.status_code == 200, (url, r.status_code, r.get_data(as_text=True)[:200])
            for name in download_names(r):
                assert not re.search(r'[/\\\r\n"]', name) and not name.startswith("."), (url, name)
                assert name.rsplit(".", 1)[-1] in ("pdf", "xlsx", "csv"), (url, name)


def test_the_web_apps_static_files_stay_in_their_folders():
    web = web_app().test_client()
    assert web.get("/static/vendor/htmx.min.js").status_code == 200
    for url in ("/static/../app.py", "/static/%2e%2e/app.py", "/static/..%2fapp.py", "/static/..%5capp.py",
                "/static/vendor/..%2f..%2fapp.py", "/static/vendor/../../app.py", "/static/vendor/%2e%2e%2fapp.py",
                "/static//etc/passwd", "/static/%2fetc%2fpasswd"):
        r = web.get(url, follow_redirects=True)
        assert r.status_code == 404 and "create_app" not in r.get_data(as_text=True) and "root:" not in \
            r.get_data(as_text=True), (url, r.status_code)
