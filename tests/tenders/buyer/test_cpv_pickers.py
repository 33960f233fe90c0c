"""CPV codes on the buyer's tender form are chosen with the CPV picker: the main code in
single-choice mode, each lot's codes and the additional codes in multiple mode. Without
JavaScript the pickers are plain selects that post the same fields."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.urls import reverse
from django.utils import timezone, translation

from marketplace.models import CpvCode
from marketplace.widgets import CpvPickerWidget
from tenders.models import Tender
from tests.factories import cpv_code
from tests.tenders.buyer.test_views import _management, _tender_post

pytestmark = pytest.mark.django_db


def _en(name, **kwargs):
    with translation.override("en"):
        return reverse(f"tenders:{name}", kwargs=kwargs)


def _select(html: str, name: str) -> str:
    match = re.search(rf'<select name="{re.escape(name)}"[^>]*>.*?</select>', html, re.S)
    assert match, f"no select named {name}"
    return match.group(0)


def _oslo(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


class OneCode(forms.Form):
    cpv = forms.ModelChoiceField(
        label="CPV code",
        queryset=CpvCode.objects.all(),
        required=False,
        widget=CpvPickerWidget(multiple=False),
    )


def test_single_mode_renders_a_select_without_multiple_and_an_empty_choice():
    cpv_code("72000000", "IT services")
    cpv_code("90620000", "Snow-clearing services")

    with translation.override("en"):
        html = str(OneCode(initial={"cpv": "90620000"})["cpv"])

    select = _select(html, "cpv")
    assert " multiple" not in select.split(">", 1)[0]
    assert '<option value="">(none)</option>' in select
    assert '<option value="90620000" selected' in select
    assert "data-single" in html and "Selected CPV code" in html
    assert "Hold Ctrl" not in html  # the multi-select hint does not apply


def test_single_mode_empty_choice_is_selected_when_nothing_is_chosen():
    cpv_code("72000000", "IT services")

    html = str(OneCode()["cpv"])

    assert '<option value="" selected>' in _select(html, "cpv")


def test_single_mode_posts_one_code_and_none():
    cpv_code("72000000", "IT services")

    chosen = OneCode(data={"cpv": "72000000"})
    empty = OneCode(data={"cpv": ""})
    omitted = OneCode(data={})

    assert chosen.is_valid() and chosen.cleaned_data["cpv"].code == "72000000"
    assert empty.is_valid() and empty.cleaned_data["cpv"] is None
    assert omitted.is_valid() and omitted.cleaned_data["cpv"] is None
    assert OneCode.base_fields["cpv"].widget.value_omitted_from_data({}, {}, "cpv")


def test_tender_form_uses_the_picker_for_main_lot_and_additional_codes(buyer_client, main_cpv):
    response = buyer_client.get(_en("buyer_tender_create"))

    html = response.content.decode()
    main = _select(html, "main_cpv")
    assert 'id="id_main_cpv"' in main and " multiple" not in main.split(">", 1)[0]
    lot = _select(html, "lots-0-cpv_codes")
    assert 'id="id_lots-0-cpv_codes"' in lot and " multiple" in lot.split(">", 1)[0]
    assert " multiple" in _select(html, "additional_cpv").split(">", 1)[0]
    templates = re.findall(r"<template data-formset-empty>.*?</template>", html, re.S)
    page = re.sub(r"<template data-formset-empty>.*?</template>", "", html, flags=re.S)
    assert page.count("data-cpv-picker ") == 3  # main, additional, the one empty lot
    # the row the page adds with JavaScript carries its own picker
    assert sum(t.count("data-cpv-picker ") for t in templates) == 1
    assert 'aria-describedby="id_main_cpv_helptext"' not in main  # no stale help text


def test_lot_codes_are_saved_from_the_picker_and_shown_again_on_edit(
    buyer_client, buyer_unit, main_cpv
):
    snow = cpv_code("90620000", "Snow-clearing services")
    data = _tender_post(
        buyer_unit, main_cpv=snow.code, **{"lots-0-cpv_codes": [snow.code, main_cpv.code]}
    )

    response = buyer_client.post(_en("buyer_tender_create"), data)

    assert response.status_code == 302, response.content.decode()[:3000]
    tender = Tender.objects.get(title="Skoleskyss")
    assert tender.main_cpv == snow
    north = tender.lots.get(number=1)
    assert set(north.cpv_codes.values_list("code", flat=True)) == {"72000000", "90620000"}
    assert not tender.lots.get(number=2).cpv_codes.exists()
    # the edit form shows them chosen in the pickers
    html = buyer_client.get(_en("buyer_tender_edit", reference=tender.reference)).content.decode()
    assert '<option value="90620000" selected' in _select(html, "main_cpv")
    lot = _select(html, "lots-0-cpv_codes")
    assert '<option value="90620000" selected' in lot
    assert '<option value="72000000" selected' in lot
    assert " selected" not in _select(html, "lots-1-cpv_codes")


def test_unknown_lot_code_is_a_field_error(buyer_client, buyer_unit, main_cpv):
    data = _tender_post(buyer_unit, **{"lots-0-cpv_codes": ["99999999"]})

    response = buyer_client.post(_en("buyer_tender_create"), data)

    assert response.status_code == 200
    body = response.content.decode()
    assert "id_lots-0-cpv_codes_error" in body
    assert "99999999 is not one of the available choices" in body


def test_draft_without_a_main_code_is_saved(buyer_client, buyer_unit, main_cpv):
    response = buyer_client.post(_en("buyer_tender_create"), _tender_post(buyer_unit, main_cpv=""))

    assert response.status_code == 302
    assert Tender.objects.get(title="Skoleskyss").main_cpv is None


def test_amending_keeps_lot_codes_chosen_in_the_picker(buyer_client, published, main_cpv):
    snow = cpv_code("90620000", "Snow-clearing services")
    lots = list(published.lots.all())
    data = _tender_post(
        published.unit,
        title=published.title,
        description=published.description,
        summary="Lot 1 gets a CPV code.",
        question_deadline=_oslo(published.question_deadline),
        submission_deadline=_oslo(published.submission_deadline),
        **{
            **_management("lots", 2, 2),
            "lots-0-id": str(lots[0].pk),
            "lots-0-title": lots[0].title,
            "lots-0-cpv_codes": [snow.code],
            "lots-1-id": str(lots[1].pk),
            "lots-1-title": lots[1].title,
            **_management("criteria", 1, 1),
            "criteria-0-name": published.criteria.get().name,
            "criteria-0-weight": "100",
            **_management("requirements", 0),
        },
    )
    data.pop("criteria-1-name")
    data.pop("criteria-1-weight")
    data.pop("requirements-0-text")

    response = buyer_client.post(_en("buyer_tender_edit", reference=published.reference), data)

    assert response.status_code == 302, response.content.decode()[:3000]
    assert list(lots[0].cpv_codes.values_list("code", flat=True)) == ["90620000"]
