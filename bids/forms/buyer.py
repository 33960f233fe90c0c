"""Forms of the buyer's bid pages. They only collect input; the services apply every rule."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from bids.models import QualificationAssessment
from marketplace.models import User

POINTS_HELP = _("From 0 to 10; up to two decimals.")


def points_field(label, *, required: bool = False) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=Decimal("0"),
        max_value=Decimal("10"),
        decimal_places=2,
        max_digits=4,
        help_text=POINTS_HELP,
        widget=forms.NumberInput(attrs={"step": "0.25", "inputmode": "decimal"}),
    )


class AssignEvaluatorForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Evaluator"), queryset=User.objects.none())

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["user"]
        field.queryset = candidates
        # Read once: the choices to show, and whether there is anyone at all (the page explains
        # an empty list). Validation still asks the queryset.
        people = list(candidates)
        self.has_candidates = bool(people)
        field.choices = [
            ("", field.empty_label),
            *((user.pk, f"{user} <{user.email}>") for user in people),
        ]


class QualificationForm(forms.Form):
    result = forms.ChoiceField(
        label=_("Qualification"),
        choices=QualificationAssessment.Result.choices,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the bidder is rejected."),
    )


class ScoreSheetForm(forms.Form):
    """One evaluator's points and comment per (lot, criterion) of one bid."""

    def __init__(self, *args, lots, criteria, initial_scores=None, consensus=False, **kwargs):
        super().__init__(*args, **kwargs)
        initial_scores = initial_scores or {}
        self.rows = []
        text_name, text_label = (
            ("rationale", _("Rationale")) if consensus else ("comment", _("Comment"))
        )
        for lot in lots:
            for criterion in criteria:
                key = f"{lot.pk}_{criterion.pk}"
                points_name, text_field = f"points_{key}", f"{text_name}_{key}"
                existing = initial_scores.get((lot.pk, criterion.pk))
                self.fields[points_name] = points_field(
                    _("Points for “%(criterion)s”, lot %(lot)s")
                    % {"criterion": criterion.name, "lot": lot.number}
                )
                self.fields[text_field] = forms.CharField(
                    label=_("%(what)s on “%(criterion)s”, lot %(lot)s")
                    % {"what": text_label, "criterion": criterion.name, "lot": lot.number},
                    required=False,
                    max_length=5000,
                    widget=forms.Textarea(attrs={"rows": 2}),
                )
                if existing is not None:
                    self.initial[points_name] = existing.points
                    self.initial[text_field] = getattr(existing, text_name)
                self.rows.append(
                    {
                        "lot": lot,
                        "criterion": criterion,
                        "points": self[points_name],
                        "text": self[text_field],
                        "points_name": points_name,
                        "text_name": text_field,
                    }
                )

    def entries(self):
        """(lot, criterion, points, text) for every row with points given."""
        for row in self.rows:
            points = self.cleaned_data.get(row["points_name"])
            if points is not None:
                yield row, points, self.cleaned_data.get(row["text_name"], "")


class AwardForm(forms.Form):
    bid = forms.TypedChoiceField(label=_("Winning bid"), coerce=int)
    reasons = forms.CharField(
        label=_("Reasons for the award"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Every bidder on the lot reads them in their letter."),
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bid"].choices = choices


class WithdrawAwardForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for withdrawing the award"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The bidders on the lot are told, with this reason."),
    )
