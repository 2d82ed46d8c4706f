"""The records behind each figure of the assessment, so that any number can be checked."""
from __future__ import annotations

import datetime as dt
import json
from typing import Callable, NamedTuple

from govmb.contracts.inquiry import RATING_NAMES
from govmb.timefmt import beijing_iso
from services.assessment import incidents as incidents_
from services.assessment import inspections as inspections_
from services.assessment.figures import Period, Window, due_directives
from services.assessment.models import (
    Account,
    ForwardFact,
    Inspection,
    MessageFact,
    MonthlyFigureFact,
    PostFact,
    RatingFact,
    SecurityIncident,
    TransferFact,
)

RECORD_KINDS = ("reply_timeliness", "resolution", "quota", "original", "emergency", "forwarding", "returns",
                "unanswered", "inspections", "incidents", "satisfaction")


class Rows(NamedTuple):
    """The records of a figure: an ordered query and how to show each row (or a list worked out
    in Python, for the directives' forwards), to be paged."""
    query: object
    shown: Callable[[object], dict] | None = None


def _message_row(m: MessageFact) -> dict:
    return {"message_id": m.id, "account_id": m.account_id, "received_at": beijing_iso(m.received_at),
            "reply_due_at": beijing_iso(m.reply_due_at), "replied_at": beijing_iso(m.replied_at),
            "reply_on_time": m.reply_on_time, "feedback_due_at": beijing_iso(m.feedback_due_at),
            "verification_due_at": beijing_iso(m.verification_due_at), "resolved_at": beijing_iso(m.resolved_at),
            "status": m.status}


def _message_rows(query) -> Rows:
    return Rows(query.order_by(MessageFact.id), _message_row)


def _post_row(p: PostFact) -> dict:
    return {"draft_id": p.draft_id, "account_id": p.account_id, "day": p.day, "released_at": beijing_iso(p.released_at),
            "original": p.original, "info_type": p.info_type, "emergency_event_at": beijing_iso(p.emergency_event_at),
            "emergency_on_time": p.emergency_on_time}


def records(kind: str, period: Period, asof: dt.datetime, unit_id: int, account_id: int | None,
            unanswered_months: int) -> Rows:
    """The rows counted for indicator `kind` of a unit (or one of its accounts): selected by
    the same Window as the counts."""
    w = Window.of(period, asof, unanswered_months)
    for kinds, rows_of in _BY_KIND:
        if kind in kinds:
            return rows_of(kind, w, unit_id, account_id)
    raise ValueError(kind)


def _messages(kind: str, w: Window, unit_id: int, account_id: int | None) -> Rows:
    q = MessageFact.select().where(MessageFact.unit_id == unit_id)
    if account_id:
        q = q.where(MessageFact.account_id == account_id)
    if kind == "unanswered":
        return _message_rows(q.where(MessageFact.replied_at.is_null(), MessageFact.received_at < w.unanswered_before))
    return _message_rows(q.where(MessageFact.received_day.between(w.first_day, w.last_day)))


def _posts(kind: str, w: Window, unit_id: int, account_id: int | None) -> Rows:
    q = PostFact.select().where(PostFact.unit_id == unit_id, PostFact.day.between(w.first_day, w.last_day))
    if account_id:
        q = q.where(PostFact.account_id == account_id)
    if kind == "emergency":
        q = q.where(PostFact.emergency_on_time.is_null(False))
    return Rows(q.order_by(PostFact.draft_id), _post_row)


def _quotas(_kind: str, w: Window, unit_id: int, account_id: int | None) -> Rows:
    q = MonthlyFigureFact.select().where(MonthlyFigureFact.unit_id == unit_id,
                                         MonthlyFigureFact.month.in_(w.finished_months))
    if account_id:
        q = q.where(MonthlyFigureFact.account_id == account_id)
    return Rows(q.order_by(MonthlyFigureFact.month, MonthlyFigureFact.account_id),
                lambda m: {"account_id": m.account_id, "month": m.month, "posts": m.posts, "quota": m.quota,
                           "quota_met": m.quota_met, "original_share": m.original_share})


