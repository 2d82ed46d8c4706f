"""Events the registry consumes: the services' reminders, which it turns into notifications for
the people they name (notifications.py). Each handler runs in the inbox's transaction."""
from govmb.contracts.reminders import CONTRACTS
from services.registry import notifications


def reminder_due(payload: dict, message=None) -> None:
    notifications.receive(payload)


HANDLERS: dict = {c.event_type: reminder_due for c in CONTRACTS}
