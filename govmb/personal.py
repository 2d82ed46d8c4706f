"""Personal data at rest: citizens' handles and contacts sealed with AES-GCM, looked up by a
keyed hash, masked wherever they are listed (docs/security.md, "Personal data").

A key file holds one key or more, one a line (`<id> <key, base64url>`): the last line is the
current key, which seals; every key opens. A key is rotated by adding a line and sealing the
rows again with it (`python -m ops.cli data-key FILE --rotate`, then `python -m ops.cli
reseal`); the old line is removed once nothing is sealed with it any more.

A sealed value is text, so that it fits a text column: `pd1.<key id>.<base64url of the
12-byte random nonce, the ciphertext and its tag>`. The associated data is the value's
purpose (its table and column, e.g. `message.citizen_contact`): a value copied into another
column does not open. A value that does not open (another key, tampered with, not sealed)
raises `PersonalDataError`, which names no value and no key.

The lookup hash is an HMAC-SHA256 of the value's normal form (a phone number's digits, an
e-mail in lower case) under a key derived from the data key (HKDF, its own label), so the hash
alone reveals nothing and cannot be computed without the key file. It carries its key's id:
after a rotation, a lookup asks for the hash under every key.
"""
from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import os
import re
import secrets
import threading
from dataclasses import dataclass, field
from pathlib import Path

import peewee
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from govmb.keys import KeyFileError, write_private

PREFIX = "pd1"
NONCE = 12
KEY_BYTES = 32
_ID = re.compile(r"^[A-Za-z0-9_-]{8}$")  # as key_id makes them


class PersonalDataError(ValueError):
    """A sealed value that does not open, or no key to seal or open with. Never names a value."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def key_id(key: bytes) -> str:
    """A key's id: 8 characters of the base64url SHA-256 of the key under its own label."""
    return _b64(hashlib.sha256(b"govmb data key id\x00" + key).digest())[:8]


def derived(key: bytes, label: str) -> bytes:
    """A key of its own for one use (`label`) of a data key: sealing, hashing, backups."""
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=label.encode()).derive(key)


@dataclass(frozen=True)
class DataKeys:
    """The keys of one key file, in its order: the last is the current one."""
    keys: dict[str, bytes] = field(repr=False)

    def __post_init__(self):
        if not self.keys:
            raise KeyFileError("a data key file must hold at least one key")

    @property
    def current(self) -> str:
        return list(self.keys)[-1]

    @classmethod
    def generate(cls) -> DataKeys:
        key = secrets.token_bytes(KEY_BYTES)
        return cls({key_id(key): key})

    def rotated(self) -> DataKeys:
        """These keys and a new one, which becomes the current."""
        key = secrets.token_bytes(KEY_BYTES)
        return DataKeys({**self.keys, key_id(key): key})

    def retired(self) -> DataKeys:
        """The current key alone."""
        return DataKeys({self.current: self.keys[self.current]})

    def text(self) -> bytes:
        return "".join(f"{kid} {_b64(key)}\n" for kid, key in self.keys.items()).encode()

    def key(self, kid: str, label: str) -> bytes:
        if kid not in self.keys:
            raise PersonalDataError(f"no data key with the id {kid!r} in the key file")
        return derived(self.keys[kid], label)

    def seal(self, text: str, purpose: str) -> str:
        nonce = os.urandom(NONCE)
        sealed = AESGCM(self.key(self.current, "seal")).encrypt(nonce, text.encode(), purpose.encode())
        return f"{PREFIX}.{self.current}.{_b64(nonce + sealed)}"

    def open(self, token: str, purpose: str) -> str:
        kid = kid_of(token)
        try:
            blob = _unb64(token.split(".", 2)[2])
            plain = AESGCM(self.key(kid, "seal")).decrypt(blob[:NONCE], blob[NONCE:], purpose.encode())
            return plain.decode()
        except (InvalidTag, ValueError, UnicodeDecodeError) as exc:
            if isinstance(exc, PersonalDataError):
                raise
            raise PersonalDataError(f"a sealed {purpose} does not open with key {kid} (tampered with, "
                                    "or sealed with another key)") from None

    def lookup_hash(self, text: str, purpose: str, kid: str | None = None) -> str:
        """The keyed hash of the value's normal form, under the current key (or `kid`)."""
        kid = kid or self.current
        digest = hmac.new(self.key(kid, f"lookup {purpose}"), normal_form(text).encode(), hashlib.sha256).digest()
        return f"{kid}.{_b64(digest[:18])}"

    def lookup_hashes(self, text: str, purpose: str) -> list[str]:
        """The value's hash under every key: what a lookup asks for while a rotation is under way."""
        return [self.lookup_hash(text, purpose, kid) for kid in self.keys]


