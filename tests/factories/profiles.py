"""Factories for supplier profile editing: profiles, references and contact persons."""

from __future__ import annotations

import factory

from marketplace.models import ContactPerson, SupplierProfile, SupplierReference

from .organisations import SupplierFactory


class SupplierProfileFactory(factory.django.DjangoModelFactory):
    """An empty, unlisted profile (what ``profile_get_or_create`` makes)."""

    class Meta:
        model = SupplierProfile
        django_get_or_create = ["organisation"]

    organisation = factory.SubFactory(SupplierFactory)


class SupplierReferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupplierReference

    profile = factory.SubFactory(SupplierProfileFactory)
    customer = factory.Sequence(lambda n: f"Kunde {n} AS")
    year = 2022
    description = "Levering av programvare."


class ContactPersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactPerson

    profile = factory.SubFactory(SupplierProfileFactory)
    name = "Kari Nordmann"
    title = "Daglig leder"
    email = factory.Sequence(lambda n: f"kontakt{n}@leverandor.test")
    phone = "+47 22 33 44 55"
