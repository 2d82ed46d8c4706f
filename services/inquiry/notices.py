"""Problem notices (问题通报单, X20.2): the office (or a superior) records a hot issue by
importance, type and responsible department and issues a notice; the department replies;
notices issued and replied are counted per unit. Replying is a step of a machine of the workflow
core (`govmb.workflow`, `MACHINE`)."""
from __future__ import annotations

from enum import StrEnum

import peewee

from govmb.domain import Invalid, Refused
from govmb.identity import UNIT_STAFF, Identity, under
from govmb.timefmt import iso_utc
from govmb.workflow import Machine, Move, step
from services.inquiry import wordlists
from services.inquiry.archived import notice_text
from services.inquiry.models import ProblemNotice, Unit, bus, db

ISSUERS = ("joint_office", "leader", "principal_leader", "responsible_office")


def notice_event(n: ProblemNotice) -> dict:
    return {"notice_id": n.id, "unit_id": n.unit_id, "unit_path": n.unit_path, "importance": n.importance,
            "kind": n.kind, "status": n.status, "issued_at": iso_utc(n.issued_at), "replied_at": iso_utc(n.replied_at)}


def _event(n: ProblemNotice) -> None:
    bus.emit("inquiry.notice.changed", notice_event(n))
    bus.emit("inquiry.notice.archive_text", notice_text(n))  # its text and answer, for the archive (X20.4)


def issue(data: dict, who: Identity) -> ProblemNotice:
    if not who.has(*ISSUERS):
        raise Refused("问题通报单由联席会议办公室或上级单位下发")
    unit = Unit.get_or_none(Unit.id == data["unit_id"])
    if unit is None or not who.may_see(unit.path) or unit.id == who.unit_id:
        raise Invalid("unit_id", "责任单位须为您管辖范围内的其他单位")
    with db.atomic():
        n = ProblemNotice.create(title=data["title"], importance=data["importance"], kind=data["kind"],
                                 content=data["content"], unit_id=unit.id, unit_path=unit.path, issued_by=who.name,
                                 issued_by_unit_path=who.unit_path)
        _event(n)
    return n


class NoticeStatus(StrEnum):
    ISSUED = "issued"
    REPLIED = "replied"


STATUS_NAMES = {"issued": "待答复", "replied": "已答复"}
ACTION_NAMES = {"reply": "责任单位答复"}


def _reply(move: Move) -> None:
    text = (move.data.get("reply") or "").strip()
    if not text:
        raise Invalid("reply", "请填写答复内容")
    move.row.findings = wordlists.checked({"reply": text})  # the shared checks (issue 16): a block refuses
    move.row.reply, move.row.replied_by = text, move.who.name


MACHINE = Machine("notice", ProblemNotice, NoticeStatus,
                  (step("reply", {NoticeStatus.ISSUED}, NoticeStatus.REPLIED, "unit", stamp="replied_at",
                        effect=_reply),),
                  guards={"unit": lambda n, who: n.unit_id == who.unit_id and who.has(*UNIT_STAFF)},
                  refused=lambda t: "须由责任单位答复", conflict=lambda _n, t: "该通报单已答复",
                  record=lambda move: None,  # the notice keeps who replied and when; its event says so
                  emit=lambda move: _event(move.row), who_names={"unit": "责任单位的工作人员"})


def reply(notice: ProblemNotice, text: str, who: Identity) -> ProblemNotice:
    return MACHINE.apply(notice, "reply", who, {"reply": text})


def counts(path: str | None) -> list[dict]:
    """Notices issued to and replied by each unit."""
    replied = peewee.fn.SUM(peewee.Case(None, [(ProblemNotice.status == "replied", 1)], 0))
    query = (ProblemNotice.select(ProblemNotice.unit_id, Unit.name, peewee.fn.COUNT(ProblemNotice.id), replied)
             .join(Unit, peewee.JOIN.LEFT_OUTER, on=(Unit.id == ProblemNotice.unit_id))
             .group_by(ProblemNotice.unit_id, Unit.name))  # the units' names with the counts, not every unit's
    if path:
        query = query.where(under(ProblemNotice.unit_path, path))
    return [{"unit_id": unit_id, "unit_name": name or "", "issued": issued, "replied": n or 0}
            for unit_id, name, issued, n in query.order_by(ProblemNotice.unit_id).tuples()]
