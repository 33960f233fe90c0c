"""Walk the audit chain and report the first broken link.

Exit status: 0 when the chain is intact; 1 (a ``CommandError``) at the first row that was changed,
or where a row was removed or the order rewritten. The message names the row, its action and time.
Progress goes to stderr (``marketplace.progress``): a bar on a terminal, lines elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.management.base import BaseCommand, CommandError

from marketplace.models import AuditEvent
from marketplace.models.audit import GENESIS_HASH
from marketplace.progress import command_progress

CHUNK_SIZE = 2000


@dataclass(frozen=True)
class Break:
    event: AuditEvent
    problem: str

    def __str__(self) -> str:
        event = self.event
        return (
            f"Audit chain broken at row {event.pk} "
            f"(action {event.action!r}, {event.occurred_at.isoformat()}): {self.problem}"
        )


def first_break(
    events, *, expected_prev_hash: str | None = GENESIS_HASH, on_row=None
) -> tuple[Break | None, int, AuditEvent | None]:
    """Check ``events`` (in id order): each row's own hash, then its link to the row before.

    ``expected_prev_hash`` None trusts the first row's stored ``prev_hash`` (a check that starts
    part-way along the chain). Returns the first break (or None), the rows checked and the last.
    """
    count, previous = 0, None
    expected = expected_prev_hash
    for event in events:
        if event.compute_hash() != event.hash:
            problem = f"row {event.pk} was changed (its stored hash does not match its content)"
            return Break(event, problem), count, previous
        if expected is not None and event.prev_hash != expected:
            after = f"row {previous.pk}" if previous else "the start of the chain"
            problem = (
                f"the row before {event.pk} was removed or reordered "
                f"(row {event.pk} does not link to {after})"
            )
            return Break(event, problem), count, previous
        count += 1
        expected, previous = event.hash, event
        if on_row is not None:
            on_row(count, event)
    return None, count, previous


class Command(BaseCommand):
    help = "Verify the audit log's hash chain; exit 1 naming the first changed or missing row."

    def add_arguments(self, parser):
        parser.add_argument(
            "--from-id",
            type=int,
            default=None,
            help="Start at this id and trust the stored previous hash of the first row checked.",
        )
        parser.add_argument(
            "--progress-every",
            type=int,
            default=100_000,
            metavar="N",
            help=(
                "Where stderr is not a terminal, a progress line every N rows (0: never; a "
                "terminal shows a bar). Default: %(default)s."
            ),
        )

    def handle(self, *args, from_id: int | None, progress_every: int, **options):
        events = AuditEvent.objects.order_by("id")
        if from_id is not None:
            events = events.filter(id__gte=from_id)

        with command_progress(
            self,
            verbosity=options["verbosity"],
            total=events.count(),
            desc="events checked",
            unit="events",
            every=progress_every,
        ) as progress:
            broken, count, last = first_break(
                events.iterator(chunk_size=CHUNK_SIZE),
                expected_prev_hash=None if from_id is not None else GENESIS_HASH,
                on_row=lambda count, event: progress.update(count),
            )
        if broken is not None:
            raise CommandError(f"{broken} ({count} events before it are intact)")
        head = f" (last row {last.pk}, hash {last.hash})" if last is not None else ""
        noun = "event" if count == 1 else "events"
        self.stdout.write(f"Audit chain intact: {count} {noun}{head}")
