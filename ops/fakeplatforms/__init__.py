"""Local fake platforms (issue 20): real HTTP servers that follow each platform's public API
documentation (paths, parameters, answers, error codes), keep their posts, comments and
followers in memory, and have switches to expire a token, limit the rate or fail. The adapters'
tests run against them, and the embedded mode starts them in place of the real platforms."""
from __future__ import annotations

import signal
import threading


def until_stopped() -> None:
    """Blocks a fake platform's own process (`python -m ops.fakeplatforms.<name>`) until
    SIGTERM or SIGINT."""
    stopped = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stopped.set())
    stopped.wait()
