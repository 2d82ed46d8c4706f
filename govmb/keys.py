"""The keys that sign and verify tokens, and the secrets of the web app, from files.

Only the registry signs tokens, with an Ed25519 private key; every service and the web app
verify them with the public keys and can mint nothing. Each key is named by its `kid` (the
first 16 characters of the base64url SHA-256 of its public key), which a token carries in its
header: several public keys may be valid at once, so a key is rotated without signing anyone
out (docs/operations.md, "Rotating the token key").

In the embedded mode the keys and secrets are made once in the data directory (`keys/`, files
0600) and kept; production reads them from the files its environment names (govmb.config).
"""
from __future__ import annotations

import base64
import hashlib
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey


class KeyFileError(ValueError):
    """A key file that cannot be used: named, with what is wrong."""


def kid_of(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.urlsafe_b64encode(hashlib.sha256(raw).digest()).decode()[:16]


def public_pem(public: Ed25519PublicKey) -> bytes:
    return public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def private_pem(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


@dataclass(frozen=True)
class KeyRing:
    """The public keys a process accepts, by kid, and (the registry's only) the key it signs with."""
    public: dict[str, Ed25519PublicKey]
    signing: Ed25519PrivateKey | None = field(default=None, repr=False)

    @property
    def signing_kid(self) -> str | None:
        return kid_of(self.signing.public_key()) if self.signing else None

    def verifying_only(self) -> KeyRing:
        """The same ring without its private key: what a process that must not sign holds."""
        return KeyRing(dict(self.public))

    @classmethod
    def of(cls, signing: Ed25519PrivateKey | None, public: list[Ed25519PublicKey]) -> KeyRing:
        keys = {kid_of(k): k for k in public}
        if signing is not None:
            keys.setdefault(kid_of(signing.public_key()), signing.public_key())
        return cls(keys, signing)


def read_private(path: Path) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise KeyFileError(f"{path}: not a readable PEM private key ({exc.__class__.__name__})") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFileError(f"{path}: the token key must be Ed25519")
    return key


def read_public(path: Path) -> list[Ed25519PublicKey]:
    """Every public key in a PEM file (one or more, one after the other: two while rotating)."""
    try:
        text = path.read_bytes()
    except OSError as exc:
        raise KeyFileError(f"{path}: cannot be read ({exc.strerror})") from None
    marker = b"-----END PUBLIC KEY-----"
    keys = []
    for block in text.split(marker)[:-1]:
        try:
            key = serialization.load_pem_public_key(block.strip() + b"\n" + marker + b"\n")
        except ValueError:
            raise KeyFileError(f"{path}: holds something that is not a PEM public key") from None
        if not isinstance(key, Ed25519PublicKey):
            raise KeyFileError(f"{path}: every token key must be Ed25519")
        keys.append(key)
    if not keys:
        raise KeyFileError(f"{path}: holds no public key")
    return keys


def write_private(path: Path, data: bytes, replace: bool = True) -> None:
    """A file only its owner reads, written whole or not at all; with `replace=False` the first
    of several processes writing it at once wins, and the others keep what it wrote."""
    path.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(path.parent, 0o700)
    partial = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    if replace:
        os.replace(partial, path)
        return
    try:
        os.link(partial, path)  # fails if it is there: never replaces what another process made
    except FileExistsError:
        pass
    finally:
        os.unlink(partial)


def local_key(data_dir: Path) -> Ed25519PrivateKey:
    """The embedded mode's signing key, made on first use in `data_dir/keys/`."""
    path = data_dir / "keys" / "token-signing.pem"
    if not path.exists():
        write_private(path, private_pem(Ed25519PrivateKey.generate()), replace=False)
    return read_private(path)


def local_secret(data_dir: Path, name: str) -> str:
    """An embedded secret (the web cookie's, the web app's client secret), made on first use."""
    path = data_dir / "keys" / name
    if not path.exists():
        write_private(path, secrets.token_urlsafe(32).encode(), replace=False)
    return path.read_text().strip()
