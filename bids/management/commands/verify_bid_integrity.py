"""Re-hash every stored bid document and every bid's content against its receipt.

    manage.py verify_bid_integrity              # every bid that was ever submitted
    manage.py verify_bid_integrity -v 2         # plus a progress line every --progress-every bids

Progress goes to stderr (``marketplace.progress``): a bar on a terminal; where stderr is not a
terminal, lines with -v 2 only.

A bid's receipt (``bids.services.receipts``) prints the SHA-256 of its canonical content
(``Bid.content_sha256``), each document's size and SHA-256 of the plaintext
(``BidDocument.size``, ``.sha256``) and each ESPD response's SHA-256 (``Bid.espd_receipt``,
``bids.espd.integrity``). This command unwraps each bid's data key with ``BID_KEYS``, decrypts
each document from private storage chunk by chunk and each ESPD response, and compares: an ESPD
response changed, swapped, removed or added after submission is a problem (one an officer
recorded after opening passes when its audit event carries its hash). Bids without ESPD, and
those submitted before ESPD responses went on the receipt, have none to check. Bids that were
submitted and later replaced or withdrawn keep their receipts and documents, so they are checked
too; drafts have no receipt and are not.

Exit status 0 with one summary line when everything matches. Otherwise every problem is written
to stderr as it is found, and the command exits 1 (a ``CommandError``) naming the first one: the
bid, the document or ESPD response and why (file missing, does not decrypt, size or hash
differs). Run it after a restore (with ``verify_audit``) and from time to time against production.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Prefetch

from bids import crypto
from bids.content import BidContent
from bids.espd.integrity import receipt_problems as espd_receipt_problems
from bids.models import Bid, BidDocument, EspdResponse
from bids.services import sealing
from bids.services.bid_files import document_plaintext_stream
from marketplace.progress import command_progress

CHUNK_SIZE = 200


@dataclass(frozen=True)
class Problem:
    bid: Bid
    reason: str
    document: BidDocument | None = None

    def __str__(self) -> str:
        where = f"bid {self.bid.public_id} (receipt {self.bid.receipt_code or '-'})"
        if self.document is not None:
            where += f", document {self.document.public_id}"
        return f"{where}: {self.reason}"


@dataclass
class Tally:
    bids: int = 0
    documents: int = 0
    bytes: int = 0
    espd: int = 0


def check_document(document: BidDocument, *, key: bytes) -> tuple[str | None, int]:
    """Why the stored document does not match its receipt (None when it does), and its size.

    The file is decrypted and hashed chunk by chunk: one chunk in memory, whatever its size.
    """
    hasher, size = hashlib.sha256(), 0
    try:
        for chunk in document_plaintext_stream(document, key=key):
            hasher.update(chunk)
            size += len(chunk)
    except FileNotFoundError:
        return f"the file {document.file.name} is missing from private storage", 0
    except OSError as exc:
        return f"the file {document.file.name} cannot be read ({exc.strerror or exc})", size
    except crypto.SealError as exc:
        return f"the file does not decrypt: {exc}", size
    if size != document.size:
        return f"the decrypted file is {size} bytes; the receipt says {document.size}", size
    digest = hasher.hexdigest()
    if digest != document.sha256:
        return f"SHA-256 {digest} differs from the receipt's {document.sha256}", size
    return None, size


def check_bid(bid: Bid, tally: Tally) -> list[Problem]:
    """Every way ``bid``'s stored content and documents differ from its receipt."""
    try:
        key = sealing.data_key(bid)
    except crypto.SealError as exc:
        return [Problem(bid, f"the data key does not unwrap: {exc}")]
    problems = []
    try:
        content = BidContent.from_dict(sealing.unseal_content(bid, key=key))
    except (crypto.SealError, ValueError) as exc:
        problems.append(Problem(bid, f"the content does not decrypt or read: {exc}"))
    else:
        digest = sealing.content_sha256(content.to_dict())
        if digest != bid.content_sha256:
            problems.append(
                Problem(
                    bid, f"content SHA-256 {digest} differs from the receipt's {bid.content_sha256}"
                )
            )
    for document in bid.documents.all():
        reason, size = check_document(document, key=key)
        tally.documents += 1
        tally.bytes += size
        if reason is not None:
            problems.append(Problem(bid, reason, document))
    reasons, checked = espd_receipt_problems(bid, key=key)
    tally.espd += checked
    problems.extend(Problem(bid, reason) for reason in reasons)
    return problems


class Command(BaseCommand):
    help = (
        "Decrypt and re-hash every submitted bid's content, documents and ESPD responses; exit 1 "
        "naming the first that differs from its receipt."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--progress-every",
            type=int,
            default=100,
            metavar="N",
            help=(
                "With -v 2 and stderr not a terminal, a progress line every N bids (a terminal "
                "shows a bar). Default: %(default)s."
            ),
        )

    def handle(self, *args, progress_every: int, verbosity: int, **options):
        try:
            crypto.keyring()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from None
        bids = (
            Bid.objects.filter(submitted_at__isnull=False)
            .order_by("pk")
            .prefetch_related(
                Prefetch("documents", queryset=BidDocument.objects.order_by("pk")),
                Prefetch(
                    "espd_responses",
                    queryset=EspdResponse.objects.select_related("organisation").order_by("pk"),
                ),
            )
        )
        total = bids.count()
        tally = Tally()
        problems: list[Problem] = []
        with command_progress(
            self,
            verbosity=verbosity,
            total=total,
            desc="bids checked",
            unit="bids",
            every=progress_every if verbosity >= 2 else 0,
        ) as progress:
            for bid in bids.iterator(chunk_size=CHUNK_SIZE):
                found = check_bid(bid, tally)
                tally.bids += 1
                for problem in found:
                    progress.write(f"  {problem}")
                problems.extend(found)
                progress.update(tally.bids)
        checked = (
            f"{tally.bids} submitted bids, {tally.documents} documents "
            f"({tally.bytes} bytes decrypted)"
        )
        if tally.espd:
            checked += f", {tally.espd} ESPD responses"
        if problems:
            noun = "problem" if len(problems) == 1 else "problems"
            raise CommandError(
                f"Bid integrity broken at {problems[0]} ({len(problems)} {noun} in {checked})"
            )
        self.stdout.write(f"Bid integrity intact: {checked} match their receipts.")
