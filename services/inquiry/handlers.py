"""Events the inquiry service consumes: event type → handler (see govmb.contracts.SUBSCRIPTIONS)."""
from govmb.account_copy import account_handlers
from govmb.unit_copy import apply_unit_changed
from services.inquiry.models import Account, Unit
from services.inquiry.results import apply_response

HANDLERS = {
    "registry.unit.changed": apply_unit_changed(Unit),
    **account_handlers(Account),
    "publishing.response.changed": apply_response,
}
