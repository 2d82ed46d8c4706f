"""Events the registry consumes: the services' reminders, which it turns into notifications for
the people they name (notifications.py), assessment's closure orders of dormant accounts,
which open the account's closing request (accounts.py, `order_close`), and publishing's platform
connections, whose status the security record shows (platform_links.py). Each handler runs in the
inbox's transaction (a repeated message is skipped by the inbox)."""
import logging

from govmb.contracts.assessment import CLOSURE_ORDERED
from govmb.contracts.registry import AccountStatus
from govmb.contracts.reminders import CONTRACTS
from govmb.domain import Conflict, Refused
from services.registry import accounts, notifications, platform_links
from services.registry.models import Account, Person
from services.registry.people import identity_of

log = logging.getLogger(__name__)


def reminder_due(payload: dict, message=None) -> None:
    notifications.receive(payload)


def closure_ordered(payload: dict, message=None) -> None:
    """Open the ordered account's closing request, in the name of the person who ordered it; an
    account no longer active (closing already, closed, or the same order again) is left as it is."""
    account = Account.get_or_none(Account.id == payload["account_id"])
    person = Person.get_or_none(Person.id == payload["ordered_by_id"])
    if account is None or person is None or account.status != AccountStatus.ACTIVE:
        log.info("closure order %s: account %s not active or unknown, nothing to open",
                 payload["order_id"], payload["account_id"])
        return
    try:
        accounts.MACHINE.apply(account, "order_close", identity_of(person),
                               {"order_id": payload["order_id"], "reason": payload["reason"],
                                "comment": payload["reason"]})
    except (Refused, Conflict) as exc:  # the person lost the role meanwhile; the account moved meanwhile
        log.warning("closure order %s of account %s not applied: %s", payload["order_id"], account.id, exc)


def connection_changed(payload: dict, message=None) -> None:
    """A platform connection of an account changed (publishing): its status on the security record,
    and the account's people told when its credential expired (platform_links.py)."""
    platform_links.changed(payload)


HANDLERS: dict = {**{c.event_type: reminder_due for c in CONTRACTS}, CLOSURE_ORDERED: closure_ordered,
                  "publishing.connection.changed": connection_changed}
