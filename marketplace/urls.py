from django.urls import path

from marketplace.views import dashboard

app_name = "marketplace"

urlpatterns = [
    path("min-side/", dashboard.dashboard, name="dashboard"),
]
