"""The embedded system with the demo city, for the tests that read its pages and its APIs' errors
in the person's language."""
from __future__ import annotations

import pytest

from tests.system import demo_system


@pytest.fixture(scope="module")
def embedded(tmp_path_factory):
    """Every service's app by its mount path, and the web app ("/")."""
    with demo_system(tmp_path_factory.mktemp("i18n")) as system:
        yield {"/": system.server.app.app, **system.server.app.mounts}
