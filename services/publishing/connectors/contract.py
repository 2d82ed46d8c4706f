"""What the product asks of a platform, and what a platform's failures mean to it.

An adapter is a class with no state of its own; every call is given the account's `Connection`
(the API's address, the account's id on the platform and its credentials, opened from their
sealed column only for the call). It speaks the platform's documented HTTP API and answers in
the types below; every failure is one of the four errors, which the workers map to what the
product does:

- `RateLimited`       the platform asks us to slow down: the post or the poll waits and is
                      tried again later (after `retry_after` seconds when the platform says);
- `CredentialExpired` the token or the app's secret no longer works: the connection is marked
                      expired, a warning goes on the account's security record and to its
                      operators, nothing is retried until someone connects it again;
- `Rejected`          the platform refused this post (content, size, a duplicate): it goes back
                      to the draft with the platform's `reason`; retrying would not help;
- `Unavailable`       anything else (network, a 5xx, an answer we cannot read): tried again
                      with backoff, then reported as failed.

Cursors are opaque text the adapter hands out and is given back (a platform's since_id, a
page token, a time): the worker keeps them per connection and kind, and never reads them.
Times are aware datetimes (the platform's own time of the item, in UTC or with its zone).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Protocol

INCOMING_KINDS = ("comment", "mention", "private")  # what becomes a citizen's message


class PlatformError(Exception):
    """A platform's failure, with the platform's own words (`reason`) for the people who see it."""

    def __init__(self, reason: str, code: str = ""):
        super().__init__(reason)
        self.reason, self.code = reason, code


class RateLimited(PlatformError):
    def __init__(self, reason: str, code: str = "", retry_after: int | None = None):
        super().__init__(reason, code)
        self.retry_after = retry_after


class CredentialExpired(PlatformError):
    pass


class Rejected(PlatformError):
    pass


class Unavailable(PlatformError):
    pass


@dataclass(frozen=True)
class Connection:
    """An account's link to a platform: where its API answers (`base_url`, the platform's by
    default, a local fake one in tests and the embedded mode), the account's id there and the
    credentials its office entered (e.g. Weibo's access_token; WeChat's appid and secret)."""
    platform: str
    base_url: str
    account_uid: str
    credentials: dict[str, str]

    def __repr__(self) -> str:  # never print the credentials
        return f"Connection({self.platform!r}, {self.base_url!r}, {self.account_uid!r})"


@dataclass(frozen=True)
class Image:
    name: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class Outgoing:
    """A post to publish. `title` is for platforms whose posts are articles (WeChat); `text` is
    the platform's variant of the draft's text where the draft has one, the text otherwise.
    `key` is the product's idempotency key (draft and platform): an adapter whose platform takes
    one sends it; the others leave it to the worker, which looks the post up before sending again."""
    key: str
    text: str
    title: str = ""
    images: tuple[Image, ...] = ()
    link: str = ""


@dataclass(frozen=True)
class Published:
    post_id: str  # the platform's id of the post
    url: str


@dataclass(frozen=True)
class Incoming:
    """A comment, a mention or a private message to the account."""
    kind: str  # one of INCOMING_KINDS
    platform_id: str  # the platform's id: the same item is never taken twice
    text: str
    author_id: str
    author_name: str
    at: dt.datetime
    post_id: str = ""  # the account's post it answers, when there is one


@dataclass(frozen=True)
class OwnPost:
    """A post on the account's own timeline, with its figures as the platform counts them."""
    post_id: str
    text: str
    url: str
    at: dt.datetime
    original: bool = True  # False for a repost of someone else's post
    reads: int | None = None  # not every platform counts reads
    reposts: int = 0
    comments: int = 0
    likes: int = 0


@dataclass(frozen=True)
class Page:
    """Items after a cursor, oldest first, and the cursor to ask from next time (the same one
    when nothing came)."""
    items: tuple = ()
    cursor: str = ""
    more: bool = False  # another page is waiting now
    extra: dict = field(default_factory=dict)


class Adapter(Protocol):
    """The calls every adapter answers; one it cannot make raises `Rejected` naming why."""

    def publish(self, connection: Connection, post: Outgoing) -> Published: ...

    def find(self, connection: Connection, post: Outgoing, since: dt.datetime) -> Published | None:
        """The post if it is already on the platform (sent since `since` by an attempt that died
        before its answer was kept), so that a retry never publishes twice."""

    def delete(self, connection: Connection, post_id: str) -> None: ...

    def incoming(self, connection: Connection, kind: str, cursor: str) -> Page:
        """Comments, mentions or private messages (`kind`) after `cursor` ("" : from now on)."""

    def own_posts(self, connection: Connection, cursor: str) -> Page:
        """The account's own posts after `cursor`, with their figures."""

    def followers(self, connection: Connection) -> int: ...
