from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from marketplace.models import Membership, Municipality, Organisation, Role, User


def _seed(**kwargs) -> str:
    out = StringIO()
    call_command("seed_demo", "--force", stdout=out, **kwargs)
    return out.getvalue()


@pytest.mark.django_db
def test_seed_demo_creates_every_role_and_is_idempotent():
    # when
    first = _seed()
    counts = (User.objects.count(), Organisation.objects.count(), Membership.objects.count())
    second = _seed()

    # then
    assert Municipality.objects.filter(county__number="32").count() == 21
    assert Organisation.objects.buyers().filter(org_number="930580783").exists()
    assert Organisation.objects.suppliers().count() == 3
    # the demo's organisations are known ones: verified, marked as demo data
    assert set(Organisation.objects.values_list("verification_source", flat=True)) == {"seed"}
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == {role.value for role in Role}
    assert (
        User.objects.count(),
        Organisation.objects.count(),
        Membership.objects.count(),
    ) == counts
    assert "(0 new rows)" in second
    assert "innkjoper@afk.test" in first


@pytest.mark.django_db
def test_printed_demo_login_works(client):
    _seed()

    response = client.post(
        "/accounts/login/",
        {"login": "innkjoper@afk.test", "password": "pilot-demo-2026"},
    )

    assert response.status_code == 302
    assert "_auth_user_id" in client.session


@pytest.mark.django_db
def test_seed_demo_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo", stdout=StringIO())
