"""My page → personal data: where I am a supplier's contact person; download or erase it.

Only the person's own (not yet erased) contact roles are reachable: any other id answers 404.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from marketplace.selectors.profiles import contact_roles_of
from marketplace.services import profiles as services


@method_decorator(never_cache, name="dispatch")
class PersonalDataView(LoginRequiredMixin, TemplateView):
    template_name = "marketplace/profiles/personal_data.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "contacts": contact_roles_of(self.request.user),
        }


class OwnContactMixin(LoginRequiredMixin):
    def get_contact(self):
        return get_object_or_404(contact_roles_of(self.request.user), pk=self.kwargs["pk"])


class PersonalDataExportView(OwnContactMixin, View):
    """POST (it is recorded in the audit log): the contact role's data as a JSON download."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        contact = self.get_contact()
        data = services.contact_export(contact=contact, by=request.user)
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False, indent=2),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = (
            f'attachment; filename="pilotmarked-personal-data-{contact.pk}.json"'
        )
        response["Cache-Control"] = "no-store"
        return response


class PersonalDataEraseView(OwnContactMixin, TemplateView):
    """GET asks for confirmation; POST erases the person as contact person."""

    template_name = "marketplace/profiles/personal_data_erase.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "contact": self.get_contact()}

    def post(self, request, *args, **kwargs):
        contact = self.get_contact()
        organisation = contact.profile.organisation
        services.contact_erase(contact=contact, by=request.user)
        messages.success(
            request,
            _("You are no longer the contact person of %(organisation)s.")
            % {"organisation": organisation.name},
        )
        return redirect("marketplace:personal_data")
