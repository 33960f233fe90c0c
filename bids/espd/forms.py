"""Forms of the ESPD pages: the buyer's choice of criteria, a bidding organisation's answers
(built from the request's criteria), and the import of an ESPD XML file."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from bids.espd import answers as espd_answers
from bids.espd import requirements as espd_requirements
from bids.espd.names import question_text
from bids.espd.services import ResponseContent
from bids.espd.taxonomy import groups
from bids.espd.xml import Party
from bids.models import EspdCriterion
from marketplace.models import SmeCategory


class CriterionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: EspdCriterion) -> str:
        return obj.name


class EspdRequestForm(forms.Form):
    exclusion = CriterionChoiceField(
        label=_("Exclusion grounds"),
        queryset=EspdCriterion.objects.filter(kind=EspdCriterion.Kind.EXCLUSION),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    selection = CriterionChoiceField(
        label=_("Selection criteria"),
        queryset=EspdCriterion.objects.filter(kind=EspdCriterion.Kind.SELECTION),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, stateable: list[EspdCriterion] = (), requirements=None, **kwargs):
        """``stateable``: the selection criteria whose requirements the page offers to state
        (``bids.espd.requirements``); ``requirements``: those stated so far, by property id."""
        super().__init__(*args, **kwargs)
        requirements = requirements or {}
        self._requirements: dict[str, str] = {}  # field name → property id
        self.requirement_sections: list[tuple[EspdCriterion, list[str]]] = []
        for criterion in stateable:
            names = []
            for index, prop in enumerate(espd_requirements.stateable(criterion)):
                name = f"req_{criterion.pk}_{index}"
                kind = espd_requirements.STATED[prop.value_type]
                if kind == "text":
                    field = forms.CharField(
                        max_length=espd_requirements.MAX_TEXT,
                        widget=forms.Textarea(attrs={"rows": 2}),
                    )
                else:
                    field = forms.CharField(
                        max_length=40,
                        widget=forms.TextInput(
                            attrs={"inputmode": "decimal" if kind != "integer" else "numeric"}
                        ),
                        help_text=_("NOK") if kind == "amount" else "",
                    )
                field.required = False
                field.label = question_text(prop.description)
                field.initial = requirements.get(prop.id, "")
                self.fields[name] = field
                self._requirements[name] = prop.id
                names.append(name)
            if names:
                self.requirement_sections.append((criterion, names))

    @property
    def criteria(self) -> list[EspdCriterion]:
        return [*self.cleaned_data["exclusion"], *self.cleaned_data["selection"]]

    @property
    def requirements(self) -> dict[str, str]:
        """The stated requirements by property id (the service cleans them)."""
        return {
            prop_id: self.cleaned_data.get(name) or ""
            for name, prop_id in self._requirements.items()
        }

    def field_of(self, property_id: str) -> str | None:
        return next((n for n, p in self._requirements.items() if p == property_id), None)

    def requirement_layout(self) -> list[dict]:
        return [
            {"criterion": criterion, "fields": [self[name] for name in names]}
            for criterion, names in self.requirement_sections
        ]


INDICATOR_CHOICES = [("true", _("Yes")), ("false", _("No"))]
ROLE_CHOICES = [
    ("", "—"),
    ("group-lead", _("Leader of the group")),
    ("group-mem", _("Member of the group")),
]


@dataclass
class Row:
    """A question on the page: its form field(s), how deep it sits and when it is asked."""

    names: list[str]
    depth: int
    condition: str  # "", "yes", "no"


@dataclass
class Section:
    criterion: EspdCriterion
    rows: list[Row]


class EspdAnswerForm(forms.Form):
    """The organisation's details and an answer field per question of every criterion.

    Nothing is required here: a half-done ESPD can be saved; the bid's completeness check says
    what is still missing. A malformed value is a field error.
    """

    street = forms.CharField(label=_("Street address"), max_length=200, required=False)
    postal_code = forms.CharField(label=_("Postal code"), max_length=20, required=False)
    city = forms.CharField(label=_("Postal place"), max_length=100, required=False)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    contact_name = forms.CharField(label=_("Contact person"), max_length=200, required=False)
    contact_phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    contact_email = forms.EmailField(label=_("E-mail address"), required=False)
    size = forms.ChoiceField(
        label=_("Size of the organisation"),
        choices=[("", "—"), *SmeCategory.choices],
        required=False,
    )
    PARTY_FIELDS = (
        "street",
        "postal_code",
        "city",
        "website",
        "contact_name",
        "contact_phone",
        "contact_email",
        "size",
    )

    def __init__(
        self,
        *args,
        criteria: list[EspdCriterion],
        content: ResponseContent,
        requirements: dict[str, str] | None = None,
        **kwargs,
    ):
        self.content = content
        self.requirements = requirements or {}  # what the buyer requires, by property id
        initial = {name: getattr(content.party, name) for name in self.PARTY_FIELDS}
        self.sections: list[Section] = []
        self._questions: dict[str, tuple[str, str]] = {}  # field name → (property id, type)
        super().__init__(*args, initial=initial, **kwargs)
        for c_index, criterion in enumerate(criteria):
            rows = []
            for q_index, item in enumerate(espd_answers.every_question(groups(criterion.xml))):
                rows.append(self._add(f"c{c_index}q{q_index}", item, content.answers))
            self.sections.append(Section(criterion, rows))

    def _add(self, name: str, item: espd_answers.Asked, answers: dict[str, str]) -> Row:
        prop = item.property
        label = question_text(prop.description)
        value = answers.get(prop.id, "")
        condition = {"ONTRUE": "yes", "ONFALSE": "no"}.get(item.group.type, "")
        self._questions[name] = (prop.id, prop.value_type)
        if prop.value_type == "PERIOD":
            start, _sep, end = value.partition("/")
            self.fields[name + "_start"] = forms.CharField(
                label=_("%(question)s: from") % {"question": label},
                required=False,
                widget=forms.DateInput(attrs={"type": "date"}),
                initial=start,
            )
            self.fields[name + "_end"] = forms.CharField(
                label=_("%(question)s: to") % {"question": label},
                required=False,
                widget=forms.DateInput(attrs={"type": "date"}),
                initial=end,
            )
            return Row([name + "_start", name + "_end"], item.depth, condition)
        if prop.value_type == "INDICATOR":
            field = forms.ChoiceField(
                choices=INDICATOR_CHOICES, widget=forms.RadioSelect, required=False
            )
        elif prop.value_type == "CODE" and "role" in prop.description.lower():
            field = forms.ChoiceField(choices=ROLE_CHOICES, required=False)
        elif prop.value_type == "DATE":
            field = forms.CharField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
        elif prop.value_type == "DESCRIPTION":
            field = forms.CharField(
                required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
            )
        elif prop.value_type in espd_answers.AMOUNT_TYPES:
            field = forms.CharField(
                required=False,
                widget=forms.TextInput(attrs={"inputmode": "decimal"}),
                help_text=_("NOK"),
            )
        elif prop.value_type == "EVIDENCE_IDENTIFIER":
            field = forms.URLField(
                required=False, assume_scheme="https", help_text=_("Where the buyer can check it.")
            )
        else:
            field = forms.CharField(required=False, max_length=4000)
        field.label = label
        field.initial = value
        self.fields[name] = field
        return Row([name], item.depth, condition)

    def clean(self):
        cleaned = super().clean()
        answers: dict[str, str] = {}
        for name, (prop_id, value_type) in self._questions.items():
            if value_type == "PERIOD":
                start = (cleaned.get(name + "_start") or "").strip()
                end = (cleaned.get(name + "_end") or "").strip()
                text = f"{start}/{end}" if start or end else ""
                target = name + "_start"
            else:
                text = str(cleaned.get(name) or "")
                target = name
            try:
                value = espd_answers.clean_value(value_type, text)
            except espd_answers.InvalidAnswer as error:
                self.add_error(target, str(error))
                continue
            if value:
                answers[prop_id] = value
        self.answers = answers
        return cleaned

    def response_content(self) -> ResponseContent:
        party = Party.from_dict(
            {
                **self.content.party.to_dict(),
                **{name: self.cleaned_data.get(name) or "" for name in self.PARTY_FIELDS},
            }
        )
        return ResponseContent(party=party, answers=self.answers, group_name="")

    def layout(self) -> list[dict]:
        """The criteria with their questions' bound fields, for the template."""
        return [
            {
                "criterion": section.criterion,
                "requirements": espd_requirements.stated(section.criterion, self.requirements),
                "rows": [
                    {
                        "fields": [self[name] for name in row.names],
                        "depth": row.depth,
                        "condition": row.condition,
                    }
                    for row in section.rows
                ],
            }
            for section in self.sections
        ]


class EspdImportForm(forms.Form):
    file = forms.FileField(
        label=_("ESPD response (XML)"),
        help_text=_("An ESPD response in ESPD-EDM 4.1.0 format, made in another tool."),
    )
