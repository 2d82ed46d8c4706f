"""`python -m services.publishing.worker`: the publishing service's relay and consumer."""
from govmb.worker import main
from services.publishing.app import SPEC

if __name__ == "__main__":
    main(SPEC)
