"""How a post reaches a platform. An adapter either publishes and returns the post's URL, or
returns None: then the operator publishes by hand and records the URL (the default, since
most government platforms give no API). Which adapter serves which platform is
configuration: GOVMB_PLATFORM_ADAPTERS="sina:package.module:Class,…"."""
from __future__ import annotations

import importlib
from typing import Protocol

from govmb.config import options


class PlatformAdapter(Protocol):
    def publish(self, platform: str, text: str, media: list[dict], account_handle: str) -> str | None:
        """The URL of the published post, or None when a person must publish it."""


class ManualAdapter:
    def publish(self, platform: str, text: str, media: list[dict], account_handle: str) -> str | None:
        return None


def adapter_for(platform: str) -> PlatformAdapter:
    target = options().platform_adapters.get(platform)  # GOVMB_PLATFORM_ADAPTERS
    if target is None:
        return ManualAdapter()
    module, _, name = target.rpartition(":")
    return getattr(importlib.import_module(module), name)()
