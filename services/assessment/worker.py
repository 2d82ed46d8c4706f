"""`python -m services.assessment.worker`: the assessment service's relay and consumer."""
from govmb.worker import main
from services.assessment.app import SPEC

if __name__ == "__main__":
    main(SPEC)
