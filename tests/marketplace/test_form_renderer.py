"""The form renderer writes Django's choice widgets in Python: byte for byte what Django's
templates write (marketplace/form_renderer.py)."""

from __future__ import annotations

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils import translation
from django.utils.safestring import mark_safe

from marketplace.form_renderer import FormRenderer

DJANGO = DjangoTemplates()
OURS = FormRenderer()


class Everything(forms.Form):
    plain = forms.ChoiceField(choices=[("a", "A & <b>"), ("b", "B")], required=False)
    grouped = forms.ChoiceField(
        choices=[("Group <1>", [("a", "A"), ("b", "B")]), ("c", "C"), ("", "(none)")]
    )
    numbers = forms.TypedChoiceField(choices=[(1, "One"), (2, 2), (3.5, "Three and a half")])
    many = forms.MultipleChoiceField(choices=[("x", "X"), ("y", "Y"), ("z", "Z")])
    boxes = forms.MultipleChoiceField(
        choices=[("x", "X"), ("Letters", [("y", "Y"), ("z", "Z")])],
        widget=forms.CheckboxSelectMultiple(attrs={"class": "ds-checkbox"}),
        required=False,
    )
    radio = forms.ChoiceField(
        choices=[("yes", mark_safe("<em>Yes</em>")), ("no", 'No "quoted"')],
        widget=forms.RadioSelect,
    )
    no_id = forms.ChoiceField(
        choices=[("a", "A")], widget=forms.Select(attrs={"data-x": "1 < 2", "hidden": True})
    )
    unknown = forms.NullBooleanField()
    disabled = forms.ChoiceField(choices=[("a", "A")], disabled=True, required=False)


def _both(field: forms.BoundField, **attrs) -> tuple[str, str]:
    widget = field.field.widget
    attrs = field.build_widget_attrs(attrs, widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    rendered = []
    for renderer in (DJANGO, OURS):
        rendered.append(
            widget.render(name=field.html_name, value=field.value(), attrs=attrs, renderer=renderer)
        )
    return rendered[0], rendered[1]


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"plain": "a", "grouped": "b", "numbers": "2", "many": ["x", "z"], "boxes": ["y"]},
        {"radio": "yes", "unknown": "true", "boxes": ["x", "z"], "grouped": ""},
    ],
)
@pytest.mark.parametrize("language", ["nb", "en"])
def test_every_choice_widget_is_written_as_djangos_templates_write_it(data, language):
    with translation.override(language):
        form = Everything(data)
        form.is_valid()
        for name in form.fields:
            django, ours = _both(form[name], **{"class": "ds-input"})

            assert ours == django, name


def test_the_opportunity_filter_form_is_written_as_django_writes_it(db, rf):
    from tenders.filters.public import OpportunityFilter
    from tenders.selectors.public import public_tenders
    from tests.factories import municipality

    municipality("3201", "Bærum")
    municipality("3203", "Asker & Co")
    request = rf.get("/konkurranser/", {"municipality": "3201", "procedure": ["open"]})
    form = OpportunityFilter(request.GET, queryset=public_tenders(), request=request).form
    for name in form.fields:
        django, ours = _both(form[name])

        assert ours == django, name
    assert "<option" in _both(form["municipality"])[1]


def test_a_widget_with_a_template_of_its_own_is_left_to_django():
    class Custom(forms.Select):
        option_template_name = "django/forms/widgets/input.html"

    field = forms.Form()
    field.fields["pick"] = forms.ChoiceField(choices=[("a", "A")], widget=Custom)
    django, ours = _both(field["pick"])

    assert ours == django
    assert "<input" in ours


def test_the_site_uses_it(settings):
    from django.forms.renderers import get_default_renderer

    assert settings.FORM_RENDERER == "marketplace.form_renderer.FormRenderer"
    assert isinstance(get_default_renderer(), FormRenderer)
