"""Dormant accounts (僵尸号, G123.4: 国办发〔2018〕123号; 国办秘函〔2019〕19号).

An active account (not a private one) is dormant when, as of today (Beijing):
- it is silent (`silent`): no post in the last `dormant_days` days (the office's rule, default
  14), counted from its last post (`LastPost`, kept by the post events) or, never having posted,
  from its activation; the same test as the annual assessment's single veto;
- or it leaves citizens unanswered (`unanswered`): a citizen's message it received more than
  `unanswered_months` months ago (the rule, default 3) still has no reply (`MessageFact`), the
  national norm's “网民有效留言超过3个月未回复”, the veto's other item.

The joint-meeting office or supervision issues a rectification order (整改通知) to the unit,
with its reason and deadline; the unit answers with what it did; the office accepts the answer
or rejects it (the unit answers again). An account still dormant after the deadline is ordered
closed (责令关闭): the order's event (`assessment.account.closure_ordered`) opens the account's
closing request in the registry, where the principal leader and the other closing steps follow.
The steps are a machine of the workflow core (`MACHINE`); each is recorded (`DormancyStep`)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

import peewee
from peewee import SQL, fn

from govmb.account_copy import runs_row
from govmb.contracts.assessment import CLOSURE_ORDERED
from govmb.db import transaction_lock
from govmb.domain import Conflict, Invalid, Refused
from govmb.identity import UNIT_STAFF, Identity
from govmb.locales import recorded
from govmb.messages import said
from govmb.timefmt import BEIJING, iso_utc, to_beijing, utcnow
from govmb.workflow import Machine, Move, step
from services.assessment import rules as rules_
from services.assessment.figures import months_before
from services.assessment.models import (
    Account,
    DormancyOrder,
    DormancyStep,
    LastPost,
    MessageFact,
    Unit,
    audit,
    bus,
    db,
)

ISSUERS = ("joint_office", "supervision")
KIND_NAMES = {"silent": "长期未更新", "unanswered": "留言长期未回复"}
STATUS_NAMES = {"issued": "待单位答复", "answered": "已答复，待审核", "accepted": "整改通过",
                "rejected": "整改未通过，待重新答复", "closure_ordered": "已责令关闭"}
ACTION_NAMES = {"issue": "下发整改通知", "answer": "单位答复整改情况", "accept": "整改通过", "reject": "整改未通过",
                "order_closure": "责令关闭"}
OWED = ("issued", "rejected")  # the unit owes an answer
OPEN = ("issued", "answered", "rejected")  # not settled: one at a time per account
LONGEST = 90  # days: the furthest deadline an order may set


class OrderStatus(StrEnum):
    ISSUED = "issued"
    ANSWERED = "answered"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    CLOSURE_ORDERED = "closure_ordered"


@dataclass(frozen=True)
class Limits:
    """Where dormancy begins, as of one moment, by the office's rules."""
    today: dt.date  # Beijing
    dormant_days: int
    unanswered_months: int
    silent_day: str  # a last post on or before this Beijing day: silent
    activated_before: dt.datetime  # never posted, active since before this (naive UTC): silent
    unanswered_before: dt.datetime  # a message received before this and still unreplied (naive UTC)

    @classmethod
    def now(cls, rules: dict | None = None, at: dt.datetime | None = None) -> Limits:
        rules = rules or rules_.current()
        at = (at or utcnow()).replace(tzinfo=dt.timezone.utc)
        today = at.astimezone(BEIJING).date()
        days, months = rules["dormant_days"], rules["unanswered_months"]
        naive = at.replace(tzinfo=None)
        return cls(today, days, months, (today - dt.timedelta(days=days + 1)).isoformat(),
                   naive - dt.timedelta(days=days), months_before(naive, months))


def _silent(limits: Limits) -> peewee.Expression:
    return (LastPost.day <= limits.silent_day) | (LastPost.day.is_null()
                                                  & (Account.activated_at < limits.activated_before))


