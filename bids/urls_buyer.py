"""The buyer's bid pages under the tender (see bids/urls.py), the evaluator's list, and the
supplier's page of award letters (scoped to the bidding organisation)."""

from django.urls import path

from bids.espd import views as espd
from bids.views import award, buyer

T = "innkjop/konkurranser/<str:reference>/"
B = T + "evaluering/tilbud/<uuid:public_id>/"

urlpatterns = [
    path("innkjop/evalueringer/", buyer.my_evaluations, name="my_evaluations"),
    path(T + "espd/", espd.request_edit, name="espd_request"),
    path(T + "espd.xml", espd.request_download, name="espd_request_download"),
    path(T + "tilbud/", buyer.bids_overview, name="buyer_bids"),
    path(T + "tilbud/apne/", buyer.bids_open, name="bids_open"),
    path(T + "tilbud/protokoll/", buyer.bids_protocol, name="bids_protocol"),
    path(
        T + "tilbud/protokoll.<str:fmt>",
        buyer.bids_protocol_download,
        name="bids_protocol_download",
    ),
    path(T + "evaluering/", buyer.evaluation, name="bids_evaluation"),
    path(T + "evaluering/evaluatorer/", buyer.evaluator_assign, name="bids_evaluator_assign"),
    path(
        T + "evaluering/evaluatorer/<int:pk>/fjern/",
        buyer.evaluator_remove,
        name="bids_evaluator_remove",
    ),
    path(T + "evaluering/rapport/", buyer.evaluation_report, name="bids_report"),
    path(B, buyer.bid_detail, name="bids_bid_detail"),
    path(B + "dokumenter/<uuid:document_id>/", buyer.bid_document, name="bids_bid_document"),
    path(B + "espd/importer/", espd.buyer_espd_import, name="bids_espd_import"),
    path(
        B + "espd/<int:organisation_id>.xml",
        espd.buyer_espd_download,
        name="bids_espd_download",
    ),
    path(B + "kvalifikasjon/", buyer.bid_qualification, name="bids_qualification"),
    path(B + "poeng/", buyer.score_sheet, name="bids_score_sheet"),
    path(B + "konsensus/", buyer.consensus_sheet, name="bids_consensus"),
    path(T + "tildeling/", award.award_page, name="bids_award"),
    path(T + "tildeling/delkontrakt/<int:number>/", award.award_decide, name="bids_award_decide"),
    path(T + "tildeling/vedtak/<int:pk>/trekk/", award.award_withdraw, name="bids_award_withdraw"),
    path(T + "tildeling/vedtak/<int:pk>/kontrakt/", award.contract_sign, name="bids_contract"),
    # Supplier-facing: the bid's award letters.
    path(
        "tilbud/<uuid:public_id>/tildeling/",
        award.supplier_award_letters,
        name="supplier_award_letters",
    ),
]
