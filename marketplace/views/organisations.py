"""Organisation pages: my organisations, registration, members, invitations, access requests.

An organisation is reached only through ``organisations_of(request.user)``: for anyone else its
pages answer 404. Each view declares the policy ``Action`` it needs; a member without it gets 403.
"""

from __future__ import annotations

from functools import cached_property
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import FormView, ListView, TemplateView

from marketplace.errors import DomainError
from marketplace.forms.organisations import (
    InvitationForm,
    OrganisationEditForm,
    RoleForm,
    SupplierRegistrationForm,
)
from marketplace.models import Organisation
from marketplace.policy import Action, user_can
from marketplace.selectors.organisations import (
    has_verified_email,
    invitation_by_token,
    members_of,
    open_access_requests_of,
    organisations_of,
    pending_invitations_of,
    units_of,
)
from marketplace.services import invitations as invitation_services
from marketplace.services import organisations as services

MEMBERS_PER_PAGE = 25


class OrganisationListView(LoginRequiredMixin, ListView):
    template_name = "marketplace/organisations/list.html"
    context_object_name = "organisations"
    paginate_by = 20

    def get_queryset(self):
        return organisations_of(self.request.user)


class OrganisationRegisterView(LoginRequiredMixin, FormView):
    template_name = "marketplace/organisations/register.html"
    form_class = SupplierRegistrationForm

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            result = services.supplier_register(
                name=data["name"],
                org_number=data["org_number"],
                website=data["website"],
                by=self.request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        if result.created:
            messages.success(
                self.request,
                _("%(organisation)s is registered. You are its administrator.")
                % {"organisation": result.organisation.name},
            )
            return redirect("marketplace:organisation_detail", slug=result.organisation.slug)
        if result.organisation is not None:
            messages.info(self.request, _("You already belong to this organisation."))
            return redirect("marketplace:organisation_detail", slug=result.organisation.slug)
        # Neutral on purpose: nothing about the organisation or its people is shown.
        messages.info(
            self.request,
            _(
                "This organisation is already registered. We have told its administrators; "
                "they can invite you."
            ),
        )
        return redirect("marketplace:organisation_list")


class OrganisationMixin(LoginRequiredMixin):
    """Loads ``self.organisation`` from the user's own organisations and checks ``action``.

    Another organisation's slug answers 404, exactly like one that does not exist.
    """

    action: Action = Action.ORGANISATION_VIEW

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.organisation = get_object_or_404(self.get_organisation_queryset(), slug=kwargs["slug"])
        if not user_can(request.user, self.action, self.organisation):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_organisation_queryset(self):
        """The organisations this page may show: the user's own (subclasses may narrow it)."""
        return Organisation.objects.for_member(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["organisation"] = self.organisation
        return context

    def members_url(self) -> str:
        return reverse("marketplace:organisation_members", kwargs={"slug": self.organisation.slug})

    def redirect_after_member_change(self):
        """Back to the members page, or as far as one may still go after changing one's own
        role: an admin who stepped down is no longer let into the members page."""
        user = self.request.user
        if not user_can(user, Action.ORGANISATION_VIEW, self.organisation):
            return redirect("marketplace:organisation_list")
        if not user_can(user, Action.MEMBERS_MANAGE, self.organisation):
            return redirect("marketplace:organisation_detail", slug=self.organisation.slug)
        return redirect(self.members_url())


class OrganisationDetailView(OrganisationMixin, TemplateView):
    action = Action.ORGANISATION_VIEW
    template_name = "marketplace/organisations/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, organisation = self.request.user, self.organisation
        paginator = Paginator(members_of(organisation), MEMBERS_PER_PAGE)
        context.update(
            units=units_of(organisation) if organisation.is_buyer else [],
            members_page=paginator.get_page(self.request.GET.get("page")),
            can_edit=user_can(user, Action.ORGANISATION_EDIT, organisation),
            can_manage_members=user_can(user, Action.MEMBERS_MANAGE, organisation),
            can_edit_profile=organisation.kind == Organisation.Kind.SUPPLIER
            and user_can(user, Action.SUPPLIER_PROFILE_EDIT, organisation),
        )
        return context


class OrganisationEditView(OrganisationMixin, FormView):
    action = Action.ORGANISATION_EDIT
    template_name = "marketplace/organisations/edit.html"
    form_class = OrganisationEditForm

    def get_initial(self):
        return {"name": self.organisation.name, "website": self.organisation.website}

    def form_valid(self, form):
        try:
            services.organisation_update(
                organisation=self.organisation,
                name=form.cleaned_data["name"],
                website=form.cleaned_data["website"],
                by=self.request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The organisation is updated."))
        return redirect("marketplace:organisation_detail", slug=self.organisation.slug)


class OrganisationMembersView(OrganisationMixin, TemplateView):
    action = Action.MEMBERS_MANAGE
    template_name = "marketplace/organisations/members.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        organisation = self.organisation
        paginator = Paginator(members_of(organisation), MEMBERS_PER_PAGE)
        context.update(
            members_page=paginator.get_page(self.request.GET.get("page")),
            invitations=pending_invitations_of(organisation),
            access_requests=open_access_requests_of(organisation),
        )
        return context


class RoleFormView(OrganisationMixin, FormView):
    """An admin chooses a role (and for buyers a unit) for someone in the organisation."""

    action = Action.MEMBERS_MANAGE
    form_class = RoleForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "organisation": self.organisation}


class MemberUpdateView(RoleFormView):
    template_name = "marketplace/organisations/member_update.html"

    @cached_property
    def membership(self):
        return get_object_or_404(members_of(self.organisation), pk=self.kwargs["pk"])

    def get_membership(self):
        return self.membership

    def get_initial(self):
        membership = self.get_membership()
        return {"role": membership.role, "unit": membership.unit}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "membership": self.get_membership()}

    def form_valid(self, form):
        membership = self.get_membership()
        try:
            services.membership_update(
                membership=membership,
                role=form.cleaned_data["role"],
                unit=form.cleaned_data.get("unit"),
                by=self.request.user,
            )
        except DomainError as exc:
            form.add_domain_error(exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("The role of %(person)s is changed.") % {"person": membership.user.get_full_name()},
        )
        return self.redirect_after_member_change()


class MemberRemoveView(OrganisationMixin, TemplateView):
    """GET asks for confirmation; POST removes."""

    action = Action.MEMBERS_MANAGE
    template_name = "marketplace/organisations/member_remove.html"

    def get_membership(self):
        return get_object_or_404(members_of(self.organisation), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "membership": self.get_membership()}

    def post(self, request, *args, **kwargs):
        membership = self.get_membership()
        try:
            services.membership_remove(membership=membership, by=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect(self.members_url())
        messages.success(
            request,
            _("%(person)s no longer has the role %(role)s.")
            % {"person": membership.user.get_full_name(), "role": membership.get_role_display()},
        )
        return self.redirect_after_member_change()


class InvitationCreateView(OrganisationMixin, FormView):
    """The invitations page: who is invited, and a form to invite someone."""

    action = Action.MEMBERS_MANAGE
    template_name = "marketplace/organisations/invitation_create.html"
    form_class = InvitationForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "organisation": self.organisation}

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "invitations": pending_invitations_of(self.organisation),
            "ttl_days": settings.INVITATION_TTL_DAYS,
        }

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            invitation = invitation_services.invitation_create(
                organisation=self.organisation,
                email=data["email"],
                role=data["role"],
                unit=data.get("unit"),
                by=self.request.user,
            )
        except DomainError as exc:
            form.add_domain_error(exc)
            return self.form_invalid(form)
        messages.success(
            self.request, _("An invitation is sent to %(email)s.") % {"email": invitation.email}
        )
        return redirect("marketplace:invitation_create", slug=self.organisation.slug)


