"""The audit administrator's reading and export of the trail (docs/audit.md, "Export"): the
security events alone at a click, a sign-in's address and browser apart, the filtered rows as a
file of at most EXPORT_CAP rows (the newest) with each row's hash, and each export itself a row
that only the audit administrator reads; a bad filter is refused naming its field; if the row
cannot be written, no file goes out."""
import csv
import io

import peewee
from openpyxl import load_workbook

from govmb import audit_api
from govmb.tables import neutralised
from services.registry.models import audit
from tests.conftest import audit_trail
from tests.registry.test_audit import AUDITOR, SUPERVISION


def failed_sign_in(client) -> None:
    r = client.post("/api/auth/sign-in", json={"username": "west_leader", "password": "wrong-Guess-1"},
                    environ_base={"REMOTE_ADDR": "203.0.113.9"}, headers={"User-Agent": "TestBrowser/1.0"})
    assert r.status_code == 401


def export(client, headers, **params):
    return client.get("/api/audit/export", query_string=params, headers=headers)


def csv_rows(r) -> list[list[str]]:
    assert r.status_code == 200, r.get_data(as_text=True)
    assert r.data.startswith("\ufeff".encode()) and "attachment" in r.headers["Content-Disposition"]
    return list(csv.reader(io.StringIO(r.data.decode("utf-8-sig"))))


def test_the_security_events_apart_with_the_address_and_browser(client, city):
    failed_sign_in(client)
    security = audit_trail(client, AUDITOR, security="true")
    assert security and {r["action"].split(".")[0] for r in security} <= {"signin", "session", "security", "role",
                                                                         "mfa", "audit"}
    failure = next(r for r in security if r["action"] == "signin.failure")
    assert (failure["address"], failure["browser"]) == ("203.0.113.9", "TestBrowser/1.0")
    assert len(failure["row_hash"]) == 73
    assert audit_trail(client, SUPERVISION, security="true") == []  # the security events are the auditor's alone
    everything = audit_trail(client, AUDITOR)
    assert len(everything) > len(security)


def test_an_export_holds_the_filtered_rows_and_is_itself_recorded(client, city):
    failed_sign_in(client)
    rows = csv_rows(export(client, AUDITOR, format="csv", action="signin.failure"))
    assert rows[0] == list(audit_api.EXPORT_HEADER)
    assert len(rows) == 2 and rows[1][6] == "登录失败" and "203.0.113.9" in rows[1][11]
    # the hash as a spreadsheet cell: one that happens to start with "-" is neutralised like any text
    assert rows[1][14] == neutralised(audit.Entry.get(audit.Entry.action == "signin.failure").row_hash)
    exported = audit_trail(client, AUDITOR, action="audit.export")
    assert len(exported) == 1 and exported[0]["actor_id"] == 902
    assert exported[0]["detail"] == "导出 1 行（共 1 行，CSV）；筛选：action=signin.failure"
    assert audit_trail(client, SUPERVISION, action="audit.export") == []  # a security event too
    book = load_workbook(io.BytesIO(export(client, AUDITOR, action="signin.failure").data))
    assert [c.value for c in next(book.active.iter_rows())] == list(audit_api.EXPORT_HEADER)
    # supervision exports too, without the security events
    theirs = csv_rows(export(client, SUPERVISION, format="csv"))
    assert not any(r[6] in ("登录失败", "导出审计日志") for r in theirs[1:])


def test_an_export_is_capped_and_says_so(client, city, monkeypatch):
    monkeypatch.setattr(audit_api, "EXPORT_CAP", 2)
    total = len(audit_trail(client, SUPERVISION))
    rows = csv_rows(export(client, SUPERVISION, format="csv"))
    assert len(rows) == 1 + 2 + 1 and rows[-1][0] == f"仅导出最新的 2 行，筛选结果共 {total} 行：请缩小日期范围分次导出"


def test_a_bad_export_filter_is_refused_naming_its_field(client, city):
    for params, field in (({"format": "pdf"}, "format"), ({"from": "2026-02-01", "to": "2026-01-01"}, "to"),
                          ({"security": "maybe"}, "security")):
        r = export(client, AUDITOR, **params)
        assert r.status_code == 422 and field in r.json["errors"], r.json
    assert audit_trail(client, AUDITOR, action="audit.export") == []


def test_no_file_when_its_row_cannot_be_written(client, city, monkeypatch):
    def fail(*_row, **_fields):
        raise peewee.OperationalError("disk full")
    monkeypatch.setattr(audit.Entry, "insert", fail)
    r = export(client, AUDITOR, format="csv")
    assert r.status_code == 503 and "attachment" not in r.headers.get("Content-Disposition", "")
