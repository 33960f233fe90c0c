"""The inbox, e-mail preferences, one-click unsubscribe and admin, tested through HTTP.

Pages are asked for in English (/en/...) where the test reads their text, so the tests hold
whether or not the Bokmål catalog has been compiled.
"""

from __future__ import annotations

from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.core import mail, signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from marketplace.models import (
    AuditEvent,
    Frequency,
    Notification,
    NotificationKind,
    NotificationPreference,
)
from marketplace.services.notifications import unsubscribe_token
from marketplace.tasks import send_notification_email
from tests.conftest import with_totp
from tests.factories import UserFactory
from tests.factories.notifications import NotificationFactory, NotificationPreferenceFactory

pytestmark = pytest.mark.django_db

_SALT = "notifications.unsubscribe"


def en(name: str, **kwargs) -> str:
    with translation.override("en"):
        return reverse(f"marketplace:{name}", kwargs=kwargs or None)


@pytest.fixture
def person():
    return UserFactory(language="en")


@pytest.fixture
def person_client(client, person):
    client.force_login(person)
    return client


def items(response) -> int:
    return response.content.decode().count('<li class="notification')


def checked_radios(html: str) -> dict[str, str]:
    """``{name: value}`` of the checked radio buttons on a page."""
    found: dict[str, str] = {}

    class Radios(HTMLParser):
        def handle_starttag(self, tag, attrs):
            attributes = dict(attrs)
            if tag == "input" and attributes.get("type") == "radio" and "checked" in attributes:
                found[attributes["name"]] = attributes["value"]

    Radios().feed(html)
    return found


# --- Inbox -------------------------------------------------------------------------------------


def test_inbox_needs_login(client):
    response = client.get(en("notification_inbox"))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_inbox_is_newest_first_in_pages_of_20_and_only_mine(
    person_client, person, django_assert_max_num_queries
):
    start = timezone.now() - timedelta(days=1)
    for n in range(25):
        NotificationFactory(
            recipient=person, subject=f"Mine {n:02d}", created_at=start + timedelta(minutes=n)
        )
    NotificationFactory(subject="Someone else's")

    with django_assert_max_num_queries(12):
        first = person_client.get(en("notification_inbox"))
    second = person_client.get(en("notification_inbox"), {"page": 2})

    assert first.status_code == second.status_code == 200
    assert (items(first), items(second)) == (20, 5)
    page_one = first.content.decode()
    assert page_one.index("Mine 24") < page_one.index("Mine 23") < page_one.index("Mine 05")
    assert "Mine 04" not in page_one
    assert "Mine 00" in second.content.decode()
    assert "Page 1 of 2" in page_one
    assert "Someone else" not in page_one + second.content.decode()


def test_inbox_query_count_does_not_grow_with_the_page(
    person_client, person, django_assert_max_num_queries
):
    NotificationFactory(recipient=person)
    with django_assert_max_num_queries(12) as few:
        person_client.get(en("notification_inbox"))
    NotificationFactory.create_batch(19, recipient=person)

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = person_client.get(en("notification_inbox"))

    assert items(response) == 20


def test_unread_notifications_are_marked_for_eyes_and_screen_readers(person_client, person):
    NotificationFactory(recipient=person, subject="Still unread")
    NotificationFactory(recipient=person, subject="Already read", read_at=timezone.now())

    html = person_client.get(en("notification_inbox")).content.decode()

    blocks = {
        ("unread" if "Still unread" in block else "read"): block
        for block in html.split('<li class="notification')[1:]
    }
    assert blocks["unread"].startswith(" notification--unread")
    assert '<span class="ds-sr-only">Unread: </span><strong>Still unread' in blocks["unread"]
    assert 'class="ds-tag"' in blocks["unread"]
    assert "Unread" not in blocks["read"]
    assert "You have 1 unread notification." in html


def test_empty_inbox_says_so(person_client):
    response = person_client.get(en("notification_inbox"))

    assert items(response) == 0
    assert "You have no notifications yet." in response.content.decode()


