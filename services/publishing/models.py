"""The publishing service's own tables."""
import peewee

from govmb.account_copy import make_account_model
from govmb.bus.store import BusStore
from govmb.unit_copy import make_unit_model

db = peewee.DatabaseProxy()
bus = BusStore(db, "publishing")
Unit = make_unit_model(db)  # its own copy of the registry's unit tree
Account = make_account_model(db)  # its own copy of the registry's accounts
