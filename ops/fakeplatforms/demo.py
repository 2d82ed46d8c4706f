"""The embedded mode's platform (issue 20): a local fake Sina Weibo in place of the real one for
the platform code `sina`, with 南昌发布 connected to it, so that a newcomer sees an approved post
go out on the platform and a citizen's comment on it come back into the inbox.

`make run` (ops.embedded.main) starts it unless GOVMB_PLATFORM_ADAPTERS or
GOVMB_PLATFORM_ENDPOINTS is set (then the office's own configuration is used as it is); the
browser tests start their own the same way."""
from __future__ import annotations

import time
from dataclasses import dataclass, field

from govmb.config import default_environment
from ops.fakeplatforms.weibo import DEFAULT_TOKEN, DEFAULT_UID, FakeWeibo

ADAPTER = "sina:services.publishing.connectors.weibo:WeiboAdapter"
DEMO_ACCOUNT = "南昌发布"


@dataclass(frozen=True)
class DemoConnection:
    """An account of the demo city connected to a platform when the demo is loaded."""
    account_name: str
    platform: str
    account_uid: str
    credentials: dict = field(default_factory=dict)


def start_weibo(reply_after: float = 5.0) -> FakeWeibo:
    """The fake Weibo, serving, with a few citizens' items; each new post is commented on
    `reply_after` seconds after it goes out."""
    # its ids grow across restarts of `make run` as the real platform's do: the connection's
    # cursors (since_ids) kept in the database stay behind what the new process makes
    fake = FakeWeibo(name=DEMO_ACCOUNT, first_id=int(time.time() * 1000) * 1000)
    fake.seed_demo()
    fake.reply_after = reply_after
    fake.base = fake.start()
    return fake


def environment(base_url: str, listen_seconds: int = 10) -> dict[str, str]:
    """The variables that send `sina` through the Weibo adapter to the fake, polled often."""
    return {"GOVMB_PLATFORM_ADAPTERS": ADAPTER, "GOVMB_PLATFORM_ENDPOINTS": f"sina:{base_url}",
            "LISTEN_INTERVAL_SECONDS": str(listen_seconds)}


def install(base_url: str) -> None:
    """The variables of `environment` set in this process where they are not set already (the
    embedded mode's own process: `make run`)."""
    default_environment(environment(base_url))


def connection() -> DemoConnection:
    return DemoConnection(DEMO_ACCOUNT, "sina", str(DEFAULT_UID),
                          {"access_token": DEFAULT_TOKEN, "safe_link": "https://www.nc.gov.cn/", "rip": "127.0.0.1"})
