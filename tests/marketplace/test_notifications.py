"""notify(), the e-mail task and the daily digest: idempotent, in the person's language, per
their preferences. E-mail is faked only at the edge (Django's locmem outbox)."""

from __future__ import annotations

import smtplib
import threading
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection, transaction
from django.utils import timezone, translation

from marketplace.models import Frequency, Notification, NotificationKind, NotificationPreference
from marketplace.services.notifications import notify, read_unsubscribe_token
from marketplace.tasks import send_daily_digests, send_notification_email
from tests.factories import UserFactory
from tests.factories.notifications import (
    NotificationFactory,
    NotificationPreferenceFactory,
)

pytestmark = pytest.mark.django_db

OSLO = ZoneInfo("Europe/Oslo")
MAINTENANCE = datetime(2026, 3, 2, 10, 0, tzinfo=OSLO)


def system_notify(
    user, key="maintenance-2026-03", *, title="Planned maintenance", url="/min-side/"
):
    return notify(
        recipient=user,
        kind=NotificationKind.SYSTEM,
        key=key,
        template="marketplace/notifications/system",
        context={"title": title, "message": "The site is closed for an hour.", "when": MAINTENANCE},
        url=url,
    )


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run what a service scheduled on commit, as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


# --- notify() ----------------------------------------------------------------------------------


def test_same_key_twice_stores_one_notification_and_sends_one_mail(commit):
    user = UserFactory()

    with commit():
        first = system_notify(user)
    with commit():
        again = system_notify(user, title="Something else entirely")

    assert again.pk == first.pk
    assert again.subject == "Planned maintenance"
    assert Notification.objects.filter(recipient=user).count() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [user.email]
    assert mail.outbox[0].subject == "Planned maintenance"


