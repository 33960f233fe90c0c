"""Every request has an id: taken from the proxy when well-formed, made up otherwise, echoed in the
response, written on log records and stored on audit events made while serving it."""

from __future__ import annotations

import logging
import re

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from marketplace.middleware import RequestIdMiddleware
from marketplace.request_context import current_request_id
from marketplace.services.audit import audit_record


def test_response_carries_a_fresh_request_id(client):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]

    assert re.fullmatch(r"[0-9a-f]{32}", first)
    assert first != second


def test_well_formed_incoming_id_is_echoed(client):
    response = client.get("/healthz", headers={"X-Request-ID": "lb-7f3a.2024_05-17"})

    assert response["X-Request-ID"] == "lb-7f3a.2024_05-17"


@pytest.mark.parametrize(
    "incoming",
    ["has spaces", "<script>alert(1)</script>", "x" * 65, "new\nline", ""],
    ids=["spaces", "markup", "too-long", "newline", "empty"],
)
def test_malformed_incoming_id_is_replaced(client, incoming):
    response = client.get("/healthz", headers={"X-Request-ID": incoming})

    assert response["X-Request-ID"] != incoming
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


@pytest.mark.django_db
def test_log_records_of_a_request_carry_its_id(client, caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.post("/healthz", headers={"X-Request-ID": "trace-405"})

    assert response.status_code == 405
    records = [record for record in caplog.records if record.name == "django.request"]
    assert records, "Django logs a refused method on django.request"
    assert {record.request_id for record in records} == {"trace-405"}


def test_log_records_outside_a_request_say_so(caplog):
    with caplog.at_level(logging.INFO, logger="pilotmarked.test"):
        logging.getLogger("pilotmarked.test").info("no request here")

    assert caplog.records[-1].request_id == "-"


@pytest.mark.django_db
def test_audit_events_recorded_in_a_request_store_its_id():
    recorded = []

    def view(request):
        recorded.append(audit_record(actor=None, action="test.in_request"))
        return HttpResponse()

    response = RequestIdMiddleware(view)(
        RequestFactory().get("/", headers={"X-Request-ID": "req-audit-42"})
    )
    after = audit_record(actor=None, action="test.after_request")

    assert response["X-Request-ID"] == "req-audit-42"
    assert recorded[0].request_id == "req-audit-42"
    assert after.request_id == ""
    assert current_request_id() == "-"
