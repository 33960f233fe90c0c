"""Forms for the bidding side. They only collect input; ``bids.services`` applies every rule.

The bid form is built from the tender: a checkbox and a price per lot (or for the whole contract
when the tender has no lots), an answer per qualification requirement and per criterion, a
covering message, and — when the tender allows it — subcontractors in a small formset.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.no import orgnr

from bids.content import BidContent, Subcontractor
from bids.services.bids import lot_choices


class BidForm(forms.Form):
    message = forms.CharField(
        label=_("Covering message"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, tender, content: BidContent | None = None, **kwargs):
        content = content or BidContent()
        kwargs.setdefault("initial", {})
        super().__init__(*args, **kwargs)
        self.tender = tender
        self.lot_rows = []
        for key, label in lot_choices(tender):
            chosen, price = f"lot_{key}", f"price_{key}"
            self.fields[chosen] = forms.BooleanField(
                label=_("Bid on %(lot)s") % {"lot": label}, required=False
            )
            self.fields[price] = forms.DecimalField(
                label=_("Price for %(lot)s (NOK excl. VAT)") % {"lot": label},
                required=False,
                min_value=Decimal("0"),
                max_digits=14,
                decimal_places=2,
            )
            self.initial[chosen] = key in content.prices
            self.initial[price] = content.prices.get(key)
            self.lot_rows.append((chosen, price))
        self.requirement_fields = []
        for requirement in tender.requirements.order_by("order", "pk"):
            name = f"requirement_{requirement.pk}"
            self.fields[name] = forms.CharField(
                label=requirement.text,
                help_text=requirement.documentation,
                required=False,
                max_length=10000,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
            self.initial[name] = content.qualification.get(requirement.pk, "")
            self.requirement_fields.append(name)
        self.criterion_fields = []
        for criterion in tender.criteria.order_by("order", "pk"):
            name = f"criterion_{criterion.pk}"
            self.fields[name] = forms.CharField(
                label=_("%(name)s (weight %(weight)s %%)")
                % {"name": criterion.name, "weight": criterion.weight},
                help_text=criterion.description,
                required=False,
                max_length=20000,
                widget=forms.Textarea(attrs={"rows": 4}),
            )
            self.initial[name] = content.criteria.get(criterion.pk, "")
            self.criterion_fields.append(name)
        self.initial["message"] = content.message
        self.fields["message"] = self.fields.pop("message")  # last, after the answers

    def lot_fields(self):
        return [(self[chosen], self[price]) for chosen, price in self.lot_rows]

    def requirement_bound_fields(self):
        return [self[name] for name in self.requirement_fields]

    def criterion_bound_fields(self):
        return [self[name] for name in self.criterion_fields]

    def clean(self):
        data = super().clean()
        for chosen, price in self.lot_rows:
            if data.get(price) is not None and not data.get(chosen):
                self.add_error(chosen, _("Tick the lot you give a price for."))
        return data

    def content(self, subcontractors: list[Subcontractor]) -> BidContent:
        data = self.cleaned_data
        prices = {}
        for key, _label in lot_choices(self.tender):
            if data.get(f"lot_{key}"):
                prices[key] = data.get(f"price_{key}")
        return BidContent(
            prices=prices,
            qualification={
                int(name.split("_")[1]): data.get(name, "") for name in self.requirement_fields
            },
            criteria={
                int(name.split("_")[1]): data.get(name, "") for name in self.criterion_fields
            },
            subcontractors=subcontractors,
            message=data.get("message", ""),
        )


class SubcontractorForm(forms.Form):
    name = forms.CharField(label=_("Subcontractor's name"), max_length=200)
    org_number = forms.CharField(label=_("Organisation number"), max_length=11)
    share_percent = forms.DecimalField(
        label=_("Share of the work (per cent)"),
        min_value=Decimal("0.01"),
        max_value=Decimal("100"),
        max_digits=5,
        decimal_places=2,
    )
    work = forms.CharField(
        label=_("Work the subcontractor does"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_org_number(self):
        try:
            return orgnr.validate(self.cleaned_data["org_number"])
        except StdnumError:
            raise forms.ValidationError(
                _("Give a valid organisation number (nine digits).")
            ) from None


SubcontractorFormSet = forms.formset_factory(
    SubcontractorForm, extra=1, can_delete=True, max_num=20
)


def subcontractors_from(formset) -> list[Subcontractor]:
    items = []
    for form in formset.forms:
        if not form.has_changed() or form.cleaned_data.get("DELETE"):
            continue
        data = form.cleaned_data
        items.append(
            Subcontractor(
                name=data["name"],
                org_number=data["org_number"],
                share_percent=data["share_percent"],
                work=data.get("work", ""),
            )
        )
    return items


def subcontractor_initial(content: BidContent) -> list[dict]:
    return [
        {
            "name": item.name,
            "org_number": item.org_number,
            "share_percent": item.share_percent,
            "work": item.work,
        }
        for item in content.subcontractors
    ]


class StartBidForm(forms.Form):
    supplier = forms.ModelChoiceField(label=_("Bid as"), queryset=None, empty_label=None)

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supplier"].queryset = organisations


class BidDocumentForm(forms.Form):
    file = forms.FileField(
        label=_("Document"),
        help_text=_("PDF, DOCX, XLSX, PPTX, ODT, ODS, ODP, PNG or JPEG, without macros."),
    )
    title = forms.CharField(label=_("Title (optional)"), required=False, max_length=200)


class ConsortiumInviteForm(forms.Form):
    org_number = forms.CharField(
        label=_("Organisation number"),
        max_length=11,
        help_text=_("Nine digits, as in the Brønnøysund Register Centre."),
    )
