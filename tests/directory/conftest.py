"""Fixtures for the directory tests: a small CPV tree and places in Akershus and Oslo."""

from __future__ import annotations

import pytest

from tests.factories import cpv_code, municipality


@pytest.fixture
def cpv(db):
    """A slice of the CPV tree: IT services with a deep category, software, and construction."""
    return {
        "72000000": cpv_code("72000000", "IT services", "IT-tjenester"),
        "72200000": cpv_code("72200000", "Software programming and consultancy services"),
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
