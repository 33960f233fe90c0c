"""Field errors of the profile, reference and contact forms, in English and Bokmål.

The Bokmål assertions need the translations in locale/drafts/profile.po merged into the catalog.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from marketplace.forms.profiles import ContactForm, ProfileForm, ReferenceForm
from marketplace.models import ContactPerson, SupplierReference
from tests.factories import SupplierProfileFactory

pytestmark = pytest.mark.django_db

NEXT_YEAR = timezone.localdate().year + 1
THIS_YEAR = timezone.localdate().year


def profile_errors(language: str, **data) -> dict[str, list[str]]:
    base = {
        "size_visibility": "public",
        "references_visibility": "buyers",
        "contact_visibility": "public",
    }
    with translation.override(language):
        form = ProfileForm({**base, **data}, instance=SupplierProfileFactory())
        form.is_valid()
        return {field: [str(e) for e in errors] for field, errors in form.errors.items()}


@pytest.mark.parametrize(
    ("data", "field", "english", "bokmal"),
    [
        (
            {"founded_year": str(NEXT_YEAR)},
            "founded_year",
            f"The year cannot be later than this year ({THIS_YEAR}).",
            f"Året kan ikke være senere enn i år ({THIS_YEAR}).",
        ),
        (
            {"founded_year": "1799"},
            "founded_year",
            "The year founded must be 1800 or later.",
            "Stiftelsesåret må være 1800 eller senere.",
        ),
        (
            {"technology_readiness_level": "10"},
            "technology_readiness_level",
            "Choose a level from 1 to 9.",
            "Velg et nivå fra 1 til 9.",
        ),
        (
            {"keywords": "sensor, " + "x" * 41},
            "keywords",
            "Each keyword can have at most 40 characters: " + "x" * 41,
            "Hvert stikkord kan ha høyst 40 tegn: " + "x" * 41,
        ),
        (
            {"keywords": ", ".join(f"ord{n}" for n in range(21))},
            "keywords",
            "Give at most 20 keywords (you gave 21).",
            "Oppgi høyst 20 stikkord (du oppga 21).",
        ),
        (
            {"postal_code": "13a7"},
            "postal_code",
            "A postal code has four digits.",
            "Et postnummer har fire sifre.",
        ),
        (
            {"industry_code": "99.999"},
            "industry_code",
            "There is no SN2007 code 99.999. Write it like 62.010.",
            "Det finnes ingen SN2007-kode 99.999. Skriv den som 62.010.",
        ),
    ],
)
def test_profile_field_errors_in_both_languages(data, field, english, bokmal):
    assert profile_errors("en", **data)[field] == [english]
    assert profile_errors("nb", **data)[field] == [bokmal]


def test_keywords_are_trimmed_and_deduplicated():
    with translation.override("en"):
        form = ProfileForm(
            {
                "keywords": " Sensor ,IoT,,sensor,  smart   city ",
                "size_visibility": "public",
                "references_visibility": "buyers",
                "contact_visibility": "public",
            },
            instance=SupplierProfileFactory(),
        )
        assert form.is_valid(), form.errors
    assert form.cleaned_data["keywords"] == ["Sensor", "IoT", "smart city"]


def test_a_listed_profile_needs_a_description_in_the_form():
    profile = SupplierProfileFactory(is_published=True, description_en="Old text")
    with translation.override("en"):
        form = ProfileForm(
            {
                "description_en": "",
                "size_visibility": "public",
                "references_visibility": "buyers",
                "contact_visibility": "public",
            },
            instance=profile,
        )
        assert not form.is_valid()
        assert form.errors["description_nb"] == [
            "A listed profile needs a description. Write one in Bokmål or English."
        ]


def test_the_form_is_shown_in_sections():
    with translation.override("en"):
        sections = ProfileForm(instance=SupplierProfileFactory()).sections()
        assert [(key, str(legend)) for key, legend, _ in sections] == [
            ("about", "About the business"),
            ("capabilities", "What you deliver"),
            ("where", "Where you deliver"),
            ("size", "Size and stage"),
            ("credentials", "Certifications"),
            ("pilots", "Pilots and test arenas"),
            ("visibility", "Who sees what"),
        ]
    names = [field.name for _, _, fields in sections for field in fields]
    assert sorted(names) == sorted(ProfileForm.Meta.fields)


def reference_errors(language: str, **data) -> dict[str, list[str]]:
    base = {"customer": "Bærum kommune", "year": "2020", "description": "Sensorer."}
    with translation.override(language):
        form = ReferenceForm(
            {**base, **data}, instance=SupplierReference(profile=SupplierProfileFactory())
        )
        form.is_valid()
        return {field: [str(e) for e in errors] for field, errors in form.errors.items()}


def test_reference_year_errors_in_both_languages():
    assert reference_errors("en", year=str(NEXT_YEAR))["year"] == [
        f"The year cannot be later than this year ({THIS_YEAR})."
    ]
    assert reference_errors("nb", year=str(NEXT_YEAR))["year"] == [
        f"Året kan ikke være senere enn i år ({THIS_YEAR})."
    ]
    assert reference_errors("en", year="1899")["year"] == ["The year must be 1900 or later."]
    assert reference_errors("en", year="2020") == {}


def contact_errors(language: str, **data) -> dict[str, list[str]]:
    with translation.override(language):
        form = ContactForm(data, instance=ContactPerson(profile=SupplierProfileFactory()))
        form.is_valid()
        return {field: [str(e) for e in errors] for field, errors in form.errors.items()}


@pytest.mark.parametrize(
    "phone", ["+47 22 33 44 55", "22334455", "+46 8 123 456 78", "004722334455"]
)
def test_good_phone_numbers(phone):
    assert contact_errors("en", name="Kari", phone=phone) == {}


@pytest.mark.parametrize("phone", ["1234567", "+47 22-33-44-55", "ring meg", "+1234567890123456"])
def test_bad_phone_numbers_in_both_languages(phone):
    assert contact_errors("en", name="Kari", phone=phone)["phone"] == [
        "Write a phone number with 8 to 15 digits, for example +47 22 33 44 55."
    ]
    assert contact_errors("nb", name="Kari", phone=phone)["phone"] == [
        "Skriv et telefonnummer med 8 til 15 sifre, for eksempel +47 22 33 44 55."
    ]


def test_a_contact_needs_a_name_and_a_way_to_reach_them():
    assert contact_errors("en", name="Kari") == {
        "email": ["Give an e-mail address or a phone number."]
    }
    assert contact_errors("nb", name="Kari") == {
        "email": ["Oppgi en e-postadresse eller et telefonnummer."]
    }
    assert "name" in contact_errors("en", email="kari@example.test")


def test_errors_are_tied_to_their_fields_on_the_page(client, supplier, supplier_admin):
    client.force_login(supplier_admin)
    with translation.override("en"):
        address = reverse("marketplace:profile_edit", kwargs={"slug": supplier.slug})

    response = client.post(
        address,
        {
            "founded_year": str(NEXT_YEAR),
            "size_visibility": "public",
            "references_visibility": "buyers",
            "contact_visibility": "public",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )

    html = response.content.decode()
    assert 'aria-describedby="id_founded_year_error"' in html
    assert 'id="id_founded_year_error"' in html
    assert "The year cannot be later than this year" in html
