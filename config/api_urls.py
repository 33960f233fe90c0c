"""The API's URL tree under /api/. Each app's resource modules export their ``urlpatterns``."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from bids.api import bids
from marketplace.api import cpv, suppliers
from tenders.api import tenders

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("", include(cpv.urlpatterns)),
    path("", include(suppliers.urlpatterns)),
    path("", include(tenders.urlpatterns)),
    path("", include(bids.urlpatterns)),
]
