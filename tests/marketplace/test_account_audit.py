import pytest
from allauth.account.models import EmailAddress

from marketplace.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _actions():
    return list(AuditEvent.objects.values_list("action", flat=True))


def test_login_and_logout_are_audited(client):
    person = UserFactory(email="kari@example.test")
    EmailAddress.objects.create(user=person, email=person.email, verified=True, primary=True)

    client.post("/accounts/login/", {"login": person.email, "password": "correct horse battery"})
    client.post("/accounts/logout/")

    assert _actions() == ["account.login", "account.logout"]
    assert AuditEvent.objects.first().actor == person


def test_a_failed_login_is_audited_without_the_address_typed(client):
    client.post("/accounts/login/", {"login": "Nobody@Example.test", "password": "wrong"})

    event = AuditEvent.objects.get(action="account.login_failed")
    assert event.actor is None
    # nothing of what was typed, not even a hash of it (a hash of an address is personal data)
    assert (event.object_type, event.object_id, event.after) == ("", "", None)
    assert "nobody" not in str(event.payload()).lower()


def test_a_failed_login_names_the_account_tried_by_its_id_only(client):
    person = UserFactory(email="kari@example.test", full_name="Kari Nordmann")

    client.post("/accounts/login/", {"login": "Kari@Example.test", "password": "wrong"})

    event = AuditEvent.objects.get(action="account.login_failed")
    assert (event.object_type, event.object_id) == ("marketplace.user", str(person.pk))
    assert "kari" not in str(event.payload()).lower()


def test_a_password_change_is_audited(client):
    person = UserFactory(email="per@example.test")
    EmailAddress.objects.create(user=person, email=person.email, verified=True, primary=True)
    client.force_login(person)

    client.post(
        "/accounts/password/change/",
        {
            "oldpassword": "correct horse battery",
            "password1": "a much longer new secret 42",
            "password2": "a much longer new secret 42",
        },
    )

    assert "account.password_changed" in _actions()
