import pytest

from tests.factories import UserFactory


@pytest.mark.django_db
@pytest.mark.parametrize("prefix", ["/django-admin", "/cms-admin"])
def test_admin_login_pages_send_people_through_allauth(client, prefix):
    response = client.get(f"{prefix}/login/?next={prefix}/")

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next=%2F{prefix[1:]}%2F"


@pytest.mark.django_db
@pytest.mark.parametrize("prefix", ["/django-admin", "/cms-admin"])
def test_admin_login_form_cannot_be_used_to_skip_totp(client, prefix):
    UserFactory(email="staff@pilotmarked.test", is_staff=True, is_superuser=True)

    client.post(
        f"{prefix}/login/",
        {"username": "staff@pilotmarked.test", "password": "correct horse battery"},
    )

    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_admin_login_refuses_to_redirect_elsewhere(client):
    response = client.get("/cms-admin/login/?next=https://evil.example/")

    assert response["Location"] == "/accounts/login/"


@pytest.mark.django_db
def test_wagtail_admin_sends_anonymous_visitors_to_allauth(client):
    response = client.get("/cms-admin/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
