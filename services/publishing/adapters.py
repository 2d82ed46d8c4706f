"""Which adapter speaks to which platform (services/publishing/connectors/contract.py says what an
adapter answers). Configuration: GOVMB_PLATFORM_ADAPTERS="sina:package.module:Class,…". A
platform without one has the `ManualAdapter`: an operator publishes there by hand and records the
post's URL (most government platforms give no API)."""
from __future__ import annotations

import datetime as dt
import importlib

from govmb.config import options
from services.publishing.connectors.contract import Adapter, Connection, Outgoing, Page, Published, Rejected

MANUAL = "该平台没有接口，请人工发布并登记网址"


class ManualAdapter:
    """A platform without an API: every call is refused, naming why; nothing is queued for it."""
    CREDENTIALS: tuple[tuple[str, str], ...] = ()
    DEFAULT_BASE_URL = ""

    def publish(self, connection: Connection, post: Outgoing) -> Published:
        raise Rejected(MANUAL)

    def find(self, connection: Connection, post: Outgoing, since: dt.datetime) -> Published | None:
        raise Rejected(MANUAL)

    def delete(self, connection: Connection, post_id: str) -> None:
        raise Rejected(MANUAL)

    def incoming(self, connection: Connection, kind: str, cursor: str) -> Page:
        raise Rejected(MANUAL)

    def own_posts(self, connection: Connection, cursor: str) -> Page:
        raise Rejected(MANUAL)

    def followers(self, connection: Connection) -> int:
        raise Rejected(MANUAL)


def adapter_for(platform: str) -> Adapter:
    target = options().platform_adapters.get(platform)  # GOVMB_PLATFORM_ADAPTERS
    if target is None:
        return ManualAdapter()
    module, _, name = target.rpartition(":")
    return getattr(importlib.import_module(module), name)()


def has_adapter(platform: str) -> bool:
    return platform in options().platform_adapters
