"""Credentials in a URL that production mode refuses: the ones everybody knows.

A database or broker URL that carries `govmb:govmb`, `guest:guest`, `postgres:postgres`, a
password equal to the user's name, an empty password, or (for RabbitMQ) no user at all,
which pika reads as guest/guest, is a door left open. `govmb.config` names the variable and
never the password.
"""
from __future__ import annotations

from urllib.parse import unquote, urlsplit

# Passwords of the images' and tutorials' defaults, and of this project's old compose file.
KNOWN_PASSWORDS = frozenset({"govmb", "guest", "postgres", "rabbitmq", "password", "passw0rd", "secret",
                             "changeme", "admin", "root", "123456", "12345678"})
SUPERUSER = "postgres"


def default_credential(url: str, app_database: bool = False) -> str | None:
    """Why the URL's credential is a default one (in English, for the operator), or None.
    `app_database`: the URL an application connects to PostgreSQL with, which must not be the
    superuser's."""
    parts = urlsplit(url)
    user = unquote(parts.username) if parts.username is not None else None
    password = unquote(parts.password) if parts.password is not None else None
    if parts.scheme.startswith("amqp") and not user:
        return "it names no user, so pika signs in as guest/guest"
    if app_database and user == SUPERUSER:
        return "the application connects as the superuser postgres, which can drop the audit trail's triggers"
    if password is None:
        return None  # a password from ~/.pgpass, PGPASSWORD or a client certificate
    if password == "":
        return "its password is empty"
    if password.lower() in KNOWN_PASSWORDS or password.lower() == (user or "").lower():
        return "its password is a well-known default (or the user's own name)"
    return None
