"""`python -m ops.cli data-key FILE` and `python -m ops.cli reseal`: the AES keys of citizens'
personal data (and of backups, the same way), and sealing the messages again after a rotation
(docs/operations.md, "Rotating the personal data key"):

    python -m ops.cli data-key FILE             # a new key file (0600): one key
    python -m ops.cli data-key FILE --rotate    # a new key added; it seals from now on, the old ones still open
    python -m ops.cli reseal                    # every message sealed with the new key, a page at a time
    python -m ops.cli data-key FILE --retire    # once `reseal` counts nothing under the old keys: the new one alone

Prints the keys' ids and counts, never a key or a value."""
from __future__ import annotations

import sys
from pathlib import Path

from govmb.config import ConfigError, Settings
from govmb.keys import KeyFileError, write_private
from govmb.personal import DataKeys, read_data_keys
from ops.keys import rotation_steps


def key_command(args) -> int:
    path: Path = args.file
    try:
        if args.rotate or args.retire:
            if not path.exists():
                print(f"{path} does not exist: make it with `data-key {path}`", file=sys.stderr)
                return 2
            before = read_data_keys(path)
            keys = before.rotated() if args.rotate else before.retired()
        elif path.exists():
            print(f"{path} exists: rotate it with --rotate, never overwrite it (what it sealed would be lost)",
                  file=sys.stderr)
            return 2
        else:
            keys = DataKeys.generate()
        write_private(path, keys.text())
    except KeyFileError as exc:
        print(exc, file=sys.stderr)
        return 2
    print(f"current key {keys.current}; keys in {path}: {', '.join(keys.keys)}")
    return 0


def reseal_command(args) -> int:
    """Seal again with the current key what each service keeps sealed: inquiry's citizens' handles
    and contacts, the registry's second-factor secrets and notification addresses, publishing's
    platform credentials. 1 if anything
    does not open."""
    from services.inquiry import sealing
    from services.publishing import connections
    from services.registry import notifications, second_factor
    jobs = (("inquiry", lambda keys: sealing.reseal(_db("inquiry"), keys, page=args.page),
             lambda: sealing.key_use(_db("inquiry")), "messages"),
            ("registry", lambda keys: second_factor.reseal(keys, page=args.page), second_factor.key_use,
             "second-factor secrets"),
            ("registry", lambda keys: notifications.reseal(keys, page=args.page), notifications.key_use,
             "notification settings (e-mail addresses, robots)"),
            ("publishing", lambda keys: connections.reseal(keys, page=args.page), connections.key_use,
             "platform connections' credentials"))
    failed = 0
    for name, reseal, key_use, what in jobs:
        try:
            settings = Settings.from_env(name)
        except ConfigError as exc:
            print(exc, file=sys.stderr)
            return 2
        failed += _resealed(name, settings, reseal, key_use, what)
    return 1 if failed else 0


def _db(name: str):
    from ops.cli import spec_of  # the command module imports this one
    return spec_of(name).db


def _resealed(name: str, settings: Settings, reseal, key_use, what: str) -> int:
    from govmb.service import ensure_database
    from ops.cli import spec_of
    spec = spec_of(name)
    ensure_database(spec, settings)
    with spec.db.connection_context():
        done = reseal(settings.personal_keys)
        use = key_use()
    per_key = ", ".join(f"{kid} {n}" for kid, n in sorted(use.items())) or "none stored"
    print(f"{name}: {done['rows']} {what} read, {done['resealed']} sealed again with key "
          f"{settings.personal_keys.current}; values per key: {per_key}")
    if done["unreadable"]:
        print(f"{name}: {len(done['unreadable'])} {what} do not open with any key (left as they are): "
              f"{', '.join(map(str, done['unreadable'][:50]))}", file=sys.stderr)
        return 1
    return 0


def add_parsers(sub) -> None:
    k = sub.add_parser("data-key", help="an AES key file for personal data or backups (--rotate, --retire)")
    k.add_argument("file", type=Path, metavar="FILE")
    rotation_steps(k, "add a new key, which seals from now on", "keep the current key alone (after reseal)")
    r = sub.add_parser("reseal", help="seal every message's personal data and every second-factor secret with the "
                                      "current key (after --rotate)")
    r.add_argument("--page", type=int, default=1000, help="messages per transaction")
