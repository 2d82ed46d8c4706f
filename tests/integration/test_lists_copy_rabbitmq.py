"""Inquiry's copy of the office's lists over the real RabbitMQ and PostgreSQL (issue 16): it
follows an addition and a deletion in publishing, and a replay fills it again once lost."""
import pytest

from govmb.account_copy import apply_account_snapshot
from services.inquiry.models import Account
from tests.inquiry.test_lists_copy import follows_the_office, restored_by_replay
from tests.integration.conftest import distributed  # noqa: F401  (every service on PostgreSQL and RabbitMQ)
from tests.publishing.conftest import account
from tests.system import spec_of

pytestmark = pytest.mark.integration


def test_the_copy_follows_the_office_over_rabbitmq_and_a_replay_restores_it(distributed):  # noqa: F811
    with spec_of("inquiry").db.connection_context():  # the account as the registry's events put it
        apply_account_snapshot(Account)(account(1), None)
    follows_the_office(distributed["inquiry"], distributed["publishing"])
    restored_by_replay(distributed["inquiry"], distributed["publishing"])
