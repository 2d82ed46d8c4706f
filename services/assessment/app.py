"""考核与培训服务."""
from govmb.config import Settings
from govmb.service import ServiceSpec, create_service_app
from services.assessment.models import bus, db

SPEC = ServiceSpec("assessment", "考核与培训服务", "services.assessment", db, bus)


def create_app(settings: Settings | None = None):
    return create_service_app(SPEC, settings)