class InvitationRevokeView(OrganisationMixin, View):
    action = Action.MEMBERS_MANAGE
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        invitation = get_object_or_404(self.organisation.invitations, pk=kwargs["pk"])
        try:
            invitation_services.invitation_revoke(invitation=invitation, by=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("The invitation to %(email)s is withdrawn.") % {"email": invitation.email},
            )
        return redirect("marketplace:invitation_create", slug=self.organisation.slug)


class AccessRequestInviteView(RoleFormView):
    """Answer an access request with an invitation (GET: choose the role)."""

    template_name = "marketplace/organisations/access_request_invite.html"

    @cached_property
    def access_request(self):
        return get_object_or_404(open_access_requests_of(self.organisation), pk=self.kwargs["pk"])

    def get_access_request(self):
        return self.access_request

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "access_request": self.get_access_request()}

    def form_valid(self, form):
        access_request = self.get_access_request()
        try:
            invitation = invitation_services.access_request_invite(
                access_request=access_request,
                role=form.cleaned_data["role"],
                unit=form.cleaned_data.get("unit"),
                by=self.request.user,
            )
        except DomainError as exc:
            form.add_domain_error(exc)
            return self.form_invalid(form)
        messages.success(
            self.request, _("An invitation is sent to %(email)s.") % {"email": invitation.email}
        )
        return redirect(self.members_url())


class AccessRequestDismissView(OrganisationMixin, View):
    action = Action.MEMBERS_MANAGE
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        access_request = get_object_or_404(
            open_access_requests_of(self.organisation), pk=kwargs["pk"]
        )
        try:
            invitation_services.access_request_dismiss(
                access_request=access_request, by=request.user
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The request is dismissed."))
        return redirect(self.members_url())


@method_decorator(never_cache, name="dispatch")
class InvitationAcceptView(View):
    """The link in an invitation e-mail. The token is the only key; nothing else is needed."""

    template_name = "marketplace/organisations/invitation_accept.html"
    invalid_template_name = "marketplace/organisations/invitation_invalid.html"

    def dispatch(self, request, *args, **kwargs):
        self.invitation = invitation_by_token(kwargs["token"])
        if self.invitation is None:
            return render(
                request,
                self.invalid_template_name,
                {"reason": _("This invitation link is not valid. Check that it is complete.")},
                status=404,
            )
        problem = invitation_services.invitation_problem(self.invitation)
        if problem is not None:
            return render(
                request, self.invalid_template_name, {"reason": problem.message}, status=410
            )
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        return self.render_page(request)

    def post(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(self._with_next("account_login"))
        try:
            invitation_services.invitation_accept(invitation=self.invitation, user=request.user)
        except DomainError as exc:
            return self.render_page(request, error=exc.message, status=403)
        messages.success(
            request,
            _("Welcome to %(organisation)s.") % {"organisation": self.invitation.organisation.name},
        )
        return redirect("marketplace:organisation_detail", slug=self.invitation.organisation.slug)

    def render_page(self, request, *, error: str = "", status: int = 200):
        invitation = self.invitation
        user = request.user
        if not error and user.is_authenticated and not has_verified_email(user, invitation.email):
            error = invitation_services.email_mismatch_error(invitation).message
        context = {
            "invitation": invitation,
            "organisation": invitation.organisation,
            "error": error,
            "login_url": self._with_next("account_login"),
            "signup_url": self._with_next("account_signup"),
        }
        return render(request, self.template_name, context, status=status)

    def _with_next(self, viewname: str) -> str:
        return f"{reverse(viewname)}?{urlencode({'next': self.request.get_full_path()})}"
