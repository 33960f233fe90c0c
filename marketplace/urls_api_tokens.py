"""Personal API tokens under the account pages, and staying logged in (from marketplace/urls.py)."""

from django.urls import path

from marketplace import session_timeout
from marketplace.views import api_tokens

urlpatterns = [
    path("min-side/api-nokler/", api_tokens.token_list, name="api_token_list"),
    path("min-side/api-nokler/ny/", api_tokens.token_create, name="api_token_create"),
    path(
        "min-side/api-nokler/<int:pk>/trekk-tilbake/",
        api_tokens.token_revoke,
        name="api_token_revoke",
    ),
    path("min-side/okt/forleng/", session_timeout.extend, name="session_extend"),
]
