"""Alert delivery at scale: one inbox row and one e-mail per person and version, in chained
batches, e-mails over one SMTP connection, the same words as a single notification."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from celery.signals import task_prerun

from marketplace.models import Frequency, Notification, NotificationPreference, OutboxMessage
from marketplace.services.notification_batches import notification_emails, notify_many
from marketplace.services.notifications import notification_email_send, notify
from matching.models import Alert, AlertFanout
from matching.services.searches import saved_search_create
from matching.tasks import deliver_alerts, fan_out_alerts
from tenders.services import tenders as tender_services
from tests.factories import TenderFactory
from tests.factories.bids import supplier_member
from tests.matching.fake_smtp import FakeSmtpServer


@pytest.fixture
def draft(buyer, buyer_unit, cpv, places):
    tender = TenderFactory(
        buyer=buyer,
        unit=buyer_unit,
        main_cpv=cpv["72212000"],
        title="Ny app for skoleskyss",
        estimated_value=Decimal("1500000"),
    )
    tender.municipalities.set([places["baerum"]])
    return tender


def person(supplier, number: int, *, language: str = "nb", frequency: str | None = None):
    user = supplier_member(supplier, email=f"person{number}@leverandor.test")
    user.language = language
    user.full_name = f"Person{number} Testesen"
    user.save(update_fields=["language", "full_name"])
    if frequency is not None:
        NotificationPreference.objects.create(user=user, kind="search_alerts", frequency=frequency)
    return user


def searches(supplier, user, cpv, *names):
    return [
        saved_search_create(organisation=supplier, by=user, name=name, cpv_codes=[cpv["72000000"]])
        for name in names
    ]


def publish(tender, by, capture):
    with capture(execute=True):
        tender_services.tender_publish(tender=tender, by=by)


def alert_mails(mailoutbox):
    return [mail for mail in mailoutbox if "Ny app for skoleskyss" in mail.subject]


@pytest.fixture
def tasks_run():
    """The names of the Celery tasks that ran (the broker's edge: Celery's own signal)."""
    names: list[str] = []

    def record(sender=None, **kwargs):
        names.append(sender.name)

    task_prerun.connect(record, weak=False)
    yield names
    task_prerun.disconnect(record)


def test_several_searches_of_one_person_give_one_alert_and_one_email(
    supplier, cpv, draft, procurement_officer, django_capture_on_commit_callbacks, mailoutbox
):
    # given one person with three matching searches and another with one
    anne = person(supplier, 1)
    searches(supplier, anne, cpv, "IT", "Apper", "Skole")
    ola = person(supplier, 2, language="en")
    searches(supplier, ola, cpv, "Software")
    # when the tender is published
    publish(draft, procurement_officer, django_capture_on_commit_callbacks)
    # then every search has its alert (the alerts page shows why), each person one notification
    assert Alert.objects.filter(notified_at__isnull=False).count() == 4
    assert Notification.objects.filter(recipient=anne, kind="search_alerts").count() == 1
    assert Notification.objects.filter(recipient=ola, kind="search_alerts").count() == 1
    mails = alert_mails(mailoutbox)
    assert sorted(mail.to[0] for mail in mails) == [anne.email, ola.email]
    # in each person's language, naming their first matching search
    by_person = {mail.to[0]: mail for mail in mails}
    assert by_person[anne.email].subject == "Nytt treff på søket ditt: Ny app for skoleskyss"
    assert by_person[ola.email].subject == "New match for your search: Ny app for skoleskyss"
    assert "«IT»" in Notification.objects.get(recipient=anne).body
    assert "List-Unsubscribe" in by_person[anne.email].extra_headers


def test_email_preferences_are_kept_inbox_row_always(
    supplier, cpv, draft, procurement_officer, django_capture_on_commit_callbacks, mailoutbox
):
    at_once = person(supplier, 1)
    daily = person(supplier, 2, frequency=Frequency.DAILY)
    off = person(supplier, 3, frequency=Frequency.OFF)
    for user in (at_once, daily, off):
        searches(supplier, user, cpv, "IT")
    publish(draft, procurement_officer, django_capture_on_commit_callbacks)
    delivery = dict(
        Notification.objects.filter(kind="search_alerts").values_list("recipient", "delivery")
    )
    assert delivery == {at_once.pk: "instant", daily.pk: "daily", off.pk: "off"}
    assert [mail.to[0] for mail in alert_mails(mailoutbox)] == [at_once.email]
    assert Notification.objects.get(recipient=daily).emailed_at is None  # the digest sends it


def test_delivery_is_a_chain_of_batches_that_reaches_everyone_once(
    supplier,
    cpv,
    draft,
    procurement_officer,
    django_capture_on_commit_callbacks,
    mailoutbox,
    settings,
    tasks_run,
):
    # given 7 people, one with two searches (8 alerts), and batches of 3
    settings.ALERT_DELIVERY_BATCH = 3
    people = [person(supplier, number) for number in range(7)]
    for user in people:
        searches(supplier, user, cpv, "IT")
    searches(supplier, people[0], cpv, "Apper")
    # when the tender is published
    publish(draft, procurement_officer, django_capture_on_commit_callbacks)
    # then three delivery tasks ran (3 + 3 + 2 alerts), each sending the next
    assert tasks_run.count("matching.deliver_alerts") == 3
    assert Alert.objects.filter(notified_at=None).count() == 0
    assert Notification.objects.filter(kind="search_alerts").count() == 7
    assert sorted(mail.to[0] for mail in alert_mails(mailoutbox)) == sorted(u.email for u in people)
    # when the fan-out and the delivery run again (a redelivery, the sweeper)
    fanout = AlertFanout.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        fan_out_alerts.delay(fanout.pk)
        deliver_alerts.delay("tender", draft.pk, "1")
    # then nothing is stored or sent twice
    assert Notification.objects.filter(kind="search_alerts").count() == 7
    assert len(alert_mails(mailoutbox)) == 7


def smtp_to(settings, smtp: FakeSmtpServer) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""


@pytest.mark.parametrize("pipelining", [True, False], ids=["pipelined", "one-by-one"])
def test_batch_emails_go_over_one_smtp_connection(
    supplier,
    cpv,
    draft,
    procurement_officer,
    django_capture_on_commit_callbacks,
    settings,
    pipelining,
):
    people = [person(supplier, number) for number in range(5)]
    for user in people:
        searches(supplier, user, cpv, "IT")
    with FakeSmtpServer(keep=True, pipelining=pipelining) as smtp:
        smtp_to(settings, smtp)
        publish(draft, procurement_officer, django_capture_on_commit_callbacks)
    assert smtp.connections == 1
    assert smtp.messages == 5
    assert sorted(smtp.recipients) == sorted(user.email for user in people)
    assert set(smtp.recipients.values()) == {1}
    assert all(message["List-Unsubscribe-Post"] for message in smtp.parsed())
    assert Notification.objects.filter(emailed_at__isnull=False).count() == 5
    assert not OutboxMessage.objects.filter(delivered_at=None).exists()


@pytest.mark.parametrize("pipelining", [True, False], ids=["pipelined", "one-by-one"])
def test_a_refused_address_does_not_hold_up_the_batch(
    supplier,
    cpv,
    draft,
    procurement_officer,
    django_capture_on_commit_callbacks,
    settings,
    pipelining,
):
    people = [person(supplier, number) for number in range(3)]
    for user in people:
        searches(supplier, user, cpv, "IT")
    refused = people[1]
    with FakeSmtpServer(refuse=frozenset({refused.email}), pipelining=pipelining) as smtp:
        smtp_to(settings, smtp)
        publish(draft, procurement_officer, django_capture_on_commit_callbacks)
    assert sorted(smtp.recipients) == sorted([people[0].email, people[2].email])
    emailed = Notification.objects.filter(emailed_at__isnull=False)
    assert sorted(emailed.values_list("recipient", flat=True)) == [people[0].pk, people[2].pk]
    # the refused one is an outbox row of its own: retried with backoff, then dead-lettered
    single = OutboxMessage.objects.get(delivered_at=None)
    assert single.topic.endswith("notification_email_deliver")
    assert single.attempts == 1 and single.last_error


@pytest.mark.parametrize("language", ["nb", "en"])
def test_a_batch_writes_what_a_single_notification_writes(supplier, language, mailoutbox):
    # given a person whose name, search and title need escaping in HTML
    user = person(supplier, 1, language=language)
    user.full_name = "Åse&Co <Berg> Hansen"
    user.save(update_fields=["full_name"])
    context = {"title": "Ny app <beta> & mer", "kind": "tender", "amended": False}
    shared = {
        "kind": "search_alerts",
        "template": "matching/notifications/alert",
        "url": "/varsler/",
    }
    # when one is made by notify() and e-mailed alone, the other in a batch
    single = notify(
        recipient=user, key="single", context={**context, "search": 'Vei & "bru"'}, **shared
    )
    (batch_id,) = notify_many(
        recipients=[(user, {"search": 'Vei & "bru"'})], key="batch", context=context, **shared
    )
    batch = Notification.objects.select_related("recipient").get(pk=batch_id)
    Notification.objects.filter(pk=single.pk).update(created_at=batch.created_at)
    notification_email_send(notification_id=single.pk)
    (alone,) = [mail for mail in mailoutbox if mail.to == [user.email]]
    (together,) = notification_emails([batch])
    # then the stored notification and the e-mail are the same, but for the unsubscribe token
    assert (batch.subject, batch.body, batch.delivery) == (
        single.subject,
        single.body,
        single.delivery,
    )

    def parts(mail):
        link = mail.extra_headers["List-Unsubscribe"].strip("<>")
        html = mail.alternatives[0][0]
        return [
            mail.subject,
            mail.body.replace(link, "LINK"),
            html.replace(link.replace("&", "&amp;"), "LINK").replace(link, "LINK"),
        ]

    assert parts(together) == parts(alone)
    assert "Åse&amp;Co" in together.alternatives[0][0]
    assert "Åse&Co" in together.body


def _normalised(wire: bytes) -> bytes:
    """Bytes of an e-mail with what differs between any two builds (time, id, boundary) made
    equal."""
    wire = re.sub(rb"Date: [^\r]+", b"Date: D", wire)
    wire = re.sub(rb"Message-ID: [^\r]+", b"Message-ID: M", wire)
    return re.sub(rb"===============\d+==", b"BOUNDARY", wire)


@pytest.mark.parametrize("language", ["nb", "en"])
def test_the_wire_bytes_of_a_batch_are_what_django_builds(supplier, language):
    # given notifications whose name, words and lines need care (escaping, line ends)
    people = [person(supplier, number, language=language) for number in range(3)]
    people[1].full_name = "Åse&Co <Berg>"
    people[1].save(update_fields=["full_name"])
    context = {"title": "Ny app <beta> & «mer»", "kind": "tender", "amended": False}
    ids = notify_many(
        recipients=[(user, {"search": f'Vei & "bru" {user.pk}\nlinje'}) for user in people],
        kind="search_alerts",
        key="wire",
        template="matching/notifications/alert",
        context=context,
        url="/varsler/",
    )
    notifications = list(Notification.objects.select_related("recipient").filter(pk__in=ids))
    # when their e-mails are built in a batch
    messages = notification_emails(notifications)
    # then each one's bytes on the wire are the bytes Django's own MIME build writes
    for message in messages:
        assert message.wire_bytes is not None
        django_bytes = message.message().as_bytes(linesep="\r\n")
        assert _normalised(message.wire_bytes) == _normalised(django_bytes)
    assert len({message.wire_bytes for message in messages}) == 3


def test_a_line_too_long_for_8bit_is_built_by_django(supplier):
    user = person(supplier, 1)
    (pk,) = notify_many(
        recipients=[(user, {"search": "x" * 1200})],
        kind="search_alerts",
        key="long",
        template="matching/notifications/alert",
        context={"title": "T", "kind": "tender", "amended": False},
        url="/varsler/",
    )
    (message,) = notification_emails([Notification.objects.select_related("recipient").get(pk=pk)])
    assert message.wire_bytes is None  # Django writes it quoted-printable


def test_an_ascii_only_email_is_marked_7bit_as_django_marks_it(supplier):
    user = person(supplier, 1, language="en")
    (pk,) = notify_many(
        recipients=[(user, {"search": "Roads"})],
        kind="search_alerts",
        key="ascii",
        template="matching/notifications/alert",
        context={"title": "Road works", "kind": "tender", "amended": False},
        url="/varsler/",
    )
    (message,) = notification_emails([Notification.objects.select_related("recipient").get(pk=pk)])
    django_bytes = message.message().as_bytes(linesep="\r\n")
    assert _normalised(message.wire_bytes) == _normalised(django_bytes)
