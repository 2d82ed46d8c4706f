"""政务微博发布审核服务."""
from govmb.config import Settings
from govmb.service import ServiceSpec, create_service_app
from services.publishing.models import bus, db

SPEC = ServiceSpec("publishing", "政务微博发布审核服务", "services.publishing", db, bus)


def create_app(settings: Settings | None = None):
    return create_service_app(SPEC, settings)
