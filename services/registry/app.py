"""The registry service: units, people, sign-in; accounts from application to closing."""
from govmb.config import Settings
from govmb.service import ServiceSpec, create_service_app
from services.registry.models import bus, db

SPEC = ServiceSpec("registry", "政务微博登记服务", "services.registry", db, bus)


def create_app(settings: Settings | None = None):
    return create_service_app(SPEC, settings)
