"""The registry's state as events, for rebuilding a consumer (see ops.replay)."""
from services.registry.accounts import snapshot
from services.registry.models import Account, Unit


def events():
    for unit in Unit.select().order_by(Unit.path):  # parents before children
        yield "registry.unit.changed", unit.snapshot()
    for account in Account.select().order_by(Account.id):
        yield "registry.account.changed", snapshot(account)