def _unanswered(limits: Limits) -> peewee.Expression:
    """An unreplied message older than the limit (the partial index of 0022 answers it)."""
    return fn.EXISTS(MessageFact.select(SQL("1")).where(
        MessageFact.account_id == Account.id, MessageFact.replied_at.is_null(),
        MessageFact.received_at < limits.unanswered_before))


# the day silence is counted from: the last post, else the activation (its UTC date: for the order only)
SINCE = fn.COALESCE(LastPost.day, fn.SUBSTR(Account.activated_at.cast("TEXT"), 1, 10))


def dormant(limits: Limits, kind: str | None = None) -> peewee.ModelSelect:
    """The dormant accounts as of `limits` (of one kind, or either), unordered and unnarrowed."""
    test = {"silent": _silent(limits), "unanswered": _unanswered(limits)}.get(kind) or (
        _silent(limits) | _unanswered(limits))
    return (Account.select(Account.id, Account.name, Account.unit_id, Account.unit_path, Account.activated_at,
                           LastPost.day.alias("last_day"))
            .join(LastPost, peewee.JOIN.LEFT_OUTER, on=(LastPost.account_id == Account.id))
            .where(Account.status == "active", Account.kind != "private", test).objects())


def _names(ids) -> dict[int, str]:
    ids = list(set(ids))
    return dict(Unit.select(Unit.id, Unit.name).where(Unit.id.in_(ids)).tuples()) if ids else {}


def _days_silent(row, limits: Limits) -> int:
    since = dt.date.fromisoformat(row.last_day) if row.last_day else (
        to_beijing(row.activated_at).date() if row.activated_at else limits.today)
    return (limits.today - since).days


def shown(rows: list, limits: Limits) -> list[dict]:
    """A page of dormant accounts as the list shows them: why each is dormant, how long silent,
    how many messages wait, its open order (a few queries for the whole page)."""
    ids = [r.id for r in rows]
    waiting = dict(MessageFact.select(MessageFact.account_id, fn.COUNT(MessageFact.id))
                   .where(MessageFact.account_id.in_(ids), MessageFact.replied_at.is_null(),
                          MessageFact.received_at < limits.unanswered_before)
                   .group_by(MessageFact.account_id).tuples()) if ids else {}
    orders = {o.account_id: o for o in DormancyOrder.select().where(DormancyOrder.account_id.in_(ids),
                                                                      DormancyOrder.status.in_(OPEN))} if ids else {}
    names = _names(r.unit_id for r in rows)
    out = []
    for r in rows:
        days = _days_silent(r, limits)
        kinds = [k for k, yes in (("silent", days > limits.dormant_days), ("unanswered", waiting.get(r.id, 0) > 0)) if yes]
        order = orders.get(r.id)
        out.append({"account_id": r.id, "account_name": r.name, "unit_id": r.unit_id, "unit_name": names.get(r.unit_id, ""),
                    "last_post_day": r.last_day, "days_silent": days, "unanswered": waiting.get(r.id, 0),
                    "kinds": kinds, "kind_names": [KIND_NAMES[k] for k in kinds], "found": _found(days, waiting.get(r.id, 0), r.last_day, limits),
                    "open_order": None if order is None else {"id": order.id, "status": order.status,
                                                              "status_name": STATUS_NAMES[order.status],
                                                              "deadline": order.deadline.isoformat()}})
    return out


def _found(days: int, waiting: int, last_day: str | None, limits: Limits) -> str:
    parts = []
    if days > limits.dormant_days:
        parts.append(said("最近一次发布为 {day}，已 {days} 天未更新", day=last_day, days=days) if last_day
                     else said("开通以来从未发布，已 {days} 天", days=days))
    if waiting:
        parts.append(said("{n} 条留言超过 {months} 个月未回复", n=waiting, months=limits.unanswered_months))
    return "；".join(parts)


# ----------------------------------------------------------------------------- orders
def _step(order: DormancyOrder, action: str, who: Identity, text: str = "") -> None:
    DormancyStep.create(order=order, action=action, text=text, actor_id=who.person_id, actor_name=who.name)


def _dormant_row(account_id: int, limits: Limits):
    return dormant(limits).where(Account.id == account_id).first()


