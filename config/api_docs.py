"""The API's documentation page, ``/api/docs/``: our own page (header, footer, skip link, the
site's language) around Redoc reading the OpenAPI schema at ``/api/schema/``.

Redoc's script comes from drf-spectacular-sidecar's static files, never a CDN. Redoc writes its
styles into ``<style>`` elements as it renders (styled-components) and builds its search index in a
``blob:`` worker, so this page alone allows inline styles and blob workers; scripts stay limited
to our origin. Without JavaScript the page still links the schema.
"""

from __future__ import annotations

from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_replace, csp_update
from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
@csp_replace({"style-src": [SELF, UNSAFE_INLINE]})
@csp_update({"worker-src": [SELF, "blob:"]})
def api_docs(request):
    return render(request, "api/docs.html")
