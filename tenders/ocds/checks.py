"""Deployment check: open data is never published under the placeholder ocid prefix.

Every ocid starts with a prefix the Open Contracting Partnership assigns to one publisher
("ocds-" and six characters). A publisher registers it once, free, through OCP's form
(https://standard.open-contracting.org/latest/en/guidance/publish/#register-an-ocid-prefix, or
data@open-contracting.org), then sets ``OCDS_OCID_PREFIX`` (``ocds-abc123-pilotmarked-``).
``manage.py check --deploy`` (production) refuses the placeholder ``ocds-xxxxxx``.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core import checks

PLACEHOLDER = "ocds-xxxxxx"
REGISTERED = re.compile(r"^ocds-[a-z0-9]{6}-")


@checks.register(checks.Tags.compatibility, deploy=True)
def ocid_prefix_registered(app_configs, **kwargs):
    prefix = settings.OCDS_OCID_PREFIX
    if prefix.startswith(PLACEHOLDER) or not REGISTERED.match(prefix):
        return [
            checks.Error(
                f"OCDS_OCID_PREFIX is {prefix!r}, not an ocid prefix registered with the Open "
                "Contracting Partnership: open data must not be published under it.",
                hint="Register a prefix with the Open Contracting Partnership (free, "
                "https://standard.open-contracting.org/latest/en/guidance/publish/"
                "#register-an-ocid-prefix) and set OCDS_OCID_PREFIX=ocds-<yours>-pilotmarked-.",
                id="tenders.E001",
            )
        ]
    return []
