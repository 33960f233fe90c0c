"""One way to send a private file: always an attachment, never sniffed, never rendered.

Tender documents, bid documents and receipts all go through :func:`attachment_response`, so the
headers that keep an uploaded file from running in the site's origin live in one place. Large
files are streamed: an open file goes out as a ``FileResponse`` and an iterator of chunks (a bid
document decrypted chunk by chunk) as a ``StreamingHttpResponse``, whose first chunk is read
before the response starts, so a file that does not decrypt fails before any header is sent.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header

PRIVATE_NO_STORE = "private, no-store"


def attachment_response(
    content, *, filename: str, content_type: str, cache_control: str = PRIVATE_NO_STORE
) -> HttpResponse:
    """``content`` (bytes, text, an open binary file or an iterator of byte chunks) as a
    download named ``filename``.

    ``Content-Disposition: attachment``, ``X-Content-Type-Options: nosniff`` and a
    ``default-src 'none'; sandbox`` content security policy, whatever the file holds.
    """
    if hasattr(content, "read"):
        response = FileResponse(content, content_type=content_type)
    elif isinstance(content, Iterator):
        first = next(content, b"")  # errors surface here, before the response starts
        response = StreamingHttpResponse(
            itertools.chain([first], content), content_type=content_type
        )
    else:
        response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=filename
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = cache_control
    return response
