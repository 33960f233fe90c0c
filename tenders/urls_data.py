"""Open data outside the language prefixes: OCDS packages and feeds."""

from django.urls import path

from tenders.feeds import TenderFeed
from tenders.ocds import views as ocds

app_name = "tenders_data"

urlpatterns: list = [
    path("ocds/releases.json", ocds.releases, name="ocds_releases"),
    path("ocds/records.json", ocds.records, name="ocds_records"),
    path("ocds/records/<str:ocid>.json", ocds.record_detail, name="ocds_record"),
    path("konkurranser/feed.atom", TenderFeed(), name="tender_feed"),
]
