"""`python -m services.inquiry.worker`: the inquiry service's relay and consumer."""
from govmb.worker import main
from services.inquiry.app import SPEC

if __name__ == "__main__":
    main(SPEC)
