"""needs URLs (see tenders/urls.py): needs, test arenas, questions and answers, follows."""

from django.urls import path

from tenders.views import arenas, dialogue, needs_buyer, needs_public

urlpatterns: list = [
    # Public
    path("behov/", needs_public.need_list, name="need_list"),
    path("behov/<slug:slug>/", needs_public.need_detail, name="need_detail"),
    path("behov/<slug:slug>/svar/", needs_public.need_respond, name="need_respond"),
    path("behov/<slug:slug>/folg/", dialogue.need_follow, name="need_follow"),
    path("testarenaer/", arenas.arena_list, name="arena_list"),
    path("testarenaer/<slug:slug>/", arenas.arena_detail, name="arena_detail"),
    path("konkurranser/<str:reference>/sporsmal/", dialogue.question_ask, name="question_ask"),
    path("konkurranser/<str:reference>/folg/", dialogue.tender_follow, name="tender_follow"),
    # Buyer
    path("innkjop/behov/", needs_buyer.buyer_need_list, name="buyer_need_list"),
    path("innkjop/behov/ny/", needs_buyer.buyer_need_create, name="buyer_need_create"),
    path("innkjop/behov/<slug:slug>/", needs_buyer.buyer_need_detail, name="buyer_need_detail"),
    path("innkjop/behov/<slug:slug>/endre/", needs_buyer.buyer_need_edit, name="buyer_need_edit"),
    path("innkjop/behov/<slug:slug>/inviter/", needs_buyer.need_invite, name="buyer_need_invite"),
    path(
        "innkjop/behov/<slug:slug>/dialog.csv",
        needs_buyer.need_export_csv,
        name="buyer_need_export_csv",
    ),
    path(
        "innkjop/behov/<slug:slug>/dialog/",
        needs_buyer.need_export_html,
        name="buyer_need_export_html",
    ),
    path(
        "innkjop/behov/<slug:slug>/<str:action>/",
        needs_buyer.need_transition,
        name="buyer_need_transition",
    ),
    path(
        "innkjop/konkurranser/<str:reference>/sporsmal/",
        dialogue.buyer_questions,
        name="buyer_questions",
    ),
    path(
        "innkjop/konkurranser/<str:reference>/sporsmal/<int:pk>/",
        dialogue.question_answer,
        name="question_answer",
    ),
    path("innkjop/testarenaer/", arenas.buyer_arena_list, name="buyer_arena_list"),
    path("innkjop/testarenaer/ny/", arenas.buyer_arena_create, name="buyer_arena_create"),
    path(
        "innkjop/testarenaer/<slug:slug>/endre/",
        arenas.buyer_arena_edit,
        name="buyer_arena_edit",
    ),
]
