"""Events the assessment service consumes: event type → handler (see govmb.contracts.SUBSCRIPTIONS)."""
import peewee

from govmb.account_copy import account_handlers
from govmb.unit_copy import apply_unit_changed
from services.assessment.models import Account, MonthlyFigureFact, PostFact, Unit


def post_released(payload: dict, _delivery) -> None:
    row = {k: v for k, v in payload.items() if k in PostFact._meta.fields}  # what assessment keeps of it
    PostFact.insert(**row).on_conflict_ignore().execute()  # a post is released once; a repeat changes nothing


def monthly_figures(payload: dict, _delivery) -> None:
    excluded = peewee.EXCLUDED
    update = {getattr(MonthlyFigureFact, k): getattr(excluded, k) for k in payload if k not in ("account_id", "month")}
    (MonthlyFigureFact.insert(**payload)
     .on_conflict(conflict_target=[MonthlyFigureFact.account_id, MonthlyFigureFact.month], update=update,
                  where=(MonthlyFigureFact.revision < excluded.revision))
     .execute())


HANDLERS = {
    "registry.unit.changed": apply_unit_changed(Unit),
    **account_handlers(Account),
    "publishing.post.released": post_released,
    "publishing.account.monthly_figures": monthly_figures,
}
