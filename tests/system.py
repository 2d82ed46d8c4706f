"""Helpers that bring up services the way the two running modes do."""
from __future__ import annotations

import sqlite3
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from govmb.config import SEALING, SERVICES, Settings
from govmb.db import migrate
from govmb.service import create_service_app, ensure_database
from ops.cli import spec_of
from ops.embedded import EmbeddedSystem
from tests.keys import AUDIT, ENV, PERSONAL, keys_for


def settings_for(service: str, database_url: str, amqp_url: str | None = None, namespace: str = "govmb") -> Settings:
    return Settings(service=service, mode="embedded", database_url=database_url, amqp_url=amqp_url,
                    keys=keys_for(service), cookie_secret=ENV["WEB_COOKIE_SECRET"],
                    web_client_secret=ENV["WEB_CLIENT_SECRET"], bus_namespace=namespace, relay_poll_seconds=0.01,
                    personal_keys=PERSONAL if service in SEALING else None,
                    audit_keys=AUDIT if service in SERVICES else None)


def migrated_app(service: str, settings: Settings):
    """The service on its database, migrated. A new SQLite file starts as a copy of one migrated
    once per process (the migrations then find nothing to do): a tenth of a second to a fifth
    saved for each of some eight hundred apps the tests make."""
    spec = spec_of(service)
    url = settings.database_url
    if url.startswith("sqlite:///") and not Path(url[len("sqlite:///"):]).exists():
        _copy_of_template(service, Path(url[len("sqlite:///"):]))
    ensure_database(spec, settings)
    migrate(spec.db, spec.migrations, service)
    return create_service_app(spec, settings)


_templates: dict[str, Path] = {}


def _copy_of_template(service: str, target: Path) -> None:
    if service not in _templates:
        path = Path(tempfile.mkdtemp(prefix=f"govmb-{service}-")) / "template.db"
        spec = spec_of(service)
        ensure_database(spec, settings_for(service, f"sqlite:///{path}"))
        migrate(spec.db, spec.migrations, service)
        spec.db.close()
        _templates[service] = path
    with sqlite3.connect(_templates[service]) as source, sqlite3.connect(target) as copy:
        source.backup(copy)  # the WAL's pages too, unlike a copy of the file


__all__ = ["SERVICES", "settings_for", "migrated_app", "spec_of"]


def signed_in_session(session, token: str, person: dict, refresh: str = "", expires_in: int = 3600) -> None:
    """A web app's session cookie as its sign-in leaves it (web.session.sign_in), for a test
    client: `session` is what `session_transaction()` gives."""
    now = time.time()
    session.update(token=token, person=person, refresh=refresh, expires=now + expires_in, seen=now,
                   until=now + 8 * 3600)
    session.permanent = True


@contextmanager
def demo_system(data_dir: Path):
    """The embedded system with the demo city, on a port of its own, its data in `data_dir`."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("GOVMB_DATA_DIR", str(data_dir))
        for var in ("AMQP_URL", "DATABASE_URL", "GOVMB_MODE"):
            env.delenv(var, raising=False)
        system = EmbeddedSystem(port=0).start()
        try:
            yield system
        finally:
            system.stop()
