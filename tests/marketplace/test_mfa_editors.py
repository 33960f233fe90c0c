"""Wagtail editors and moderators publish to the public site, so they need TOTP like buyer staff
(``MFA_REQUIRED_FOR_STAFF``, on in production and in tests)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from marketplace.accounts import requires_mfa
from tests.conftest import with_totp
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def wagtail_group(name: str) -> Group:
    """Wagtail's migrations make these groups; a transactional test's flush may have removed
    them, so make them again as the migrations do (with admin access)."""
    from django.contrib.auth.models import Permission

    group, _created = Group.objects.get_or_create(name=name)
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    return group


@pytest.mark.parametrize("group", ["Editors", "Moderators"])
def test_wagtail_editors_without_totp_are_sent_to_set_it_up(client, group):
    editor = UserFactory(email=f"{group.lower()}@pilotmarked.test")
    editor.groups.add(wagtail_group(group))
    client.force_login(editor)

    response = client.get("/cms-admin/")

    assert response.status_code == 302
    assert response.url == "/accounts/2fa/totp/activate/"


def test_editors_with_totp_reach_the_wagtail_admin(client):
    editor = with_totp(UserFactory(email="redaktor@pilotmarked.test"))
    editor.groups.add(wagtail_group("Editors"))
    client.force_login(editor)

    assert client.get("/cms-admin/").status_code == 200


def test_anyone_the_wagtail_admin_lets_in_needs_totp():
    from django.contrib.auth.models import Permission

    person = UserFactory(email="annen@pilotmarked.test")
    assert not requires_mfa(person)
    person.user_permissions.add(Permission.objects.get(codename="access_admin"))
    person = type(person).objects.get(pk=person.pk)  # permissions are cached per instance

    assert requires_mfa(person)


def test_the_demo_switch_turns_the_rule_off(client, settings):
    settings.MFA_REQUIRED_FOR_STAFF = False
    editor = UserFactory(email="demo.redaktor@pilotmarked.test")
    editor.groups.add(wagtail_group("Editors"))
    client.force_login(editor)

    assert client.get("/cms-admin/").status_code == 200
