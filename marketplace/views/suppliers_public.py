"""The public page of a supplier's profile (what anyone may read about the firm).

Company facts are public once the profile is listed; size, references and the contact person
follow the supplier's visibility choices (see ``marketplace.selectors.suppliers``).
"""

from __future__ import annotations

from django.shortcuts import render

from marketplace.i18n import english_active
from marketplace.selectors.suppliers import profile_for_viewer


def _description_in_language(profile) -> tuple[str, str | None]:
    """The description in the active language, or the other one with its language code."""
    english = english_active()
    own, other, other_code = (
        (profile.description_en, profile.description_nb, "nb")
        if english
        else (profile.description_nb, profile.description_en, "en")
    )
    if own:
        return own, None
    if other:
        return other, other_code
    return "", None


def supplier_detail(request, slug: str):
    view = profile_for_viewer(request.user, slug)
    description, description_lang = _description_in_language(view.profile)
    return render(
        request,
        "marketplace/suppliers/detail.html",
        {
            "view": view,
            "profile": view.profile,
            "organisation": view.profile.organisation,
            "description": description,
            "description_lang": description_lang,
        },
    )
