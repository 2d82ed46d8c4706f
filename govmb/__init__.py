"""The shared library of the government-microblog platform.

Every service imports it for configuration, databases, the event bus, event contracts,
identity and the pieces each Flask service shares (errors, health, metrics, logging).
"""
