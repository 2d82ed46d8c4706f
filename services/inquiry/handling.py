"""A citizen's message from receipt to resolution (N11): received → replied (within 24
hours) → accepted, with feedback on how it is handled (within 3 working days) → verifying
(a matter to check or study: within 10 working days) → resolved. Deadlines are stored as
columns. A machine of the workflow core (`govmb.workflow`): its states (`MessageStatus`), its
table (`MACHINE`) and an effect per step; each recorded and reported in its transaction."""
from __future__ import annotations

import datetime as dt
import weakref

from govmb import personal
from govmb.account_copy import runs_row, sees_account
from govmb.contracts.inquiry import ACTION_NAMES, STATUS_NAMES, MessageStatus
from govmb.contracts.registry import AccountStatus
from govmb.db import IdBlocks, Insert, is_postgres, write_together
from govmb.domain import Conflict, Invalid, Refused
from govmb.identity import UNIT_STAFF, Identity
from govmb.messages import said
from govmb.messages import source as recorded
from govmb.timefmt import iso_utc, stored, utcnow
from govmb.workflow import Machine, Move, Transition, step
from services.inquiry import classify, results, wordlists, workdays
from services.inquiry.archived import message_text
from services.inquiry.models import (
    CONTACT,
    Account,
    CalendarDay,
    CalendarVersion,
    CalendarYear,
    Message,
    MessageMarks,
    MessageStep,
    MissedDeadline,
    Unit,
    bus,
    db,
)

STAFF = UNIT_STAFF
INTAKE_SOURCES = ("api", "hall")  # posted by a system: only to an account that is running
S = MessageStatus


# The calendar's version, read with the account in the same query: the calendar itself is
# loaded again only after the office has entered something. Written out: peewee would build
# this SQL anew for every message.
CALENDAR_STAMP = CalendarVersion.select(CalendarVersion.version).where(CalendarVersion.id == 1)
ACCOUNTS_WITH_CALENDAR = ('SELECT *, (SELECT "version" FROM "calendar_version" WHERE "id" = 1) AS calendar_stamp '
                          'FROM "account" WHERE "id" IN ({params})')
_calendars: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # database -> (stamp, calendar)
MESSAGE_IDS = IdBlocks(Message)


def calendar(stamp: int | None = None) -> workdays.WorkCalendar:
    """The working-day calendar with what the office has entered; loaded from the tables only
    when its version (`stamp`, read now if not given) has moved since this process loaded it."""
    if stamp is None:
        stamp = CALENDAR_STAMP.scalar()
    target = db.obj
    cached = _calendars.get(target)
    if cached is None or cached[0] != stamp:
        complete = [y.year for y in CalendarYear.select().where(CalendarYear.notice_complete)]
        cached = (stamp, workdays.WorkCalendar({d.day: d.workday for d in CalendarDay.select()}, complete))
        if not db.in_transaction():  # an entry not yet committed may still be rolled back
            _calendars[target] = cached
    return cached[1]


def publish(message: Message, step: str) -> None:
    """The message's event; `invalid` read from its marks (issue 19: the assessment leaves an
    invalid message out of the veto and the rates), one lookup by its key."""
    invalid = MessageMarks.select(MessageMarks.invalid_kind).where(MessageMarks.message == message.id).scalar()
    bus.emit("inquiry.message.changed", {**message_event(message, step), "invalid": bool(invalid)})
    bus.emit("inquiry.message.archive_text", message_text(message))  # the masked texts, for the archive (X20.4)


def message_event(message: Message, step: str) -> dict:
    return {
        "id": message.id, "account_id": message.account_id, "unit_id": message.unit_id,
        "unit_path": message.unit_path, "category": message.category, "sentiment": message.sentiment,
        "status": message.status, "step": step, "received_at": iso_utc(message.received_at),
        "replied_at": iso_utc(message.replied_at), "fed_back_at": iso_utc(message.fed_back_at),
        "resolved_at": iso_utc(message.resolved_at), "reply_due_at": iso_utc(message.reply_due_at),
        "feedback_due_at": iso_utc(message.feedback_due_at), "verification_due_at": iso_utc(message.verification_due_at),
        "revision": message.revision, "kind": message.kind}


def _step(message: Message, action: str, from_status: str | None, who: Identity, comment: str = "") -> dict:
    return {"message": message.id, "action": action, "from_status": from_status, "to_status": message.status,
            "actor_id": who.person_id, "actor_name": who.name, "actor_unit_id": who.unit_id,
            "comment": recorded(comment)}  # in the record's language, whoever's request wrote it


