"""A supplier's own profile: editing, Brønnøysund pre-fill, listing, references, contact person.

Profiles are reached through the organisation (``organisasjoner/<slug>/profil/``) and only for
the user's own *supplier* organisations: anyone else, a buyer's slug included, gets 404. A member
without ``SUPPLIER_PROFILE_EDIT`` gets 403, as on the other organisation pages.
"""

from __future__ import annotations

from functools import cached_property

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from marketplace import brreg
from marketplace.errors import DomainError
from marketplace.forms.profiles import ContactForm, ProfileForm, ReferenceForm
from marketplace.models import (
    ContactPerson,
    IndustryCode,
    Municipality,
    Organisation,
    SupplierProfile,
    SupplierReference,
)
from marketplace.policy import Action, user_can
from marketplace.selectors.profiles import (
    contact_of,
    profile_completeness,
    profile_for_editing,
    references_of,
)
from marketplace.services import profiles as services
from marketplace.views.organisations import OrganisationMixin


class ProfileMixin(OrganisationMixin):
    """``self.organisation`` (a supplier the user belongs to) and ``self.profile``."""

    action = Action.SUPPLIER_PROFILE_EDIT

    def get_organisation_queryset(self):
        return super().get_organisation_queryset().filter(kind=Organisation.Kind.SUPPLIER)

    @cached_property
    def profile(self) -> SupplierProfile:
        profile = profile_for_editing(self.organisation)
        if profile is None:
            services.profile_get_or_create(organisation=self.organisation, by=self.request.user)
            profile = profile_for_editing(self.organisation)
        return profile

    def edit_url(self) -> str:
        return reverse("marketplace:profile_edit", kwargs={"slug": self.organisation.slug})

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "profile": self.profile}


# --- The profile --------------------------------------------------------------------------------


class ProfileEditView(ProfileMixin, TemplateView):
    template_name = "marketplace/profiles/edit.html"

    def get(self, request, *args, **kwargs):
        return self.render_form(ProfileForm(instance=self.profile))

    def post(self, request, *args, **kwargs):
        # The form writes its values into its instance while validating: give it its own copy,
        # so the page (completeness, badge) shows what is stored.
        form = ProfileForm(request.POST, instance=SupplierProfile.objects.get(pk=self.profile.pk))
        if form.is_valid():
            try:
                services.profile_update(
                    profile=self.profile, by=request.user, **form.profile_data()
                )
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                messages.success(request, _("The profile is saved."))
                return redirect(self.edit_url())
        return self.render_form(form)

    def render_form(self, form: ProfileForm, **extra):
        profile = self.profile
        context = self.get_context_data(
            form=form,
            completeness=profile_completeness(profile),
            references=list(profile.references.all()),
            contact=contact_of(profile),
            publish_problems=services.publish_problems(profile),
            **extra,
        )
        return self.render_to_response(context)


class ProfileBrregLookupView(ProfileEditView):
    """The form's "Fetch from Brønnøysund" button: the same page, pre-filled from the register.

    Nothing is saved: the person checks the values and saves the form as usual. What they had
    typed already is kept; the register's values replace only the fields it knows.
    """

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        submitted = ProfileForm(request.POST, instance=self.profile)
        initial = {name: submitted[name].data for name in submitted.fields}
        try:
            entity = brreg.lookup(self.organisation.org_number)
        except brreg.BrregNotFound:
            notice = (
                "warning",
                _(
                    "The Brønnøysund Register Centre has no entity with organisation number "
                    "%(org_number)s. Fill in by hand."
                )
                % {"org_number": self.organisation.org_number_display},
            )
        except brreg.BrregUnavailable:
            notice = ("warning", _("Could not reach the register; fill in by hand."))
        else:
            initial.update(self.prefill(entity))
            notice = (
                "info",
                _("Fetched from the Brønnøysund Register Centre. Check the details and save."),
            )
        form = ProfileForm(initial=initial, instance=self.profile)
        return self.render_form(form, brreg_notice=notice)

    @staticmethod
    def prefill(entity: brreg.BrregEntity) -> dict:
        values: dict = {}
        for name in ("street_address", "postal_code", "postal_place"):
            if getattr(entity, name):
                values[name] = getattr(entity, name)
        municipality = Municipality.objects.filter(number=entity.municipality_number).first()
        if municipality is not None:
            values["municipality"] = municipality.pk
        if entity.industry_code and IndustryCode.objects.filter(pk=entity.industry_code).exists():
            values["industry_code"] = entity.industry_code
        if entity.employee_band:
            values["employee_band"] = entity.employee_band
        if entity.founded_year:
            values["founded_year"] = entity.founded_year
        return values


