"""Forms for questions and answers, need responses, invitations."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from marketplace.models import Organisation
from marketplace.validators import clean_org_number
from tenders.models import NeedResponse


class SupplierChoiceMixin:
    """Adds an "on behalf of" choice when the person speaks for more than one supplier."""

    def _setup_organisations(self, organisations):
        self.organisations = list(organisations)
        if len(self.organisations) > 1:
            self.fields["organisation"] = forms.ModelChoiceField(
                label=_("On behalf of"),
                queryset=Organisation.objects.filter(pk__in=[o.pk for o in self.organisations]),
                empty_label=None,
            )
            self.order_fields(["organisation"])

    def chosen_organisation(self) -> Organisation | None:
        if "organisation" in self.fields:
            return self.cleaned_data["organisation"]
        return self.organisations[0] if self.organisations else None


class QuestionForm(SupplierChoiceMixin, forms.Form):
    text = forms.CharField(
        label=_("Your question"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "The question and the answer are published to everyone without your name or your "
            "company's."
        ),
    )

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_organisations(organisations)


class AnswerForm(forms.Form):
    published_question = forms.CharField(
        label=_("Question as published"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Remove anything that could tell who asked. Left empty, the question is published "
            "as asked."
        ),
    )
    answer = forms.CharField(
        label=_("Answer"), max_length=10000, widget=forms.Textarea(attrs={"rows": 6})
    )


class NeedResponseForm(SupplierChoiceMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("How do you respond?"),
        choices=NeedResponse.Kind.choices,
        widget=forms.RadioSelect,
        initial=NeedResponse.Kind.INTEREST,
    )
    sketch = forms.CharField(
        label=_("Solution sketch"),
        max_length=10000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Only the buyer reads your sketch. Other suppliers never see it."),
    )

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_organisations(organisations)

    def clean(self):
        data = super().clean()
        if data.get("kind") == NeedResponse.Kind.SKETCH and not (data.get("sketch") or "").strip():
            self.add_error("sketch", _("Describe your solution, or register interest only."))
        return data


class InvitationForm(forms.Form):
    org_number = forms.CharField(
        label=_("Supplier's organisation number"),
        max_length=20,
        help_text=_("Nine digits. The supplier must be registered on Pilotmarked."),
    )
    message = forms.CharField(
        label=_("Message"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_org_number(self):
        number = clean_org_number(self.cleaned_data["org_number"])
        supplier = Organisation.objects.suppliers().filter(org_number=number).first()
        if supplier is None:
            raise forms.ValidationError(
                _("No supplier with this organisation number is registered."),
                code="unknown_supplier",
            )
        self.supplier = supplier
        return number
