"""Event contracts: every event type, its version, its schema, and who consumes it.

Producers validate before writing to their outbox; consumers validate on receipt. A
message of a newer version than the consumer knows is refused (it goes to the
dead-letter queue, visible to ops), never silently dropped.
"""
from __future__ import annotations

from functools import lru_cache

from marshmallow import EXCLUDE, RAISE, Schema, ValidationError

from govmb.contracts import assessment, inquiry, publishing, registry, reminders
from govmb.contracts.base import Contract, ContractError, NewerVersion

__all__ = ["CATALOGUE", "SUBSCRIPTIONS", "Contract", "ContractError", "NewerVersion",
           "contract", "validate_outgoing", "load_incoming", "consumers_of"]


CATALOGUE: dict[str, Contract] = {c.event_type: c for c in (*registry.CONTRACTS, *publishing.CONTRACTS, *inquiry.CONTRACTS,
                                                           *reminders.CONTRACTS, *assessment.CONTRACTS)}

# Which service consumes which event types: this is the bus topology (queue bindings).
SUBSCRIPTIONS: dict[str, tuple[str, ...]] = {
    "registry": (*(c.event_type for c in reminders.CONTRACTS),  # the people to remind: notifications
                 assessment.CLOSURE_ORDERED,  # a dormant account ordered closed: its closing request
                 "publishing.connection.changed"),  # a platform connection's status: the security record
    "publishing": ("registry.unit.changed", *registry.ACCOUNT_EVENTS, "inquiry.message.publication_requested",
                   "publishing.draft.approved", "publishing.post.released"),
    "inquiry": ("registry.unit.changed", *registry.ACCOUNT_EVENTS, "publishing.response.changed",
                *publishing.LIST_EVENTS, "publishing.emergency.changed",
                "publishing.platform.incoming"),
    "assessment": ("registry.unit.changed", *registry.ACCOUNT_EVENTS,
                   "publishing.post.released", "publishing.account.monthly_figures",
                   "publishing.directive.issued", "publishing.directive.forwarded",
                   "inquiry.message.changed", "inquiry.message.overdue", "inquiry.transfer.changed",
                   "inquiry.notice.changed", "inquiry.message.archive_text", "inquiry.notice.archive_text",
                   "inquiry.message.rated", "publishing.platform.figures"),
}


def contract(event_type: str) -> Contract:
    try:
        return CATALOGUE[event_type]
    except KeyError:
        raise ContractError(event_type, "unknown event type") from None


def validate_outgoing(event_type: str, payload: dict) -> dict:
    """The payload as JSON-ready data, or ContractError naming what is wrong."""
    schema = _outgoing_schema(contract(event_type).schema)
    try:
        loaded = schema.load(payload)
    except ValidationError as exc:
        raise ContractError(event_type, exc.messages) from None
    return schema.dump(loaded)


@lru_cache(maxsize=None)
def _outgoing_schema(schema: type) -> Schema:
    return schema(unknown=RAISE)  # one instance per contract: schemas hold no state between loads


@lru_cache(maxsize=None)
def _incoming_schema(schema: type) -> Schema:
    return schema(unknown=EXCLUDE)  # a consumer tolerates fields added within its version


def load_incoming(event_type: str, version: int, payload: dict) -> dict:
    c = contract(event_type)
    if version > c.version:
        raise NewerVersion(event_type, f"version {version} is newer than the known version {c.version}")
    try:
        return _incoming_schema(c.schema).load(payload)
    except ValidationError as exc:
        raise ContractError(event_type, exc.messages) from None


def consumers_of(event_type: str) -> list[str]:
    return [svc for svc, types in SUBSCRIPTIONS.items() if event_type in types]
