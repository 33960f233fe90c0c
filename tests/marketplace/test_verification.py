"""Organisations registered by users start unverified until staff or the register confirm them.

The register is faked at the edge only: a local HTTP server answers like Brønnøysund, and the
real urllib transport talks to it (never the internet).
"""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.urls import reverse

from marketplace.models import AccessRequest, AuditEvent, Organisation
from marketplace.services.organisations import supplier_register
from marketplace.services.verification import (
    RegistryCheck,
    organisation_check_registry,
    organisation_verify,
    same_name,
)
from tests.conftest import with_totp
from tests.factories import ListedSupplierProfileFactory, SupplierFactory, UserFactory

pytestmark = pytest.mark.django_db

NUMBER, NAME = "921000006", "Fjordlys Teknologi AS"


class _Register(http.server.BaseHTTPRequestHandler):
    """Brønnøysund's entity API for one organisation; 404 for every other number."""

    registered_name = "FJORDLYS TEKNOLOGI AS"

    def do_GET(self):
        if self.path.endswith(f"/{NUMBER}"):
            status = 200
            body = json.dumps({"organisasjonsnummer": NUMBER, "navn": self.registered_name})
        else:
            status, body = 404, '{"status": 404}'
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format, *args):
        pass


@contextmanager
def register_server(settings, handler=_Register) -> Iterator[None]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.BRREG_TRANSPORT = "marketplace.brreg.urllib_transport"
    settings.BRREG_API_URL = (
        f"http://127.0.0.1:{server.server_address[1]}/enhetsregisteret/api/enheter/{{orgnr}}"
    )
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def staff_user():
    staff = with_totp(UserFactory(email="drift@pilotmarked.test"))
    staff.is_staff = staff.is_superuser = True
    staff.save()
    return staff


# --- Registration and the register ------------------------------------------------------------


def test_a_new_number_starts_unverified_and_the_register_verifies_it(
    settings, django_capture_on_commit_callbacks
):
    person = UserFactory()

    with register_server(settings), django_capture_on_commit_callbacks(execute=True):
        result = supplier_register(name=NAME, org_number=NUMBER, by=person)
        assert not result.organisation.is_verified  # unverified until the check has run

    organisation = Organisation.objects.get(pk=result.organisation.pk)
    assert organisation.is_verified
    assert (organisation.verification_source, organisation.verified_by) == ("registry", None)
    event = AuditEvent.objects.get(action="organisation.verified")
    assert event.after["source"] == "registry" and event.organisation_id == organisation.pk


@pytest.mark.parametrize(
    ("registered_name", "number", "expected"),
    [
        ("FJORDLYS BYGG AS", NUMBER, RegistryCheck.NAME_DIFFERS),
        ("FJORDLYS TEKNOLOGI AS", "974760673", RegistryCheck.NOT_FOUND),
    ],
)
def test_the_register_leaves_it_unverified_when_name_or_number_do_not_match(
    settings, registered_name, number, expected
):
    organisation = SupplierFactory(name=NAME, org_number=number)

    class Handler(_Register):
        pass

    Handler.registered_name = registered_name
    with register_server(settings, Handler):
        result = organisation_check_registry(organisation_id=organisation.pk)

    assert result == expected
    organisation.refresh_from_db()
    assert not organisation.is_verified
    assert not AuditEvent.objects.filter(action="organisation.verified").exists()


def test_an_unreachable_register_leaves_it_unverified(settings):
    organisation = SupplierFactory(name=NAME, org_number=NUMBER)
    with register_server(settings):
        pass  # the port is closed again

    assert organisation_check_registry(organisation_id=organisation.pk) == RegistryCheck.UNAVAILABLE
    organisation.refresh_from_db()
    assert not organisation.is_verified


def test_claiming_a_registered_number_stays_an_access_request():
    existing = SupplierFactory(org_number=NUMBER)
    claimant = UserFactory()

    result = supplier_register(name="Someone Else AS", org_number=NUMBER, by=claimant)

    assert (result.organisation, result.access_requested) == (None, True)
    assert AccessRequest.objects.filter(organisation=existing, user=claimant).exists()
    assert Organisation.objects.filter(org_number=NUMBER).count() == 1
    existing.refresh_from_db()
    assert not existing.is_verified  # claiming it vouches for nothing


@pytest.mark.parametrize(
    ("ours", "registered", "same"),
    [
        ("Fjordlys Teknologi AS", "FJORDLYS TEKNOLOGI AS", True),
        ("Fjordlys  Teknologi A.S.", "FJORDLYS TEKNOLOGI A S", True),
        ("Fjordlys AS", "FJORDLYS TEKNOLOGI AS", False),
        ("", "", False),
    ],
)
def test_names_match_but_for_case_spacing_and_punctuation(ours, registered, same):
    assert same_name(ours, registered) is same


# --- Site administrators ----------------------------------------------------------------------


def test_staff_verify_through_the_admin_action_and_it_is_audited(client):
    staff = staff_user()
    organisation = SupplierFactory(name=NAME)
    client.force_login(staff)

    response = client.post(
        reverse("admin:marketplace_organisation_changelist"),
        {"action": "verify_organisations", "_selected_action": [organisation.pk]},
        follow=True,
    )

    # the Django admin has no language prefix, so it speaks the default language, Bokmål
    assert "1 organisasjon verifisert." in response.content.decode()
    organisation.refresh_from_db()
    assert (organisation.verification_source, organisation.verified_by) == ("admin", staff)
    event = AuditEvent.objects.get(action="organisation.verified")
    assert (event.actor, event.after["source"]) == (staff, "admin")


def test_an_organisation_staff_create_in_the_admin_is_verified_by_them(client):
    staff = staff_user()
    client.force_login(staff)

    client.post(
        reverse("admin:marketplace_organisation_add"),
        {
            "kind": "buyer",
            "name": "Asker kommune",
            "org_number": "974 760 673",
            "slug": "asker",
            "website": "",
            "units-TOTAL_FORMS": "0",
            "units-INITIAL_FORMS": "0",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )

    organisation = Organisation.objects.get(slug="asker")
    assert (organisation.verification_source, organisation.verified_by) == ("admin", staff)


def test_only_staff_may_verify():
    from marketplace.errors import PermissionDenied

    organisation = SupplierFactory()

    with pytest.raises(PermissionDenied):
        organisation_verify(organisation=organisation, by=UserFactory(is_staff=True))

    organisation.refresh_from_db()
    assert not organisation.is_verified


# --- What buyers see --------------------------------------------------------------------------


def test_buyers_see_unverified_suppliers_marked_in_the_directory_and_on_the_profile(
    buyer_client,
):
    unverified = ListedSupplierProfileFactory(organisation=SupplierFactory(name="Ny Leverandør AS"))
    verified = ListedSupplierProfileFactory(organisation=SupplierFactory(name="Kjent Firma AS"))
    staff = staff_user()
    organisation_verify(organisation=verified.organisation, by=staff)

    directory = buyer_client.get("/en/leverandorer/").content.decode()
    marks = directory.count('data-verified="false"')
    on_unverified = buyer_client.get(f"/en/leverandorer/{unverified.organisation.slug}/")
    on_verified = buyer_client.get(f"/en/leverandorer/{verified.organisation.slug}/")

    assert "Ny Leverandør AS" in directory and "Kjent Firma AS" in directory
    assert marks == 1
    assert "Unverified" in on_unverified.content.decode()
    assert "Unverified" not in on_verified.content.decode()
