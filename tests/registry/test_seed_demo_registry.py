from io import StringIO

import pytest
from django.core.management import call_command

from marketplace.models import County, CpvCode, IndustryCode


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", "--force", "--quiet-logins", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_seed_demo_loads_the_cpv_and_sn2007_subsets_idempotently():
    first = _seed()
    counts = (CpvCode.objects.count(), IndustryCode.objects.count())
    second = _seed()

    assert CpvCode.objects.divisions().count() == 45
    assert CpvCode.objects.get(code="72212000").parent_id == "72210000"
    assert CpvCode.objects.get(code="45000000").name_en == "Construction work"
    assert IndustryCode.objects.get(code="62.010").parent_id == "62.01"
    assert County.objects.get(number="32").nuts_code == "NO084"
    assert (CpvCode.objects.count(), IndustryCode.objects.count()) == counts
    assert f"({counts[0] + counts[1]} added)" in first
    assert "(0 added)" in second


@pytest.mark.django_db
def test_seed_demo_never_overwrites_existing_codes():
    # given a code already there with other labels (as after a newer full import)
    CpvCode.objects.create(
        code="72000000", check_digit="5", level="division", name_nb="Egen", name_en="Own"
    )
    County.objects.create(number="32", name="Akershus", nuts_code="NO999")

    _seed()

    assert CpvCode.objects.get(code="72000000").name_en == "Own"
    assert County.objects.get(number="32").nuts_code == "NO999"
