"""Helpers that bring up services the way the two running modes do."""
from __future__ import annotations

from govmb.config import DEV_SECRET, SERVICES, Settings
from govmb.db import migrate
from govmb.service import create_service_app, ensure_database
from ops.cli import spec_of


def settings_for(service: str, database_url: str, amqp_url: str | None = None, namespace: str = "govmb") -> Settings:
    return Settings(service=service, mode="embedded", database_url=database_url, amqp_url=amqp_url,
                    token_secret=DEV_SECRET, bus_namespace=namespace, relay_poll_seconds=0.01)


def migrated_app(service: str, settings: Settings):
    spec = spec_of(service)
    ensure_database(spec, settings)
    migrate(spec.db, spec.migrations, service)
    return create_service_app(spec, settings)


__all__ = ["SERVICES", "settings_for", "migrated_app", "spec_of"]
