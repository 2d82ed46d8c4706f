"""The result of a resolved message published as a post, over the real RabbitMQ and
PostgreSQL: inquiry's request reaches publishing, the draft's steps come back."""
from contextlib import ExitStack

import pytest

from govmb.account_copy import apply_account_snapshot
from govmb.worker import Worker
from services.inquiry.models import Account as InquiryAccount
from services.publishing.models import Account as PublishingAccount
from tests import infra
from tests.inquiry.test_result_posts import walk_to_release
from tests.publishing.conftest import account
from tests.system import migrated_app, settings_for, spec_of

pytestmark = pytest.mark.integration


@pytest.fixture
def distributed(postgres_server, amqp_url, namespace):
    """Inquiry and publishing each on its own PostgreSQL database, their workers on RabbitMQ."""
    apps, workers = {}, []
    with ExitStack() as stack:
        try:
            for name, Account in (("inquiry", InquiryAccount), ("publishing", PublishingAccount)):
                url = stack.enter_context(infra.fresh_database(postgres_server, prefix=f"govmb_{name}"))
                settings = settings_for(name, url, amqp_url, namespace)
                app = migrated_app(name, settings)
                with spec_of(name).db.connection_context():
                    apply_account_snapshot(Account)(account(1), None)
                apps[name] = app.test_client()
                workers.append(Worker(spec_of(name), settings).start())
            yield apps
        finally:
            for w in workers:
                w.stop()
            for name in apps:
                spec_of(name).db.close_all()


def test_the_result_post_goes_both_ways_over_rabbitmq(distributed):
    walk_to_release(distributed["inquiry"], distributed["publishing"])