def test_opening_a_notification_marks_it_read(person_client, person):
    notification = NotificationFactory(recipient=person, subject="Read me", url="/min-side/")

    response = person_client.get(en("notification_detail", pk=notification.pk))

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1" in html and "Read me" in html
    # The link follows the page's language.
    assert 'class="ds-button" data-variant="primary" href="/en/min-side/"' in html
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_pages_escape_the_stored_text(person_client, person):
    notification = NotificationFactory(
        recipient=person, subject="Nord & Sør <b>AS</b>", body="<script>alert(1)</script>"
    )

    html = person_client.get(en("notification_detail", pk=notification.pk)).content.decode()

    assert "Nord &amp; Sør &lt;b&gt;AS&lt;/b&gt;" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert" not in html


def test_someone_elses_notification_is_404_and_stays_unread(person_client):
    theirs = NotificationFactory()

    response = person_client.get(en("notification_detail", pk=theirs.pk))

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read_is_a_post_and_touches_only_mine(person_client, person):
    NotificationFactory.create_batch(3, recipient=person)
    theirs = NotificationFactory()

    assert person_client.get(en("notification_mark_all_read")).status_code == 405
    response = person_client.post(en("notification_mark_all_read"))

    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=person, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


# --- Preferences -------------------------------------------------------------------------------


def test_preferences_page_has_one_radio_group_per_kind(person_client):
    html = person_client.get(en("notification_preferences")).content.decode()

    assert html.count('<fieldset class="ds-fieldset"') == len(NotificationKind)
    for kind in NotificationKind:
        with translation.override("en"):
            assert f'<legend class="ds-label">{kind.label}</legend>' in html
        assert html.count(f'name="{kind.value}"') == len(Frequency)
    # Without a saved preference, every kind is e-mailed at once.
    assert checked_radios(html) == {kind.value: "instant" for kind in NotificationKind}


def test_saving_preferences_stores_one_row_per_kind(person_client, person):
    choices = {kind.value: Frequency.INSTANT.value for kind in NotificationKind}
    choices |= {NotificationKind.SYSTEM: Frequency.DAILY, NotificationKind.MEMBERSHIP: "off"}

    response = person_client.post(en("notification_preferences"), choices, follow=True)

    assert response.status_code == 200
    saved = dict(person.notification_preferences.values_list("kind", "frequency"))
    assert saved == choices
    assert checked_radios(response.content.decode()) == choices


def test_a_change_of_preferences_is_audited_and_saving_again_records_nothing(person_client, person):
    choices = {kind.value: Frequency.INSTANT.value for kind in NotificationKind}
    choices |= {NotificationKind.SYSTEM: Frequency.DAILY}

    person_client.post(en("notification_preferences"), choices)
    person_client.post(en("notification_preferences"), choices)

    event = AuditEvent.objects.get(action="notification_preferences.update")
    assert (event.actor, event.object_id) == (person, str(person.pk))
    assert event.before == {"system": "instant"}
    assert event.after == {"system": "daily", "via": "preferences"}


def test_an_unknown_frequency_is_refused(person_client, person):
    choices = {kind.value: "instant" for kind in NotificationKind} | {"system": "hourly"}

    response = person_client.post(en("notification_preferences"), choices)

    assert response.status_code == 200
    assert "ds-error-summary" in response.content.decode()
    assert not person.notification_preferences.exists()


# --- Unsubscribe -------------------------------------------------------------------------------


def unsubscribe_path_from_mail(message, settings) -> str:
    address = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert address.startswith(settings.SITE_URL)
    return address.removeprefix(settings.SITE_URL)


