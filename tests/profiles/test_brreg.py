"""The Brønnøysund client: recorded responses, the real urllib transport against a local server,
timeouts, and the profile form's "Fetch from Brønnøysund" button."""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.urls import reverse
from django.utils import translation

from marketplace import brreg
from marketplace.models import IndustryCode, Role, SupplierProfile
from tests.factories import (
    MembershipFactory,
    SupplierFactory,
    SupplierProfileFactory,
    cpv_code,
    municipality,
)
from tests.profiles.fakes import FIXTURES

RECORDED = (FIXTURES / "brreg_921000006.json").read_bytes()
EXPECTED = brreg.BrregEntity(
    org_number="921000006",
    name="FJORDLYS TEKNOLOGI AS",
    street_address="Brynsveien 5",
    postal_code="1337",
    postal_place="Sandvika",
    municipality_number="3201",
    industry_code="62.010",
    employee_count=12,
    founded_year=2018,
)


# --- The client with the recording fake -----------------------------------------------------------


def test_lookup_reads_the_recorded_entity(brreg_fake, settings):
    settings.BRREG_TIMEOUT_SECONDS = 2.5

    entity = brreg.lookup("921000006")

    assert entity == EXPECTED
    assert entity.employee_band == "10-49"
    assert brreg_fake.requests == [
        ("https://brreg.invalid/enhetsregisteret/api/enheter/921000006", 2.5)
    ]


def test_an_unknown_number_is_not_found(brreg_fake):
    with pytest.raises(brreg.BrregNotFound):
        brreg.lookup("974760673")


@pytest.mark.parametrize("status", [404, 410])
def test_gone_or_missing_is_not_found(brreg_fake, status):
    brreg_fake.respond(status, b"{}")
    with pytest.raises(brreg.BrregNotFound):
        brreg.lookup("921000006")


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (500, b"{}"),
        (503, b"<html>Service Unavailable</html>"),
        (200, b"<html>maintenance</html>"),
        (200, b"\xff\xfe"),
        (200, b"[1, 2, 3]"),
        (200, b'{"navn": "No number"}'),
        (200, b'{"organisasjonsnummer": "921000006", "forretningsadresse": "not an object"}'),
    ],
)
def test_anything_else_is_unavailable(brreg_fake, status, body):
    brreg_fake.respond(status, body)
    with pytest.raises(brreg.BrregUnavailable):
        brreg.lookup("921000006")


def test_a_network_error_is_unavailable(brreg_fake):
    brreg_fake.fail_with(TimeoutError("timed out"))
    with pytest.raises(brreg.BrregUnavailable):
        brreg.lookup("921000006")


@pytest.mark.parametrize(
    ("count", "band"),
    [
        (None, ""),
        (0, "1-9"),
        (9, "1-9"),
        (10, "10-49"),
        (49, "10-49"),
        (50, "50-249"),
        (249, "50-249"),
        (250, "250+"),
        (5000, "250+"),
    ],
)
def test_employee_count_to_band(count, band):
    assert brreg.employee_band_for(count) == band


def test_an_entity_without_registered_employees_has_no_count():
    entity = brreg.parse_entity(
        {
            "organisasjonsnummer": "921000006",
            "antallAnsatte": 0,
            "harRegistrertAntallAnsatte": False,
        }
    )
    assert entity.employee_count is None
    assert entity.employee_band == ""


# --- The real urllib transport against local servers ----------------------------------------------


class _RecordedHandler(http.server.BaseHTTPRequestHandler):
    delay = 0.0

    def do_GET(self):
        time.sleep(self.delay)
        if self.path.endswith("/921000006"):
            status, body = 200, RECORDED
        else:
            status, body = 404, b'{"status": 404}'
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (the timeout test)

    def log_message(self, format, *args):
        pass


class _SlowHandler(_RecordedHandler):
    delay = 1.0


@contextmanager
def local_server(handler) -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/enhetsregisteret/api/enheter/{{orgnr}}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_the_urllib_transport_reads_a_real_http_response(settings):
    settings.BRREG_TRANSPORT = "marketplace.brreg.urllib_transport"
    with local_server(_RecordedHandler) as address:
        settings.BRREG_API_URL = address
        assert brreg.lookup("921000006") == EXPECTED
        with pytest.raises(brreg.BrregNotFound):
            brreg.lookup("974760673")