def _record(message: Message, action: str, from_status: str | None, who: Identity, comment: str = "") -> None:
    MessageStep.create(**_step(message, action, from_status, who, comment))


def record_step(message: Message, action: str, who: Identity, comment: str = "") -> None:
    """A step that does not move the message's status (a transfer, its answer, a decision)."""
    _record(message, action, message.status, who, comment)


def receive(data: dict, who: Identity, source: str) -> Message:
    """A message entered by staff, imported, or posted by another system (source api) or the
    public hall, on an account within the caller's sight."""
    message, problems = _prepare(data, _accounts([data["account_id"]]).get(data["account_id"]), who, source)
    if problems:
        raise Invalid(problems)
    if data.get("platform_message_id") and _already_in([(message.platform, message.platform_message_id)]):
        raise Conflict("该平台消息已录入，不再重复录入")
    _store([message], who)
    return message


def receive_many(items: list[dict], who: Identity, source: str) -> list[Message]:
    """Messages another system posts together: all stored, in one transaction, or none, with
    every bad one named by its place in the list."""
    accounts = _accounts(sorted({d["account_id"] for d in items}))
    messages, errors = [], {}
    for i, data in enumerate(items):
        message, problems = _prepare(data, accounts.get(data["account_id"]), who, source)
        messages.append(message)
        if problems:
            errors[i] = problems
    keys = [(m.platform, m.platform_message_id) for m in messages if m is not None and m.platform_message_id]
    stored_before, seen = _already_in(keys), set()
    for i, m in enumerate(messages):
        if m is None or not m.platform_message_id:
            continue
        key = (m.platform, m.platform_message_id)
        if key in stored_before or key in seen:
            errors.setdefault(i, {})["platform_message_id"] = ["该平台消息已录入，不再重复录入" if key in stored_before
                                                               else "同一批中重复出现"]
        seen.add(key)
    if errors:
        raise Invalid("messages", errors)
    _store(messages, who)
    return messages


def _accounts(ids: list[int]) -> dict[int, Account]:
    """The accounts by id, each with the calendar's version, in one query."""
    sql = ACCOUNTS_WITH_CALENDAR.format(params=", ".join([db.param] * len(ids)))
    return {a.id: a for a in Account.raw(sql, *ids)}


def _already_in(keys: list[tuple[str, str]]) -> set[tuple[str, str]]:
    """Which (platform, platform message id) pairs are stored already."""
    if not keys:
        return set()
    query = Message.select(Message.platform, Message.platform_message_id).where(
        Message.platform_message_id.in_([k[1] for k in keys]))
    return {(m.platform, m.platform_message_id) for m in query} & set(keys)


def _prepare(data: dict, account: Account | None, who: Identity, source: str) -> tuple[Message | None, dict]:
    """The message to store (its deadlines, its suggested category and sentiment), or what is
    wrong with it, field by field."""
    if not sees_account(account, who):
        return None, {"account_id": ["账号不存在或不在您的管辖范围内"]}
    if source in INTAKE_SOURCES and account.status != AccountStatus.ACTIVE:
        return None, {"account_id": [said("账号“{name}”未在正常运行，不能接收留言", name=account.name)]}
    received = data.get("received_at")
    received = stored(received) if received else utcnow()
    if received > utcnow() + dt.timedelta(minutes=5):
        return None, {"received_at": ["收到时间不能晚于现在"]}
    try:
        due = workdays.deadlines(received, calendar(account.calendar_stamp))
    except ValueError:  # a date the calendars cannot place
        return None, {"received_at": ["收到时间超出可计算的范围"]}
    category, sentiment = data.get("category"), data.get("sentiment")
    tokens = classify.analyse(data["text"])
    if not (category and sentiment):
        guessed = classify.suggest_from(tokens)
        category, sentiment = category or guessed[0], sentiment or guessed[1]
    message = Message(
        account_id=account.id, unit_id=account.unit_id, unit_path=account.unit_path,
        platform=data.get("platform", ""), platform_message_id=data.get("platform_message_id") or None,
        kind=data["kind"], source=source, via=who.name if source == "api" else "",
        citizen_handle=data["citizen_handle"], citizen_contact=data.get("citizen_contact", ""),  # sealed as written
        citizen_contact_hash=personal.lookup_hash(data.get("citizen_contact", ""), CONTACT), text=data["text"],
        category=category,
        sentiment=sentiment, category_confirmed=bool(data.get("category")),
        sentiment_confirmed=bool(data.get("sentiment")), status="received", received_at=received,
        reply_due_at=due["reply_due_at"], feedback_due_at=due["feedback_due_at"],
        provisional=due["provisional"], keywords=" ".join(dict.fromkeys(classify.keywords_from(tokens)))[:1000])
    message.due_at = next_due(message)
    return message, {}


