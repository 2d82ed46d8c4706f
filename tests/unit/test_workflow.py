"""The workflow core (govmb/workflow.py) on a small machine of its own: one transaction per step
(the row, its record and its event together, or none of them), who may, from which state, the
time stamped, the revision bumped."""
import datetime as dt
from enum import StrEnum

import peewee
import pytest

from govmb.domain import Conflict, Invalid, NotFound, Refused
from govmb.identity import Identity
from govmb.workflow import Machine, Move, step

db = peewee.SqliteDatabase(":memory:")


class Letter(peewee.Model):
    unit_id = peewee.IntegerField()
    status = peewee.CharField()
    revision = peewee.IntegerField(default=1)
    signed_at = peewee.DateTimeField(null=True)
    note = peewee.CharField(default="")

    class Meta:
        database = db


class Log(peewee.Model):
    letter_id = peewee.IntegerField()
    action = peewee.CharField()
    before = peewee.CharField()
    after = peewee.CharField()
    comment = peewee.CharField()

    class Meta:
        database = db


class S(StrEnum):
    DRAFT = "draft"
    SIGNED = "signed"
    SENT = "sent"


sent_out: list[tuple[str, int]] = []
after: list[int] = []


def _sign(move: Move) -> None:
    if not move.comment:
        raise Invalid("comment", "请写明意见")
    move.row.note = "signed"


def _send(move: Move) -> None:
    after.append(move.row.id)


def _record(move: Move) -> None:
    Log.create(letter_id=move.row.id, action=move.action, before=move.before.value, after=move.row.status,
               comment=move.comment)


MACHINE = Machine(
    "letter", Letter, S,
    (step("sign", {S.DRAFT}, S.SIGNED, "chief", stamp="signed_at", effect=_sign),
     step("send", {S.SIGNED}, S.SENT, "clerk", effect=_send, event="letter.sent"),
     step("note", {S.DRAFT, S.SIGNED}, None, "clerk")),
    guards={"chief": lambda row, who: row.unit_id == who.unit_id and who.has("leader"),
            "clerk": lambda row, who: row.unit_id == who.unit_id and who.has("operator")},
    refused=lambda t: f"{t.action} refused", conflict=lambda row, t: f"{row.status}: not {t.action}",
    record=_record, emit=lambda move: sent_out.append((move.event, move.row.id)), event="letter.changed")

CHIEF = Identity(1, "局长", 7, "/1/7/", frozenset({"leader"}))
CLERK = Identity(2, "科员", 7, "/1/7/", frozenset({"operator"}))
STRANGER = Identity(3, "外单位", 8, "/1/8/", frozenset({"leader", "operator"}))


@pytest.fixture(autouse=True)
def tables():
    db.connect(reuse_if_open=True)
    db.create_tables([Letter, Log])
    sent_out.clear()
    after.clear()
    yield
    db.drop_tables([Letter, Log])


def test_a_step_moves_stamps_bumps_records_and_emits_together():
    letter = Letter.create(unit_id=7, status="draft")
    at = dt.datetime(2026, 12, 6, 2, 0)
    signed = MACHINE.apply(letter, "sign", CHIEF, {"comment": " 同意 "}, at=at)
    assert (signed.status, signed.signed_at, signed.revision, signed.note) == ("signed", at, 2, "signed")
    assert [(r.action, r.before, r.after, r.comment) for r in Log.select()] == [("sign", "draft", "signed", "同意")]
    assert sent_out == [("letter.changed", letter.id)]
    sent = MACHINE.apply(signed, "send", CLERK)
    assert sent.status == "sent" and sent_out[-1] == ("letter.sent", letter.id) and after == [letter.id]


def test_a_step_that_fails_changes_nothing():
    letter = Letter.create(unit_id=7, status="draft")
    with pytest.raises(Invalid) as refused:
        MACHINE.apply(letter, "sign", CHIEF, {"comment": ""})
    assert refused.value.errors == {"comment": ["请写明意见"]}
    again = Letter.get_by_id(letter.id)
    assert (again.status, again.revision, again.note, again.signed_at) == ("draft", 1, "", None)
    assert Log.select().count() == 0 and sent_out == []


def test_who_may_and_from_which_state():
    letter = Letter.create(unit_id=7, status="draft")
    with pytest.raises(Refused):
        MACHINE.apply(letter, "sign", CLERK, {"comment": "x"})
    with pytest.raises(Refused):
        MACHINE.apply(letter, "sign", STRANGER, {"comment": "x"})  # the right role, another unit
    with pytest.raises(Conflict, match="draft: not send"):
        MACHINE.apply(letter, "send", CLERK)
    with pytest.raises(NotFound):
        MACHINE.apply(letter, "burn", CHIEF)
    assert MACHINE.available(letter, CLERK) == ["note"] and MACHINE.available(letter, CHIEF) == ["sign"]
    assert MACHINE.available(letter, STRANGER) == []
    kept = MACHINE.apply(letter, "note", CLERK, {"comment": "备注"})
    assert kept.status == "draft" and kept.revision == 2  # a step within the state


def test_the_state_is_read_under_the_lock_not_from_the_callers_copy():
    letter = Letter.create(unit_id=7, status="draft")
    stale = Letter.get_by_id(letter.id)
    MACHINE.apply(letter, "sign", CHIEF, {"comment": "同意"})
    with pytest.raises(Conflict):  # the caller's copy still says draft: signing twice is refused
        MACHINE.apply(stale, "sign", CHIEF, {"comment": "同意"})
    assert Log.select().count() == 1


def test_a_table_with_a_guard_missing_is_refused_at_once():
    with pytest.raises(ValueError, match="no guard"):
        Machine("bad", Letter, S, (step("sign", {S.DRAFT}, S.SIGNED, "nobody"),), guards={},
                refused=str, conflict=lambda r, t: "", record=lambda m: None)


def test_the_table_describes_itself():
    lines = MACHINE.describe({"draft": "草稿", "signed": "已签", "sent": "已发"}, {"sign": "签发"})
    assert lines[2] == "| `sign` 签发 | 草稿 | 已签 | chief |"
    assert lines[4] == "| `note` | 草稿、已签 | （不变） | clerk |"
