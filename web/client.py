"""Calls to the services' HTTP APIs, with the signed-in person's token: the web layer owns
no domain data."""
from __future__ import annotations

import contextvars
import json
from concurrent.futures import ThreadPoolExecutor

import requests
from flask import current_app, session
from requests.adapters import HTTPAdapter

from govmb.context import get_correlation_id
from govmb.i18n import request_locale
from govmb.unit_copy import tree_order

ALL_PAGE = 500  # the services' largest page
CALL_THREADS = 16
_calls = ThreadPoolExecutor(max_workers=CALL_THREADS, thread_name_prefix="service-calls")  # get_together
# Connections kept open to each service, per web process: one for each thread that may call at once
# (get_together's threads, and a gunicorn worker's request threads, THREADS: 4 by default, with room).
# Beyond it a call opens a connection and closes it after; below it every call reuses one.
POOL_SIZE = CALL_THREADS + 16


class ServiceUnavailable(RuntimeError):
    """A service did not answer; the page says so instead of failing."""


class SessionEnded(RuntimeError):
    """A service refused the signed-in person's token (401): the session ended elsewhere (signed
    out, out everywhere, disabled); the person is sent to sign in again."""


def _as_person(r: requests.Response) -> requests.Response:
    if r.status_code == 401 and session.get("token"):
        raise SessionEnded()
    return r


class ServiceClient:
    """One service's API, over a pool of kept-alive connections shared by the process's threads
    (urllib3's pool is thread-safe; no cookies are kept: every call carries its own token)."""

    def __init__(self, base_url: str, timeout: float = 10.0, pool_size: int = POOL_SIZE):
        self.base_url, self.timeout = base_url.rstrip("/"), timeout
        self.session = requests.Session()
        adapter = HTTPAdapter(pool_connections=1, pool_maxsize=pool_size)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    def call(self, method: str, path: str, token: str | None = None, headers: dict | None = None,
             timeout: float | None = None, **kwargs) -> requests.Response:
        headers = {**(headers or {}), "X-Correlation-ID": get_correlation_id() or ""}
        if locale := request_locale():  # the services answer their messages in the person's language
            headers["Accept-Language"] = locale.replace("_", "-")
        if token:
            headers["Authorization"] = f"Bearer {token}"
        try:
            return self.session.request(method, self.base_url + path, headers=headers, timeout=timeout or self.timeout,
                                        **kwargs)
        except requests.RequestException as exc:
            raise ServiceUnavailable(f"{self.base_url}: {type(exc).__name__}") from exc

    def get(self, path: str, token: str | None = None, **kwargs) -> requests.Response:
        return self.call("GET", path, token, **kwargs)


def client(service: str) -> ServiceClient:
    return current_app.extensions["govmb_clients"][service]


def get_together(*calls: tuple[str, str, dict]) -> list[requests.Response]:
    """GETs (service, path, params) as the signed-in person, side by side: each waits on the
    network, not on this process, so a page that needs a slow summary and a list waits for the
    slower, not for both. The answers in order; a service that does not answer raises, as api()."""
    return [_as_person(f.result()) for f in _submitted(calls)]


def _submitted(calls) -> list:
    token = session.get("token")
    return [_calls.submit(contextvars.copy_context().run, client(service).call, "GET", path, token,
                          params={k: v for k, v in params.items() if v is not None})
            for service, path, params in calls]  # the copied context carries the correlation id


def get_each(*calls: tuple[str, str, dict]) -> list[requests.Response | None]:
    """As get_together, but a service that does not answer gives None in its place: a page made
    of several services' parts shows the others."""
    answers = []
    for future in _submitted(calls):
        try:
            answers.append(_as_person(future.result()))
        except ServiceUnavailable:
            answers.append(None)
    return answers


def api(service: str, method: str, path: str, **kwargs) -> requests.Response:
    """A call as the signed-in person."""
    return _as_person(client(service).call(method, path, session.get("token"), **kwargs))


def get_json(service: str, path: str, default=None, **params):
    """The JSON a service answers to a GET as the signed-in person, or `default` if it refuses."""
    r = api(service, "GET", path, params=params or None)
    return r.json() if r.status_code == 200 else default


def get_page(service: str, path: str, **params) -> tuple[list, dict] | None:
    """One page of a list as the signed-in person, and its pagination (the service's
    X-Pagination: total, total_capped, page, total_pages, …); None if the service refuses."""
    r = api(service, "GET", path, params={k: v for k, v in params.items() if v not in (None, "")})
    if r.status_code != 200:
        return None
    return r.json(), pagination(r)


def count_of(service: str, path: str, **params) -> tuple[int, bool] | None:
    """How many rows a list holds (and whether that is a lower bound: the service caps its count),
    read from the pagination of a one-row page; None if the service refuses."""
    got = get_page(service, path, page_size=1, **params)
    if got is None:
        return None
    meta = got[1]
    return meta.get("total", 0), bool(meta.get("total_capped"))


def pagination(response) -> dict:
    """A list's X-Pagination (total, total_capped, total_pages, page, next_page …), or {}."""
    try:
        return json.loads(response.headers.get("X-Pagination") or "{}")
    except ValueError:
        return {}


def get_all(service: str, path: str, **params) -> list:
    """Every row of a list, page by page: for pickers over what one person may choose from (the
    units of a sight, a unit's accounts), never for the lists people page through."""
    rows, number = [], 1
    while True:
        got = get_page(service, path, page=number, page_size=ALL_PAGE, **params)
        if got is None:
            return rows
        items, meta = got
        rows += items
        if not meta.get("next_page"):
            return rows
        number += 1


def all_units(service: str, levels: int | None = None) -> list:
    """The units in the signed-in person's sight (`levels`: at most so many below their own),
    parents first, numbers as numbers, for a unit picker."""
    return sorted(get_all(service, "/api/units", levels=levels), key=lambda u: tree_order(u["path"]))