def kid_of(token: str) -> str:
    """The id of the key a sealed value was sealed with."""
    parts = token.split(".", 2) if isinstance(token, str) else []
    if len(parts) != 3 or parts[0] != PREFIX or not _ID.match(parts[1]):
        raise PersonalDataError("the value is not sealed personal data")
    return parts[1]


def is_sealed(value) -> bool:
    try:
        kid_of(value)
    except PersonalDataError:
        return False
    return True


def read_data_keys(path: Path) -> DataKeys:
    """A key file: `<id> <key>` a line, the last the current; blank lines and `#` comments skipped."""
    try:
        lines = path.read_text().splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise KeyFileError(f"{path}: cannot be read ({exc.__class__.__name__})") from None
    keys: dict[str, bytes] = {}
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        kid, _, text = line.strip().partition(" ")
        try:
            key = _unb64(text.strip())
        except ValueError:
            key = b""
        if not _ID.match(kid) or len(key) != KEY_BYTES:
            raise KeyFileError(f"{path}, line {number}: not `<id of 8 characters> <32-byte key, base64url>`")
        keys[kid] = key
    if not keys:
        raise KeyFileError(f"{path}: holds no key (python -m ops.cli data-key FILE makes one)")
    return DataKeys(keys)


def local_data_keys(data_dir: Path, name: str) -> DataKeys:
    """The embedded mode's data key file, made on first use in `data_dir/keys/` (0600)."""
    path = data_dir / "keys" / name
    if not path.exists():
        write_private(path, DataKeys.generate().text(), replace=False)
    return read_data_keys(path)


# -------------------------------------------------------------- the process's keys
class KeySlot:
    """The one key file a process holds for a purpose (personal data; the audit chain), installed
    when a service's database is bound (govmb.service.ensure_database), before a migration, a
    request or a job needs it. `missing`: the error when none is installed."""

    def __init__(self, missing: Exception):
        self._keys: list[DataKeys] = []
        self._lock = threading.Lock()
        self._missing = missing

    def install(self, keys: DataKeys | None) -> None:
        with self._lock:
            self._keys[:] = [keys] if keys else []

    def installed(self) -> DataKeys:
        if not self._keys:
            raise self._missing
        return self._keys[0]

    @contextlib.contextmanager
    def using(self, keys: DataKeys):
        """These keys for the block (the tests' and the reseal command's), then the ones before."""
        before = list(self._keys)
        self.install(keys)
        try:
            yield keys
        finally:
            with self._lock:
                self._keys[:] = before


_slot = KeySlot(PersonalDataError("no personal data key: set PERSONAL_DATA_KEY_FILE (docs/operations.md)"))
install, installed, using = _slot.install, _slot.installed, _slot.using


def seal(text: str, purpose: str) -> str:
    return installed().seal(text, purpose)


def open_(token: str, purpose: str) -> str:
    return installed().open(token, purpose)


def lookup_hash(text: str, purpose: str) -> str:
    return installed().lookup_hash(text, purpose) if text else ""


# ------------------------------------------------------------------ normal forms and masks
_PHONE = re.compile(r"^\+?[\d\s()-]{7,}$")


def normal_form(text: str) -> str:
    """What a lookup compares: a phone number's digits (without +86), an e-mail in lower case,
    anything else stripped and case-folded."""
    text = text.strip()
    if _PHONE.match(text):
        digits = re.sub(r"\D", "", text)
        return digits[2:] if digits.startswith("86") and len(digits) == 13 else digits
    return text.casefold()


def _middle(text: str, keep_start: int = 1, keep_end: int = 1, most: int = 4) -> str:
    if len(text) <= keep_start + keep_end:
        return text[:1] + "*" * (len(text) - 1) if len(text) > 1 else "*"
    return text[:keep_start] + "*" * min(len(text) - keep_start - keep_end, most) + text[len(text) - keep_end:]


