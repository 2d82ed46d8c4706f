"""Named crash points for the fault tests: a process started with
GOVMB_FAILPOINTS=consumer.after_commit kills itself (SIGKILL) when it gets there.

Unset in every real deployment; the check is one set lookup.
"""
import os
import signal

from govmb.config import options


def failpoint(name: str) -> None:
    if name in options().failpoints:
        os.kill(os.getpid(), signal.SIGKILL)
