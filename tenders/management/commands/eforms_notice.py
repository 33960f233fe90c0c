"""Write the eForms notice of one of our tenders, validated.

    manage.py eforms_notice AFK-2026-0001 [--kind contract|change|award] [--output FILE]

The notice goes to FILE (or standard output). It is checked against the eForms SDK's XSD and
the rule set for its form (the SDK's rules for the EU forms, Norway's national-e rules for E3/E4;
see ``tenders.eforms.rulesets``). When it does not validate, the command exits non-zero and
says why: one line with the reason first, then one line per problem. ``--no-validate`` writes the
notice without the SDK (the product does not need it to generate a notice).
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.errors import DomainError
from marketplace.formatting import format_datetime
from tenders.eforms.notices import KINDS, notice_xml
from tenders.eforms.validation import validate
from tenders.models import Tender
from tenders.services.tender_rules import deadline_problems


class Command(BaseCommand):
    help = "Write a tender's eForms notice (contract, change or award) and validate it."

    def add_arguments(self, parser):
        parser.add_argument("reference", help="The tender's reference, e.g. AFK-2026-0001.")
        parser.add_argument("--kind", choices=KINDS, default="contract")
        parser.add_argument("--output", help="Write the XML here instead of standard output.")
        parser.add_argument(
            "--no-validate", action="store_true", help="Write the notice without validating it."
        )

    def handle(self, *args, reference: str, kind: str, output: str | None, **options):
        tender = Tender.objects.own().filter(reference=reference).first()
        if tender is None:
            raise CommandError(f"No tender of ours has the reference {reference}.")
        try:
            notice = notice_xml(tender, kind=kind)
            report = None if options["no_validate"] else validate(notice.xml)
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        if report is not None and not report.valid:
            lines = [report.summary(), *(f"- {problem}" for problem in report.problems)]
            raise CommandError("\n".join([*_deadline_passed(tender, kind), *lines]))
        if output:
            Path(output).write_bytes(notice.xml)
        else:
            self.stdout.write(notice.xml.decode("utf-8"), ending="")
        verdict = report.summary() if report is not None else "Not validated (--no-validate)."
        self.stderr.write(
            f"{kind} notice {notice.business_id} (subtype {notice.subtype}, procedure "
            f"{notice.procedure_id}) for {tender.reference}. {verdict}"
        )


def _deadline_passed(tender: Tender, kind: str) -> list[str]:
    """The plain reason a contract or change notice of a closed tender cannot be valid."""
    if kind == "award":
        return []
    problems = deadline_problems(tender, now=timezone.now(), changed={"submission_deadline"})
    if not any(problem.code == "submission_deadline_past" for problem in problems):
        return []
    deadline = format_datetime(tender.submission_deadline)
    return [
        _(
            "The submission deadline (%(deadline)s) has passed: a contract or "
            "change notice announces a competition still open, so this one cannot be valid."
        )
        % {"deadline": deadline}
    ]
