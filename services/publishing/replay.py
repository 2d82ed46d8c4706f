"""Publishing's state as events, for rebuilding a consumer (see ops.replay)."""
from collections import defaultdict

from govmb.contracts.publishing import DraftStatus
from services.publishing.directives import forwarded_event, issued_event
from services.publishing.emergencies import changed_event
from services.publishing.emergency_models import Emergency, Procedure
from services.publishing.figures import figures
from services.publishing.lexicon import entry_event
from services.publishing.models import (
    Account,
    Correction,
    Directive,
    DirectiveTarget,
    Draft,
    Leader,
    LexiconEntry,
    MonthlyFigure,
)
from services.publishing.review import released_event
from services.publishing.wordlists import correction_event, leader_event


def events():
    for draft in Draft.select().where(Draft.status == DraftStatus.RELEASED).order_by(Draft.id):
        yield "publishing.post.released", released_event(draft)
    accounts = {a.id: a for a in Account.select()}
    reported = defaultdict(dict)  # month → account → the revision last reported
    for row in MonthlyFigure.select():
        if row.account_id in accounts:
            reported[row.month][row.account_id] = row.revision
    for month in sorted(reported):  # the figures as they stand, at the revision last reported
        for row in figures(month, [accounts[a] for a in reported[month]]):
            yield "publishing.account.monthly_figures", {**row, "revision": reported[month][row["account_id"]]}
    targets = defaultdict(list)
    for t in DirectiveTarget.select().order_by(DirectiveTarget.id):
        targets[t.directive_id].append(t)
    for directive in Directive.select().order_by(Directive.id):
        yield "publishing.directive.issued", issued_event(directive, [t.account_id for t in targets[directive.id]])
        for t in targets[directive.id]:
            if t.forwarded_at is not None:
                yield "publishing.directive.forwarded", forwarded_event(directive, t)
    for emergency in Emergency.select(Emergency, Procedure).join(Procedure).order_by(Emergency.id):  # as it stands: open or closed
        yield "publishing.emergency.changed", changed_event(emergency)
    yield from lists()


def lists():
    """The office's lists as they stand, each entry at the revision it was written (a copy that
    has it changes nothing; a deleted entry's tombstone stays where it is)."""
    for entry in LexiconEntry.select().order_by(LexiconEntry.id):
        yield "publishing.lexicon.changed", entry_event(entry)
    for row in Correction.select().order_by(Correction.id):
        yield "publishing.correction.changed", correction_event(row)
    for row in Leader.select().order_by(Leader.id):
        yield "publishing.leader.changed", leader_event(row)
