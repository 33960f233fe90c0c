"""Factories for the supplier directory: listed profiles and the CPV codes they name."""

from __future__ import annotations

import factory

from marketplace.models import County, CpvCode, Municipality, SupplierProfile, cpv_prefix

from .organisations import SupplierFactory

_LEVELS = {2: "division", 3: "group", 4: "class"}


def cpv_code(code: str, name_en: str = "", name_nb: str = "") -> CpvCode:
    """The CPV code ``code`` (eight digits), created with its level if it is not there yet."""
    level = _LEVELS.get(len(cpv_prefix(code)), "category")
    obj, _ = CpvCode.objects.get_or_create(
        code=code,
        defaults={
            "check_digit": "0",
            "level": level,
            "name_en": name_en or f"Code {code}",
            "name_nb": name_nb or name_en or f"Kode {code}",
        },
    )
    return obj


def municipality(number: str, name: str, county_number: str = "32", county_name: str = "Akershus"):
    county, _ = County.objects.get_or_create(number=county_number, defaults={"name": county_name})
    obj, _ = Municipality.objects.get_or_create(
        number=number, defaults={"name": name, "county": county}
    )
    return obj


class ListedSupplierProfileFactory(factory.django.DjangoModelFactory):
    """A published profile of a supplier organisation (``is_published=False`` for an unlisted one).

    ``cpv_codes=[...]``, ``certifications=[...]``, ``delivery_counties=[...]`` and
    ``delivery_municipalities=[...]`` set the many-to-many fields.
    """

    class Meta:
        model = SupplierProfile
        skip_postgeneration_save = True

    organisation = factory.SubFactory(SupplierFactory)
    is_published = True
    description_nb = "Vi leverer tjenester til offentlig sektor."
    description_en = "We deliver services to the public sector."

    @factory.post_generation
    def cpv_codes(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.cpv_codes.set(extracted)

    @factory.post_generation
    def certifications(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.certifications.set(extracted)

    @factory.post_generation
    def delivery_counties(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.delivery_counties.set(extracted)

    @factory.post_generation
    def delivery_municipalities(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.delivery_municipalities.set(extracted)
