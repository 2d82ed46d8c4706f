"""One token key pair for a test process and every process it starts: the tests sign as the
registry would (their tokens are the registry's), the services they start verify; with it the
key files of personal data and of backups. The key files
are named in the environment, which started processes inherit (govmb.config reads them); a
started process that imports this module takes the same pair (GOVMB_TEST_KEYS_DIR)."""
from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from govmb.keys import KeyRing, private_pem, public_pem, read_private, write_private
from govmb.personal import DataKeys, read_data_keys

_inherited = os.environ.get("GOVMB_TEST_KEYS_DIR")
if _inherited and (Path(_inherited) / "token-signing.pem").exists():  # started by a test process: its pair
    _inherited = Path(_inherited)
    _dir, _key = _inherited, read_private(_inherited / "token-signing.pem")
else:
    _dir, _key = Path(tempfile.mkdtemp(prefix="govmb-test-keys-")), Ed25519PrivateKey.generate()
    atexit.register(shutil.rmtree, _dir, True)
    write_private(_dir / "token-signing.pem", private_pem(_key))
    (_dir / "token-public.pem").write_bytes(public_pem(_key.public_key()))
    write_private(_dir / "personal-data.keys", DataKeys.generate().text())
    write_private(_dir / "backup.keys", DataKeys.generate().text())
    write_private(_dir / "audit-chain.keys", DataKeys.generate().text())
KEYS = KeyRing.of(_key, [])  # signs: the tests' tokens, as the registry's
VERIFYING = KEYS.verifying_only()  # what every service but the registry holds
ENV = {"GOVMB_TEST_KEYS_DIR": str(_dir), "TOKEN_SIGNING_KEY_FILE": str(_dir / "token-signing.pem"),
       "TOKEN_PUBLIC_KEYS_FILE": str(_dir / "token-public.pem"),
       "PERSONAL_DATA_KEY_FILE": str(_dir / "personal-data.keys"), "BACKUP_KEY_FILE": str(_dir / "backup.keys"),
       "AUDIT_CHAIN_KEY_FILE": str(_dir / "audit-chain.keys"),
       "WEB_COOKIE_SECRET": "test-cookie-secret-" + "c" * 32, "WEB_CLIENT_SECRET": "test-web-client-secret-" + "w" * 32}
os.environ.update(ENV)


PERSONAL = read_data_keys(_dir / "personal-data.keys")  # inquiry's, in every process the tests start
AUDIT = read_data_keys(_dir / "audit-chain.keys")  # every service's audit chain


def keys_for(service: str) -> KeyRing:
    return KEYS if service == "registry" else VERIFYING
