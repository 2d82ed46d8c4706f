"""Events the assessment service consumes: event type → handler (see govmb.contracts.SUBSCRIPTIONS)."""
import datetime as dt
import json

import peewee

from govmb.account_copy import account_handlers
from govmb.timefmt import beijing_day, utc
from govmb.unit_copy import apply_unit_changed
from services.assessment import kept, platform_figures
from services.assessment.models import (
    Account,
    DirectiveFact,
    ForwardFact,
    InvalidMessageFact,
    LastPost,
    MessageFact,
    MessageText,
    MissedDeadlineFact,
    MonthlyFigureFact,
    NoticeFact,
    NoticeText,
    PostFact,
    RatingFact,
    TransferFact,
    Unit,
)

TIMES = ("received_at", "replied_at", "fed_back_at", "resolved_at", "reply_due_at", "feedback_due_at",
         "verification_due_at")


def on_time(done: dt.datetime | None, due: dt.datetime) -> bool | None:
    """Done by the deadline? (None while not done.)"""
    return None if done is None else done <= due


def post_released(payload: dict, _delivery) -> None:
    row = {k: v for k, v in payload.items() if k in PostFact._meta.fields}  # what assessment keeps of it
    row["released_at"], row["emergency_event_at"] = utc(row["released_at"]), utc(row["emergency_event_at"])
    row["day"] = beijing_day(row["released_at"])
    row["reviews"] = json.dumps(payload.get("reviews", []), ensure_ascii=False)
    row["platforms"] = json.dumps(payload.get("platforms", []), ensure_ascii=False)
    if PostFact.insert(**row).on_conflict_ignore().execute():  # a post is released once; a repeat changes nothing
        kept.changed(row["day"][:7])
        (LastPost.insert(account_id=row["account_id"], day=row["day"])
         .on_conflict(conflict_target=[LastPost.account_id], update={LastPost.day: peewee.EXCLUDED.day},
                      where=(peewee.EXCLUDED.day > LastPost.day))
         .execute())


def monthly_figures(payload: dict, _delivery) -> None:
    excluded = peewee.EXCLUDED
    update = {getattr(MonthlyFigureFact, k): getattr(excluded, k) for k in payload if k not in ("account_id", "month")}
    (MonthlyFigureFact.insert(**payload)
     .on_conflict(conflict_target=[MonthlyFigureFact.account_id, MonthlyFigureFact.month], update=update,
                  where=(MonthlyFigureFact.revision < excluded.revision))
     .execute())
    kept.changed(payload["month"])


def directive_issued(payload: dict, _delivery) -> None:
    (DirectiveFact.insert(directive_id=payload["directive_id"], title=payload["title"], due_at=utc(payload["due_at"]),
                          account_ids=json.dumps(payload["account_ids"]))
     .on_conflict_ignore().execute())
    kept.changed(kept.month_of(utc(payload["due_at"])))


def directive_forwarded(payload: dict, _delivery) -> None:
    ForwardFact.insert(**{**payload, "forwarded_at": utc(payload["forwarded_at"])}).on_conflict_ignore().execute()  # the first forward recorded is the one
    directive = DirectiveFact.get_or_none(DirectiveFact.directive_id == payload["directive_id"])
    kept.changed(kept.month_of(directive.due_at) if directive else None)  # none yet: its own event marks the month


def _set_aside(payload: dict, invalid: bool) -> bool:
    """An invalid message (G19.2) leaves the facts, kept as a tombstone by revision; True when
    this event has nothing more to write (it says invalid, or it is older than the mark)."""
    revision, month = payload["revision"], beijing_day(utc(payload["received_at"]))[:7]
    if invalid:
        (InvalidMessageFact.insert(id=payload["id"], revision=revision)
         .on_conflict(conflict_target=[InvalidMessageFact.id], update={InvalidMessageFact.revision: revision},
                      where=(InvalidMessageFact.revision < peewee.EXCLUDED.revision))
         .execute())
        MessageFact.delete().where(MessageFact.id == payload["id"], MessageFact.revision < revision).execute()
        kept.changed(month)
        return True
    marked = InvalidMessageFact.select(InvalidMessageFact.revision).where(InvalidMessageFact.id == payload["id"]).scalar()
    if marked is None:
        return False
    if marked >= revision:
        return True  # from before the mark, come late: the message stays out
    InvalidMessageFact.delete().where(InvalidMessageFact.id == payload["id"],
                                      InvalidMessageFact.revision < revision).execute()
    return False


def message_changed(payload: dict, _delivery) -> None:
    if _set_aside(payload, payload.get("invalid", False)):
        return
    payload = {**{k: v for k, v in payload.items() if k != "invalid"}, **{k: utc(payload[k]) for k in TIMES}}
    payload.update(received_day=beijing_day(payload["received_at"]), replied_day=beijing_day(payload["replied_at"]),
                   reply_on_time=on_time(payload["replied_at"], payload["reply_due_at"]),
                   feedback_on_time=on_time(payload["fed_back_at"], payload["feedback_due_at"]))
    excluded = peewee.EXCLUDED
    update = {getattr(MessageFact, k): getattr(excluded, k) for k in payload if k != "id"}
    (MessageFact.insert(**payload)
     .on_conflict(conflict_target=[MessageFact.id], update=update, where=(MessageFact.revision < excluded.revision))
     .execute())
    kept.changed(payload["received_day"][:7])


