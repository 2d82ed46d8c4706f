"""Issue 21: what a service stores is in the record's language (Chinese), whatever language the
person whose request wrote it reads. A sweep of every text a service's database holds (its tables,
outbox and inbox included, since an event's texts are stored by its consumers) for Arabic-script
letters, after a flow spoken in Uyghur with Chinese input only: any Uyghur found was written by the
service in the reader's language (a `said(...)` stored without `govmb.messages.source`)."""
from __future__ import annotations

import re

import peewee

ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")


def speaking_uyghur(client) -> None:
    """Every request of the Flask test client asks for Uyghur."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "ug"


def uyghur_stored(db: peewee.Database) -> list[tuple[str, str, str]]:
    """(table, column, text) of each stored text with Arabic-script letters in it."""
    found = []
    for table in db.get_tables():
        cursor = db.execute_sql(f'SELECT * FROM "{table}"')
        names = [d[0] for d in cursor.description]
        for row in cursor.fetchall():
            found += [(table, name, value[:120]) for name, value in zip(names, row)
                      if isinstance(value, str) and ARABIC.search(value)]
    return found


def answered_in_uyghur(*answers: dict | list) -> bool:
    """The flow was really spoken in Uyghur: some answer holds Uyghur (a refusal's words, a name)."""
    return any(ARABIC.search(str(a)) for a in answers)
