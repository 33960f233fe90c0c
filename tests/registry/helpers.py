"""Loading the committed demo CPV subset for tests that need a hierarchy but not the full list."""

from marketplace.demo.reference import CPV_DEMO_FILE, SN2007_DEMO_FILE
from marketplace.services.classification_import import add_missing_classification_codes


def load_demo_cpv() -> int:
    return add_missing_classification_codes(cpv_path=CPV_DEMO_FILE, industry_path=SN2007_DEMO_FILE)
