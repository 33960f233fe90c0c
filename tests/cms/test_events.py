"""Events: page rules, rendering in both languages, registration with seats, .ics, retention."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone, translation

from cms.ics import event_calendar
from cms.models import EventIndexPage, EventPage, EventRegistration, HomePage
from cms.services.event_retention import event_registrations_anonymise
from cms.services.events import (
    AlreadyRegistered,
    EventFull,
    RegistrationClosed,
    event_register,
)
from tests.factories import EventRegistrationFactory, make_event, make_event_index, translate

UTC = datetime.UTC
# 1 October 2030 08:00 UTC is 10:00 in Oslo (summer time, CEST).
START = datetime.datetime(2030, 10, 1, 8, 0, tzinfo=UTC)
END = datetime.datetime(2030, 10, 1, 10, 30, tzinfo=UTC)


def register(client, event, **data):
    payload = {"name": "Kari Nordmann", "email": "kari@firma.test", "organisation": "Firma AS"}
    payload.update(data)
    return client.post(event.url, payload)


# --- Page rules ------------------------------------------------------------------------------


def test_events_live_under_an_event_index_under_the_home_page(db):
    assert EventIndexPage.allowed_parent_page_models() == [HomePage]
    assert EventIndexPage.allowed_subpage_models() == [EventPage]
    assert EventPage.allowed_parent_page_models() == [EventIndexPage]
    assert EventPage.allowed_subpage_models() == []
    index = make_event_index()
    assert EventPage.can_create_at(index)
    assert not EventIndexPage.can_create_at(index.get_parent())  # one per home page


def test_an_event_must_end_after_it_starts_and_have_a_place_or_link(db):
    event = EventPage(
        title="X", slug="x", lead="x", start=END, end=START, place="", digital_link=""
    )

    with pytest.raises(ValidationError) as error:
        event.clean()

    assert set(error.value.message_dict) == {"end", "place"}


def test_event_fields_are_searchable():
    names = {field.field_name for field in EventPage.search_fields}
    assert {"title", "lead", "body", "place"} <= names


# --- Rendering -------------------------------------------------------------------------------


def test_event_page_shows_oslo_time_with_the_zone_named_in_english(client, db):
    event = make_event(start=START, end=END, digital_link="https://teams.example/meeting")
    english = translate(event, title="Market dialogue: school transport", lead="We explain.")

    response = client.get(english.url)

    assert english.url.startswith("/en/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "1 October 2030 at 10:00 (Oslo time, CEST)" in html
    assert '<time datetime="2030-10-01T08:00:00Z">' in html
    assert 'href="https://teams.example/meeting"' in html
    assert english.url + "kalender.ics" in html
    assert "50 seats left." in html


def test_event_page_renders_in_bokmal(client, db):
    event = make_event(start=START, end=END)

    response = client.get(event.url)

    assert response.status_code == 200
    assert not event.url.startswith("/en/")
    assert response.content.decode().count("<h1") == 1
    assert 'lang="nb"' in response.content.decode()


def test_event_index_lists_upcoming_soonest_first_and_past_on_their_own(
    client, db, django_assert_max_num_queries
):
    now = timezone.now()
    later = make_event(
        title="Later",
        start=now + datetime.timedelta(days=20),
        end=now + datetime.timedelta(days=20, hours=2),
    )
    sooner = make_event(
        title="Sooner",
        start=now + datetime.timedelta(days=2),
        end=now + datetime.timedelta(days=2, hours=2),
    )
    past = make_event(
        title="Was",
        start=now - datetime.timedelta(days=9),
        end=now - datetime.timedelta(days=9, hours=-2),
    )
    conference = make_event(
        title="Conference",
        kind="supplier_conference",
        start=now + datetime.timedelta(days=30),
        end=now + datetime.timedelta(days=30, hours=5),
    )
    index = sooner.get_parent()

    with django_assert_max_num_queries(25):
        upcoming = client.get(index.url)
    past_page = client.get(index.url + "?when=past")
    conferences = client.get(index.url + "?kind=supplier_conference")

    assert [e.pk for e in upcoming.context["events"]] == [sooner.pk, later.pk, conference.pk]
    assert [e.pk for e in past_page.context["events"]] == [past.pk]
    assert [e.pk for e in conferences.context["events"]] == [conference.pk]


# --- Registration ----------------------------------------------------------------------------


def test_registering_takes_a_seat_and_sends_a_confirmation(
    client, db, django_capture_on_commit_callbacks
):
    event = make_event(start=START, end=END, capacity=2)

    with django_capture_on_commit_callbacks(execute=True):
        response = register(client, event, email="Kari@Firma.test")

    assert response.status_code == 302
    assert response["Location"] == event.url + "?registered=1"
    registration = EventRegistration.objects.get()
    assert (registration.event_key, registration.email) == (
        event.translation_key,
        "kari@firma.test",
    )
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["kari@firma.test"]
    assert "kalender.ics" in mail.outbox[0].body
    page = client.get(response["Location"])
    assert page.context["registered"] is True
    assert event.seats_left() == 1


def test_double_registration_is_refused_with_an_error_on_the_email_field(client, db):
    event = make_event(start=START, end=END)
    register(client, event)

    response = register(client, event, email=" KARI@firma.test ")

    assert response.status_code == 400
    assert response.context["form"].errors["email"]
    assert EventRegistration.objects.count() == 1


def test_registration_errors_in_english_are_tied_to_the_fields(client, db):
    event = make_event(start=START, end=END)
    english = translate(event)

    response = register(client, english, name="", email="not-an-address")

    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_email_error"' in html
    assert 'aria-describedby="id_email_helptext id_email_error"' in html or (
        "id_email_error" in html.split('name="email"')[1].split(">")[0]
    )
    assert "Enter a valid email address." in html
    assert "This field is required." in html


def test_the_translations_share_the_seats(client, db):
    event = make_event(start=START, end=END, capacity=1)
    english = translate(event)
    register(client, english, email="first@firma.test")

    response = client.get(event.url)

    assert response.context["registration_state"] == "full"
    assert EventRegistration.objects.get().event_key == event.translation_key
    with pytest.raises(EventFull):
        event_register(event=event, name="Ola", email="second@firma.test")


def test_a_full_event_shows_a_waiting_message_and_refuses_more(client, db):
    event = make_event(start=START, end=END, capacity=1)
    english = translate(event)
    EventRegistrationFactory(event=event)

    page = client.get(english.url)
    refused = register(client, english, email="late@firma.test")

    assert "The event is full." in page.content.decode()
    assert '<form method="post"' not in page.content.decode().split('id="registration"')[1]
    assert refused.status_code == 400
    assert "The event is full." in refused.content.decode()
    assert EventRegistration.objects.count() == 1


def test_the_smallest_seat_limit_of_the_translations_applies(db):
    event = make_event(start=START, end=END, capacity=5)
    english = translate(event, capacity=1)
    EventRegistrationFactory(event=event)

    assert event.seat_limit() == 1
    assert english.registration_state() == event.registration_state() == "full"


def test_registration_closes_at_the_deadline_or_when_the_event_starts(db):
    event = make_event(
        start=START, end=END, registration_deadline=START - datetime.timedelta(days=1)
    )

    assert event.registration_state(now=START - datetime.timedelta(days=2)) == "open"
    assert event.registration_state(now=START - datetime.timedelta(hours=1)) == "closed"
    started = make_event(
        start=timezone.now() - datetime.timedelta(minutes=5),
        end=timezone.now() + datetime.timedelta(hours=1),
    )
    with pytest.raises(RegistrationClosed):
        event_register(event=started, name="Ola", email="ola@firma.test")


def test_no_registration_when_it_is_not_offered(client, db):
    event = make_event(start=START, end=END, registration_open=False)

    response = client.get(event.url)

    assert response.context["registration_state"] == "not_offered"
    with pytest.raises(RegistrationClosed):
        event_register(event=event, name="Ola", email="ola@firma.test")


def test_the_service_refuses_a_second_registration(db):
    event = make_event(start=START, end=END)
    event_register(event=event, name="Ola", email="ola@firma.test")

    with pytest.raises(AlreadyRegistered) as error:
        event_register(event=event, name="Ola", email="OLA@firma.test")

    assert error.value.field == "email"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_two_people_racing_for_the_last_seat_cannot_both_get_it():
    event = make_event(start=START, end=END, capacity=1)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def attempt(email):
        from django.db import connections

        try:
            barrier.wait()
            event_register(event=event, name="X", email=email)
            outcomes.append("ok")
        except EventFull:
            outcomes.append("full")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(f"p{i}@firma.test",)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["full", "ok"]
    assert EventRegistration.objects.count() == 1


# --- .ics ------------------------------------------------------------------------------------


def test_ics_download_is_rfc5545_with_utc_times_and_a_stable_uid(client, db):
    event = make_event(
        start=START, end=END, title="Dialog; skyss, og\\ mer", place="Fylkeshuset, Oslo"
    )
    english = translate(event)

    response = client.get(event.url + "kalender.ics")
    english_response = client.get(english.url + "kalender.ics")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{event.slug}.ics"'
    text = response.content.decode()
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:")
    assert text.endswith("END:VEVENT\r\nEND:VCALENDAR\r\n")
    lines = text.split("\r\n")
    assert "DTSTART:20301001T080000Z" in lines
    assert "DTEND:20301001T103000Z" in lines
    assert f"UID:event-{event.translation_key}@testserver" in lines
    assert "SUMMARY:Dialog\\; skyss\\, og\\\\ mer" in lines
    assert "LOCATION:Fylkeshuset\\, Oslo" in lines
    assert any(line.startswith("DTSTAMP:") and line.endswith("Z") for line in lines)
    assert all(len(line.encode()) <= 75 for line in lines)
    uid = [line for line in lines if line.startswith("UID:")]
    assert uid == [
        line for line in english_response.content.decode().split("\r\n") if line.startswith("UID:")
    ]


def test_ics_long_text_is_escaped_and_folded_by_octets(db):
    lead = "Dialogmøte om ærlige, åpne løsninger; " + "æøå" * 40
    event = make_event(start=START, end=END, place="Fylkeshuset", lead=lead)

    text = event_calendar(event)

    lines = text.split("\r\n")
    assert all(len(line.encode()) <= 75 for line in lines)
    unfolded = text.replace("\r\n ", "")
    description = next(line for line in unfolded.split("\r\n") if line.startswith("DESCRIPTION:"))
    assert description.startswith("DESCRIPTION:Dialogmøte om ærlige\\, åpne løsninger\\; æøå")


def test_ics_description_carries_the_lead_and_the_digital_link(db):
    event = make_event(start=START, end=END, place="", digital_link="https://teams.example/m")

    text = event_calendar(event)

    unfolded = text.replace("\r\n ", "")
    assert "LOCATION:https://teams.example/m" in unfolded
    assert "\\n\\nhttps://teams.example/m" in unfolded


# --- Retention -------------------------------------------------------------------------------


def test_registrations_are_anonymised_days_after_the_event(db):
    now = timezone.now()
    old = make_event(start=now - datetime.timedelta(days=40), end=now - datetime.timedelta(days=31))
    recent = make_event(
        start=now - datetime.timedelta(days=11), end=now - datetime.timedelta(days=10)
    )
    old_registration = EventRegistrationFactory(event=old)
    recent_registration = EventRegistrationFactory(event=recent)
    orphan = EventRegistrationFactory(
        event=recent, event_key="00000000-0000-0000-0000-000000000001"
    )

    changed = event_registrations_anonymise(days=30, now=now)

    assert changed == 2
    old_registration.refresh_from_db()
    recent_registration.refresh_from_db()
    orphan.refresh_from_db()
    assert (old_registration.name, old_registration.email, old_registration.organisation) == (
        "",
        "",
        "",
    )
    assert old_registration.anonymised_at == now
    assert recent_registration.email.endswith("@firma.test")
    assert orphan.anonymised_at == now
    # The seat count is kept for statistics.
    assert EventRegistration.objects.count() == 3


def test_anonymise_command_reports_progress_and_refuses_negative_days(db):
    now = timezone.now()
    old = make_event(start=now - datetime.timedelta(days=40), end=now - datetime.timedelta(days=39))
    EventRegistrationFactory(event=old)
    out = __import__("io").StringIO()

    call_command("anonymise_event_registrations", "--days", "30", stdout=out)

    assert "Anonymised 1 registration(s)." in out.getvalue()
    with translation.override("en"), pytest.raises(CommandError, match="cannot be negative"):
        call_command("anonymise_event_registrations", "--days", "-1", stdout=out)


# --- Admin -----------------------------------------------------------------------------------


def test_staff_see_registrations_in_the_wagtail_admin(client, db):
    from tests.conftest import with_totp
    from tests.factories import UserFactory

    event = make_event(start=START, end=END, title="Leverandørkonferansen")
    EventRegistrationFactory(event=event, name="Kari Nordmann", email="kari@firma.test")
    admin = with_totp(UserFactory(is_staff=True, is_superuser=True))
    client.force_login(admin)

    response = client.get("/cms-admin/event_registrations/?q=kari")

    html = response.content.decode()
    assert response.status_code == 200
    assert "kari@firma.test" in html
    assert "Leverandørkonferansen" in html
