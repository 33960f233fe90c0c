import pytest
from django.test import Client


@pytest.mark.django_db
def test_form_without_csrf_token_gets_the_sites_own_403_in_english():
    client = Client(enforce_csrf_checks=True)

    response = client.post("/en/accounts/login/", {"login": "a@b.test", "password": "x"})

    assert response.status_code == 403
    assert b"page had expired" in response.content
    assert b'<html lang="en"' in response.content
