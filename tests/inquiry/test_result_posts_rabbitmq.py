"""The result of a resolved message published as a post, over the real RabbitMQ and
PostgreSQL: inquiry's request reaches publishing, the draft's steps come back."""
import pytest

from govmb.account_copy import apply_account_snapshot
from services.inquiry.models import Account as InquiryAccount
from services.publishing.models import Account as PublishingAccount
from tests.inquiry.test_result_posts import walk_to_release
from tests.integration.conftest import distributed  # noqa: F401  (every service on PostgreSQL and RabbitMQ)
from tests.publishing.conftest import account
from tests.system import spec_of

pytestmark = pytest.mark.integration


def test_the_result_post_goes_both_ways_over_rabbitmq(distributed):  # noqa: F811
    for name, Account in (("inquiry", InquiryAccount), ("publishing", PublishingAccount)):
        with spec_of(name).db.connection_context():  # the account as the registry's events put it
            apply_account_snapshot(Account)(account(1), None)
    walk_to_release(distributed["inquiry"], distributed["publishing"])
