import pytest

from tests.factories import UserFactory


@pytest.mark.django_db
def test_switching_language_is_remembered_for_e_mails(client, supplier_admin):
    client.force_login(supplier_admin)
    assert supplier_admin.language == "nb"

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/min-side/"})

    assert response.status_code == 302
    assert response["Location"] == "/en/min-side/"
    supplier_admin.refresh_from_db()
    assert supplier_admin.language == "en"


@pytest.mark.django_db
def test_unknown_language_changes_nothing(client, supplier_admin):
    client.force_login(supplier_admin)

    client.post("/i18n/setlang/", {"language": "xx", "next": "/min-side/"})

    supplier_admin.refresh_from_db()
    assert supplier_admin.language == "nb"


@pytest.mark.django_db
def test_login_continues_in_the_persons_language(client):
    from allauth.account.models import EmailAddress

    person = UserFactory(email="founder@startup.test", language="en")
    EmailAddress.objects.create(user=person, email=person.email, verified=True, primary=True)

    response = client.post(
        "/accounts/login/", {"login": "founder@startup.test", "password": "correct horse battery"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/en/min-side/"
