"""Error pages in the visitor's language (Bokmål or English), in the site's own look.

400, 403 and 404 extend ``base.html`` (the request, the session and the database still work when
they are raised). 500 renders a self-contained page without context processors, because the
database or a context processor may be what failed. When what failed is the database connection
(``OperationalError``/``InterfaceError``, wherever it was raised: a view or a middleware), the
answer is 503 with ``Retry-After`` instead, as problem JSON under ``/api/``: the site is
unavailable for a moment, not broken.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token


@requires_csrf_token
def bad_request(request, exception=None):
    return render(request, "errors/400.html", status=400)


@requires_csrf_token
def permission_denied(request, exception=None):
    return render(request, "errors/403.html", status=403)


@requires_csrf_token
def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


# Seconds a client is asked to wait after a lost database connection.
RETRY_AFTER_SECONDS = 30


def database_unavailable(request) -> HttpResponse:
    """503 with ``Retry-After``: the database could not be reached."""
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {
                "type": "about:blank",
                "title": "Service Unavailable",
                "status": 503,
                "detail": _("The database cannot be reached just now. Try again in half a minute."),
                "code": "database_unavailable",
            },
            status=503,
            content_type="application/problem+json",
        )
    else:
        template = loader.get_template("errors/503.html")
        response = HttpResponse(template.render({"request": request}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


@requires_csrf_token
def server_error(request):
    # Django calls this while handling the exception, so it is still the current one.
    if isinstance(sys.exc_info()[1], (OperationalError, InterfaceError)):
        return database_unavailable(request)
    template = loader.get_template("errors/500.html")
    # A plain context (no ``request=``): no context processors, no database.
    return HttpResponseServerError(template.render({"request": request}))


def csrf_failure(request, reason=""):
    """A form sent without a valid CSRF token (often an expired page): the site's own 403."""
    return render(request, "errors/403.html", {"csrf_failure": True}, status=403)
