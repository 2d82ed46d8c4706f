"""Configuration from environment variables only, with safe defaults for the embedded mode."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

DEV_SECRET = "embedded-dev-secret-not-for-production-use"
SERVICES = ("registry", "publishing", "inquiry", "assessment")
ROOT = Path(__file__).resolve().parent.parent


class ConfigError(RuntimeError):
    """The environment describes a configuration the system refuses to run with."""


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


@dataclass(frozen=True)
class Settings:
    service: str
    mode: str  # "embedded" or "production"
    database_url: str
    amqp_url: str | None  # None: the in-process transport
    token_secret: str
    bus_namespace: str = "govmb"
    token_ttl_seconds: int = 8 * 3600
    client_token_ttl_seconds: int = 900  # a client system's token (intake), short: it cannot be revoked
    relay_batch_size: int = 500
    relay_poll_seconds: float = 0.02
    consumer_prefetch: int = 200
    delivery_limit: int = 5
    heartbeat_seconds: int = 30
    service_urls: dict[str, str] = field(default_factory=dict)
    data_dir: Path = ROOT / "var"
    trusted_proxies: int = 0  # reverse proxies in front of the web app whose X-Forwarded-For/-Proto count

    @property
    def production(self) -> bool:
        return self.mode == "production"

    @classmethod
    def from_env(cls, service: str) -> "Settings":
        mode = _env("GOVMB_MODE", "embedded")
        if mode not in ("embedded", "production"):
            raise ConfigError(f"GOVMB_MODE must be 'embedded' or 'production', not {mode!r}")
        data_dir = Path(_env("GOVMB_DATA_DIR", str(ROOT / "var")))
        db_url = (_env(f"{service.upper()}_DATABASE_URL") or _env("DATABASE_URL")
                  or f"sqlite:///{data_dir / (service + '.db')}")
        secret = _env("TOKEN_SECRET", DEV_SECRET)
        settings = cls(
            service=service,
            mode=mode,
            database_url=db_url,
            amqp_url=_env("AMQP_URL"),
            token_secret=secret,
            bus_namespace=_env("BUS_NAMESPACE", "govmb"),
            token_ttl_seconds=int(_env("TOKEN_TTL_SECONDS", str(8 * 3600))),
            client_token_ttl_seconds=int(_env("CLIENT_TOKEN_TTL_SECONDS") or "900"),
            relay_batch_size=int(_env("RELAY_BATCH_SIZE", "500")),
            relay_poll_seconds=float(_env("RELAY_POLL_SECONDS", "0.02")),
            consumer_prefetch=int(_env("CONSUMER_PREFETCH", "200")),
            delivery_limit=int(_env("DELIVERY_LIMIT", "5")),
            heartbeat_seconds=int(_env("AMQP_HEARTBEAT_SECONDS", "30")),
            service_urls={name: _env(f"{name.upper()}_URL", f"http://127.0.0.1:8000/{name}")
                          for name in SERVICES},
            data_dir=data_dir,
            trusted_proxies=int(_env("TRUSTED_PROXIES", "0")),
        )
        settings.check()
        return settings

    def check(self) -> None:
        """Refuse to run in production with what only the embedded mode may use."""
        if not self.production:
            return
        if self.token_secret == DEV_SECRET or len(self.token_secret) < 32:
            raise ConfigError("production mode needs TOKEN_SECRET: at least 32 characters, not the default")
        if self.service not in SERVICES:  # the web app keeps no data and uses no bus
            return
        if self.database_url.startswith("sqlite"):
            raise ConfigError(f"production mode needs a PostgreSQL DATABASE_URL for {self.service}")
        if not self.amqp_url:
            raise ConfigError("production mode needs AMQP_URL: the in-process transport is for the embedded mode")
