"""The platforms accounts may be registered on (X8, N7): configuration, not code, shared by
the registry (which accounts open where), publishing and the web app (their names).

GOVMB_PLATFORMS="code:名称,code:名称" (read by `govmb.config`); by default Nanchang's five of
南昌发布厅.
"""
from __future__ import annotations

from govmb.config import NANCHANG, options

__all__ = ["NANCHANG", "platforms"]


def platforms() -> dict[str, str]:
    return dict(options().platforms)
