"""`python -m services.registry.worker`: the registry's relay (and consumers, when it has any)."""
from govmb.worker import main
from services.registry.app import SPEC

if __name__ == "__main__":
    main(SPEC)
