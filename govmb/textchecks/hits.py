"""What a check finds: its place in the text as written, a severity (`block`: the text may not
leave; `warn`: someone must look) and a message in Chinese."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Hit:
    check: str
    severity: str
    start: int | None
    end: int | None
    excerpt: str
    message: str
