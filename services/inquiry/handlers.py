"""Events the inquiry service consumes: event type → handler (see govmb.contracts.SUBSCRIPTIONS)."""
from govmb.account_copy import account_handlers
from govmb.unit_copy import apply_unit_changed
from services.inquiry.emergencies import apply_emergency
from services.inquiry.models import Account, Unit
from services.inquiry.platform_messages import take as take_platform_message
from services.inquiry.results import apply_response
from services.inquiry.wordlists import HANDLERS as LIST_HANDLERS

HANDLERS = {
    "registry.unit.changed": apply_unit_changed(Unit),
    **account_handlers(Account),
    "publishing.response.changed": apply_response,
    "publishing.emergency.changed": apply_emergency,  # the events citizens' messages can be linked to
    "publishing.platform.incoming": take_platform_message,  # comments, mentions, private messages read from the APIs
    **LIST_HANDLERS,  # the office's lists, for the checks of what leaves (issue 16)
}
