import re
import time

import pytest
from django import forms
from django.utils import translation

from marketplace.models import CpvCode
from marketplace.widgets import CpvPickerWidget

from .helpers import load_demo_cpv


class CpvForm(forms.Form):
    cpv = forms.ModelMultipleChoiceField(
        label="CPV codes", queryset=CpvCode.objects.all(), widget=CpvPickerWidget()
    )


@pytest.mark.django_db
def test_renders_a_plain_multi_select_with_the_selected_codes():
    load_demo_cpv()
    form = CpvForm(initial={"cpv": ["72212000", "45000000"]})

    with translation.override("en"):
        html = str(form["cpv"])

    assert re.search(r'<select name="cpv" multiple[^>]* id="id_cpv"', html)
    assert '<option value="72212000" selected data-level="category">' in html
    assert '<option value="45000000" selected data-level="division">' in html
    assert '<option value="48000000" data-level="division">' in html
    assert "72000000 IT services: consulting, software development" in html
    assert html.count("<optgroup") == 45  # one per division
    assert "data-cpv-picker" in html and 'data-api-url="/api/cpv/"' in html
    assert "js/cpv-picker.js" in html


@pytest.mark.django_db
def test_labels_follow_the_active_language():
    load_demo_cpv()

    with translation.override("nb"):
        html = str(CpvForm()["cpv"])

    assert "72000000 Datatjenester: rådgivning" in html
    assert 'data-lang="nb"' in html


@pytest.mark.django_db
def test_bound_form_posts_and_rerenders_the_chosen_codes():
    load_demo_cpv()

    form = CpvForm(data={"cpv": ["72212000", "90511000"]})

    assert form.is_valid()
    assert {code.code for code in form.cleaned_data["cpv"]} == {"72212000", "90511000"}
    assert str(form["cpv"]).count(" selected ") == 2


@pytest.mark.django_db
def test_full_vocabulary_renders_in_one_query_and_one_pass(django_assert_num_queries):
    # given 9,454 codes (the full list's size), from the demo subset plus generated categories
    load_demo_cpv()
    parent = CpvCode.objects.get(code="72212000")
    taken = set(CpvCode.objects.values_list("code", flat=True))
    free = (f"{n:08d}" for n in range(72230001, 72999999) if f"{n:08d}" not in taken)
    CpvCode.objects.bulk_create(
        CpvCode(
            code=next(free),
            check_digit="0",
            level=CpvCode.Level.CATEGORY,
            parent=parent,
            name_nb=f"Kode {n} <&>",
            name_en=f"Code {n} <&>",
        )
        for n in range(9454 - len(taken))
    )
    assert CpvCode.objects.count() == 9454
    form = CpvForm()

    # when
    with django_assert_num_queries(1):
        started = time.perf_counter()
        html = str(form["cpv"])
        elapsed = time.perf_counter() - started

    # then
    assert html.count("<option ") == CpvCode.objects.count()
    assert "&lt;&amp;&gt;" in html and "<&>" not in html
    assert elapsed < 1.0  # typically ~0.1 s; the bound is loose for busy CI machines
