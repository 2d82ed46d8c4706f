"""Calls to the services' HTTP APIs, with the signed-in person's token: the web layer owns
no domain data."""
from __future__ import annotations

import requests
from flask import current_app, session

from govmb.context import get_correlation_id


class ServiceUnavailable(RuntimeError):
    """A service did not answer; the page says so instead of failing."""


class ServiceClient:
    def __init__(self, base_url: str, timeout: float = 10.0):
        self.base_url, self.timeout = base_url.rstrip("/"), timeout
        self.session = requests.Session()

    def call(self, method: str, path: str, token: str | None = None, headers: dict | None = None,
             **kwargs) -> requests.Response:
        headers = {**(headers or {}), "X-Correlation-ID": get_correlation_id() or ""}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        try:
            return self.session.request(method, self.base_url + path, headers=headers, timeout=self.timeout, **kwargs)
        except requests.RequestException as exc:
            raise ServiceUnavailable(f"{self.base_url}: {type(exc).__name__}") from exc

    def get(self, path: str, token: str | None = None, **kwargs) -> requests.Response:
        return self.call("GET", path, token, **kwargs)


def client(service: str) -> ServiceClient:
    return current_app.extensions["govmb_clients"][service]


def api(service: str, method: str, path: str, **kwargs) -> requests.Response:
    """A call as the signed-in person."""
    return client(service).call(method, path, session.get("token"), **kwargs)


def get_json(service: str, path: str, default=None, **params):
    """The JSON a service answers to a GET as the signed-in person, or `default` if it refuses."""
    r = api(service, "GET", path, params=params or None)
    return r.json() if r.status_code == 200 else default
