"""Events the publishing service consumes: event type → handler (see govmb.contracts.SUBSCRIPTIONS)."""
from govmb.account_copy import account_handlers
from govmb.unit_copy import apply_unit_changed
from services.publishing.autopublish import queue_posts
from services.publishing.emergencies import settle
from services.publishing.models import Account, Unit
from services.publishing.responses import draft_from_message

HANDLERS = {
    "registry.unit.changed": apply_unit_changed(Unit),
    **account_handlers(Account),
    "inquiry.message.publication_requested": draft_from_message,
    "publishing.draft.approved": queue_posts,
    "publishing.post.released": settle,  # a post written for an emergency stops its clocks
}
