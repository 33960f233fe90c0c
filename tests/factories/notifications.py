from __future__ import annotations

import factory

from marketplace.models import Frequency, Notification, NotificationKind, NotificationPreference

from .organisations import UserFactory


class NotificationFactory(factory.django.DjangoModelFactory):
    """A stored notification. Use ``notify()`` in tests of how notifications are made."""

    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    kind = NotificationKind.SYSTEM
    key = factory.Sequence(lambda n: f"test:{n}")
    subject = factory.Sequence(lambda n: f"Message {n}")
    body = "Something happened."
    url = "/min-side/"
    delivery = Frequency.INSTANT


class NotificationPreferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NotificationPreference

    user = factory.SubFactory(UserFactory)
    kind = NotificationKind.SYSTEM
    frequency = Frequency.DAILY
