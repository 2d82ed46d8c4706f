"""An adapter for the tests of connecting accounts (issue 20): it declares the credentials an
office enters, as the real adapters do (`CREDENTIALS`), and calls nothing. Registered with
GOVMB_PLATFORM_ADAPTERS="sina:tests.platform_adapter:KeyedAdapter"."""
from __future__ import annotations

from services.publishing.connectors.contract import Rejected

TARGET = "tests.platform_adapter:KeyedAdapter"


class KeyedAdapter:
    CREDENTIALS = (("access_token", "访问令牌"), ("app_secret", "应用密钥"))
    DEFAULT_BASE_URL = "http://127.0.0.1:9"

    def __getattr__(self, name: str):
        def refuse(*_args, **_kwargs):
            raise Rejected("测试用适配器不调用平台")
        return refuse
