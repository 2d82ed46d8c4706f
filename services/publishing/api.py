"""The publishing service's HTTP API."""
from govmb.account_copy import accounts_blueprint
from govmb.unit_copy import units_blueprint
from services.publishing.models import Account, Unit

BLUEPRINTS = [units_blueprint(Unit), accounts_blueprint(Account)]
