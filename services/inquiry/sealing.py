"""Sealing the messages' personal data again, a page at a time: the plain values of rows
written before it was sealed (migration 0019; the worker's job `seal_plain`, on the partial
indexes of the values not yet sealed), and values sealed with a key that is no longer the current
one (`python -m ops.cli reseal` after a rotation). A page is a thousand rows by id,
never the whole table; each value is read, opened with its own key, sealed with the current
one and written back with its contact's lookup hash. Values and keys are never printed."""
from __future__ import annotations

import contextlib

import peewee
import psycopg2.extras

from govmb.db import is_postgres
from govmb.personal import DataKeys, PersonalDataError, is_sealed, kid_of
from services.inquiry.models import CONTACT, HANDLE

PAGE = 1000
SELECT = ('SELECT "id", "citizen_handle", "citizen_contact", "citizen_contact_hash" FROM "message" '
          'WHERE "id" > {p} ORDER BY "id" LIMIT {p}')
UPDATE = 'UPDATE "message" SET "citizen_handle" = {p}, "citizen_contact" = {p}, "citizen_contact_hash" = {p} WHERE "id" = {p}'


def _fresh(keys: DataKeys, value: str, purpose: str) -> tuple[str, str]:
    """(sealed with the current key, plain) of a stored value: plain, or sealed with any key."""
    if not value:
        return value, value
    if not is_sealed(value):
        return keys.seal(value, purpose), value
    text = keys.open(value, purpose)
    return (value if kid_of(value) == keys.current else keys.seal(text, purpose)), text


def _stale(keys: DataKeys, row: tuple) -> bool:
    _, handle, contact, contact_hash = row
    current = all(not v or (is_sealed(v) and kid_of(v) == keys.current) for v in (handle, contact))
    return not (current and contact_hash.startswith(f"{keys.current}." if contact else ""))


def _resealed(keys: DataKeys, row: tuple) -> tuple:
    message_id, handle, contact, _ = row
    handle, _ = _fresh(keys, handle, HANDLE)
    contact, plain_contact = _fresh(keys, contact, CONTACT)
    return handle, contact, keys.lookup_hash(plain_contact, CONTACT) if plain_contact else "", message_id


def reseal(db: peewee.Database, keys: DataKeys, page: int = PAGE, commit_each: bool = True) -> dict:
    """Every message's handle and contact sealed with the current key. `commit_each`: each page
    in its own transaction (the command, on a running system); otherwise inside the caller's
    (a migration). What was done: rows looked at, rows sealed again, rows that do not open
    (named by id, left as they are)."""
    last, done = 0, {"rows": 0, "resealed": 0, "unreadable": []}
    while True:
        rows = db.execute_sql(SELECT.format(p=db.param), (last, page)).fetchall()
        if not rows:
            return done
        changes = []
        for row in rows:
            if not _stale(keys, row):
                continue
            try:
                changes.append(_resealed(keys, row))
            except PersonalDataError:
                done["unreadable"].append(row[0])
        with db.atomic() if commit_each else contextlib.nullcontext():
            _write(db, changes)
        done["rows"] += len(rows)
        done["resealed"] += len(changes)
        last = rows[-1][0]


def _write(db: peewee.Database, changes: list[tuple]) -> None:
    if not changes:
        return
    cursor = db.cursor()
    with peewee.__exception_wrapper__:
        if is_postgres(db):
            psycopg2.extras.execute_batch(cursor, UPDATE.format(p="%s"), changes, page_size=500)
        else:
            cursor.executemany(UPDATE.format(p="?"), changes)


# the predicate of the partial indexes of migration 0019 (psycopg2 writes the pattern into the text,
# so PostgreSQL's planner sees the index's own predicate)
PLAIN = ('SELECT "id", "citizen_handle", "citizen_contact", "citizen_contact_hash" FROM "message" '
         'WHERE "{c}" NOT LIKE {p} AND "{c}" <> \'\' ORDER BY "id" LIMIT {p}')


def seal_plain(db: peewee.Database, keys: DataKeys, page: int = PAGE, pages: int = 20) -> int:
    """Seal the values written before sealing began (the inquiry worker, every
    SEALING_INTERVAL_SECONDS): at most `pages` pages a run, each in its own transaction, found by
    the partial indexes of migration 0019, so a run after the last is one empty index scan. How
    many rows were sealed."""
    done = 0
    for column in ("citizen_handle", "citizen_contact"):
        for _ in range(pages):
            rows = db.execute_sql(PLAIN.format(c=column, p=db.param), ("pd1.%", page)).fetchall()
            changes = [_resealed(keys, row) for row in rows]  # the plain values: nothing to fail to open
            with db.atomic():
                _write(db, changes)
            done += len(changes)
            if len(rows) < page:
                break
    return done


def key_use(db: peewee.Database) -> dict[str, int]:
    """How many values each key id has sealed (and `plain`: not sealed), for the operator to see
    when an old key may be retired. Reads the whole table: for the command, not for a request."""
    counts: dict[str, int] = {}
    for column in ("citizen_handle", "citizen_contact"):
        sql = (f'SELECT CASE WHEN "{column}" LIKE {db.param} THEN substr("{column}", 5, 8) ELSE {db.param} END, '
               f'count(*) FROM "message" WHERE "{column}" <> {db.param} GROUP BY 1')
        for kid, n in db.execute_sql(sql, ("pd1.%", "plain", "")).fetchall():
            counts[kid] = counts.get(kid, 0) + n
    return counts
