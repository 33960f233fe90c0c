"""No ``next`` parameter sends a person to another site: allauth's forms and our own views."""

from __future__ import annotations

import pytest

from tests.factories import UserFactory
from tests.factories.invitations import with_verified_email

pytestmark = pytest.mark.django_db

OFFSITE = [
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "https:evil.example",
    "javascript:alert(1)",
]


def _is_onsite(location: str) -> bool:
    return location.startswith("/") and not location.startswith(("//", "/\\"))


@pytest.mark.parametrize("target", OFFSITE)
def test_logging_in_never_continues_offsite(client, target):
    person = with_verified_email(UserFactory(email="kari@example.test"))

    response = client.post(
        "/accounts/login/",
        {"login": person.email, "password": "correct horse battery", "next": target},
    )

    assert response.status_code == 302
    assert "_auth_user_id" in client.session
    assert _is_onsite(response["Location"]), response["Location"]


@pytest.mark.parametrize("target", OFFSITE)
def test_the_language_switch_never_continues_offsite(client, target):
    response = client.post("/i18n/setlang/", {"language": "en", "next": target})

    assert response.status_code == 302
    assert _is_onsite(response["Location"]), response["Location"]


@pytest.mark.parametrize("target", OFFSITE)
def test_the_admin_login_pages_never_continue_offsite(client, target):
    response = client.get("/django-admin/login/", {"next": target})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
