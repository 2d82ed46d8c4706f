"""A list is read beside a writer on SQLite (the embedded demo): the read opens no transaction,
which there would take the write lock at BEGIN and wait for every write to finish."""
import sqlite3

from tests.inquiry.conftest import JOINT


def test_a_list_answers_while_another_connection_holds_the_write_lock(app, client, tmp_path):
    writer = sqlite3.connect(tmp_path / "inquiry.db", timeout=1)
    writer.execute("BEGIN IMMEDIATE")  # what a write transaction of another request holds
    try:
        r = client.get("/api/messages", query_string={"q": "路灯"}, headers=JOINT)
        assert r.status_code == 200, r.get_data(as_text=True)
        assert client.get("/api/accounts", headers=JOINT).status_code == 200
    finally:
        writer.rollback()
        writer.close()