def issue(data: dict, who: Identity) -> DormancyOrder:
    """A rectification order to a dormant account's unit (the office or supervision)."""
    if not who.has(*ISSUERS):
        raise Refused("整改通知由联席会议办公室或督查部门下发")
    account = Account.get_or_none(Account.id == data["account_id"])
    if account is None or not who.may_see(account.unit_path):
        raise Invalid("account_id", said("账号 {id} 不存在或不在您的管辖范围内", id=data["account_id"]))
    limits, reason, errors = Limits.now(), (data.get("reason") or "").strip(), {}
    row = _dormant_row(account.id, limits)
    if row is None:
        errors["account_id"] = said("账号“{name}”目前不是僵尸号（{days} 天内有发布，且没有超过 {months} 个月未回复的留言）",
                                    name=account.name, days=limits.dormant_days, months=limits.unanswered_months)
    if not reason:
        errors["reason"] = "请写明整改要求"
    if data["deadline"] <= limits.today:
        errors["deadline"] = "整改期限须晚于今天"
    elif data["deadline"] > limits.today + dt.timedelta(days=LONGEST):
        errors["deadline"] = said("整改期限不能超过 {n} 天", n=LONGEST)
    if errors:
        raise Invalid(errors)
    with recorded():  # what the order records is in the record's language, whoever issues it
        page = shown([row], limits)[0]
    with db.atomic():
        transaction_lock(db, f"dormancy-{account.id}")
        if DormancyOrder.select().where(DormancyOrder.account_id == account.id, DormancyOrder.status.in_(OPEN)).exists():
            raise Conflict(said("账号“{name}”已有未办结的整改通知，请在其中继续办理", name=account.name))
        order = DormancyOrder.create(account_id=account.id, account_name=account.name, unit_id=account.unit_id,
                                     unit_path=account.unit_path, kinds=",".join(page["kinds"]),
                                     found=page["found"][:200], reason=reason, deadline=data["deadline"],
                                     issued_by=who.name, issued_by_id=who.person_id)
        _step(order, "issue", who, reason)
        audit.record(who, "dormancy.issue", "dormancy_order", order.id, order.unit_path,
                     said("整改期限 {deadline}；{found}", deadline=order.deadline, found=order.found), account.name)
    return order


def _answer(move: Move) -> None:
    text, order = (move.data.get("text") or "").strip(), move.row
    if not text:
        raise Invalid("text", "请填写整改情况")
    if order.answered_on_time is None:  # the first answer is what counts as on time or late
        order.answered_on_time = move.at.replace(tzinfo=dt.timezone.utc).astimezone(BEIJING).date() <= order.deadline
    order.answer, order.answered_by, move.comment = text, move.who.name, text


def _review(move: Move) -> None:
    if move.action == "reject" and not move.comment:
        raise Invalid("comment", "不通过须写明意见")
    move.row.review_comment, move.row.reviewed_by = move.comment, move.who.name


def _order_closure(move: Move) -> None:
    order, limits = move.row, Limits.now(at=move.at)
    if limits.today <= order.deadline:
        raise Conflict(said("整改期限（{deadline}）尚未过去，到期后仍为僵尸号才能责令关闭", deadline=order.deadline))
    if _dormant_row(order.account_id, limits) is None:
        raise Conflict("账号已不是僵尸号（或已不在运行），不能责令关闭；请审核单位的整改答复")
    order.closure_ordered_by = move.who.name
    move.comment = move.comment or order.reason


def _record(move: Move) -> None:
    order = move.row
    _step(order, move.action, move.who, move.comment)
    if move.action != "answer":
        audit.record(move.who, f"dormancy.{move.action}", "dormancy_order", order.id, order.unit_path,
                     said("整改期限 {deadline}；意见：{comment}", deadline=order.deadline, comment=move.comment or "无"),
                     order.account_name)


def _emit(move: Move) -> None:
    if move.action == "order_closure":
        bus.emit(CLOSURE_ORDERED, {"order_id": move.row.id, "account_id": move.row.account_id,
                                   "unit_id": move.row.unit_id, "reason": move.comment[:2000],
                                   "ordered_by_id": move.who.person_id, "ordered_by": move.who.name,
                                   "ordered_at": iso_utc(move.at)})