class ProfilePublishView(ProfileMixin, View):
    http_method_names = ["post"]
    publish = True

    def post(self, request, *args, **kwargs):
        service = services.profile_publish if self.publish else services.profile_unpublish
        try:
            service(profile=self.profile, by=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            if self.publish:
                messages.success(request, _("The profile is listed in the supplier directory."))
            else:
                messages.success(request, _("The profile is no longer listed."))
        return redirect(self.edit_url())


# --- References ---------------------------------------------------------------------------------


class ReferenceFormView(ProfileMixin, TemplateView):
    template_name = "marketplace/profiles/reference_form.html"
    reference: SupplierReference | None = None

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=self.make_form()))

    def post(self, request, *args, **kwargs):
        form = self.make_form(request.POST)
        if form.is_valid():
            try:
                self.save(form)
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                messages.success(request, _("The reference is saved."))
                return redirect(self.edit_url() + "#references")
        return self.render_to_response(self.get_context_data(form=form))

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "reference": self.reference}


class ReferenceCreateView(ReferenceFormView):
    def make_form(self, data=None) -> ReferenceForm:
        return ReferenceForm(data, instance=SupplierReference(profile=self.profile))

    def save(self, form: ReferenceForm) -> None:
        services.reference_add(profile=self.profile, by=self.request.user, **form.reference_data())


class ReferenceObjectMixin:
    """The reference in the URL, looked up among this profile's only (another's is 404)."""

    @cached_property
    def reference(self) -> SupplierReference:
        return get_object_or_404(references_of(self.profile), pk=self.kwargs["pk"])


class ReferenceUpdateView(ReferenceObjectMixin, ReferenceFormView):
    def make_form(self, data=None) -> ReferenceForm:
        instance = SupplierReference.objects.get(pk=self.reference.pk)
        return ReferenceForm(data, instance=instance)

    def save(self, form: ReferenceForm) -> None:
        services.reference_update(
            reference=self.reference, by=self.request.user, **form.reference_data()
        )


class ReferenceDeleteView(ReferenceObjectMixin, ProfileMixin, TemplateView):
    """GET asks for confirmation; POST deletes."""

    template_name = "marketplace/profiles/reference_delete.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "reference": self.reference}

    def post(self, request, *args, **kwargs):
        reference = self.reference
        services.reference_delete(reference=reference, by=request.user)
        messages.success(
            request,
            _("The reference to %(customer)s is deleted.") % {"customer": reference.customer},
        )
        return redirect(self.edit_url() + "#references")


# --- Contact person -----------------------------------------------------------------------------


class ContactView(ProfileMixin, TemplateView):
    template_name = "marketplace/profiles/contact.html"

    def make_form(self, data=None) -> ContactForm:
        contact = contact_of(self.profile)
        if contact is None:
            instance = ContactPerson(profile=self.profile)
        else:
            instance = ContactPerson.objects.get(pk=contact.pk)
        return ContactForm(data, instance=instance)

    def get_context_data(self, **kwargs):
        contact = contact_of(self.profile)
        return {
            **super().get_context_data(**kwargs),
            "contact": contact,
            "can_erase": contact is not None
            and contact.anonymised_at is None
            and user_can(self.request.user, Action.ORGANISATION_EDIT, self.organisation),
        }

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=self.make_form()))

    def post(self, request, *args, **kwargs):
        form = self.make_form(request.POST)
        if form.is_valid():
            try:
                services.contact_set(profile=self.profile, by=request.user, **form.contact_data())
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                messages.success(request, _("The contact person is saved."))
                return redirect(self.edit_url())
        return self.render_to_response(self.get_context_data(form=form))


class ContactEraseView(ProfileMixin, TemplateView):
    """An administrator erases the contact person (GET asks, POST erases)."""

    action = Action.ORGANISATION_EDIT
    template_name = "marketplace/profiles/contact_erase.html"

    @cached_property
    def contact(self) -> ContactPerson:
        contact = contact_of(self.profile)
        if contact is None or contact.anonymised_at is not None:
            raise Http404
        return contact

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "contact": self.contact}

    def post(self, request, *args, **kwargs):
        services.contact_erase(contact=self.contact, by=request.user)
        messages.success(request, _("The contact person's personal data is erased."))
        return redirect(self.edit_url())
