"""Notification times as people read them: Oslo time with the zone named, in the reader's
language, never Django's US-style English ("Dec. 7, 2026, 5:03 a.m."), on the inbox page,
the notification's page and the e-mail, in winter (CET) and summer (CEST)."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from marketplace.models import Notification
from marketplace.tasks import send_notification_email
from tests.factories import UserFactory
from tests.factories.notifications import NotificationFactory

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
WINTER = datetime.datetime(2026, 12, 7, 16, 3, tzinfo=UTC)  # 17:03 in Oslo (CET)
SUMMER = datetime.datetime(2026, 7, 7, 15, 3, tzinfo=UTC)  # 17:03 in Oslo (CEST)

EXPECTED = {
    ("nb", WINTER): "7. desember 2026 kl. 17:03 (norsk tid, CET)",
    ("nb", SUMMER): "7. juli 2026 kl. 17:03 (norsk tid, CEST)",
    ("en", WINTER): "7 December 2026 at 17:03 (Oslo time, CET)",
    ("en", SUMMER): "7 July 2026 at 17:03 (Oslo time, CEST)",
}
CASES = [
    pytest.param(lang, moment, id=f"{lang}-{season}")
    for lang in ("nb", "en")
    for season, moment in (("winter", WINTER), ("summer", SUMMER))
]


def _url(name: str, lang: str, **kwargs) -> str:
    with translation.override(lang):
        return reverse(f"marketplace:{name}", kwargs=kwargs or None)


@pytest.mark.parametrize(("lang", "moment"), CASES)
def test_inbox_and_notification_page(client, lang, moment):
    person = UserFactory(language=lang)
    notification = NotificationFactory(recipient=person)
    Notification.objects.filter(pk=notification.pk).update(created_at=moment)
    client.force_login(person)
    stamp = moment.isoformat().replace("+00:00", "Z")

    for page in (
        client.get(_url("notification_inbox", lang)),
        client.get(_url("notification_detail", lang, pk=notification.pk)),
    ):
        assert page.status_code == 200
        html = page.content.decode()
        assert f'<time datetime="{stamp}">{EXPECTED[(lang, moment)]}</time>' in html
        assert "a.m." not in html and "p.m." not in html


@pytest.mark.parametrize(("lang", "moment"), CASES)
def test_e_mail_in_the_recipients_language(lang, moment):
    person = UserFactory(language=lang)
    notification = NotificationFactory(recipient=person)
    Notification.objects.filter(pk=notification.pk).update(created_at=moment)
    other = "en" if lang == "nb" else "nb"

    with translation.override(other):  # whatever language the sending process has
        send_notification_email.delay(notification.pk)

    (message,) = mail.outbox
    assert EXPECTED[(lang, moment)] in message.body
    assert EXPECTED[(lang, moment)] in message.alternatives[0].content
