from django.urls import path

from marketplace.views import organisations as views

# Included from marketplace/urls.py (app_name "marketplace").
urlpatterns = [
    path("organisasjoner/", views.OrganisationListView.as_view(), name="organisation_list"),
    path(
        "organisasjoner/ny/",
        views.OrganisationRegisterView.as_view(),
        name="organisation_register",
    ),
    path(
        "organisasjoner/<slug:slug>/",
        views.OrganisationDetailView.as_view(),
        name="organisation_detail",
    ),
    path(
        "organisasjoner/<slug:slug>/rediger/",
        views.OrganisationEditView.as_view(),
        name="organisation_edit",
    ),
    path(
        "organisasjoner/<slug:slug>/medlemmer/",
        views.OrganisationMembersView.as_view(),
        name="organisation_members",
    ),
    path(
        "organisasjoner/<slug:slug>/medlemmer/<int:pk>/endre/",
        views.MemberUpdateView.as_view(),
        name="member_update",
    ),
    path(
        "organisasjoner/<slug:slug>/medlemmer/<int:pk>/fjern/",
        views.MemberRemoveView.as_view(),
        name="member_remove",
    ),
    path(
        "organisasjoner/<slug:slug>/invitasjoner/",
        views.InvitationCreateView.as_view(),
        name="invitation_create",
    ),
    path(
        "organisasjoner/<slug:slug>/invitasjoner/<int:pk>/trekk-tilbake/",
        views.InvitationRevokeView.as_view(),
        name="invitation_revoke",
    ),
    path(
        "organisasjoner/<slug:slug>/tilgangsforesporsler/<int:pk>/inviter/",
        views.AccessRequestInviteView.as_view(),
        name="access_request_invite",
    ),
    path(
        "organisasjoner/<slug:slug>/tilgangsforesporsler/<int:pk>/avvis/",
        views.AccessRequestDismissView.as_view(),
        name="access_request_dismiss",
    ),
    path("invitasjon/<str:token>/", views.InvitationAcceptView.as_view(), name="invitation_accept"),
]
