"""`python -m ops.cli keys DIR`: the token key pair the registry signs with and every process
verifies with (govmb.keys), for production. Rotation in three steps, none of which signs anyone
out (docs/operations.md, "Rotating the token key"):

    python -m ops.cli keys DIR             # token-signing.pem (0600, the registry's) and token-public.pem
    python -m ops.cli keys DIR --rotate    # a new signing key; token-public.pem holds the new and the old
    python -m ops.cli keys DIR --retire    # once the old key's tokens have run out: the current key only

Prints the keys' ids (kid), never a key."""
from __future__ import annotations

import sys
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from govmb.keys import KeyFileError, kid_of, private_pem, public_pem, read_private, write_private

SIGNING, PUBLIC = "token-signing.pem", "token-public.pem"


def command(args) -> int:
    folder: Path = args.dir
    signing, public = folder / SIGNING, folder / PUBLIC
    try:
        if args.rotate or args.retire:
            if not signing.exists():
                print(f"{signing} does not exist: make the first pair with `keys {folder}`", file=sys.stderr)
                return 2
            current, kept = read_private(signing), []
            if args.rotate:  # the old key stays valid (public) until its tokens have run out
                kept = [current.public_key()]
                write_private(folder / "token-signing.old.pem", private_pem(current))
                current = Ed25519PrivateKey.generate()
                write_private(signing, private_pem(current))
        else:
            if signing.exists():
                print(f"{signing} exists: rotate it with --rotate, never overwrite it", file=sys.stderr)
                return 2
            current, kept = Ed25519PrivateKey.generate(), []
            write_private(signing, private_pem(current))
    except KeyFileError as exc:
        print(exc, file=sys.stderr)
        return 2
    keys = [current.public_key(), *kept]  # the current key and, while rotating, the one before it
    public.write_bytes(b"".join(public_pem(k) for k in keys))
    print(f"signing key {kid_of(current.public_key())} in {signing}; public keys {', '.join(kid_of(k) for k in keys)} "
          f"in {public}")
    return 0


def rotation_steps(parser, rotate: str, retire: str) -> None:
    """--rotate and --retire, one or the other, for a key command (this one and ops.datakeys')."""
    step = parser.add_mutually_exclusive_group()
    step.add_argument("--rotate", action="store_true", help=rotate)
    step.add_argument("--retire", action="store_true", help=retire)


def add_parser(sub) -> None:
    k = sub.add_parser("keys", help="the token key pair for production, in DIR (--rotate, --retire)")
    k.add_argument("dir", type=Path, metavar="DIR")
    rotation_steps(k, "a new signing key; the public file keeps the old one too",
                   "the public file with the current key only")
