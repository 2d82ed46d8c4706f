"""The driver's side: the APIs over HTTP, and the ledger of what they acknowledged."""
from __future__ import annotations

import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import requests


class Reply:
    """A response as the tests' helpers read it (`status_code`, `json`), from requests."""

    def __init__(self, r: requests.Response):
        self.status_code = r.status_code
        try:
            self.json = r.json()
        except ValueError:
            self.json = None


class Api:
    """One service's API over HTTP, with the Flask test client's shape (`get`, `post`)."""

    def __init__(self, url: str):
        self.url = url
        self.local = threading.local()

    def _session(self) -> requests.Session:
        if not hasattr(self.local, "session"):
            self.local.session = requests.Session()
        return self.local.session

    def get(self, path: str, headers: dict | None = None, tries: int = 30) -> Reply:
        for attempt in range(tries):  # a read is safe to repeat through a fault
            try:
                r = self._session().get(self.url + path, headers=headers, timeout=30)
                if r.status_code < 500:
                    return Reply(r)
            except requests.RequestException:
                self.local.session = requests.Session()
            time.sleep(min(0.2 * (attempt + 1), 2))
        raise RuntimeError(f"GET {self.url}{path} kept failing")

    def post(self, path: str, json: dict | None = None, headers: dict | None = None, timeout: float = 30) -> Reply:
        """Once: a write is not repeated (a lost answer may hide a done write; the count says so)."""
        try:
            return Reply(self._session().post(self.url + path, json=json, headers=headers, timeout=timeout))
        except requests.RequestException:
            self.local.session = requests.Session()
            raise


class Ambiguous(Exception):
    """A write whose answer was lost or was a 5xx: it may or may not have happened."""


@dataclass
class Ledger:
    """What the driver did and what the APIs acknowledged."""
    lock: threading.Lock = field(default_factory=threading.Lock)
    acknowledged: Counter = field(default_factory=Counter)  # kind of write -> 2xx answers
    ambiguous: Counter = field(default_factory=Counter)  # kind of write -> lost answers or 5xx
    refused: Counter = field(default_factory=Counter)  # kind -> 4xx (a step out of turn after an ambiguous one)
    refusals: list = field(default_factory=list)  # the first few 4xx answers, to read
    # what was acknowledged, looked up at the end: table -> key -> its last acknowledged state
    # (a key is an id, or a tuple for a row named by two columns; see checks.LOOKUPS)
    states: dict = field(default_factory=lambda: defaultdict(dict))
    uncertain: set = field(default_factory=set)  # (table, key) whose last step's answer was lost: either state is right

    def note(self, table: str, key, state=None) -> None:
        with self.lock:
            self.states[table][key] = state

    def write(self, api: Api, kind: str, path: str, body: dict, headers: dict, ok=(200, 201),
              subject: tuple | None = None) -> dict:
        try:
            r = api.post(path, json=body, headers=headers)
        except requests.RequestException as exc:
            self._lost(kind, subject)
            raise Ambiguous(kind) from exc
        if r.status_code >= 500:
            self._lost(kind, subject)
            raise Ambiguous(kind)
        with self.lock:
            if r.status_code in ok:
                self.acknowledged[kind] += 1
                return r.json
            self.refused[kind] += 1
            if len(self.refusals) < 10:
                self.refusals.append(f"{kind}: {r.status_code} {r.json}")
        raise Ambiguous(f"{kind}: {r.status_code}")

    def _lost(self, kind: str, subject: tuple | None) -> None:
        with self.lock:
            self.ambiguous[kind] += 1
            self.uncertain.add(subject)
