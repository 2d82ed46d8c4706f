"""Walking a service's audit chain (`python -m ops.cli audit-verify`): every row, in id order, a
page at a time, from the last purge's checkpoint (or the trail's first row), and the first
broken link named.

What a break says, with a keyed hash (govmb.auditchain) that nobody without the key can make:
- a row whose hash does not fit its fields, while the next row still names that hash: the row
  was changed after it was written;
- a row whose hash does not fit, and whose next row names the row before it: a row was put in;
- a row whose hash fits but names a previous hash other than the row before it's: rows were
  taken out before it (or, the first row, before the checkpoint);
- a checkpoint whose seal does not fit: it was forged or changed.
Rows taken from the end leave no break in a chain: the report gives the head (the last row's
id and hash), which the operator's log keeps from one run to the next (docs/operations.md).
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import peewee

from govmb.audit import make_audit_model, make_checkpoint_model
from govmb.auditchain import FIELDS, GENESIS, checkpoint_holds, holds
from govmb.messages import said
from govmb.personal import DataKeys


@dataclass(frozen=True)
class Report:
    service: str
    checked: int  # rows whose link was checked
    broken_at: int | None = None  # the id of the first row whose link is broken
    problem: str = ""  # what is wrong there, in Chinese
    kind: str = ""  # changed, inserted, deleted, checkpoint
    head_id: int | None = None  # the last row checked and its hash
    head_hash: str = ""

    @property
    def whole(self) -> bool:
        return self.broken_at is None and self.kind == ""

    def text(self) -> str:
        if self.whole:
            head = said("，末行 #{row} {hash}", row=self.head_id, hash=self.head_hash) if self.head_id else ""
            return said("{service}: 完整，已核验 {checked} 行{head}", service=self.service, checked=self.checked, head=head)
        return said("{service}: 断裂（{kind}），第 #{row} 行：{problem}；此前已核验 {checked} 行", service=self.service,
                    kind=self.kind, row=self.broken_at, problem=self.problem, checked=self.checked)


def rows(entry: type[peewee.Model], page: int) -> Iterator[dict]:
    """Every row in id order, `page` at a time (never the whole table in memory)."""
    fields = [entry._meta.fields[name] for name in (*FIELDS, "prev_hash", "row_hash")]
    last = 0
    while batch := list(entry.select(*fields).where(entry.id > last).order_by(entry.id).limit(page).dicts()):
        yield from batch
        last = batch[-1]["id"]


def verify(db: peewee.Database, keys: DataKeys, service: str = "", page: int = 1000) -> Report:
    """The chain of the trail in `db`, checked with `keys` (the service's AUDIT_CHAIN_KEY_FILE)."""
    with db.connection_context():
        checkpoints = make_checkpoint_model(db)
        checkpoint = checkpoints.select().order_by(checkpoints.id.desc()).first()
        if checkpoint is not None and not checkpoint_holds(keys, checkpoint):
            return Report(service, 0, checkpoint.through_id, "清理检查点的校验值与内容不符（被伪造或修改）", "checkpoint")
        start_id, expected = (checkpoint.through_id, checkpoint.through_hash) if checkpoint else (0, GENESIS)
        return _walk(rows(make_audit_model(db), page), keys, service, start_id, expected)


def _walk(walked: Iterator[dict], keys: DataKeys, service: str, start_id: int, expected: str) -> Report:
    checked, before = 0, None  # before: the previous row
    row = next(walked, None)
    while row is not None:
        following = next(walked, None)
        if problem := _broken(keys, row, following, before, start_id, expected):
            kind, text = problem
            return Report(service, checked, row["id"], text, kind)
        checked, before, expected = checked + 1, row, row["row_hash"]
        row = following
    return Report(service, checked, head_id=before["id"] if before else None,
                  head_hash=before["row_hash"] if before else "")


def _broken(keys: DataKeys, row: dict, following: dict | None, before: dict | None, start_id: int,
            expected: str) -> tuple[str, str] | None:
    """What is wrong with `row`'s link, if anything: (kind, what)."""
    if row["id"] <= start_id:
        return "inserted", said("清理检查点之前（#{row} 及以前）的行本应已清除：此行是后来插入的", row=start_id)
    if not holds(keys, row["row_hash"], row["prev_hash"], row):
        if following is not None and following["prev_hash"] == expected:
            return "inserted", "此行的校验值与内容不符，下一行又接在上一行之后：此行是插入的"
        if row["prev_hash"] != expected:
            return "inserted", "此行的校验值与内容不符，也没有接在上一行之后：此行是插入或替换的"
        return "changed", "此行的内容与写入时的校验值不符：写入后被修改"
    if row["prev_hash"] != expected:
        after = f"#{before['id']}" if before else ("清理检查点" if start_id else "日志开头")
        return "deleted", said("此行没有接在 {after} 之后：其间的行被删除", after=after)
    return None
