"""A dormant account's closure order over the real RabbitMQ and PostgreSQL: assessment's event
opens the account's closing request in the registry, and the registry's account event takes it
off assessment's dormant list (tests/registry/test_closure_orders.py: the same on the
in-process bus)."""
import pytest

from tests.integration.conftest import distributed  # noqa: F401  (every service on PostgreSQL and RabbitMQ)
from tests.registry.test_closure_orders import small_city, walk_to_ordered_closure
from tests.system import spec_of

pytestmark = pytest.mark.integration


def test_the_closure_order_reaches_the_registry_over_rabbitmq(distributed):  # noqa: F811
    with spec_of("registry").db.connection_context():
        city = small_city()
    walk_to_ordered_closure(distributed["registry"], distributed["assessment"], city)
