"""A field the form made unchangeable is shown read-only, not disabled (WCAG 1.4.3 and 2.1.1).

Designsystemet fades a disabled field with its help text to about 1.6:1 and the browser skips it
when tabbing; ``ds_widget`` writes a focusable read-only input with the value's label instead.
"""

from __future__ import annotations

from django import forms
from django.utils import translation

from marketplace.templatetags.designsystemet import ds_widget
from tests.html_helpers import parse


class Unit(forms.Form):
    unit = forms.ChoiceField(
        choices=[("1", "Samferdsel"), ("2", "Utdanning")],
        help_text="The unit cannot change once the arena is published.",
    )
    name = forms.CharField()
    active = forms.BooleanField(required=False)


def _form(**initial) -> Unit:
    form = Unit(initial=initial)
    for field in form.fields.values():
        field.disabled = True
    return form


def test_a_disabled_choice_shows_its_label_in_a_read_only_input():
    node = parse(str(ds_widget(_form(unit="2")["unit"]))).first("input")

    assert node.get("value") == "Utdanning"
    assert "readonly" in node.attrs and "disabled" not in node.attrs
    assert node.get("name") is None, "nothing is posted: Django keeps the initial value"
    assert node.get("id") == "id_unit"
    assert node.get("aria-describedby") == "id_unit_helptext"


def test_disabled_text_and_checkbox_read_as_words():
    form = _form(name="Testarena <Fornebu>", active=True)

    assert parse(str(ds_widget(form["name"]))).first("input").get("value") == "Testarena <Fornebu>"
    with translation.override("nb"):
        assert parse(str(ds_widget(form["active"]))).first("input").get("value") == "Ja"


def test_an_enabled_field_keeps_its_own_widget():
    node = parse(str(ds_widget(Unit()["unit"]))).first("select")

    assert node.get("name") == "unit" and "ds-input" in node.get("class")
