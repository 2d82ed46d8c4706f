"""The publishing service's HTTP API."""
from govmb.unit_copy import units_blueprint
from services.publishing.models import Unit

BLUEPRINTS = [units_blueprint(Unit)]
