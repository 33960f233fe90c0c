"""Erase a person's contact data, keeping their user id (``marketplace.services.erasure``).

``manage.py erase_person <user id or e-mail address>``. Exit status 1 with a one-line reason when
no such person exists or they were erased already.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from marketplace.errors import DomainError
from marketplace.models import User
from marketplace.services.erasure import person_erase


class Command(BaseCommand):
    help = "Erase a person's name and e-mail address (GDPR art. 17); their user id stays."

    def add_arguments(self, parser):
        parser.add_argument("person", help="The user's id or e-mail address.")

    def handle(self, *args, person: str, **options):
        lookup = {"pk": int(person)} if person.isdigit() else {"email__iexact": person.strip()}
        user = User.objects.filter(**lookup).first()
        if user is None:
            raise CommandError(f"No person {person!r}.")
        try:
            erased = person_erase(user=user, by=None)
        except DomainError as exc:
            raise CommandError(f"{exc.message} (user #{user.pk})") from exc
        self.stdout.write(f"Erased user #{erased.pk}.")
