"""What was ended before its tokens ran out: a sign-in session (signed out, timed out, its person
disabled) and a client system (revoked). Every process that verifies tokens asks here on each
request, so an ended session's token opens nothing anywhere at once.

A revocation is kept as long as a token of the session could still be in date (the token's
time to live), then forgotten. The store is shared by every process: Redis in the distributed
mode (`REVOCATION_STORE_URI=redis://…`, which production requires), the process's memory in the
embedded one, where every service runs in one process. A store that cannot be reached refuses
the request (`StoreUnavailable`, 503): a sign-out must never be forgotten silently."""
from __future__ import annotations

import threading
import time

import redis


class StoreUnavailable(RuntimeError):
    """The revocation store did not answer."""


class MemoryRevocations:
    def __init__(self) -> None:
        self._until: dict[str, float] = {}
        self._lock = threading.Lock()

    def revoke(self, key: str, seconds: int) -> None:
        with self._lock:
            now = time.monotonic()
            self._until = {k: t for k, t in self._until.items() if t > now}  # forget the expired
            self._until[key] = max(self._until.get(key, 0.0), now + seconds)

    def revoked(self, key: str) -> bool:
        return self._until.get(key, 0.0) > time.monotonic()


class RedisRevocations:
    PREFIX = "govmb:revoked:"

    def __init__(self, uri: str) -> None:
        self._redis = redis.Redis.from_url(uri, socket_timeout=2, socket_connect_timeout=2)

    def revoke(self, key: str, seconds: int) -> None:
        try:
            self._redis.set(self.PREFIX + key, 1, ex=max(1, seconds))
        except redis.RedisError as exc:
            raise StoreUnavailable(f"revocation store: {exc.__class__.__name__}") from exc

    def revoked(self, key: str) -> bool:
        try:
            return bool(self._redis.exists(self.PREFIX + key))
        except redis.RedisError as exc:
            raise StoreUnavailable(f"revocation store: {exc.__class__.__name__}") from exc


_stores: dict[str, MemoryRevocations | RedisRevocations] = {}
_stores_lock = threading.Lock()


def revocations(uri: str) -> MemoryRevocations | RedisRevocations:
    """The store at `uri`, one per process (the embedded mode's services share its memory)."""
    with _stores_lock:
        if uri not in _stores:
            _stores[uri] = MemoryRevocations() if uri.startswith("memory://") else RedisRevocations(uri)
        return _stores[uri]


def session_key(sid: str) -> str:
    return f"session:{sid}"


def client_key(client: str) -> str:
    return f"client:{client}"
