"""The correlation id of the work in hand, carried through HTTP headers and message headers."""
from __future__ import annotations

import contextvars
import re
import uuid

_correlation: contextvars.ContextVar[str | None] = contextvars.ContextVar("correlation_id", default=None)
_VALID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


def new_correlation_id() -> str:
    return uuid.uuid4().hex


def accept_correlation_id(value: str | None) -> str:
    """Keep a caller's id if it is well-formed, otherwise start a new one."""
    return value if value and _VALID.match(value) else new_correlation_id()


def get_correlation_id() -> str | None:
    return _correlation.get()


def set_correlation_id(value: str | None) -> contextvars.Token:
    return _correlation.set(value)


def reset_correlation_id(token: contextvars.Token) -> None:
    _correlation.reset(token)
