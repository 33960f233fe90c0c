"""Error pages in the visitor's language (Bokmål or English), in the site's own look.

400, 403 and 404 extend ``base.html`` (the request, the session and the database still work when
they are raised). 500 renders a self-contained page without context processors, because the
database or a context processor may be what failed.
"""

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader
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


@requires_csrf_token
def server_error(request):
    template = loader.get_template("errors/500.html")
    # A plain context (no ``request=``): no context processors, no database.
    return HttpResponseServerError(template.render({"request": request}))


def csrf_failure(request, reason=""):
    """A form sent without a valid CSRF token (often an expired page): the site's own 403."""
    return render(request, "errors/403.html", {"csrf_failure": True}, status=403)
