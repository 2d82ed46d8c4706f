"""The audit trail's hash chain (docs/audit.md, "The chain"): each `audit_entry` row carries the
hash of the row before it (`prev_hash`) and its own (`row_hash`), an HMAC-SHA256 of the previous
hash and the row's fields, id and time included, under the key of `AUDIT_CHAIN_KEY_FILE`.

Keyed, not a bare SHA-256: the chain is there for whoever can write rows without the
application, the database's owner or superuser, and a bare hash is a sum they can compute again
after changing a row. The key lives beside the services' processes (their key file, like the
token keys), never in the database, so a forged row or a rebuilt chain does not verify. A hash
names its key (`<key id>.<hex>`), so the key rotates like the other data keys: a new line in the
file, the old kept while rows hashed with it remain.

Rows are chained in id order. Several processes write one service's trail, so `link` takes a
lock held to the end of the change's transaction (PostgreSQL: an advisory transaction lock;
SQLite lets one writer in at a time anyway) and reads the last row's hash under it; the id is
taken under the same lock, so ids grow in the order rows are chained.

A purge (`govmb.auditpurge`) removes the oldest rows and leaves a checkpoint: the last removed
row's id and hash, itself sealed with the key, from which the chain goes on.
"""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import json

import peewee

from govmb.db import is_postgres, transaction_lock
from govmb.personal import DataKeys, KeySlot, PersonalDataError, derived
from govmb.timefmt import utcnow

LOCK = "audit_entry chain"
LABEL = "audit chain"
# The fields a row's hash covers, in this order (never change it: every stored hash depends on it).
FIELDS = ("id", "at", "actor_id", "actor_name", "actor_unit_id", "actor_unit_name", "actor_roles", "actor_client",
          "action", "subject_type", "subject_id", "subject_name", "unit_path", "unit_name", "detail",
          "correlation_id")
GENESIS = ""  # the previous hash of a trail's first row


class ChainKeyError(RuntimeError):
    """No key to hash with, or a hash of a key the file no longer holds. Names no key."""


def canonical(row: dict) -> bytes:
    """A row's fields as bytes, the same on SQLite and PostgreSQL: a JSON array in FIELDS'
    order, times as naive UTC with microseconds."""
    values = []
    for name in FIELDS:
        value = row[name]
        if isinstance(value, dt.datetime):
            value = value.isoformat(sep=" ", timespec="microseconds")
        values.append(value if isinstance(value, int) else str(value))
    return json.dumps(values, ensure_ascii=False, separators=(",", ":")).encode()


@functools.lru_cache(maxsize=16)
def _mac_key(raw: bytes) -> bytes:
    return derived(raw, LABEL)


def row_hash(keys: DataKeys, prev_hash: str, row: dict, kid: str | None = None) -> str:
    """`<key id>.<hex HMAC-SHA256(prev_hash NUL canonical(row))>` under the key `kid` (default:
    the file's current one)."""
    kid = kid or keys.current
    if kid not in keys.keys:
        raise ChainKeyError(f"the audit chain key file holds no key {kid!r}")
    mac = hmac.new(_mac_key(keys.keys[kid]), prev_hash.encode() + b"\x00" + canonical(row), hashlib.sha256)
    return f"{kid}.{mac.hexdigest()}"


def holds(keys: DataKeys, stored: str, prev_hash: str, row: dict) -> bool:
    """Does `stored` hash this row after `prev_hash`? (False too for a hash of an unknown key.)"""
    kid = stored.partition(".")[0]
    try:
        return hmac.compare_digest(stored.encode(), row_hash(keys, prev_hash, row, kid).encode())  # bytes: any forgery
    except (ChainKeyError, PersonalDataError):
        return False


def link(db: peewee.Database, model: type[peewee.Model], row: dict, keys: DataKeys) -> dict:
    """The row with its id, time, `prev_hash` and `row_hash`, chained after the trail's last row,
    under a lock that lasts to the end of the caller's transaction. Insert it in that transaction."""
    transaction_lock(db, LOCK)
    last = model.select(model.id, model.row_hash).order_by(model.id.desc()).limit(1).tuples().first()
    prev = last[1] if last else GENESIS
    if is_postgres(db):
        row_id = db.execute_sql("SELECT nextval(pg_get_serial_sequence(%s, 'id'))",
                                (f'"{model._meta.table_name}"',)).fetchone()[0]
    else:
        row_id = (last[0] if last else 0) + 1
    row = {**row, "id": row_id, "at": utcnow()}
    return {**row, "prev_hash": prev, "row_hash": row_hash(keys, prev, row)}


# -------------------------------------------------------------- a purge's checkpoint
def _seal_text(through_id: int, through_hash: str, removed: int, older_than: dt.datetime, at: dt.datetime) -> bytes:
    return "\x00".join(("checkpoint", str(through_id), through_hash, str(removed),
                        older_than.isoformat(timespec="microseconds"), at.isoformat(timespec="microseconds"))).encode()


def seal(keys: DataKeys, through_id: int, through_hash: str, removed: int, older_than: dt.datetime, at: dt.datetime,
         kid: str | None = None) -> str:
    kid = kid or keys.current
    mac = hmac.new(_mac_key(keys.keys[kid]), _seal_text(through_id, through_hash, removed, older_than, at),
                   hashlib.sha256)
    return f"{kid}.{mac.hexdigest()}"


def checkpoint_holds(keys: DataKeys, checkpoint: peewee.Model) -> bool:
    kid = checkpoint.seal.partition(".")[0]
    if kid not in keys.keys:
        return False
    return hmac.compare_digest(checkpoint.seal.encode(), seal(keys, checkpoint.through_id, checkpoint.through_hash,
                                                              checkpoint.removed, checkpoint.older_than, checkpoint.at,
                                                              kid).encode())


# -------------------------------------------------------------- the process's key
_slot = KeySlot(ChainKeyError("no audit chain key: set AUDIT_CHAIN_KEY_FILE (docs/operations.md)"))
install, installed = _slot.install, _slot.installed

