"""Responses to needs (interest, sketches), invitations and the dialogue export."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.utils import timezone
from django.utils.html import escape

from marketplace.errors import DomainError, PermissionDenied
from marketplace.models import AuditEvent, Notification, NotificationKind
from tenders.models import NeedInvitation, NeedResponse
from tenders.services.needs import need_close
from tenders.services.responses import need_invite, need_respond
from tests.factories import NeedResponseFactory, SupplierFactory

pytestmark = pytest.mark.django_db

SKETCH = "Vi foreslår sensorer på holdeplassene og dynamiske ruter."


def test_supplier_sends_a_sketch_and_the_buyer_is_told(
    open_need, supplier, supplier_admin, procurement_officer, commit
):
    with commit():
        response = need_respond(
            need=open_need, organisation=supplier, kind="sketch", sketch=SKETCH, by=supplier_admin
        )

    assert response.kind == NeedResponse.Kind.SKETCH
    assert open_need.follows.filter(user=supplier_admin).exists()
    note = Notification.objects.get(recipient=procurement_officer)
    assert note.kind == NotificationKind.BUYER_ACTIVITY


def test_responding_again_replaces_the_response(open_need, supplier, supplier_admin):
    need_respond(
        need=open_need, organisation=supplier, kind="sketch", sketch=SKETCH, by=supplier_admin
    )
    need_respond(
        need=open_need, organisation=supplier, kind="interest", sketch=SKETCH, by=supplier_admin
    )

    response = NeedResponse.objects.get()
    assert (response.kind, response.sketch) == ("interest", "")


def test_a_sketch_needs_text(open_need, supplier, supplier_admin):
    with pytest.raises(DomainError) as error:
        need_respond(need=open_need, organisation=supplier, kind="sketch", by=supplier_admin)

    assert error.value.code == "response_sketch_empty"


def test_no_responses_after_the_dialogue_deadline_or_close(
    open_need, supplier, supplier_admin, procurement_officer
):
    open_need.dialogue_deadline = timezone.now() - datetime.timedelta(minutes=1)
    open_need.save()
    with pytest.raises(DomainError):
        need_respond(need=open_need, organisation=supplier, kind="interest", by=supplier_admin)

    open_need.dialogue_deadline = None
    open_need.save()
    need_close(need=open_need, by=procurement_officer)
    with pytest.raises(DomainError):
        need_respond(need=open_need, organisation=supplier, kind="interest", by=supplier_admin)


def test_a_buyer_cannot_respond(open_need, buyer, procurement_officer):
    with pytest.raises(PermissionDenied):
        need_respond(need=open_need, organisation=buyer, kind="interest", by=procurement_officer)


def test_a_sketch_is_seen_by_its_author_and_the_buyer_only(
    client, open_need, supplier, supplier_admin, other_supplier_admin, procurement_officer
):
    need_respond(
        need=open_need, organisation=supplier, kind="sketch", sketch=SKETCH, by=supplier_admin
    )
    public_url = f"/en/behov/{open_need.slug}/"

    client.force_login(supplier_admin)
    assert SKETCH in client.get(public_url).content.decode()
    client.force_login(other_supplier_admin)
    other_view = client.get(public_url).content.decode()
    assert SKETCH not in other_view and supplier.name not in other_view
    client.logout()
    anonymous = client.get(public_url).content.decode()
    assert SKETCH not in anonymous and supplier.name not in anonymous
    client.force_login(procurement_officer)
    assert SKETCH in client.get(f"/en/innkjop/behov/{open_need.slug}/").content.decode()


def test_supplier_responds_through_the_page(client, open_need, supplier_admin):
    client.force_login(supplier_admin)

    missing = client.post(f"/en/behov/{open_need.slug}/svar/", {"kind": "sketch", "sketch": ""})
    done = client.post(f"/en/behov/{open_need.slug}/svar/", {"kind": "interest"})

    assert missing.status_code == 400
    assert 'id="id_sketch_error"' in missing.content.decode()
    assert done.status_code == 302
    assert NeedResponse.objects.get().kind == "interest"


def test_response_errors_in_norwegian(client, open_need, supplier_admin):
    client.force_login(supplier_admin)

    response = client.post(f"/behov/{open_need.slug}/svar/", {"kind": ""})

    assert response.status_code == 400
    assert "Dette feltet er påkrevet." in response.content.decode()


# --- Invitations --------------------------------------------------------------------------------


def test_buyer_invites_a_supplier_once_and_its_people_are_told(
    open_need, supplier, supplier_admin, procurement_officer
):
    need_invite(need=open_need, supplier=supplier, by=procurement_officer, message="Velkommen!")

    note = Notification.objects.get(recipient=supplier_admin)
    assert note.kind == NotificationKind.DIALOGUE_INVITATION
    assert "Velkommen!" in note.body
    with pytest.raises(DomainError) as error:
        need_invite(need=open_need, supplier=supplier, by=procurement_officer)
    assert error.value.code == "invitation_exists"


def test_invitations_need_an_open_need_and_the_right(
    buyer, buyer_unit, supplier, procurement_officer, other_unit_officer, open_need
):
    from tests.factories import NeedFactory

    draft = NeedFactory(buyer=buyer, unit=buyer_unit)
    with pytest.raises(DomainError):
        need_invite(need=draft, supplier=supplier, by=procurement_officer)
    with pytest.raises(PermissionDenied):
        need_invite(need=open_need, supplier=supplier, by=other_unit_officer)
    with pytest.raises(DomainError):
        need_invite(need=open_need, supplier=buyer, by=procurement_officer)


def test_invite_through_the_page_by_organisation_number(buyer_client, open_need, supplier):
    url = f"/en/innkjop/behov/{open_need.slug}/inviter/"

    unknown = buyer_client.post(url, {"org_number": "123456785"})
    done = buyer_client.post(url, {"org_number": supplier.org_number, "message": "Hei"})

    assert unknown.status_code == 400
    assert 'id="id_org_number_error"' in unknown.content.decode()
    assert done.status_code == 302
    assert NeedInvitation.objects.get().supplier == supplier


def test_the_invited_supplier_sees_the_invitation_on_the_need(
    client, open_need, supplier, supplier_admin, procurement_officer
):
    need_invite(need=open_need, supplier=supplier, by=procurement_officer)
    client.force_login(supplier_admin)

    html = client.get(f"/en/behov/{open_need.slug}/").content.decode()

    assert f"The buyer has invited {escape(supplier.name)}" in html


# --- Export -------------------------------------------------------------------------------------


def test_dialogue_exports_as_csv_with_every_response(
    buyer_client, open_need, buyer, procurement_officer
):
    invited = SupplierFactory(name="Invitert AS")
    need_invite(need=open_need, supplier=invited, by=procurement_officer)
    NeedResponseFactory(need=open_need, supplier=invited, kind="sketch", sketch="=HYPERLINK(1)")
    NeedResponseFactory(need=open_need, supplier=SupplierFactory(name="Interessert AS"))

    response = buyer_client.get(f"/en/innkjop/behov/{open_need.slug}/dialog.csv")

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:2] == ["Time (Europe/Oslo)", "Event"]
    events = [row[1] for row in rows[1:]]
    assert events.count("Response received") == 2
    assert "Supplier invited" in events and "Need published for dialogue" in events
    assert "'=HYPERLINK(1)" in [row[5] for row in rows]  # not a formula in a spreadsheet
    assert AuditEvent.objects.filter(
        action="need.dialogue_exported", organisation_id=buyer.pk
    ).exists()


def test_dialogue_exports_as_printable_html(buyer_client, open_need):
    NeedResponseFactory(need=open_need, kind="sketch", sketch=SKETCH)

    html = buyer_client.get(f"/en/innkjop/behov/{open_need.slug}/dialog/").content.decode()

    assert SKETCH in html and "Market dialogue: Smartere skoleskyss" in html
