"""The bidding side's URLs (see bids/urls.py), in Bokmål like the rest of the site."""

from django.urls import path

from bids.espd import views as espd
from bids.views import supplier

B = "tilbud/<uuid:public_id>/"

urlpatterns = [
    path("tilbud/", supplier.my_bids, name="supplier_bids"),
    path("konkurranser/<str:reference>/tilbud/ny/", supplier.bid_start, name="supplier_bid_start"),
    path(B, supplier.bid_detail, name="supplier_bid_detail"),
    path(B + "rediger/", supplier.bid_edit, name="supplier_bid_edit"),
    path(B + "dokumenter/", supplier.documents, name="supplier_documents"),
    path(
        B + "dokumenter/<uuid:document_id>/",
        supplier.document_download,
        name="supplier_document_download",
    ),
    path(
        B + "dokumenter/<uuid:document_id>/fjern/",
        supplier.document_remove,
        name="supplier_document_remove",
    ),
    path(B + "konsortium/", supplier.consortium, name="supplier_consortium"),
    path(B + "konsortium/svar/", supplier.consortium_respond, name="supplier_consortium_respond"),
    path(
        B + "konsortium/<int:member_id>/fjern/",
        supplier.consortium_remove,
        name="supplier_consortium_remove",
    ),
    path(B + "espd/", espd.bid_espd, name="supplier_espd"),
    path(B + "espd/<int:organisation_id>/", espd.bid_espd_answer, name="supplier_espd_answer"),
    path(
        B + "espd/<int:organisation_id>/importer/",
        espd.bid_espd_import,
        name="supplier_espd_import",
    ),
    path(
        B + "espd/<int:organisation_id>/espd.xml",
        espd.bid_espd_download,
        name="supplier_espd_download",
    ),
    path(B + "send-inn/", supplier.submit, name="supplier_submit"),
    path(B + "trekk/", supplier.withdraw, name="supplier_withdraw"),
    path(B + "ny-versjon/", supplier.new_version, name="supplier_new_version"),
    path(B + "kvittering/", supplier.receipt, name="supplier_receipt"),
    path(B + "kvittering.txt", supplier.receipt_download, name="supplier_receipt_download"),
]