def _store(messages: list[Message], who: Identity) -> None:
    """New messages with their first steps and events, in one transaction."""
    if not is_postgres(db):  # SQLite numbers each row as it inserts it
        with db.atomic():
            for message in messages:
                message.save(force_insert=True)
                _record(message, "receive", None, who)
                publish(message, "received")
        return
    # PostgreSQL: every message, its first step and its event in one round trip and one transaction
    statements = []
    for message in messages:
        message.id = MESSAGE_IDS.take()
        statements += [Insert(Message, message.__data__), Insert(MessageStep, _step(message, "receive", None, who)),
                       bus.event_insert("inquiry.message.changed", message_event(message, "received"))[0],
                       bus.event_insert("inquiry.message.archive_text", message_text(message))[0]]
    write_together(db, statements)


def _text(move: Move, what: str) -> str:
    text = (move.data.get("text") or "").strip()
    if not text:
        raise Invalid("text", said("请填写{what}", what=what))
    if move.data.get("publish") and move.action != "resolve":
        raise Invalid("publish", "办结时才能申请把办理结果发布到微博")
    move.comment = text[:200]
    return text


def _leaving(move: Move, texts: dict[str, str]) -> None:
    """The shared checks on what this step sends out (issue 16): a `block` refuses it, naming
    the field (nothing is written); the warnings go back with the answer (`findings`)."""
    move.row.findings = wordlists.checked(texts)


def _reply(move: Move) -> None:
    move.row.reply_text = _text(move, "回复内容")
    _leaving(move, {"text": move.row.reply_text})


def _feedback(move: Move) -> None:
    """Accepted, or verifying when the matter must be checked or studied (10 working days)."""
    message = move.row
    message.feedback_text = _text(move, "受理和办理情况")
    _leaving(move, {"text": message.feedback_text})
    if move.data.get("needs_verification"):
        due = workdays.deadlines(message.received_at, calendar(), verification=True)
        message.verification_due_at, message.provisional = due["verification_due_at"], due["provisional"]
        message.status = S.VERIFYING.value
    else:
        message.status = S.ACCEPTED.value


def _resolve(move: Move) -> None:
    text = _text(move, "办理结果")
    post_text = (move.data.get("post_text") or "").strip() if move.data.get("publish") else ""
    _leaving(move, {"text": text, "post_text": post_text})
    move.row.result_text = text
    if move.data.get("publish"):  # X10: published on the microblog, after review
        results.request(move.row, post_text or text, move.who, move.at)


TRANSITIONS = (
    step("reply", {S.RECEIVED}, S.REPLIED, "staff", stamp="replied_at", effect=_reply),
    step("feedback", {S.REPLIED}, None, "staff", stamp="fed_back_at", effect=_feedback,
         note="已反馈受理情况，或须核实研究时：核实研究中"),
    step("resolve", {S.ACCEPTED, S.VERIFYING}, S.RESOLVED, "staff", stamp="resolved_at", effect=_resolve),
)
STEP_OF = {"reply": "replied", "feedback": "fed_back", "resolve": "resolved"}  # the event's `step`


def _conflict(message: Message, t: Transition) -> str:
    return (said("当前为“{status}”，不能{action}（须为“{sources}”）", status=STATUS_NAMES[message.status],
                     action=ACTION_NAMES[t.action], sources='、'.join(STATUS_NAMES[s] for s in sorted(t.sources))))


def _settle(move: Move) -> None:
    move.row.due_at = next_due(move.row)


MACHINE = Machine("message", Message, MessageStatus, TRANSITIONS,
                  guards={"staff": lambda message, who: who.has(*STAFF) and runs_row(Account, message, who)},
                  refused=lambda t: "须由承办单位的工作人员办理", conflict=_conflict, settle=_settle,
                  record=lambda move: _record(move.row, move.action, move.before.value, move.who, move.comment),
                  emit=lambda move: publish(move.row, STEP_OF[move.action]),
                  who_names={"staff": "承办单位的工作人员"})


