"""Re-wrap every bid's data key with the current key-encryption key (the first in BID_KEYS).

    BID_KEYS="k2:<new>,k1:<old>" manage.py rotate_bid_keys
    # then BID_KEYS="k2:<new>" is enough

Only the wrapped keys change; content and documents stay encrypted under the same data keys.
Running it again changes nothing. Before it changes anything it checks that every key id the
bids were wrapped with is in BID_KEYS, and stops with one line naming the missing ids if not.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from bids import crypto
from bids.models import Bid
from bids.services import sealing
from marketplace.progress import command_progress
from marketplace.services.audit import audit_record

PROGRESS_EVERY = 100


class Command(BaseCommand):
    help = "Re-wrap every bid's data key with the current key-encryption key (BID_KEYS)."

    def handle(self, *args, **options):
        try:
            ring = crypto.keyring()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from None
        needed = set(Bid.objects.values_list("kek_id", flat=True).distinct())
        missing = sorted(key_id for key_id in needed if key_id not in ring.keys)
        if missing:
            raise CommandError(
                "BID_KEYS lacks the key id(s) "
                + ", ".join(missing)
                + " that bids are wrapped with; add them after the current key and run again."
            )
        pks = list(
            Bid.objects.exclude(kek_id=ring.current_id).order_by("pk").values_list("pk", flat=True)
        )
        total = len(pks)
        self.stdout.write(f"{total} bids to re-wrap with key {ring.current_id}.")
        changed = 0
        with command_progress(
            self,
            verbosity=options["verbosity"],
            total=total,
            desc="bids",
            unit="bids",
            every=PROGRESS_EVERY,
        ) as progress:
            for number, pk in enumerate(pks, 1):
                with transaction.atomic():
                    bid = Bid.objects.select_for_update().get(pk=pk)
                    old = bid.kek_id
                    try:
                        rewrapped = sealing.rewrap(bid, ring=ring)
                    except crypto.SealError:
                        raise CommandError(
                            f"The data key of bid {bid.public_id} does not unwrap with key {old}; "
                            "nothing more was changed."
                        ) from None
                    if rewrapped:
                        changed += 1
                        audit_record(
                            actor=None,
                            action="bid.key_rewrapped",
                            obj=bid,
                            before={"kek_id": old},
                            after={"kek_id": bid.kek_id},
                        )
                progress.update(number)
        self.stdout.write(
            self.style.SUCCESS(f"Re-wrapped {changed} bids; all use key {ring.current_id}.")
        )
