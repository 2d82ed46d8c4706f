"""Publishing's state as events, for rebuilding a consumer (see govmb.replay)."""
from govmb.timefmt import iso_utc
from services.publishing.figures import figures
from services.publishing.models import Account, Directive, DirectiveTarget, Draft, MonthlyFigure
from services.publishing.review import released_event


def events():
    for draft in Draft.select().where(Draft.status == "released").order_by(Draft.id):
        yield "publishing.post.released", released_event(draft)
    accounts = {a.id: a for a in Account.select()}
    for reported in MonthlyFigure.select().order_by(MonthlyFigure.id):
        account = accounts.get(reported.account_id)
        if account is not None:  # the figures as they stand, at the revision last reported
            row = figures(reported.month, [account])[0]
            yield "publishing.account.monthly_figures", {**row, "revision": reported.revision}
    for directive in Directive.select().order_by(Directive.id):
        targets = list(DirectiveTarget.select().where(DirectiveTarget.directive == directive))
        yield "publishing.directive.issued", {"directive_id": directive.id, "title": directive.title,
                                              "lead_draft_id": directive.lead_draft_id,
                                              "due_at": iso_utc(directive.due_at),
                                              "account_ids": [t.account_id for t in targets]}
        for t in targets:
            if t.forwarded_at is not None:
                yield "publishing.directive.forwarded", {
                    "directive_id": directive.id, "account_id": t.account_id, "unit_id": t.unit_id,
                    "unit_path": t.unit_path, "forwarded_at": iso_utc(t.forwarded_at),
                    "on_time": t.forwarded_at <= directive.due_at}
