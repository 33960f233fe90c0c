"""A supplier's own profile: editing, references, contact person (members only).

And "my personal data": where a signed-in person is a contact person, to download or erase.
"""

from django.urls import path

from marketplace.views import personal_data
from marketplace.views import profiles as views

PROFILE = "organisasjoner/<slug:slug>/profil/"

urlpatterns = [
    path(PROFILE, views.ProfileEditView.as_view(), name="profile_edit"),
    path(
        f"{PROFILE}bronnoysund/",
        views.ProfileBrregLookupView.as_view(),
        name="profile_brreg_lookup",
    ),
    path(f"{PROFILE}publiser/", views.ProfilePublishView.as_view(), name="profile_publish"),
    path(
        f"{PROFILE}avpubliser/",
        views.ProfilePublishView.as_view(publish=False),
        name="profile_unpublish",
    ),
    path(f"{PROFILE}referanser/ny/", views.ReferenceCreateView.as_view(), name="reference_create"),
    path(
        f"{PROFILE}referanser/<int:pk>/endre/",
        views.ReferenceUpdateView.as_view(),
        name="reference_update",
    ),
    path(
        f"{PROFILE}referanser/<int:pk>/slett/",
        views.ReferenceDeleteView.as_view(),
        name="reference_delete",
    ),
    path(f"{PROFILE}kontakt/", views.ContactView.as_view(), name="profile_contact"),
    path(
        f"{PROFILE}kontakt/slett/", views.ContactEraseView.as_view(), name="profile_contact_erase"
    ),
    path(
        "min-side/personopplysninger/",
        personal_data.PersonalDataView.as_view(),
        name="personal_data",
    ),
    path(
        "min-side/personopplysninger/<int:pk>/last-ned/",
        personal_data.PersonalDataExportView.as_view(),
        name="personal_data_export",
    ),
    path(
        "min-side/personopplysninger/<int:pk>/slett/",
        personal_data.PersonalDataEraseView.as_view(),
        name="personal_data_erase",
    ),
]
