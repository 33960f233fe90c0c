"""Load the demo data: buyers with units, Akershus municipalities, suppliers, one person per role.

Idempotent: running it again changes nothing that is already there. Refuses to run with DEBUG
off unless --force is given, because it creates accounts with a known password.
"""

from __future__ import annotations

import os

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from marketplace.demo import data, reference
from marketplace.demo.profiles import seed_demo_profiles
from marketplace.models import (
    County,
    Membership,
    Municipality,
    Organisation,
    OrganisationUnit,
    Role,
    User,
)
from marketplace.models.organisations import VerificationSource
from marketplace.services.audit import audit_record
from marketplace.services.classification_import import add_missing_classification_codes
from marketplace.site_url import site_url

DEFAULT_DEMO_PASSWORD = "pilot-demo-2026"  # noqa: S105 - printed for newcomers, dev only


class Command(BaseCommand):
    help = "Create (or complete) the demo data and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Run even with DEBUG off (never in production)."
        )
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print logins.")

    def handle(self, *args, force: bool = False, quiet_logins: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates accounts with a known password; it runs only with DEBUG on "
                "(use --force for a throwaway test environment)."
            )
        password = os.environ.get("DEMO_PASSWORD", DEFAULT_DEMO_PASSWORD)
        with transaction.atomic():
            created = self._seed(password)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready ({created} new rows)."))
        self._extend_with_other_apps()
        if not quiet_logins:
            self._print_logins(password)

    # -- steps ---------------------------------------------------------------------------------

    def _seed(self, password: str) -> int:
        created = 0
        county, new = County.objects.get_or_create(
            number=data.AKERSHUS[0], defaults={"name": data.AKERSHUS[1]}
        )
        created += new
        for number, name in data.AKERSHUS_MUNICIPALITIES:
            _, new = Municipality.objects.get_or_create(
                number=number, defaults={"name": name, "county": county}
            )
            created += new
        self.stdout.write(f"  places: county {county.number} with its 21 municipalities")
        created += self._seed_registry(county)

        for org_number, slug, name, units in data.BUYERS:
            org, new = Organisation.objects.get_or_create(
                org_number=org_number,
                defaults={"kind": Organisation.Kind.BUYER, "name": name, "slug": slug},
            )
            created += new
            for unit_slug, unit_name, unit_name_en in units:
                _, new = OrganisationUnit.objects.get_or_create(
                    organisation=org,
                    slug=unit_slug,
                    defaults={"name": unit_name, "name_en": unit_name_en},
                )
                created += new
        for org_number, slug, name, website in data.SUPPLIERS:
            _, new = Organisation.objects.get_or_create(
                org_number=org_number,
                defaults={
                    "kind": Organisation.Kind.SUPPLIER,
                    "name": name,
                    "slug": slug,
                    "website": website,
                },
            )
            created += new
        # The demo's organisations are known ones: verified, as site staff would have done.
        demo_numbers = [row[0] for row in data.BUYERS] + [row[0] for row in data.SUPPLIERS]
        Organisation.objects.filter(org_number__in=demo_numbers, verified_at__isnull=True).update(
            verified_at=timezone.now(), verification_source=VerificationSource.SEED
        )
        self.stdout.write(
            f"  organisations: {len(data.BUYERS)} buyers, {len(data.SUPPLIERS)} suppliers"
        )

        # Every demo person has the same published password: hash it once (a hash costs about a
        # third of a second by design; thirteen were a quarter of the seeding) and give each new
        # person that hash.
        demo_password_hash = None
        for email, full_name, language, org_slug, role, unit_slug, _label in data.PEOPLE:
            user, new = User.objects.get_or_create(
                email=email, defaults={"full_name": full_name, "language": language}
            )
            if new:
                demo_password_hash = demo_password_hash or make_password(password)
                user.password = demo_password_hash
                user.save(update_fields=["password"])
                created += 1
            EmailAddress.objects.update_or_create(
                user=user, email=email, defaults={"verified": True, "primary": True}
            )
            if role == "superuser":
                if not user.is_superuser:
                    user.is_superuser = user.is_staff = True
                    user.save(update_fields=["is_superuser", "is_staff"])
            elif role == "editor":
                editors, _ = Group.objects.get_or_create(name=settings.WAGTAIL_EDITORS_GROUP)
                user.groups.add(editors)
            elif role == "moderator":
                # Wagtail's Moderators group approves what editors submit (cms.editorial).
                moderators, _ = Group.objects.get_or_create(name="Moderators")
                user.groups.add(moderators)
            else:
                org = Organisation.objects.get(slug=org_slug)
                unit = org.units.get(slug=unit_slug) if unit_slug else None
                _, new = Membership.objects.get_or_create(
                    user=user, organisation=org, role=Role(role), unit=unit
                )
                created += new
        self.stdout.write(f"  people: {len(data.PEOPLE)} demo accounts, one per role")
        created += seed_demo_profiles(self.stdout)  # directory: listed demo supplier profiles
        if created:
            audit_record(actor=None, action="demo.seeded", after={"new_rows": created})
        return created

    def _seed_registry(self, county: County) -> int:
        """The demo's CPV and SN2007 codes and Akershus' NUTS code; a full import is kept as is."""
        created = add_missing_classification_codes(
            cpv_path=reference.CPV_DEMO_FILE, industry_path=reference.SN2007_DEMO_FILE
        )
        if not county.nuts_code:
            county.nuts_code = reference.AKERSHUS_NUTS
            county.save(update_fields=["nuts_code"])
        self.stdout.write(
            f"  registry: demo CPV and SN2007 codes ({created} added), {county.name} is "
            f"{county.nuts_code}"
        )
        return created

    def _extend_with_other_apps(self) -> None:
        """Apps further up the import graph add their demo content through their own commands."""
        for name in (
            "seed_demo_tenders",
            "seed_demo_bids",
            "seed_demo_pilots",
            "seed_demo_matching",
            "seed_demo_cms",
            "ocds_releases",  # the demo's open data (tenders.ocds.store)
        ):
            if name in get_commands():
                call_command(name, stdout=self.stdout, stderr=self.stderr)

    def _print_logins(self, password: str) -> None:
        site = site_url()
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING(f"Demo logins at {site}/accounts/login/"))
        self.stdout.write(f"  password for every account: {password}")
        width = max(len(p[0]) for p in data.PEOPLE)
        for email, _name, _lang, _org, _role, _unit, label in data.PEOPLE:
            self.stdout.write(f"  {email.ljust(width)}  {label}")
        self.stdout.write("")
