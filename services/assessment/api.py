"""The assessment service's HTTP API."""
from govmb.unit_copy import units_blueprint
from services.assessment.models import Unit

BLUEPRINTS = [units_blueprint(Unit)]
