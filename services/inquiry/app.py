"""网民诉求与问题通报服务."""
from govmb.config import Settings
from govmb.service import ServiceSpec, create_service_app
from services.inquiry.models import bus, db

SPEC = ServiceSpec("inquiry", "网民诉求与问题通报服务", "services.inquiry", db, bus)


def create_app(settings: Settings | None = None):
    return create_service_app(SPEC, settings)
