from __future__ import annotations

import factory

from marketplace.models import Frequency, Notification, NotificationKind, NotificationPreference

from .organisations import UserFactory


class RecipientFactory(UserFactory):
    """A person to notify, with a fixed-pattern name (Faker has no "nb_NO" locale)."""

    full_name = factory.Sequence(lambda n: f"Kari Nordmann {n}")


class NotificationFactory(factory.django.DjangoModelFactory):
    """A stored notification. Use ``notify()`` in tests of how notifications are made."""

    class Meta:
        model = Notification

    recipient = factory.SubFactory(RecipientFactory)
    kind = NotificationKind.SYSTEM
    key = factory.Sequence(lambda n: f"test:{n}")
    subject = factory.Sequence(lambda n: f"Message {n}")
    body = "Something happened."
    url = "/min-side/"
    delivery = Frequency.INSTANT


class NotificationPreferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NotificationPreference

    user = factory.SubFactory(RecipientFactory)
    kind = NotificationKind.SYSTEM
    frequency = Frequency.DAILY
