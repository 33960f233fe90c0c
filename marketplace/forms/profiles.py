"""Forms for the supplier profile, its references and its contact person.

The forms take input and check it; services write. The profile form is a ``ModelForm`` so field
labels and choices come from the model, but the view hands ``cleaned_data`` to
``profile_update()`` rather than calling ``save()``.
"""

from __future__ import annotations

import re
from collections import defaultdict

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from marketplace.forms.errors import add_service_error
from marketplace.models import (
    Certification,
    ContactPerson,
    County,
    CpvCode,
    IndustryCode,
    Municipality,
    SupplierProfile,
    SupplierReference,
)
from marketplace.models.profiles import (
    MAX_KEYWORD_LENGTH,
    MAX_KEYWORDS,
    clean_keywords,
    validate_not_future_year,
)
from marketplace.widgets import CpvPickerWidget

PHONE_RE = re.compile(r"^\+?[0-9 ]+$")
PHONE_MIN_DIGITS, PHONE_MAX_DIGITS = 8, 15


class DesignsystemetModelForm(forms.ModelForm):
    """Gives every widget Designsystemet's input class (as ``DesignsystemetForm`` does)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for form_field in self.fields.values():
            classes = form_field.widget.attrs.get("class", "")
            form_field.widget.attrs["class"] = f"{classes} ds-input".strip()

    def add_domain_error(self, error) -> None:
        """Show a refusal from a service next to its field (or above the form)."""
        add_service_error(self, error)


def municipality_choices() -> list[tuple[str, list[tuple[int, str]]]]:
    """Municipalities grouped by county, for ``<optgroup>``s (one query)."""
    groups: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for municipality in Municipality.objects.select_related("county").order_by(
        "county__number", "name"
    ):
        groups[municipality.county.name].append((municipality.pk, municipality.name))
    return list(groups.items())


class IndustryCodeField(forms.ModelChoiceField):
    """An SN2007 code typed as text (``62.010``); the Brønnøysund lookup fills it in."""

    default_error_messages = {
        "invalid_choice": _("There is no SN2007 code %(value)s. Write it like 62.010."),
    }

    def to_python(self, value):
        return super().to_python(value.strip() if isinstance(value, str) else value)


class KeywordsField(forms.CharField):
    """Comma-separated keywords, cleaned to a list: trimmed, without duplicates, limited."""

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(value)
        return value

    def to_python(self, value):
        text = super().to_python(value)
        return clean_keywords(text.split(",")) if text else []

    def validate(self, value):
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")


class ProfileForm(DesignsystemetModelForm):
    """The whole profile, shown in sections (``SECTIONS``)."""

    SECTIONS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
        (
            "about",
            _("About the business"),
            (
                "description_nb",
                "description_en",
                "street_address",
                "postal_code",
                "postal_place",
                "municipality",
            ),
        ),
        ("capabilities", _("What you deliver"), ("cpv_codes", "keywords", "industry_code")),
        (
            "where",
            _("Where you deliver"),
            ("delivers_nationwide", "delivery_counties", "delivery_municipalities"),
        ),
        (
            "size",
            _("Size and stage"),
            ("employee_band", "turnover_band", "stage", "founded_year"),
        ),
        ("credentials", _("Certifications"), ("certifications", "other_certifications")),
        (
            "pilots",
            _("Pilots and test arenas"),
            ("technology_readiness_level", "open_to_pilots", "interested_in_test_arenas"),
        ),
        (
            "visibility",
            _("Who sees what"),
            ("size_visibility", "references_visibility", "contact_visibility"),
        ),
    )

    cpv_codes = forms.ModelMultipleChoiceField(
        label=_("Capabilities (CPV codes)"),
        queryset=CpvCode.objects.all(),
        required=False,
        widget=CpvPickerWidget(),
        help_text=_("The CPV codes of what you deliver. Buyers' needs are matched against them."),
    )
    keywords = KeywordsField(
        label=_("Keywords"),
        required=False,
        max_length=MAX_KEYWORDS * (MAX_KEYWORD_LENGTH + 2),
        help_text=lazy(
            lambda: (
                _(
                    "Separate them with commas. At most %(count)d keywords of up to %(length)d "
                    "characters each."
                )
                % {"count": MAX_KEYWORDS, "length": MAX_KEYWORD_LENGTH}
            ),
            str,
        )(),
    )
    industry_code = IndustryCodeField(
        label=_("Industry code (SN2007)"),
        queryset=IndustryCode.objects.all(),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 8}),
        help_text=_("As registered in the Brønnøysund Register Centre, for example 62.010."),
    )
    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.all(),
        required=False,
    )
    delivery_counties = forms.ModelMultipleChoiceField(
        label=_("Whole counties"),
        queryset=County.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    delivery_municipalities = forms.ModelMultipleChoiceField(
        label=_("Municipalities"),
        queryset=Municipality.objects.all(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text=_("Choose several with Ctrl (Cmd on a Mac) or Shift."),
    )
    certifications = forms.ModelMultipleChoiceField(
        label=_("Certifications"),
        queryset=Certification.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    founded_year = forms.IntegerField(
        label=_("Year founded"),
        required=False,
        min_value=1800,
        validators=[validate_not_future_year],
        error_messages={
            "min_value": _("The year founded must be 1800 or later."),
            "invalid": _("Write the year with four digits, for example 2019."),
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    technology_readiness_level = forms.IntegerField(
        label=_("Technology readiness level (TRL)"),
        required=False,
        min_value=1,
        max_value=9,
        error_messages={
            "min_value": _("Choose a level from 1 to 9."),
            "max_value": _("Choose a level from 1 to 9."),
            "invalid": _("Choose a level from 1 to 9."),
        },
        help_text=_("1 (basic principles observed) to 9 (proven in operation)."),
    )

    class Meta:
        model = SupplierProfile
        fields = [
            "description_nb",
            "description_en",
            "street_address",
            "postal_code",
            "postal_place",
            "municipality",
            "cpv_codes",
            "keywords",
            "industry_code",
            "delivers_nationwide",
            "delivery_counties",
            "delivery_municipalities",
            "employee_band",
            "turnover_band",
            "stage",
            "founded_year",
            "certifications",
            "other_certifications",
            "technology_readiness_level",
            "open_to_pilots",
            "interested_in_test_arenas",
            "size_visibility",
            "references_visibility",
            "contact_visibility",
        ]
        widgets = {
            "description_nb": forms.Textarea(attrs={"rows": 6}),
            "description_en": forms.Textarea(attrs={"rows": 6}),
            "street_address": forms.TextInput(attrs={"autocomplete": "street-address"}),
            "postal_code": forms.TextInput(
                attrs={"autocomplete": "postal-code", "inputmode": "numeric", "size": 4}
            ),
            "postal_place": forms.TextInput(attrs={"autocomplete": "address-level2"}),
            "size_visibility": forms.RadioSelect,
            "references_visibility": forms.RadioSelect,
            "contact_visibility": forms.RadioSelect,
        }
        help_texts = {
            "description_nb": _("What you deliver and for whom. Bokmål or English is enough."),
            "description_en": _("For international founders and buyers."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        grouped = municipality_choices()
        self.fields["municipality"].choices = [("", "---------"), *grouped]
        self.fields["delivery_municipalities"].choices = grouped
        self.fields["postal_code"].validators.append(_validate_postal_code)

    def clean(self):
        cleaned = super().clean()
        if self.instance.is_published and not (
            cleaned.get("description_nb") or cleaned.get("description_en")
        ):
            self.add_error(
                "description_nb",
                _("A listed profile needs a description. Write one in Bokmål or English."),
            )
        return cleaned

    def sections(self):
        """``(id, legend, [bound fields])`` for each fieldset of the form."""
        return [
            (key, legend, [self[name] for name in names]) for key, legend, names in self.SECTIONS
        ]

    def profile_data(self) -> dict:
        """``cleaned_data`` as ``profile_update()`` takes it."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


