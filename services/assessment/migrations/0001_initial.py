"""The bus tables and the copy of the unit tree."""
from govmb.bus.store import create_bus_tables_v1
from govmb.unit_copy import create_unit_copy_v1


def up(migrator, db):
    create_bus_tables_v1(db)
    create_unit_copy_v1(db)
