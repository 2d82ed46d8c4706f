"""The token keys of production (`ops.cli keys`): made, rotated with two valid at once, retired."""
from pathlib import Path

import pytest

from govmb.auth import AuthError, Identity, issue_token, read_token
from govmb.keys import KeyRing, read_private, read_public, write_private
from ops.cli import main

WHO = Identity(7, "张三", 5, "/1/5/", frozenset({"operator"}), session="s-1")


def ring(folder: Path, signing: bool = True) -> KeyRing:
    return KeyRing.of(read_private(folder / "token-signing.pem") if signing else None,
                      read_public(folder / "token-public.pem"))


def test_a_first_pair_then_a_rotation_that_signs_nobody_out_then_the_old_key_retired(tmp_path, capsys):
    folder = tmp_path / "keys"
    assert main(["keys", str(folder)]) == 0
    assert (folder / "token-signing.pem").stat().st_mode & 0o777 == 0o600
    assert folder.stat().st_mode & 0o777 == 0o700
    first = ring(folder)
    old_token = issue_token(WHO, first, 600)
    assert main(["keys", str(folder)]) == 2 and "never overwrite" in capsys.readouterr().err
    assert ring(folder).signing_kid == first.signing_kid  # refused: the key is the same

    assert main(["keys", str(folder), "--rotate"]) == 0
    rotated = ring(folder)
    assert rotated.signing_kid != first.signing_kid and set(rotated.public) == {rotated.signing_kid, first.signing_kid}
    verifier = ring(folder, signing=False)  # what every service reads from token-public.pem
    assert read_token(old_token, verifier) == WHO  # a token of the old key still opens, until it runs out
    assert read_token(issue_token(WHO, rotated, 600), verifier) == WHO

    assert main(["keys", str(folder), "--retire"]) == 0
    retired = ring(folder, signing=False)
    assert list(retired.public) == [rotated.signing_kid]
    with pytest.raises(AuthError):
        read_token(old_token, retired)
    printed = capsys.readouterr().out
    assert "PRIVATE" not in printed and rotated.signing_kid in printed  # ids, never a key


def test_a_secret_written_once_is_never_replaced_by_a_second_writer(tmp_path):
    path = tmp_path / "keys" / "secret"
    write_private(path, b"first", replace=False)
    write_private(path, b"second", replace=False)  # another process, a moment later
    assert path.read_bytes() == b"first" and path.stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in path.parent.iterdir()) == ["secret"]  # no partial file left
