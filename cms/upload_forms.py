"""Wagtail's document form with the site's one upload validator (``marketplace.uploads``).

``WAGTAILDOCS_DOCUMENT_FORM_BASE`` points here, so a document an editor uploads is checked like
every other upload: extension allow-list, type by content, no macros, no zip bombs or unsafe
package entries. Images are Wagtail's own concern (Willow opens every image it accepts).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from wagtail.documents.forms import BaseDocumentForm

from marketplace.uploads import CMS_DOCUMENT, UploadRejected, check_upload


class CheckedDocumentForm(BaseDocumentForm):
    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        if isinstance(uploaded, UploadedFile):  # a new file, not the one already stored
            try:
                check_upload(uploaded, purpose=CMS_DOCUMENT)
            except UploadRejected as error:
                raise ValidationError(error.message, code=error.code) from error
        return uploaded