def test_unsubscribe_from_an_email_without_logging_in(client, person, settings):
    send_notification_email.delay(NotificationFactory(recipient=person).pk)
    path = unsubscribe_path_from_mail(mail.outbox[0], settings)
    assert path.startswith("/en/")  # the person's language

    shown = client.get(path)

    assert shown.status_code == 200
    assert '<form method="post">' in shown.content.decode()
    assert "Service messages" in shown.content.decode()
    assert not NotificationPreference.objects.exists()  # looking changes nothing

    done = client.post(path)

    assert done.status_code == 200
    assert "E-mails stopped" in done.content.decode()
    preference = NotificationPreference.objects.get(user=person, kind=NotificationKind.SYSTEM)
    assert preference.frequency == Frequency.OFF


def test_one_click_unsubscribe_from_a_mail_client_needs_no_csrf_token(person, settings):
    NotificationPreferenceFactory(user=person, frequency=Frequency.DAILY)
    send_notification_email.delay(NotificationFactory(recipient=person).pk)
    path = unsubscribe_path_from_mail(mail.outbox[0], settings)
    mail_client = Client(enforce_csrf_checks=True)

    response = mail_client.post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 200
    preference = NotificationPreference.objects.get(user=person, kind=NotificationKind.SYSTEM)
    assert preference.frequency == Frequency.OFF


def test_an_unsubscribe_through_the_link_is_audited_as_such(client, person):
    path = en(
        "notification_unsubscribe",
        token=unsubscribe_token(user=person, kinds=[NotificationKind.SYSTEM]),
    )

    client.post(path)

    event = AuditEvent.objects.get(action="notification_preferences.update")
    assert event.actor == person
    assert event.before == {"system": "instant"}
    assert event.after == {"system": "off", "via": "unsubscribe_link"}


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        lambda token: signing.dumps({"user": 1, "kinds": ["system"]}, salt="another.purpose"),
        lambda token: signing.dumps({"user": 1, "kinds": ["no-such-kind"]}, salt=_SALT),
        lambda token: signing.dumps({"user": 10**9, "kinds": ["system"]}, salt=_SALT),
        lambda token: "not-a-token",
    ],
    ids=["changed-signature", "other-salt", "unknown-kind", "unknown-person", "garbage"],
)
def test_a_bad_unsubscribe_token_is_400_and_changes_nothing(client, person, tamper):
    token = tamper(unsubscribe_token(user=person, kinds=[NotificationKind.SYSTEM]))
    path = en("notification_unsubscribe", token=token)

    shown, posted = client.get(path), client.post(path)

    assert shown.status_code == posted.status_code == 400
    assert "The unsubscribe link does not work" in posted.content.decode()
    assert not NotificationPreference.objects.exists()


# --- Admin -------------------------------------------------------------------------------------


@pytest.fixture
def staff_client(client, django_user_model):
    admin = django_user_model.objects.create_superuser("root@pilotmarked.test", "pw-1234567890")
    client.force_login(with_totp(admin))
    return client


def test_admin_shows_notifications_read_only(staff_client):
    notification = NotificationFactory(subject="Keep as sent")

    listing = staff_client.get(reverse("admin:marketplace_notification_changelist"))
    change = staff_client.get(
        reverse("admin:marketplace_notification_change", args=[notification.pk])
    )
    add = staff_client.get(reverse("admin:marketplace_notification_add"))
    staff_client.post(
        reverse("admin:marketplace_notification_change", args=[notification.pk]),
        {"subject": "Rewritten"},
    )

    assert listing.status_code == change.status_code == 200
    assert "Keep as sent" in listing.content.decode()
    assert 'name="_save"' not in change.content.decode()
    assert add.status_code == 403
    notification.refresh_from_db()
    assert notification.subject == "Keep as sent"


def test_admin_edits_preferences(staff_client):
    preference = NotificationPreferenceFactory(frequency=Frequency.DAILY)
    url = reverse("admin:marketplace_notificationpreference_change", args=[preference.pk])

    response = staff_client.post(
        url, {"user": preference.user_id, "kind": preference.kind, "frequency": "off"}
    )

    assert response.status_code == 302
    preference.refresh_from_db()
    assert preference.frequency == Frequency.OFF
