"""Backup files sealed with AES-256-GCM, a megabyte at a time, so that a dump of any size is
sealed and opened without holding it in memory (ops.backup).

A file is the header (`GOVMB-SEALED-1`, the key's id, a random 7-byte nonce prefix), then
chunks, each its length and its ciphertext with the tag. A chunk's nonce is the prefix, its
number and a last-chunk flag; the header is every chunk's associated data. So a chunk changed,
moved, dropped or a file cut short does not open, nor does the header of another file: a
damaged backup is refused before anything is restored from it."""
from __future__ import annotations

import os
import struct
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from govmb.personal import DataKeys, PersonalDataError

MAGIC = b"GOVMB-SEALED-1\n"
CHUNK = 1 << 20
PREFIX = 7
LABEL = "backup"


class SealedFileError(ValueError):
    """A sealed file that does not open: another key, damaged, cut short, or not sealed."""


def is_sealed(path: Path) -> bool:
    with open(path, "rb") as f:
        return f.read(len(MAGIC)) == MAGIC


def _nonce(prefix: bytes, number: int, last: bool) -> bytes:
    return prefix + struct.pack(">I?", number, last)


def seal_file(source: Path, target: Path, keys: DataKeys) -> None:
    """`source` sealed into `target` (which exists, empty, made for its owner only)."""
    prefix = os.urandom(PREFIX)
    header = MAGIC + keys.current.encode() + prefix
    aead = AESGCM(keys.key(keys.current, LABEL))
    with open(source, "rb") as src, open(target, "wb") as dst:
        dst.write(header)
        number, chunk = 0, src.read(CHUNK)
        while True:
            following = src.read(CHUNK) if chunk else b""
            last = not following
            sealed = aead.encrypt(_nonce(prefix, number, last), chunk, header)
            dst.write(struct.pack(">I", len(sealed)) + sealed)
            if last:
                return
            number, chunk = number + 1, following


def open_file(source: Path, target: Path, keys: DataKeys) -> None:
    """`source` opened into `target` (made for its owner only), or SealedFileError."""
    with open(source, "rb") as src, open(target, "wb") as dst:
        header = src.read(len(MAGIC) + 8 + PREFIX)
        if not header.startswith(MAGIC) or len(header) != len(MAGIC) + 8 + PREFIX:
            raise SealedFileError(f"{source} is not a sealed backup")
        kid, prefix = header[len(MAGIC):len(MAGIC) + 8].decode(errors="replace"), header[-PREFIX:]
        try:
            aead = AESGCM(keys.key(kid, LABEL))
        except PersonalDataError:
            raise SealedFileError(f"{source} was sealed with key {kid}, which BACKUP_KEY_FILE does not hold") from None
        number, size = 0, src.read(4)
        while True:
            if len(size) != 4:
                raise SealedFileError(f"{source} is cut short")
            sealed = src.read(struct.unpack(">I", size)[0])
            size = src.read(4)
            try:
                dst.write(aead.decrypt(_nonce(prefix, number, not size), sealed, header))
            except InvalidTag:
                raise SealedFileError(f"{source} does not open with key {kid}: damaged, cut short or changed") from None
            if not size:
                return
            number += 1