def _forwards(_kind: str, w: Window, unit_id: int, account_id: int | None) -> Rows:
    """Each directive of the period due for the unit's accounts, forwarded or not."""
    own = {a for (a,) in Account.select(Account.id).where(Account.unit_id == unit_id).tuples()}  # the unit's, not the city's
    directives = list(due_directives(w))
    forwards = {(f.directive_id, f.account_id): f for f in ForwardFact.select().where(
        ForwardFact.directive_id.in_([d.directive_id for d in directives]))} if directives else {}
    rows = []
    for d in directives:
        for acc in json.loads(d.account_ids):
            if acc in own and (not account_id or acc == account_id):
                f = forwards.get((d.directive_id, acc))
                rows.append({"directive_id": d.directive_id, "title": d.title, "account_id": acc,
                             "due_at": beijing_iso(d.due_at), "forwarded_at": beijing_iso(f.forwarded_at) if f else None,
                             "on_time": bool(f and f.on_time)})
    return Rows(rows)


def _returns(_kind: str, w: Window, unit_id: int, _account_id: int | None) -> Rows:
    q = TransferFact.select().where(TransferFact.to_unit_id == unit_id,
                                    TransferFact.status.in_(("returned", "reassigned")),
                                    TransferFact.at >= w.start, TransferFact.at < w.end)
    return Rows(q.order_by(TransferFact.transfer_id),
                lambda t: {"transfer_id": t.transfer_id, "message_id": t.message_id, "status": t.status,
                           "reason": t.reason, "at": beijing_iso(t.at)})


def _inspections(_kind: str, w: Window, unit_id: int, _account_id: int | None) -> Rows:
    """The findings whose deductions (19号) the unit's score loses in the period."""
    first, last = dt.date.fromisoformat(w.first_day), dt.date.fromisoformat(w.last_day)
    q = Inspection.select().where(Inspection.unit_id == unit_id, Inspection.inspected_on.between(first, last),
                                  Inspection.deduction > 0)
    table = inspections_.indicators()
    return Rows(q.order_by(Inspection.inspected_on, Inspection.id),
                lambda i: {"inspection_id": i.id, "inspected_on": i.inspected_on.isoformat(), "indicator": i.indicator,
                           "indicator_name": table[i.indicator]["name"] if i.indicator in table else "",
                           "deduction": i.deduction, "found": i.found, "status": i.status,
                           "recorded_by": i.recorded_by})


def _incidents(_kind: str, w: Window, unit_id: int, account_id: int | None) -> Rows:
    """The security incidents found in the period: each vetoes (G19.3)."""
    q = incidents_.in_window(w.start, w.end, w.now).where(SecurityIncident.unit_id == unit_id)
    if account_id:
        q = q.where(SecurityIncident.account_id == account_id)
    return Rows(q.order_by(SecurityIncident.found_at, SecurityIncident.id),
                lambda i: {"incident_id": i.id, "account_id": i.account_id, "kind": i.kind,
                           "kind_name": incidents_.KIND_NAMES[i.kind], "found_at": beijing_iso(i.found_at),
                           "handled_at": beijing_iso(i.handled_at), "reported_at": beijing_iso(i.reported_at),
                           "description": i.description[:200]})


def _ratings(_kind: str, w: Window, unit_id: int, account_id: int | None) -> Rows:
    """The citizens' ratings given in the period of the messages the unit handled (N19)."""
    q = RatingFact.select().where(RatingFact.unit_id == unit_id, RatingFact.rated_day.between(w.first_day, w.last_day))
    if account_id:
        q = q.where(RatingFact.account_id == account_id)
    return Rows(q.order_by(RatingFact.rated_at, RatingFact.message_id),
                lambda r: {"message_id": r.message_id, "account_id": r.account_id, "rating": r.rating,
                           "rating_name": RATING_NAMES[r.rating], "rated_at": beijing_iso(r.rated_at)})


_BY_KIND = ((("reply_timeliness", "resolution", "unanswered"), _messages), (("original", "emergency"), _posts),
            (("quota",), _quotas), (("forwarding",), _forwards), (("returns",), _returns),
            (("inspections",), _inspections), (("incidents",), _incidents), (("satisfaction",), _ratings))
