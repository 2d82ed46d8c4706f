"""Every export of assessment data leaves a row in assessment's audit trail, in the transaction
of the request that hands it over (docs/audit.md): a monthly archive's PDF, a quarterly report's
PDF or XLSX, the training register; the report read as JSON on the page is not an export. If
the row cannot be written, no file goes out."""
import peewee

from services.assessment.models import audit
from tests.assessment.conftest import DEPT, OFFICE
from tests.assessment.test_archives_reports import june  # noqa: F401 (a fixture)
from tests.conftest import audit_trail

EXPORTS = ("archive.export", "report.export", "training.export")


def exports(client) -> list[dict]:
    return [r for r in audit_trail(client, OFFICE) if r["action"] in EXPORTS]


def test_each_export_is_recorded_naming_who_and_what(june, client):  # noqa: F811
    assert client.post("/api/archives", json={"month": "2026-06"}, headers=OFFICE).status_code == 201
    mine = client.get("/api/archives", headers=DEPT).json[0]
    assert client.get(f"/api/archives/{mine['id']}/pdf", headers=DEPT).status_code == 200
    assert client.get("/api/reports/2026-Q2", headers=OFFICE).status_code == 200  # read on the page: not an export
    assert client.get("/api/reports/2026-Q2?format=xlsx", headers=OFFICE).status_code == 200
    assert client.get("/api/training/export?year=2026&format=csv", headers=DEPT).status_code == 200
    rows = exports(client)
    assert [(r["action"], r["actor_id"], r["subject_id"], r["unit_path"]) for r in rows] == [
        ("training.export", 13, "2026", "/1/3/4/"),
        ("report.export", 30, "2026-Q2", "/"),
        ("archive.export", 13, str(mine["id"]), "/1/3/4/")]
    assert rows[2]["detail"] == "东湖区民政局 2026-06 月度归档（PDF）"
    assert rows[1]["detail"] == "全市政务微博季度报告（XLSX）"


def test_no_file_when_its_row_cannot_be_written(june, client, monkeypatch):  # noqa: F811
    def fail(*_row, **_fields):
        raise peewee.OperationalError("disk full")
    monkeypatch.setattr(audit.Entry, "insert", fail)
    r = client.get("/api/reports/2026-Q2?format=pdf", headers=OFFICE)
    assert r.status_code == 503 and not r.data.startswith(b"%PDF")
    monkeypatch.undo()
    assert exports(client) == []
