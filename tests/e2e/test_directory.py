"""The supplier directory and a public profile in a real browser: WCAG 2.1 A/AA (axe-core) in
Bokmål and English, and the filter form working without JavaScript."""

from __future__ import annotations

import pytest

from marketplace.models import ContactPerson, Role, SupplierReference
from tests.factories import (
    ListedSupplierProfileFactory,
    MembershipFactory,
    SupplierFactory,
    UserFactory,
    cpv_code,
    municipality,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def directory():
    """Enough listed firms for two pages, with codes, places, references and a contact."""
    it = cpv_code("72000000", "IT services", "IT-tjenester")
    deep = cpv_code("72212000", "Programming services of application software")
    baerum = municipality("3201", "Bærum")
    first = None
    for n in range(25):
        profile = ListedSupplierProfileFactory(
            organisation=SupplierFactory(name=f"Firma {n:02d} AS", slug=f"firma-{n:02d}"),
            cpv_codes=[deep] if n % 2 else [it],
            employee_band="1-9",
            stage="startup",
            open_to_pilots=bool(n % 3),
            keywords=["sensorer", "IoT"],
            municipality=baerum,
            delivery_counties=[baerum.county],
            references_visibility="public",
            contact_visibility="public",
        )
        first = first or profile
    SupplierReference.objects.create(
        profile=first, customer="Bærum kommune", year=2024, description="A pilot."
    )
    ContactPerson.objects.create(profile=first, name="Kari Kontakt", email="kari@firma.test")
    return first


@pytest.mark.parametrize("path", ["/leverandorer/", "/en/leverandorer/"])
def test_directory_has_no_wcag_violations(new_page, assert_accessible, directory, path):
    page = new_page()

    response = page.goto(path)

    assert response.status == 200
    assert page.locator("h1").count() == 1
    assert page.locator("nav.ds-pagination").count() == 1
    assert_accessible(page)


@pytest.mark.parametrize(
    "path", ["/leverandorer/?stage=unicorn&cpv=7200", "/en/leverandorer/?q=ingenting-her"]
)
def test_directory_with_errors_or_no_results_has_no_wcag_violations(
    new_page, assert_accessible, directory, path
):
    page = new_page()

    assert page.goto(path).status == 200
    assert_accessible(page)


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_public_profile_has_no_wcag_violations(new_page, assert_accessible, directory, prefix):
    page = new_page()

    response = page.goto(f"{prefix}/leverandorer/{directory.organisation.slug}/")

    assert response.status == 200
    assert page.locator("h1").inner_text() == directory.organisation.name
    assert_accessible(page)


def test_unlisted_profile_seen_by_its_member_has_no_wcag_violations(
    new_page, assert_accessible, directory
):
    directory.is_published = False
    directory.save()
    member = UserFactory(email="medlem@firma.test")
    MembershipFactory(user=member, organisation=directory.organisation, role=Role.SUPPLIER_ADMIN)
    page = new_page(user=member)

    page.goto(f"/en/leverandorer/{directory.organisation.slug}/")

    assert page.locator(".ds-alert").is_visible()
    assert_accessible(page)


def test_filtering_works_without_javascript(browser, live_server, directory):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/en/leverandorer/")

        page.fill("#id_cpv", "72212000")
        page.check("#id_open_to_pilots")
        page.click("main button[type=submit]")

        # odd-numbered firms have 72212000; of those, n % 3 != 0 are open to pilots
        expected = [n for n in range(25) if n % 2 and n % 3]
        assert page.locator("#results-heading").inner_text() == f"{len(expected)} suppliers"
        assert page.locator(".directory__card").count() == len(expected)
        page.click(f"text=Firma {expected[0]:02d} AS")
        assert page.locator("h1").inner_text() == f"Firma {expected[0]:02d} AS"
    finally:
        context.close()
