"""How much memory a large bid document adds to a worker (issue 13 §5): not a unit test.

    .venv/bin/python -m tests.bench.upload_memory            # 200 MB, the streaming code
    .venv/bin/python -m tests.bench.upload_memory --size-mb 50 --legacy

Each measurement runs in a fresh subprocess on a throwaway SQLite database. The file is first
written to a ``TemporaryUploadedFile``, exactly as Django's upload handler leaves a large upload
(``FILE_UPLOAD_MAX_MEMORY_SIZE``), so the figure is what ``bids.services.bid_files.document_upload``
adds on top of a finished request: the peak resident set size (``VmHWM``, reset through
``/proc/self/clear_refs`` just before) minus the resident size before. The download is measured
the same way (every plaintext chunk read and hashed). ``--legacy`` does what the code did
before the chunked format (read the whole file, hash it, one-shot AES-GCM, write the blob) for
comparison. Linux only.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MB = 1024 * 1024


def _status(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"{field} not in /proc/self/status")


def _reset_peak() -> int:
    Path("/proc/self/clear_refs").write_text("5")  # VmHWM := VmRSS
    return _status("VmRSS")


def _setup(tmp: str, size: int) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    os.environ["MEDIA_ROOT"] = f"{tmp}/media"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.BID_DOCUMENT_MAX_BYTES = settings.BID_TOTAL_MAX_BYTES = size + MB
    settings.UPLOAD_QUOTA_PER_ORGANISATION = 0
    settings.CLAMD_URL = ""
    call_command("migrate", "--noinput", verbosity=0)


def _upload_file(size: int):
    from django.core.files.uploadedfile import TemporaryUploadedFile

    uploaded = TemporaryUploadedFile("stort-vedlegg.pdf", "application/pdf", size, None)
    uploaded.write(b"%PDF-1.7\n")
    left = size - 9
    while left > 0:
        piece = os.urandom(min(4 * MB, left))
        uploaded.write(piece)
        left -= len(piece)
    uploaded.flush()
    uploaded.seek(0)
    return uploaded


def _legacy_upload(bid, by, uploaded):
    """The pre-chunked path: the whole file in memory, one-shot AES-GCM (PMB1)."""
    from django.core.files.base import ContentFile

    from bids import crypto
    from bids.models import BidDocument
    from bids.services import sealing

    data = uploaded.read()
    key = sealing.data_key(bid)
    document = BidDocument(bid=bid, content_type="application/pdf", uploaded_by=by)
    document.sha256 = hashlib.sha256(data).hexdigest()
    document.size = len(data)
    sealing.seal_document_meta(document, {"name": uploaded.name, "title": ""}, key=key)
    sealed = crypto.seal(key, data, aad=document.aad)
    document.file.save("sealed", ContentFile(sealed), save=False)
    document.save()
    return document


def child(size: int, legacy: bool) -> dict:
    with tempfile.TemporaryDirectory(prefix="pilotmarked-upload-bench-") as tmp:
        _setup(tmp, size)
        from bids.services import bid_files as services
        from tests.factories.bids import draft_bid

        bid = draft_bid()
        uploaded = _upload_file(size)
        before = _reset_peak()
        started = time.perf_counter()
        if legacy:
            document = _legacy_upload(bid, bid.created_by, uploaded)
        else:
            document = services.document_upload(bid=bid, by=bid.created_by, uploaded=uploaded)
        upload_seconds = time.perf_counter() - started
        upload_growth = _status("VmHWM") - before

        before = _reset_peak()
        digest = hashlib.sha256()
        if legacy:
            digest.update(services.document_plaintext(document))
        else:
            for chunk in services.document_plaintext_stream(document):
                digest.update(chunk)
        download_growth = _status("VmHWM") - before
        assert digest.hexdigest() == document.sha256
        uploaded.close()
        return {
            "size_mb": size // MB,
            "mode": "legacy" if legacy else "streaming",
            "upload_peak_growth_mb": round(upload_growth / MB, 1),
            "download_peak_growth_mb": round(download_growth / MB, 1),
            "upload_seconds": round(upload_seconds, 1),
        }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=200)
    parser.add_argument("--legacy", action="store_true", help="measure the pre-chunked path")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.size_mb * MB, args.legacy)))
        return 0
    command = [sys.executable, "-m", "tests.bench.upload_memory", "--child"]
    command += ["--size-mb", str(args.size_mb)] + (["--legacy"] if args.legacy else [])
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if result.returncode:
        print(result.stderr.strip().splitlines()[-1], file=sys.stderr)
        return result.returncode
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