def transition(message: Message, action: str, who: Identity, data: dict) -> Message:
    """Take the step `action` (a row of TRANSITIONS) on the message for `who`."""
    return MACHINE.apply(message, action, who, data)


def confirm(message: Message, who: Identity, category: str, sentiment: str) -> Message:
    """Staff confirm or correct the suggested category and sentiment; the classifier learns."""
    if not who.has(*STAFF) or not runs_row(Account, message, who):
        raise Refused("须由承办单位的工作人员确认")
    with db.atomic():
        message.category, message.sentiment = category, sentiment
        message.category_confirmed = message.sentiment_confirmed = True
        message.revision += 1
        message.save(only=[Message.category, Message.sentiment, Message.category_confirmed,
                           Message.sentiment_confirmed, Message.revision])
        _record(message, "classify", message.status, who, f"{category} / {sentiment}")
        publish(message, "classified")
    return message


def enter_notice(days: list[dict], who: Identity) -> int:
    """The office enters days of a year's notice (or corrects one); every open deadline is
    computed again (the clock still runs from receipt). The number of messages whose
    deadlines moved. Entering days does not make a year's notice complete: see
    `set_notice_complete`."""
    with db.atomic():
        for d in days:
            (CalendarDay.insert(day=d["day"], workday=d["workday"], entered_by=who.name)
             .on_conflict(conflict_target=[CalendarDay.day],
                          update={CalendarDay.workday: d["workday"], CalendarDay.entered_by: who.name,
                                  CalendarDay.entered_at: utcnow()})
             .execute())
        CalendarVersion.bump()
        return _recompute_open_deadlines()


def set_notice_complete(year: int, complete: bool, who: Identity) -> int:
    """The office says it has entered the year's whole notice (or takes that back); the
    year's deadlines stop (or start again) being provisional. Messages whose deadlines moved."""
    with db.atomic():
        (CalendarYear.insert(year=year, notice_complete=complete, set_by=who.name, set_at=utcnow())
         .on_conflict(conflict_target=[CalendarYear.year],
                      update={CalendarYear.notice_complete: complete, CalendarYear.set_by: who.name,
                              CalendarYear.set_at: utcnow()})
         .execute())
        CalendarVersion.bump()
        return _recompute_open_deadlines()


def year_status(year: int) -> dict:
    """What the calendar API says of a year: where its days come from and whether it is provisional."""
    flag = CalendarYear.get_or_none(CalendarYear.year == year)
    days = (CalendarDay.select().where(CalendarDay.day.between(dt.date(year, 1, 1), dt.date(year, 12, 31)))
            .order_by(CalendarDay.day))
    complete = bool(flag and flag.notice_complete)
    # the calendar's own rule, without loading every day the office ever entered
    provisional = workdays.WorkCalendar(complete_years={year} if complete else ()).is_provisional(year)
    return {"year": year, "covered_by_package": workdays.package_covers(year),
            "notice_complete": complete, "provisional": provisional,
            "set_by": flag.set_by if flag else None, "set_at": flag.set_at if flag else None,
            "days": [{"day": d.day, "workday": d.workday, "entered_by": d.entered_by} for d in days]}


RECOMPUTE_BATCH = 1_000  # open messages read at a time: a city has tens of thousands open


def _open_messages():
    """Every message not resolved, in batches by id (not a year's open messages in one list)."""
    last = 0
    while True:
        batch = list(Message.select().where(Message.status != S.RESOLVED, Message.id > last)
                     .order_by(Message.id).limit(RECOMPUTE_BATCH))
        yield from batch
        if len(batch) < RECOMPUTE_BATCH:
            return
        last = batch[-1].id


def _recompute_open_deadlines() -> int:
    moved, cal = 0, calendar()
    for m in _open_messages():
        due = workdays.deadlines(m.received_at, cal, verification=m.verification_due_at is not None)
        changes = {"feedback_due_at": due["feedback_due_at"], "provisional": due["provisional"]}
        if m.verification_due_at is not None:
            changes["verification_due_at"] = due["verification_due_at"]
        if any(getattr(m, k) != v for k, v in changes.items()):
            for k, v in changes.items():
                setattr(m, k, v)
            m.due_at = next_due(m) if m.due_at is not None else None  # none: invalid or merged (marks), it stays so
            m.revision += 1
            m.save(only=[getattr(Message, k) for k in changes] + [Message.due_at, Message.revision])
            publish(m, "deadlines_recomputed")
            moved += 1
    return moved