def message_overdue(payload: dict, _delivery) -> None:
    MissedDeadlineFact.insert(**{**payload, "due_at": utc(payload["due_at"])}).on_conflict_ignore().execute()


TRANSFER_STEPS = {"pending": 0, "accepted": 1, "returned": 1, "reassigned": 2}  # a transfer's states only move forward


def _transfer_step(status) -> peewee.Case:
    return peewee.Case(status, list(TRANSFER_STEPS.items()), -1)


def transfer_changed(payload: dict, _delivery) -> None:
    """A transfer's latest state. One statement: with two consumer replicas an older event may
    be handled at the same moment as a newer one, and a read-then-write would let the older
    win; the upsert takes the row's lock and keeps whichever state is further along."""
    payload = {**payload, "at": utc(payload["at"])}
    before = TransferFact.get_or_none(TransferFact.transfer_id == payload["transfer_id"])
    for when in {payload["at"], before.at if before else None}:  # a later state moves it to its own time
        kept.changed(kept.month_of(when))
    excluded = peewee.EXCLUDED
    update = {getattr(TransferFact, k): getattr(excluded, k) for k in payload if k != "transfer_id"}
    (TransferFact.insert(**payload)
     .on_conflict(conflict_target=[TransferFact.transfer_id], update=update,
                  where=(_transfer_step(TransferFact.status) < _transfer_step(excluded.status)))
     .execute())


def notice_changed(payload: dict, _delivery) -> None:
    """Issued, then replied: a reply is never undone by a late or concurrent `issued` (one
    statement, for the same reason as transfers)."""
    payload = {**payload, "issued_at": utc(payload["issued_at"]), "replied_at": utc(payload["replied_at"])}
    kept.changed(kept.month_of(payload["issued_at"]))
    excluded = peewee.EXCLUDED
    (NoticeFact.insert(**payload)
     .on_conflict(conflict_target=[NoticeFact.notice_id],
                  update={NoticeFact.status: excluded.status, NoticeFact.replied_at: excluded.replied_at},
                  where=((excluded.status == "replied") & (NoticeFact.status != "replied")))
     .execute())


def message_text(payload: dict, _delivery) -> None:
    """A message's masked texts for the archive: replaced only by a higher revision, so a
    re-delivered or late event changes nothing."""
    row = {k: v for k, v in payload.items() if k in MessageText._meta.fields}
    row.update(received_at=utc(payload["received_at"]), category=payload["category"] or "",
               kind=payload["kind"] or "")
    excluded = peewee.EXCLUDED
    (MessageText.insert(**row)
     .on_conflict(conflict_target=[MessageText.id], update={getattr(MessageText, k): getattr(excluded, k)
                                                            for k in row if k != "id"},
                  where=(MessageText.revision < excluded.revision))
     .execute())


def notice_text(payload: dict, _delivery) -> None:
    """A notice's text, then its answer: an answer is never undone by a late `issued` (as notice_changed)."""
    row = {k: v for k, v in payload.items() if k in NoticeText._meta.fields}
    excluded = peewee.EXCLUDED
    (NoticeText.insert(**row)
     .on_conflict(conflict_target=[NoticeText.notice_id],
                  update={NoticeText.status: excluded.status, NoticeText.reply: excluded.reply,
                          NoticeText.replied_by: excluded.replied_by},
                  where=((excluded.status == "replied") & (NoticeText.status != "replied")))
     .execute())


def message_rated(payload: dict, _delivery) -> None:
    """A citizen's rating (N19): given once, so the first one kept is the one; a repeat changes nothing."""
    rated_at = utc(payload["rated_at"])
    row = {**payload, "rated_at": rated_at, "rated_day": beijing_day(rated_at)}
    if RatingFact.insert(**row).on_conflict_ignore().execute():
        kept.changed(row["rated_day"][:7])


HANDLERS = {
    "registry.unit.changed": apply_unit_changed(Unit),
    **account_handlers(Account),
    "publishing.post.released": post_released,
    "publishing.account.monthly_figures": monthly_figures,
    "publishing.directive.issued": directive_issued,
    "publishing.directive.forwarded": directive_forwarded,
    "inquiry.message.changed": message_changed,
    "inquiry.message.overdue": message_overdue,
    "inquiry.transfer.changed": transfer_changed,
    "inquiry.notice.changed": notice_changed,
    "inquiry.message.archive_text": message_text,
    "inquiry.notice.archive_text": notice_text,
    "inquiry.message.rated": message_rated,
    "publishing.platform.figures": platform_figures.record,  # the platforms' APIs' counts: the duty log
}
