from django.urls import include, path

from marketplace.views import dashboard

app_name = "marketplace"

urlpatterns = [
    path("min-side/", dashboard.dashboard, name="dashboard"),
    path("", include("marketplace.urls_organisations")),
    path("", include("marketplace.urls_notifications")),
    path("", include("marketplace.urls_profiles")),
    path("", include("marketplace.urls_suppliers")),
    path("", include("marketplace.urls_api_tokens")),
]
