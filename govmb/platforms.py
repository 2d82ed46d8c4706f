"""The platforms accounts may be registered on (X8, N7): configuration, not code, shared by
the registry (which accounts open where) and publishing (names in its audit trail).

GOVMB_PLATFORMS="code:名称,code:名称"; by default Nanchang's five of 南昌发布厅.
"""
from __future__ import annotations

import os

NANCHANG = (("xinhua", "新华网"), ("people", "人民网"), ("tencent", "腾讯网"), ("sina", "新浪网"),
            ("ncnews", "南昌新闻网"))


def platforms() -> dict[str, str]:
    raw = os.environ.get("GOVMB_PLATFORMS", "").strip()
    if not raw:
        return dict(NANCHANG)
    pairs = (item.split(":", 1) for item in raw.split(",") if ":" in item)
    return {code.strip(): name.strip() for code, name in pairs if code.strip()}
