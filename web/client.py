"""Calls to the services' HTTP APIs: the web layer owns no domain data."""
from __future__ import annotations

import requests
from flask import current_app

from govmb.context import get_correlation_id


class ServiceClient:
    def __init__(self, base_url: str, timeout: float = 5.0):
        self.base_url, self.timeout = base_url.rstrip("/"), timeout
        self.session = requests.Session()

    def get(self, path: str, token: str | None = None) -> requests.Response:
        headers = {"X-Correlation-ID": get_correlation_id() or ""}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return self.session.get(self.base_url + path, headers=headers, timeout=self.timeout)


def client(service: str) -> ServiceClient:
    return current_app.extensions["govmb_clients"][service]
