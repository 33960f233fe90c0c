"""Fixtures for the public tender pages: a slice of the CPV tree, places, Bokmål."""

from __future__ import annotations

import pytest

from tests.factories import cpv_code, municipality


@pytest.fixture
def cpv(db):
    return {
        "72000000": cpv_code("72000000", "IT services", "IT-tjenester"),
        "72212000": cpv_code("72212000", "Programming services of application software"),
        "48000000": cpv_code("48000000", "Software package and information systems"),
        "45000000": cpv_code("45000000", "Construction work", "Bygge- og anleggsarbeid"),
        "90500000": cpv_code("90500000", "Refuse and waste related services", "Avfallstjenester"),
    }


@pytest.fixture
def places(db):
    return {
        "baerum": municipality("3201", "Bærum"),
        "asker": municipality("3203", "Asker"),
        "oslo": municipality("0301", "Oslo", county_number="03", county_name="Oslo"),
    }


@pytest.fixture
def bokmal():
    """Bokmål active for code that renders outside a request."""
    from django.utils import translation

    with translation.override("nb"):
        yield
