"""The shared library of the government-microblog platform.

Every service imports it for configuration, databases, the event bus, event contracts,
identity and the pieces each Flask service shares (errors, health, metrics, logging).
"""

# marshmallow's stock messages in the catalogued source language, before any schema is defined
from govmb import messages as _messages  # noqa: E402,F401