def _validate_postal_code(value: str) -> None:
    if value and not (len(value) == 4 and value.isdigit()):
        raise ValidationError(_("A postal code has four digits."), code="postal_code")


class ReferenceForm(DesignsystemetModelForm):
    year = forms.IntegerField(
        label=_("Year"),
        min_value=1900,
        validators=[validate_not_future_year],
        error_messages={"min_value": _("The year must be 1900 or later.")},
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    class Meta:
        model = SupplierReference
        fields = ["customer", "public_sector", "year", "value_band", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"customer": _("The organisation you delivered to.")}

    def reference_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


def validate_phone(value: str) -> None:
    """A Norwegian or international number: an optional +, digits and spaces, 8–15 digits."""
    digits = sum(ch.isdigit() for ch in value)
    if not PHONE_RE.match(value) or not PHONE_MIN_DIGITS <= digits <= PHONE_MAX_DIGITS:
        raise ValidationError(
            _("Write a phone number with 8 to 15 digits, for example +47 22 33 44 55."),
            code="phone",
        )


class ContactForm(DesignsystemetModelForm):
    phone = forms.CharField(
        label=_("Phone"),
        required=False,
        max_length=30,
        validators=[validate_phone],
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )

    class Meta:
        model = ContactPerson
        fields = ["name", "title", "email", "phone"]
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "title": forms.TextInput(attrs={"autocomplete": "organization-title"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
        }
        help_texts = {
            "email": _(
                "If the person has an account here with this address, they can download and "
                "erase their data themselves."
            )
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = True

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not (cleaned.get("email") or cleaned.get("phone")):
            self.add_error("email", _("Give an e-mail address or a phone number."))
        return cleaned

    def contact_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}
