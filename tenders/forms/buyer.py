"""Forms for the buyer's tender pages: the tender with its lots, criteria and requirements
(formsets), amendments, deadline extension, cancelling and documents.

Forms only collect input; the services in ``tenders.services.tenders`` apply every rule.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from marketplace.models import CpvCode, Municipality, OrganisationUnit
from marketplace.widgets import CpvPickerWidget
from tenders.forms.needs import OsloDateTimeInput
from tenders.models import (
    ClimateConsideration,
    Criterion,
    Need,
    Tender,
    Theme,
    cpv_contract_type_message,
)
from tenders.services.tender_rules import climate_problem
from tenders.services.tenders import TenderInput

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
OSLO_TIME_HELP = _("Norwegian time (Europe/Oslo).")
# "Title" alone is a person's job title in the Bokmål catalogue; a tender's is a "tittel".
TITLE_LABEL = pgettext_lazy("tender", "Title")


def deadline_field(label) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=False,
        widget=OsloDateTimeInput(),
        input_formats=DATETIME_FORMATS,
        help_text=OSLO_TIME_HELP,
    )


class TenderForm(forms.ModelForm):
    unit = forms.ModelChoiceField(label=_("Service area"), queryset=OrganisationUnit.objects.none())
    need = forms.ModelChoiceField(
        label=_("Originating need"), queryset=Need.objects.none(), required=False
    )
    main_cpv = forms.ModelChoiceField(
        label=_("Main CPV code"),
        queryset=CpvCode.objects.all(),
        to_field_name="code",
        required=False,
        widget=CpvPickerWidget(multiple=False),
        error_messages={"invalid_choice": _("Unknown CPV code.")},
    )
    additional_cpv = forms.ModelMultipleChoiceField(
        label=_("Additional CPV codes"),
        queryset=CpvCode.objects.all(),
        required=False,
        widget=CpvPickerWidget(),
    )
    municipalities = forms.ModelMultipleChoiceField(
        label=_("Place of delivery"),
        queryset=Municipality.objects.order_by("name"),
        required=False,
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("Themes"),
        queryset=Theme.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    question_deadline = deadline_field(_("Question deadline"))
    submission_deadline = deadline_field(_("Submission deadline"))
    opening_at = deadline_field(_("Bids opened from"))

    class Meta:
        model = Tender
        fields = [
            "title",
            "unit",
            "need",
            "description",
            "procedure",
            "contract_type",
            "estimated_value",
            "main_cpv",
            "additional_cpv",
            "municipalities",
            "themes",
            "question_deadline",
            "submission_deadline",
            "opening_at",
            "two_person_opening",
            "max_lots_per_bidder",
            "no_lots_justification",
            "joint_bids_allowed",
            "subcontracting_allowed",
            "doffin_reference",
            "is_pilot",
            "pilot_duration_months",
            "pilot_budget",
            "scale_up_option",
            "climate_consideration",
            "climate_consideration_note",
        ]
        labels = {"title": TITLE_LABEL}
        widgets = {
            "climate_consideration": forms.RadioSelect,
            "climate_consideration_note": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 8}),
            "no_lots_justification": forms.Textarea(attrs={"rows": 3}),
            "scale_up_option": forms.Textarea(attrs={"rows": 3}),
        }

    M2M = ("additional_cpv", "municipalities", "themes")

    def __init__(self, *args, units, needs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["need"].queryset = needs
        self.fields["description"].help_text = _(
            "Paragraphs, headings, lists, links and tables are kept; other markup is removed."
        )
        # Left unanswered, the duty is met by an award criterion (the model's default).
        self.fields["climate_consideration"].required = False
        self.fields["opening_at"].help_text = _(
            "When the bids may be opened, in Norwegian time (Europe/Oslo); the submission "
            "deadline when left empty."
        )

    def clean_climate_consideration(self) -> str:
        return self.cleaned_data.get("climate_consideration") or ClimateConsideration.CRITERION

    def clean(self):
        data = super().clean()
        opening, submission = data.get("opening_at"), data.get("submission_deadline")
        if opening and submission and opening < submission:
            self.add_error(
                "opening_at", _("The bids cannot be opened before the submission deadline.")
            )
        main_cpv, contract_type = data.get("main_cpv"), data.get("contract_type")
        if main_cpv and contract_type:
            message = cpv_contract_type_message(main_cpv.code, contract_type)
            if message:
                self.add_error("main_cpv", message)
        return data

    def tender_fields(self) -> dict:
        data = self.cleaned_data
        return {name: data[name] for name in self.Meta.fields if name not in self.M2M}


class LotForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    title = forms.CharField(label=TITLE_LABEL, max_length=300)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    estimated_value = forms.DecimalField(
        label=_("Estimated value (NOK excl. VAT)"),
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=0,
    )
    cpv_codes = forms.ModelMultipleChoiceField(
        label=_("CPV codes"),
        queryset=CpvCode.objects.all(),
        required=False,
        widget=CpvPickerWidget(),
    )
    municipalities = forms.ModelMultipleChoiceField(
        label=_("Place of delivery"), queryset=Municipality.objects.order_by("name"), required=False
    )
    suitable_for_smb = forms.BooleanField(
        label=_("Suitable for small and medium businesses"), required=False
    )


class CriterionForm(forms.Form):
    name = forms.CharField(label=_("Criterion"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    weight = forms.IntegerField(label=_("Weight (%)"), min_value=1, max_value=100)
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=Criterion.Kind.choices,
        initial=Criterion.Kind.QUALITY,
        required=False,
    )

    def clean_kind(self) -> str:
        return self.cleaned_data.get("kind") or Criterion.Kind.QUALITY


class RequirementForm(forms.Form):
    text = forms.CharField(
        label=_("Requirement"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    documentation = forms.CharField(
        label=_("Documentation asked for"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


LotFormSet = forms.formset_factory(LotForm, extra=1, can_delete=True, max_num=50)
CriterionFormSet = forms.formset_factory(CriterionForm, extra=1, can_delete=True, max_num=30)
RequirementFormSet = forms.formset_factory(RequirementForm, extra=1, can_delete=True, max_num=50)


def _kept(formset) -> list[dict]:
    """The parts to keep: every existing one not ticked for deletion, and filled-in new ones."""
    kept = []
    for index, form in enumerate(formset.forms):
        existing = index < formset.initial_form_count()
        if not (existing or form.has_changed()) or not form.cleaned_data:
            continue
        if form.cleaned_data.get("DELETE"):
            continue
        kept.append({key: value for key, value in form.cleaned_data.items() if key != "DELETE"})
    return kept


class TenderForms:
    """The tender form and its three formsets, bound or unbound together."""

    def __init__(self, data=None, *, units, needs, tender: Tender | None = None, amend=False):
        initial, lots, criteria, requirements = {}, [], [], []
        if tender is not None:
            initial = {
                "main_cpv": tender.main_cpv.code if tender.main_cpv_id else "",
            }
            lots = [
                {
                    "id": lot.pk,
                    "title": lot.title,
                    "description": lot.description,
                    "estimated_value": lot.estimated_value,
                    "cpv_codes": [code.code for code in lot.cpv_codes.all()],
                    "municipalities": list(lot.municipalities.all()),
                    "suitable_for_smb": lot.suitable_for_smb,
                }
                for lot in tender.lots.all()
            ]
            criteria = [
                {"name": c.name, "description": c.description, "weight": c.weight, "kind": c.kind}
                for c in tender.criteria.all()
            ]
            requirements = [
                {"text": r.text, "documentation": r.documentation}
                for r in tender.requirements.all()
            ]
            # The form works on a copy, so a failed submission leaves the tender as it was.
            tender = Tender.objects.get(pk=tender.pk)
        self.tender = TenderForm(data, instance=tender, initial=initial, units=units, needs=needs)
        self.lots = LotFormSet(data, initial=lots, prefix="lots")
        self.criteria = CriterionFormSet(data, initial=criteria, prefix="criteria")
        self.requirements = RequirementFormSet(data, initial=requirements, prefix="requirements")
        self.amend = AmendmentForm(data) if amend else None

    @property
    def all(self) -> list:
        forms_ = [self.tender, self.lots, self.criteria, self.requirements]
        return forms_ + ([self.amend] if self.amend is not None else [])

    @property
    def summary_forms(self) -> list:
        """The forms whose errors the summary at the top lists (the formsets' forms one by one)."""
        forms_ = [self.tender]
        for formset in (self.lots, self.criteria, self.requirements):
            forms_ += [form for form in formset.forms if form.errors]
        return forms_ + ([self.amend] if self.amend is not None else [])

    def is_valid(self) -> bool:
        if not all([form.is_valid() for form in self.all]):
            return False
        # FOA § 7-9: with two or more criteria, climate and environment weigh at least 30 %
        # unless the tender says it is covered otherwise (the rule lives in tender_rules).
        problem = climate_problem(
            self.tender.cleaned_data["climate_consideration"],
            [(item["kind"], item["weight"]) for item in _kept(self.criteria)],
        )
        if problem:
            self.tender.add_error("climate_consideration", problem)
            return False
        return True

    def tender_input(self) -> TenderInput:
        data = self.tender.cleaned_data
        return TenderInput(
            fields=self.tender.tender_fields(),
            additional_cpv=list(data["additional_cpv"]),
            municipalities=list(data["municipalities"]),
            themes=list(data["themes"]),
            lots=_kept(self.lots),
            criteria=_kept(self.criteria),
            requirements=_kept(self.requirements),
        )

    def add_error(self, field: str | None, message) -> None:
        """Put a service's error next to its field (a part's errors go above its formset)."""
        if field in self.tender.fields:
            self.tender.add_error(field, message)
        elif field == "criteria":
            self.criteria_errors.append(message)
        elif self.amend is not None and field in self.amend.fields:
            self.amend.add_error(field, message)
        else:
            self.tender.add_error(None, message)

    @property
    def criteria_errors(self) -> list:
        if not hasattr(self, "_criteria_errors"):
            self._criteria_errors = []
        return self._criteria_errors


class AmendmentForm(forms.Form):
    summary = forms.CharField(
        label=_("What changed and why"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown to everyone in the tender's history, and sent to its followers."),
    )


class ExtendDeadlineForm(forms.Form):
    submission_deadline = forms.DateTimeField(
        label=_("New submission deadline"),
        widget=OsloDateTimeInput(),
        input_formats=DATETIME_FORMATS,
        help_text=OSLO_TIME_HELP,
    )
    question_deadline = deadline_field(_("New question deadline"))
    reason = forms.CharField(
        label=_("Reason"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for cancelling"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Everyone can read it on the tender's page."),
    )


class DocumentForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, Word, Excel, PowerPoint, OpenDocument, PNG or JPEG."),
    )
    title = forms.CharField(label=TITLE_LABEL, max_length=200, required=False)
    summary = forms.CharField(
        label=_("What was added and why"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required once the tender is published: adding a document is an amendment."),
    )


class DocumentRemoveForm(forms.Form):
    summary = forms.CharField(
        label=_("Why the document is withdrawn"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