def test_a_race_on_one_key_stores_one_notification_and_sends_one_mail(transactional_db):
    """Two notify() calls with one key at the same moment: the second waits on the unique index,
    loses, and returns the winner's row without spoiling its own transaction."""
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent writers (PostgreSQL); SQLite serialises them")
    user = UserFactory()
    first_inserted, first_may_commit = threading.Event(), threading.Event()
    results: dict[str, object] = {}

    def in_thread(name, work):
        def run():
            try:
                results[name] = work()
            except Exception as error:  # noqa: BLE001 - reported by the test below
                results[name] = error
            finally:
                connection.close()

        return threading.Thread(target=run)

    def first():
        with transaction.atomic():
            notification = system_notify(user, title="First")
            first_inserted.set()
            first_may_commit.wait(10)
        return notification

    def second():
        first_inserted.wait(10)
        with transaction.atomic():
            notification = system_notify(user, title="Second")
            # The lost race was rolled back to a savepoint: this transaction still works.
            return notification, Notification.objects.filter(recipient=user).count()

    threads = [in_thread("first", first), in_thread("second", second)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not _someone_waits_for_a_lock():
        time.sleep(0.05)
    first_may_commit.set()
    for thread in threads:
        thread.join(20)

    assert not isinstance(results["first"], Exception), results["first"]
    assert not isinstance(results["second"], Exception), results["second"]
    winner = results["first"]
    loser, count_seen = results["second"]
    assert isinstance(winner, Notification)
    assert (loser.pk, loser.subject, count_seen) == (winner.pk, "First", 1)
    assert Notification.objects.filter(recipient=user).count() == 1
    assert len(mail.outbox) == 1


def _someone_waits_for_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


def test_same_key_for_two_people_is_two_notifications(commit):
    ann, bob = UserFactory(), UserFactory()

    with commit():
        system_notify(ann)
        system_notify(bob)

    assert Notification.objects.filter(key="maintenance-2026-03").count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([ann.email, bob.email])


def test_subject_is_one_line_of_at_most_255_characters(commit):
    user = UserFactory()

    notification = system_notify(user, title="Line one\nline two " + "x" * 400)

    assert "\n" not in notification.subject
    assert notification.subject.startswith("Line one line two x")
    assert len(notification.subject) == 255


def test_plain_text_is_not_html_escaped_but_the_html_mail_is(commit):
    with commit():
        notification = system_notify(UserFactory(), title="Nord & Sør <AS>")

    assert notification.subject == "Nord & Sør <AS>"
    message = mail.outbox[0]
    assert message.subject == "Nord & Sør <AS>"
    assert "Nord &amp; Sør &lt;AS&gt;" in message.alternatives[0].content
    assert "&amp;" not in message.body


def test_unknown_kind_and_script_link_are_refused():
    user = UserFactory()

    with pytest.raises(ValueError):
        notify(recipient=user, kind="gossip", key="k", template="marketplace/notifications/system")
    with pytest.raises(ValueError):
        system_notify(user, url="javascript:alert(1)")
    assert not Notification.objects.exists()


def test_text_is_written_in_the_recipients_language_whatever_the_active_one(commit, settings):
    settings.SITE_URL = "https://pilotmarked.example"
    # Month names come from Django's own catalogs, so this needs none of ours compiled.
    english, bokmal = UserFactory(language="en"), UserFactory(language="nb")

    with translation.override("nb"), commit():
        for_english = system_notify(english)
    with translation.override("en"), commit():
        for_bokmal = system_notify(bokmal)

    assert "When: 2 March 2026" in for_english.body  # never US style ("March 2, 2026")
    assert "2. mars 2026" in for_bokmal.body
    sent = {message.to[0]: message for message in mail.outbox}
    assert 'lang="en"' in sent[english.email].alternatives[0].content
    assert 'lang="nb"' in sent[bokmal.email].alternatives[0].content
    # Links lead to the page in the person's language: English has the /en/ prefix.
    assert "/en/varsler/avmeld/" in sent[english.email].extra_headers["List-Unsubscribe"]
    assert "/en/" not in sent[bokmal.email].extra_headers["List-Unsubscribe"]
    assert "https://pilotmarked.example/en/min-side/" in sent[english.email].body
    assert "https://pilotmarked.example/min-side/" in sent[bokmal.email].body


def test_email_wrapper_is_in_the_recipients_language():
    english = UserFactory(language="en")
    bokmal = UserFactory(language="nb")
    for user in (english, bokmal):
        NotificationFactory(recipient=user, created_at=MAINTENANCE)
        send_notification_email.delay(Notification.objects.get(recipient=user).pk)

    sent = {message.to[0]: message for message in mail.outbox}
    assert "2 March 2026 at 10:00 (Oslo time, CET)" in sent[english.email].body
    assert "2. mars 2026 kl. 10:00 (norsk tid, CET)" in sent[bokmal.email].body


# --- Preferences -------------------------------------------------------------------------------


def test_without_a_preference_the_mail_goes_at_once_after_commit(
    django_capture_on_commit_callbacks,
):
    user = UserFactory()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notification = system_notify(user)
    assert mail.outbox == []  # nothing leaves before the transaction commits
    for callback in callbacks:
        callback()

    notification.refresh_from_db()
    assert notification.delivery == Frequency.INSTANT
    assert notification.emailed_at is not None
    assert len(mail.outbox) == 1


def test_off_keeps_it_in_the_inbox_and_never_mails_it(commit):
    user = UserFactory()
    NotificationPreferenceFactory(user=user, frequency=Frequency.OFF)

    with commit():
        notification = system_notify(user)
    # A later switch to the digest must not dig up what was never meant to be e-mailed.
    NotificationPreference.objects.filter(user=user).update(frequency=Frequency.DAILY)
    with commit():
        send_daily_digests.delay()

    assert Notification.objects.filter(recipient=user).count() == 1
    notification.refresh_from_db()
    assert notification.delivery == Frequency.OFF
    assert notification.emailed_at is None
    assert mail.outbox == []


def test_daily_waits_for_the_digest_which_lists_all_in_one_mail(commit):
    user = UserFactory(language="en")
    other = UserFactory()
    NotificationPreferenceFactory(user=user, kind=NotificationKind.SYSTEM)
    NotificationPreferenceFactory(user=user, kind=NotificationKind.MEMBERSHIP)
    with commit():
        system_notify(user, "a", title="Maintenance on Monday")
        system_notify(user, "b", title="Maintenance on Friday")
        notify(
            recipient=user,
            kind=NotificationKind.MEMBERSHIP,
            key="c",
            template="marketplace/notifications/system",
            context={"title": "You are now an evaluator", "message": "Welcome."},
        )
        system_notify(other, "d", title="Sent at once to someone else")
    assert [m.to for m in mail.outbox] == [[other.email]]
    mail.outbox.clear()

    assert send_daily_digests.delay().get() == 1

    assert len(mail.outbox) == 1
    digest = mail.outbox[0]
    assert digest.to == [user.email]
    for subject in ("Maintenance on Monday", "Maintenance on Friday", "You are now an evaluator"):
        assert subject in digest.body
        assert subject in digest.alternatives[0].content
    assert "Sent at once" not in digest.body
    assert not Notification.objects.filter(recipient=user, emailed_at__isnull=True).exists()
    # The digest's unsubscribe link stops exactly the kinds it listed.
    token = digest.extra_headers["List-Unsubscribe"].strip("<>").rstrip("/").rsplit("/", 1)[1]
    assert read_unsubscribe_token(token) == (
        user,
        sorted([NotificationKind.MEMBERSHIP, NotificationKind.SYSTEM]),
    )

    send_daily_digests.delay()  # a second run (or a retried one) owes nothing
    assert len(mail.outbox) == 1


def test_digest_leaves_out_kinds_turned_off_since(commit):
    user = UserFactory()
    preference = NotificationPreferenceFactory(user=user, frequency=Frequency.DAILY)
    with commit():
        system_notify(user)
    preference.frequency = Frequency.OFF
    preference.save()

    send_daily_digests.delay()

    assert mail.outbox == []


@pytest.mark.parametrize(
    "person",
    [{"is_active": False}, {"anonymised_at": datetime(2026, 1, 1, tzinfo=OSLO)}],
    ids=["inactive", "anonymised"],
)
def test_inactive_and_anonymised_people_get_no_mail(commit, person):
    user = UserFactory(**person)
    daily = UserFactory(**person)
    NotificationPreferenceFactory(user=daily, frequency=Frequency.DAILY)

    with commit():
        kept = system_notify(user)
        system_notify(daily)
        send_notification_email.delay(kept.pk)  # even if someone schedules it anyway
        send_daily_digests.delay()

    assert Notification.objects.filter(recipient__in=[user, daily]).count() == 2
    assert mail.outbox == []


# --- The e-mail task ---------------------------------------------------------------------------


def test_email_has_text_html_absolute_links_and_one_click_unsubscribe(settings):
    settings.SITE_URL = "https://pilotmarked.example"
    notification = NotificationFactory(recipient=UserFactory(language="nb"), url="/anbud/42/")

    assert send_notification_email.delay(notification.pk).get() is True

    message = mail.outbox[0]
    assert "https://pilotmarked.example/anbud/42/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert 'href="https://pilotmarked.example/anbud/42/"' in html
    unsubscribe = message.extra_headers["List-Unsubscribe"]
    assert unsubscribe.startswith("<https://pilotmarked.example/varsler/avmeld/")
    assert unsubscribe.strip("<>") in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_a_task_run_again_sends_nothing_more():
    notification = NotificationFactory()

    first = send_notification_email.delay(notification.pk).get()
    emailed_at = Notification.objects.get(pk=notification.pk).emailed_at
    second = send_notification_email.delay(notification.pk).get()

    assert (first, second) == (True, False)
    assert len(mail.outbox) == 1
    assert Notification.objects.get(pk=notification.pk).emailed_at == emailed_at


class FlakyBackend(EmailBackend):
    """The SMTP server hangs up on the first attempt, then accepts (a fake at the edge)."""

    failures_left = 0

    def send_messages(self, messages):
        if FlakyBackend.failures_left:
            FlakyBackend.failures_left -= 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


def test_smtp_failure_is_retried_and_the_mail_sent_once(settings):
    settings.EMAIL_BACKEND = f"{__name__}.FlakyBackend"
    FlakyBackend.failures_left = 1
    notification = NotificationFactory()

    # Eager apply() runs Celery's retry at once instead of after the backoff.
    result = send_notification_email.apply(args=[notification.pk], throw=False)

    assert result.get() is True
    assert FlakyBackend.failures_left == 0
    assert len(mail.outbox) == 1
    assert Notification.objects.get(pk=notification.pk).emailed_at is not None


def test_retries_are_bounded_with_backoff():
    task = send_notification_email
    assert issubclass(smtplib.SMTPException, task.autoretry_for)
    assert OSError in task.autoretry_for
    assert (task.max_retries, task.retry_backoff, task.retry_backoff_max) == (5, True, 600)


def test_missing_notification_is_not_an_error():
    assert send_notification_email.delay(987654).get() is False
    assert mail.outbox == []


def test_digest_for_nobody_sends_nothing():
    NotificationFactory(delivery=Frequency.INSTANT)
    NotificationFactory(delivery=Frequency.DAILY, emailed_at=timezone.now())

    assert send_daily_digests.delay().get() == 0
    assert mail.outbox == []


@pytest.mark.parametrize(
    "link", ["//evil.example/", "/\\evil.example/", "/\t/evil.example/", "data:text/html,x"]
)
def test_a_link_that_leaves_the_site_while_looking_like_a_path_is_refused(link):
    """The inbox and the e-mail make a link of it; it must not lead to another host."""
    user = UserFactory()

    with pytest.raises(ValueError):
        system_notify(user, url=link)
    assert not Notification.objects.exists()


def test_site_paths_and_web_addresses_are_links():
    user = UserFactory()

    system_notify(user, key="path", url="/min-side/?side=2")
    system_notify(user, key="address", url="https://www.akershus.no/")

    assert set(Notification.objects.values_list("url", flat=True)) == {
        "/min-side/?side=2",
        "https://www.akershus.no/",
    }