def test_the_urllib_transport_gives_up_after_the_timeout(settings):
    settings.BRREG_TRANSPORT = "marketplace.brreg.urllib_transport"
    settings.BRREG_TIMEOUT_SECONDS = 0.2
    with local_server(_SlowHandler) as address:
        settings.BRREG_API_URL = address
        started = time.monotonic()
        with pytest.raises(brreg.BrregUnavailable):
            brreg.lookup("921000006")
        assert time.monotonic() - started < 0.9


def test_nothing_listening_is_unavailable(settings):
    settings.BRREG_TRANSPORT = "marketplace.brreg.urllib_transport"
    with local_server(_RecordedHandler) as address:
        pass  # the port is closed again
    settings.BRREG_API_URL = address
    with pytest.raises(brreg.BrregUnavailable):
        brreg.lookup("921000006")


# --- The form's "Fetch from Brønnøysund" button ---------------------------------------------------


def lookup_url(slug: str) -> str:
    with translation.override("en"):
        return reverse("marketplace:profile_brreg_lookup", kwargs={"slug": slug})


@pytest.fixture
def registered_supplier(db, client):
    supplier = SupplierFactory(name="Fjordlys Teknologi AS", org_number="921000006")
    user = MembershipFactory(organisation=supplier, role=Role.SUPPLIER_ADMIN).user
    client.force_login(user)
    return supplier


def posted(**overrides) -> dict:
    data = {
        "description_nb": "Skrevet før oppslaget.",
        "keywords": "sensor",
        "size_visibility": "public",
        "references_visibility": "buyers",
        "contact_visibility": "public",
    }
    data.update(overrides)
    return data


def test_fetch_prefills_the_form_and_keeps_what_was_typed(client, registered_supplier, brreg_fake):
    baerum = municipality("3201", "Bærum")
    IndustryCode.objects.create(code="62.010", level=5, name="Programmeringstjenester")
    it = cpv_code("72000000")

    response = client.post(lookup_url(registered_supplier.slug), posted(cpv_codes=[it.pk]))

    assert response.status_code == 200
    form = response.context["form"]
    assert not form.is_bound  # shown for the person to check; nothing is saved
    assert form["street_address"].value() == "Brynsveien 5"
    assert form["postal_code"].value() == "1337"
    assert form["postal_place"].value() == "Sandvika"
    assert form["municipality"].value() == baerum.pk
    assert form["industry_code"].value() == "62.010"
    assert form["employee_band"].value() == "10-49"
    assert form["founded_year"].value() == 2018
    assert form["description_nb"].value() == "Skrevet før oppslaget."
    assert [str(pk) for pk in form["cpv_codes"].value()] == [it.pk]
    assert "Check the details and save" in response.content.decode()
    profile = SupplierProfile.objects.get(organisation=registered_supplier)
    assert (profile.street_address, profile.description_nb) == ("", "")


def test_offline_the_form_is_filled_in_by_hand(client, registered_supplier, brreg_fake):
    brreg_fake.fail_with(OSError("Network is unreachable"))

    response = client.post(lookup_url(registered_supplier.slug), posted(street_address="Gata 1"))

    assert response.status_code == 200
    assert "Could not reach the register; fill in by hand." in response.content.decode()
    assert response.context["form"]["street_address"].value() == "Gata 1"


def test_without_the_fake_the_register_cannot_be_reached(client, registered_supplier):
    # tests/profiles/conftest.py points the client at a closed local port.
    response = client.post(lookup_url(registered_supplier.slug), posted())
    assert "Could not reach the register" in response.content.decode()


def test_an_unregistered_number_says_so(client, db, brreg_fake):
    supplier = SupplierFactory(org_number="974760673")
    SupplierProfileFactory(organisation=supplier)
    client.force_login(MembershipFactory(organisation=supplier, role=Role.SUPPLIER_ADMIN).user)

    response = client.post(lookup_url(supplier.slug), posted())

    assert "has no entity with organisation number 974 760 673" in response.content.decode()
