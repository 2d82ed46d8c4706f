"""govmb.personal: sealing, opening, rotation, the lookup hash and the masks, with no service."""
import pytest

from govmb.keys import KeyFileError
from govmb.personal import (
    DataKeys,
    PersonalDataError,
    kid_of,
    mask_contact,
    mask_handle,
    normal_form,
    read_data_keys,
)
from ops.cli import main as cli

PURPOSE = "message.citizen_contact"


def test_a_value_is_sealed_with_a_random_nonce_under_the_current_key_and_opens_again():
    keys = DataKeys.generate()
    a, b = keys.seal("13800138000", PURPOSE), keys.seal("13800138000", PURPOSE)
    assert a != b and "13800138000" not in a and kid_of(a) == keys.current
    assert keys.open(a, PURPOSE) == keys.open(b, PURPOSE) == "13800138000"


def test_a_value_moved_to_another_column_tampered_with_or_of_another_key_does_not_open():
    keys = DataKeys.generate()
    token = keys.seal("@东湖居民", "message.citizen_handle")
    with pytest.raises(PersonalDataError):
        keys.open(token, PURPOSE)  # bound to its column
    flipped = token[:-3] + ("A" if token[-3] != "A" else "B") + token[-2:]
    with pytest.raises(PersonalDataError):
        keys.open(flipped, "message.citizen_handle")
    with pytest.raises(PersonalDataError) as refused:
        DataKeys.generate().open(token, "message.citizen_handle")
    assert "东湖" not in str(refused.value)  # the error names no value
    for junk in ("@东湖居民", "pd1.", "pd1.abcdefgh.", "pd1.abcdefgh.!!!", ""):
        with pytest.raises(PersonalDataError):
            keys.open(junk, PURPOSE)


def test_after_a_rotation_old_values_open_new_ones_take_the_new_key_and_lookups_find_both():
    old = DataKeys.generate()
    sealed_before = old.seal("13800138000", PURPOSE)
    hash_before = old.lookup_hash("138 0013 8000", PURPOSE)
    new = old.rotated()
    assert new.current != old.current and new.open(sealed_before, PURPOSE) == "13800138000"
    assert kid_of(new.seal("x", PURPOSE)) == new.current
    assert hash_before in new.lookup_hashes("+86 138-0013-8000", PURPOSE)  # the normal form: digits, no +86
    with pytest.raises(PersonalDataError):
        new.retired().open(sealed_before, PURPOSE)


def test_the_lookup_hash_needs_the_key():
    keys, other = DataKeys.generate(), DataKeys.generate()
    assert keys.lookup_hash("13800138000", PURPOSE).split(".")[1] != other.lookup_hash("13800138000", PURPOSE).split(".")[1]
    assert keys.lookup_hash("A@QQ.com", PURPOSE) == keys.lookup_hash("a@qq.com ", PURPOSE)
    assert normal_form("0791-8666 1234") == "079186661234"


@pytest.mark.parametrize("contact, masked", [
    ("13812345678", "138****5678"), ("+86 138 1234 5678", "138****5678"), ("0791-86661234", "079*****1234"),
    ("wang.li@qq.com", "w***@qq.com"), ("wx_wangli", "w****i"), ("", ""), ("5", "*")])
def test_contacts_are_masked(contact, masked):
    assert mask_contact(contact) == masked


@pytest.mark.parametrize("handle, masked", [
    ("@东湖居民", "@东**民"), ("王女士", "王*士"), ("12345来电 王女士", "1****士"), ("甲", "*"), ("@甲乙", "@甲*")])
def test_handles_are_masked(handle, masked):
    assert mask_handle(handle) == masked


def test_the_command_makes_rotates_and_retires_a_key_file_for_its_owner_only(tmp_path, capsys):
    path = tmp_path / "keys" / "personal-data.keys"
    assert cli(["data-key", str(path)]) == 0
    first = read_data_keys(path)
    assert path.stat().st_mode & 0o777 == 0o600 and path.parent.stat().st_mode & 0o777 == 0o700
    assert cli(["data-key", str(path)]) == 2  # never overwritten: what it sealed would be lost
    assert cli(["data-key", str(path), "--rotate"]) == 0
    rotated = read_data_keys(path)
    assert list(rotated.keys) == [first.current, rotated.current]
    assert cli(["data-key", str(path), "--retire"]) == 0 and list(read_data_keys(path).keys) == [rotated.current]
    printed = capsys.readouterr().out
    assert all(k.hex() not in printed and path.read_text().split()[1] not in printed for k in rotated.keys.values())


def test_a_bad_key_file_is_refused_naming_the_file(tmp_path):
    bad = tmp_path / "bad.keys"
    bad.write_text("abc not-a-key\n")
    with pytest.raises(KeyFileError, match="bad.keys, line 1"):
        read_data_keys(bad)
    bad.write_text("# nothing\n")
    with pytest.raises(KeyFileError, match="holds no key"):
        read_data_keys(bad)
