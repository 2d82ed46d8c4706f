"""What every event contract is made of."""
from __future__ import annotations

from dataclasses import dataclass

from marshmallow import Schema


@dataclass(frozen=True)
class Contract:
    event_type: str
    version: int
    schema: type[Schema]
    description: str


class ContractError(ValueError):
    """A payload that breaks its event's contract; `messages` names each field and its problem."""

    def __init__(self, event_type: str, messages: dict | str):
        self.event_type = event_type
        self.messages = messages
        super().__init__(f"{event_type}: {messages}")


class NewerVersion(ContractError):
    """A message written against a newer contract than this consumer knows."""