S = OrderStatus
CONFLICT = {"answer": "整改情况已答复，待审核，或已办结", "accept": "只有已答复、待审核的整改通知可以审核",
            "reject": "只有已答复、待审核的整改通知可以审核", "order_closure": "整改通知已办结（整改通过或已责令关闭）"}
WHO = {"unit": "账号所属单位", "office": "联席会议办公室或督查部门"}
REFUSED = {"unit": "整改情况由账号所属单位答复", "office": "整改由联席会议办公室或督查部门审核、责令关闭"}
MACHINE = Machine("dormancy_order", DormancyOrder, OrderStatus, (
    step("answer", {S.ISSUED, S.REJECTED}, S.ANSWERED, "unit", stamp="answered_at", effect=_answer),
    step("accept", {S.ANSWERED}, S.ACCEPTED, "office", stamp="reviewed_at", effect=_review),
    step("reject", {S.ANSWERED}, S.REJECTED, "office", stamp="reviewed_at", effect=_review),
    step("order_closure", {S.ISSUED, S.ANSWERED, S.REJECTED}, S.CLOSURE_ORDERED, "office",
         stamp="closure_ordered_at", effect=_order_closure, event=CLOSURE_ORDERED,
         note="发出 assessment.account.closure_ordered，登记中心据此开启关闭流程")),
    guards={"unit": lambda o, who: who.has(*UNIT_STAFF) and runs_row(Account, o, who),
            "office": lambda _o, who: who.has(*ISSUERS)},
    refused=lambda t: REFUSED[t.who], conflict=lambda _o, t: CONFLICT[t.action], record=_record, emit=_emit,
    who_names=WHO)


def take(order: DormancyOrder, action: str, data: dict, who: Identity) -> DormancyOrder:
    """A step of the order (a row of MACHINE's table) for `who`."""
    return MACHINE.apply(order, action, who, data)


def shown_order(order: DormancyOrder, who: Identity | None = None, today: dt.date | None = None,
                names: dict[int, str] | None = None, with_steps: bool = False) -> DormancyOrder:
    """The order with its unit's name, its state in words, whether its deadline has passed while
    an answer is owed, and (with_steps) its history and the steps `who` may take."""
    today = today or dt.datetime.now(BEIJING).date()
    names = _names([order.unit_id]) if names is None else names
    order.unit_name = names.get(order.unit_id, "")
    order.status_name = STATUS_NAMES[order.status]
    order.kind_names = [KIND_NAMES[k] for k in order.kinds.split(",") if k in KIND_NAMES]
    order.overdue = order.status in OWED and today > order.deadline
    order.past_deadline = order.status in OPEN and today > order.deadline
    if with_steps:
        order.history = list(order.steps.order_by(DormancyStep.id))
        for s in order.history:
            s.action_name = ACTION_NAMES[s.action]
        order.actions = MACHINE.available(order, who) if who is not None else []
    return order


def counts(query: peewee.ModelSelect) -> peewee.ModelSelect:
    """Per unit: orders issued, answered on time, closures ordered, still open (one grouped query)."""
    def yes(condition):
        return fn.SUM(peewee.Case(None, [(condition, 1)], 0))
    return (query.select(DormancyOrder.unit_id, fn.COUNT(DormancyOrder.id).alias("issued"),
                         yes(DormancyOrder.answered_on_time == True).alias("answered_on_time"),  # noqa: E712
                         yes(DormancyOrder.answered_on_time == False).alias("answered_late"),  # noqa: E712
                         yes(DormancyOrder.status == "closure_ordered").alias("closures"),
                         yes(DormancyOrder.status.in_(OPEN)).alias("open"))
            .group_by(DormancyOrder.unit_id))


def shown_counts(rows: list) -> list[dict]:
    names = _names(r.unit_id for r in rows)
    return [{"unit_id": r.unit_id, "unit_name": names.get(r.unit_id, ""), "issued": r.issued,
             "answered_on_time": r.answered_on_time or 0, "answered_late": r.answered_late or 0,
             "closures": r.closures or 0, "open": r.open or 0} for r in rows]
