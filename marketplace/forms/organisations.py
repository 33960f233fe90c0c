"""Forms for organisations, members and invitations. Services do the work; forms take input."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from marketplace.errors import DomainError
from marketplace.forms.errors import add_service_error
from marketplace.models import Organisation, OrganisationUnit, Role
from marketplace.selectors.organisations import units_of
from marketplace.validators import clean_org_number


class DesignsystemetForm(forms.Form):
    """Gives every widget Designsystemet's input class."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            classes = field.widget.attrs.get("class", "")
            field.widget.attrs["class"] = f"{classes} ds-input".strip()

    def add_domain_error(self, error: DomainError) -> None:
        """Show a refusal from a service next to its field (or above the form)."""
        add_service_error(self, error)


class SupplierRegistrationForm(DesignsystemetForm):
    name = forms.CharField(
        label=_("Organisation name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    org_number = forms.CharField(
        label=_("Organisation number"),
        max_length=20,
        help_text=_("Nine digits, as in the Brønnøysund Register Centre."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    website = forms.URLField(
        label=_("Website"),
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"autocomplete": "url"}),
    )

    def clean_org_number(self) -> str:
        return clean_org_number(self.cleaned_data["org_number"])


class OrganisationEditForm(DesignsystemetForm):
    name = forms.CharField(label=_("Organisation name"), max_length=200)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")


class _UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: OrganisationUnit) -> str:
        return obj.display_name


class RoleForm(DesignsystemetForm):
    """A role in ``organisation``; for a buyer, optionally limited to one of its units."""

    role = forms.ChoiceField(label=_("Role"))
    unit = _UnitChoiceField(
        label=_("Unit"),
        required=False,
        queryset=OrganisationUnit.objects.none(),
        empty_label=_("The whole organisation"),
        help_text=_("Limit the role to one unit, or leave it for the whole organisation."),
    )

    def __init__(self, *args, organisation: Organisation, **kwargs):
        self.organisation = organisation
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [
            (role.value, role.label) for role in Role.for_kind(organisation.kind)
        ]
        if organisation.is_buyer:
            self.fields["unit"].queryset = units_of(organisation)
        else:
            del self.fields["unit"]


class InvitationForm(RoleForm):
    email = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    field_order = ["email", "role", "unit"]
