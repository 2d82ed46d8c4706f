"""Events the inquiry service consumes: event type → handler (see govmb.contracts.SUBSCRIPTIONS)."""
from govmb.unit_copy import apply_unit_changed
from services.inquiry.models import Unit

HANDLERS = {
    "registry.unit.changed": apply_unit_changed(Unit),
}
