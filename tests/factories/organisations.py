from __future__ import annotations

import factory
from stdnum.no import orgnr

from marketplace.models import Membership, Organisation, OrganisationUnit, Role, User


def valid_org_number(n: int) -> str:
    """The n-th valid organisation number in the 9xx xxx xxx range (MOD11 check digit)."""
    base = 91_000_000 + n
    while True:
        for check in "0123456789":
            if orgnr.is_valid(f"{base:08d}{check}"):
                return f"{base:08d}{check}"
        base += 1  # no digit fits this base (MOD11 remainder 10): try the next


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["email"]
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.test")
    full_name = factory.Faker("name", locale="no_NO")
    language = "nb"
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class _OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Faker("company", locale="no_NO")
    org_number = factory.Sequence(lambda n: valid_org_number(n * 11))
    slug = factory.Sequence(lambda n: f"org-{n}")


class SupplierFactory(_OrganisationFactory):
    kind = Organisation.Kind.SUPPLIER


class BuyerFactory(_OrganisationFactory):
    kind = Organisation.Kind.BUYER
    name = factory.Sequence(lambda n: f"Kommune {n}")


class OrganisationUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganisationUnit

    organisation = factory.SubFactory(BuyerFactory)
    name = factory.Sequence(lambda n: f"Tjenesteområde {n}")
    name_en = factory.Sequence(lambda n: f"Service area {n}")
    slug = factory.Sequence(lambda n: f"unit-{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(SupplierFactory)
    role = Role.SUPPLIER_MEMBER
