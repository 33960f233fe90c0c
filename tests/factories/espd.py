"""The ESPD criteria catalogue as the migration leaves it.

A transactional test (browser tests) flushes every table afterwards, the rows that migration
bids/0003 loaded included; tests that need the catalogue load it again through the same function.
"""

from __future__ import annotations


def default_espd_criteria():
    """Load the shipped default criteria (idempotent) and return the default choice."""
    from bids.espd.catalogue import default_rows, load_rows
    from bids.espd.services import default_criteria
    from bids.models import EspdCriterion

    load_rows(EspdCriterion, default_rows())
    return default_criteria()