def next_due(message: Message) -> dt.datetime | None:
    """The deadline the message's status waits on (the inbox's order), none once it is closed."""
    return {"received": message.reply_due_at, "replied": message.feedback_due_at,
            "verifying": message.verification_due_at}.get(message.status)


def lateness(message: Message, now: dt.datetime | None = None) -> dict:
    """For each deadline: done on time, done late, open, or overdue, and by how much."""
    now = now or utcnow()
    out = {}
    for name, due, done in (("reply", message.reply_due_at, message.replied_at),
                            ("feedback", message.feedback_due_at, message.fed_back_at),
                            ("verification", message.verification_due_at, message.resolved_at)):
        if due is None:
            continue
        end = done or now
        late_by = int((end - due).total_seconds())
        state = ("late" if late_by > 0 else "on_time") if done else ("overdue" if late_by > 0 else "open")
        out[name] = {"due_at": due, "state": state, "seconds": late_by}
    return out


HISTORY = 100  # the latest steps a message's page shows; a message has a handful, a disputed one dozens
STEP_NAMES = {"receive": "收到留言", "classify": "确认类别", "reply": "回复网民", "feedback": "反馈受理情况",
              "resolve": "办结", "transfer": "转办", "transfer_accept": "承办单位接收转办",
              "transfer_return": "承办单位退回转办", "reassign": "对退回作出决定", "missed": "逾期未办",
              "review_submit": "回复送审", "review_check": "责任处室核稿通过", "review_approve": "领导审批通过，已发出",
              "review_return": "回复被退回", "mark_sensitive": "标为敏感", "unmark_sensitive": "撤销敏感标记",
              "mark_invalid": "标为无效留言", "unmark_invalid": "撤销无效标记", "merge": "并入主留言",
              "merge_main": "重复留言并入"}
DEADLINE_NAMES = {"reply": "24 小时内回复", "feedback": "3 个工作日内反馈受理情况", "verification": "10 个工作日内核实研究"}


def history(message: Message, limit: int = HISTORY) -> tuple[list[dict], int]:
    """The message's handling history, oldest first: its latest `limit` steps (who, for which
    unit, when, what they wrote) with the deadlines it missed; and how many steps it has in all.
    Two queries on the steps' and the missed deadlines' message index, one for the units' names."""
    steps = list(MessageStep.select().where(MessageStep.message == message.id)
                 .order_by(MessageStep.id.desc()).limit(limit))[::-1]
    total = len(steps) if len(steps) < limit else MessageStep.select().where(MessageStep.message == message.id).count()
    units = {u.id: u.name for u in Unit.select(Unit.id, Unit.name).where(
        Unit.id.in_({s.actor_unit_id for s in steps if s.actor_unit_id}))} if steps else {}
    rows = [{"at": s.at, "action": s.action, "action_name": STEP_NAMES.get(s.action, s.action),
             "unit_name": units.get(s.actor_unit_id, ""), "actor_name": s.actor_name, "comment": s.comment,
             "status": s.to_status, "status_name": STATUS_NAMES.get(s.to_status, s.to_status)} for s in steps]
    since = steps[0].at if steps and total > len(steps) else None
    missed = MissedDeadline.select().where(MissedDeadline.message == message.id)
    rows += [{"at": m.due_at, "action": "missed", "action_name": STEP_NAMES["missed"], "unit_name": "",
              "actor_name": "", "comment": DEADLINE_NAMES.get(m.deadline, m.deadline), "status": "",
              "status_name": ""} for m in missed if since is None or m.due_at >= since]
    return sorted(rows, key=lambda r: r["at"]), total


def answered_by(rows: list[dict]) -> dict[str, str]:
    """Who replied, fed back and resolved (with their unit), from the history's steps."""
    out = {}
    for r in rows:
        if r["action"] in STEP_OF:
            out[f"{STEP_OF[r['action']]}_by"] = f"{r['unit_name']} {r['actor_name']}".strip()
    return {"replied_by": out.get("replied_by", ""), "fed_back_by": out.get("fed_back_by", ""),
            "resolved_by": out.get("resolved_by", "")}
