"""buyer URLs (see tenders/urls.py): the workspace, tender create/edit, one POST URL per
lifecycle transition, documents, and the document download."""

from django.urls import path

from tenders.views import buyer

T = "innkjop/konkurranser/<str:reference>/"

urlpatterns = [
    path("innkjop/", buyer.workspace, name="buyer_workspace"),
    path("innkjop/konkurranser/ny/", buyer.tender_create, name="buyer_tender_create"),
    path(T, buyer.tender_detail, name="buyer_tender_detail"),
    path(T + "rediger/", buyer.tender_edit, name="buyer_tender_edit"),
    path(T + "publiser/", buyer.tender_publish, name="tender_publish"),
    path(T + "forleng-frist/", buyer.tender_extend_deadline, name="tender_extend_deadline"),
    path(T + "start-evaluering/", buyer.tender_start_evaluation, name="tender_start_evaluation"),
    path(T + "avlys/", buyer.tender_cancel, name="tender_cancel"),
    path(T + "dokumenter/", buyer.document_upload, name="tender_document_upload"),
    path(T + "dokumenter/<int:pk>/fjern/", buyer.document_remove, name="tender_document_remove"),
    path(
        "konkurranser/<str:reference>/dokumenter/<int:pk>/",
        buyer.document_download,
        name="document_download",
    ),
]
