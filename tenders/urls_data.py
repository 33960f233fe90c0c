"""Open data outside the language prefixes: OCDS packages, bulk files and feeds."""

from django.urls import path

from tenders.feeds import TenderFeed
from tenders.ocds import views as ocds

app_name = "tenders_data"

urlpatterns: list = [
    path("ocds/releases.json", ocds.releases, name="ocds_releases"),
    path("ocds/records.json", ocds.records, name="ocds_records"),
    path("ocds/records/<str:ocid>.json", ocds.record_detail, name="ocds_record"),
    path("ocds/bulk/", ocds.bulk_index, name="ocds_bulk"),
    path(
        "ocds/bulk/releases-<int:year>-<str:month>.json",
        ocds.bulk_releases,
        name="ocds_bulk_releases",
    ),
    path("ocds/bulk/records.json", ocds.bulk_records, name="ocds_bulk_records"),
    path("konkurranser/feed.atom", TenderFeed(), name="tender_feed"),
]
