"""Where tender documents are kept: outside MEDIA_ROOT, so no web server ever serves them.

Documents are read only through the download view, which checks who may see them. The folder is
``PRIVATE_MEDIA_ROOT``, or "private" next to MEDIA_ROOT when that is not set (tests move
MEDIA_ROOT to a fresh folder, and the documents follow).
"""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible


@deconstructible
class PrivateDocumentStorage(FileSystemStorage):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)

    @property
    def base_location(self):
        configured = getattr(settings, "PRIVATE_MEDIA_ROOT", "")
        return str(configured or Path(settings.MEDIA_ROOT).parent / "private")

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None

    def url(self, name):
        raise ValueError("Tender documents have no public URL; use the download view.")


private_document_storage = PrivateDocumentStorage()