def mask_contact(text: str) -> str:
    """138****5678 for a mobile number, 0791****1234 for another phone, w***@qq.com for an
    e-mail, the first and last character of anything else."""
    text = (text or "").strip()
    if not text:
        return ""
    if _PHONE.match(text):
        digits = normal_form(text)
        if len(digits) == 11 and digits.startswith("1"):
            return f"{digits[:3]}****{digits[7:]}"
        return _middle(digits, 3 if len(digits) > 8 else 2, 4 if len(digits) > 8 else 2, most=len(digits))
    local, at, domain = text.rpartition("@")
    if at and local:
        return f"{local[0]}***@{domain}"
    return _middle(text)


def mask_handle(text: str) -> str:
    """A handle's first and last character (after an `@`), at most four stars between: @东**民."""
    text = (text or "").strip()
    if not text:
        return ""
    at = "@" if text.startswith("@") else ""
    return at + _middle(text[len(at):])


# ------------------------------------------------------------------ the column
class Sealed:
    """A sealed value as read from its column: it opens only when asked (`plain`), so that a list
    of messages decrypts nothing it does not show, and it never prints its content."""
    __slots__ = ("token", "purpose")

    def __init__(self, token: str, purpose: str):
        self.token, self.purpose = token, purpose

    def plain(self) -> str:
        """The text; a value written before sealing began (not sealed yet: the inquiry worker's
        sealing job, or `ops.cli reseal`, seals it) as it is."""
        return open_(self.token, self.purpose) if is_sealed(self.token) else self.token

    def __repr__(self) -> str:
        return f"<sealed {self.purpose}>"

    def __eq__(self, other) -> bool:
        return isinstance(other, Sealed) and other.token == self.token

    __hash__ = None


def plain(value) -> str:
    """The text of a column's value: a Sealed one opened, a plain one (just set) as it is."""
    if isinstance(value, Sealed):
        return value.plain()
    return value or ""


class SealedField(peewee.TextField):
    """A text column that holds its values sealed: text set on a row is sealed as it is written
    (in any insert or update peewee makes), a value read is a `Sealed` that opens on request.
    The empty text is kept empty: there is nothing to hide in it."""

    def __init__(self, purpose: str, **kwargs):
        self.purpose = purpose
        super().__init__(**kwargs)

    def db_value(self, value):
        if isinstance(value, Sealed):
            return value.token
        if value in (None, ""):
            return value
        return seal(str(value), self.purpose)

    def python_value(self, value):
        return Sealed(value, self.purpose) if value else value


def reseal_rows(model: type[peewee.Model], columns: dict[str, str], keys: DataKeys, page: int = 500) -> dict:
    """Every value of `columns` (name → purpose) of `model` sealed with the current key (after a
    rotation, before the old key is retired), a page of rows per transaction: the rows read, the
    values sealed again, and the ids of the rows whose values do not open."""
    last, done = 0, {"rows": 0, "resealed": 0, "unreadable": []}
    while rows := list(model.select().where(model.id > last).order_by(model.id).limit(page)):
        with model._meta.database.atomic():
            for row in rows:
                changes = {}
                try:
                    for name, purpose in columns.items():
                        value = getattr(row, name)  # a SealedField's is a Sealed: its token as kept
                        token = value.token if isinstance(value, Sealed) else value
                        if token and kid_of(token) != keys.current:
                            sealed = keys.seal(keys.open(token, purpose), purpose)
                            changes[name] = Sealed(sealed, purpose) if isinstance(value, Sealed) else sealed
                except PersonalDataError:
                    done["unreadable"].append(row.id)
                    continue
                if changes:
                    model.update(**changes).where(model.id == row.id).execute()
                    done["resealed"] += len(changes)
        done["rows"] += len(rows)
        last = rows[-1].id
    return done


def keys_in_use(model: type[peewee.Model], columns: tuple[str, ...]) -> dict[str, int]:
    """How many values of `columns` each key id has sealed (counted by the database)."""
    counts: dict[str, int] = {}
    for name in columns:
        column = getattr(model, name)
        kid = peewee.fn.substr(column, 5, 8).coerce(False)  # the key id as text, not the column's type
        for key, n in model.select(kid, peewee.fn.count(model.id)).where(column != "").group_by(kid).tuples():
            counts[key] = counts.get(key, 0) + n
    return counts
