"""Fixtures of the matching tests: a small CPV tree, places, and a startup with a profile."""

from __future__ import annotations

import pytest

from tests.factories import ListedSupplierProfileFactory, cpv_code, municipality


@pytest.fixture
def cpv(db):
    codes = {
        "72000000": (
            "IT-tjenester",
            "IT services: consulting, software development, Internet and support",
        ),
        "72200000": (
            "Programmering av programvare og rådgivning",
            "Software programming and consultancy services",
        ),
        "72210000": (
            "Programmering av programvarepakker",
            "Programming services of packaged software products",
        ),
        "72212000": (
            "Programmering av applikasjonsprogramvare",
            "Programming services of application software",
        ),
        "72500000": ("Datatjenester", "Computer-related services"),
        "45000000": ("Bygge- og anleggsarbeid", "Construction work"),
        "45233141": ("Vedlikehold av veier", "Road-maintenance works"),
        "90000000": ("Avløp og renovasjon", "Sewage, refuse, cleaning and environmental services"),
    }
    return {code: cpv_code(code, name_en=en, name_nb=nb) for code, (nb, en) in codes.items()}


@pytest.fixture
def places(db):
    return {
        "baerum": municipality("3201", "Bærum"),
        "asker": municipality("3203", "Asker"),
        "oslo": municipality("0301", "Oslo", county_number="03", county_name="Oslo"),
    }


@pytest.fixture
def startup_profile(db, supplier, cpv, places):
    """Fjordlys (the ``supplier`` fixture), registered under 72000000, delivers in Bærum."""
    return ListedSupplierProfileFactory(
        organisation=supplier,
        cpv_codes=[cpv["72000000"]],
        delivery_municipalities=[places["baerum"]],
        employee_band="1-9",
        stage="startup",
        technology_readiness_level=6,
        open_to_pilots=True,
        description_en="We build apps and software for municipalities.",
    )
