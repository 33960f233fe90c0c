"""The audit log in the Django admin is for reading only."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from marketplace.middleware import RequestIdMiddleware
from marketplace.models import AuditEvent
from marketplace.services.audit import audit_record
from tests.conftest import with_totp
from tests.factories import UserFactory


@pytest.fixture
def staff_client(client, db):
    admin = with_totp(UserFactory(email="drift@pilotmarked.test", full_name="Drift"))
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    return client


@pytest.fixture
def event(db):
    return audit_record(
        actor=None,
        action="organisation.edit",
        before={"name": "Fjordlys AS"},
        after={"name": "Fjordlys Teknologi AS", "website": "https://fjordlys.test"},
    )


def _not_account_events():
    """Events apart from the staff member's own login (account.* events)."""
    return AuditEvent.objects.exclude(action__startswith="account.")


def _in_request(request_id: str, action: str) -> AuditEvent:
    recorded = []

    def view(request):
        recorded.append(audit_record(actor=None, action=action))
        return HttpResponse()

    RequestIdMiddleware(view)(RequestFactory().get("/", HTTP_X_REQUEST_ID=request_id))
    return recorded[0]


def test_lists_events_newest_first(staff_client, event, django_assert_max_num_queries):
    newer = audit_record(actor=None, action="demo.seeded")

    with django_assert_max_num_queries(12):
        response = staff_client.get(reverse("admin:marketplace_auditevent_changelist"))

    assert response.status_code == 200
    shown = [e for e in response.context["cl"].result_list if not e.action.startswith("account.")]
    assert shown == [newer, event]


def test_searches_by_request_id(staff_client, db):
    wanted = _in_request("req-wanted-1", "organisation.edit")
    _in_request("req-other-2", "organisation.create")

    response = staff_client.get(
        reverse("admin:marketplace_auditevent_changelist"), {"q": "req-wanted-1"}
    )

    assert list(response.context["cl"].result_list) == [wanted]


def test_filters_by_action(staff_client, event):
    audit_record(actor=None, action="demo.seeded")

    response = staff_client.get(
        reverse("admin:marketplace_auditevent_changelist"), {"action": "organisation.edit"}
    )

    assert list(response.context["cl"].result_list) == [event]


def test_shows_before_and_after_as_indented_json(staff_client, event):
    response = staff_client.get(reverse("admin:marketplace_auditevent_change", args=[event.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert '<pre class="audit-json">{\n  &quot;name&quot;: &quot;Fjordlys AS&quot;\n}</pre>' in html
    assert "&quot;website&quot;: &quot;https://fjordlys.test&quot;" in html
    assert event.hash in html
    assert 'name="_save"' not in html  # nothing to save


@pytest.mark.parametrize(
    "url",
    [
        lambda event: reverse("admin:marketplace_auditevent_add"),
        lambda event: reverse("admin:marketplace_auditevent_delete", args=[event.pk]),
    ],
    ids=["add", "delete"],
)
def test_cannot_add_or_delete(staff_client, event, url):
    response = staff_client.post(url(event), {"post": "yes", "action": "forged"})

    assert response.status_code == 403
    assert list(_not_account_events().values_list("action", flat=True)) == ["organisation.edit"]


def test_cannot_change(staff_client, event):
    response = staff_client.post(
        reverse("admin:marketplace_auditevent_change", args=[event.pk]),
        {"action": "forged", "_save": "Save"},
    )

    assert response.status_code == 403
    assert _not_account_events().get().action == "organisation.edit"


def test_offers_no_bulk_actions(staff_client, event):
    response = staff_client.get(reverse("admin:marketplace_auditevent_changelist"))

    assert response.context["action_form"] is None
    assert "delete_selected" not in response.content.decode()


def test_staff_without_the_view_permission_cannot_read_it(client, event):
    clerk = UserFactory(email="clerk@pilotmarked.test", full_name="Clerk", is_staff=True)
    client.force_login(with_totp(clerk))

    response = client.get(reverse("admin:marketplace_auditevent_changelist"))

    assert response.status_code == 403
