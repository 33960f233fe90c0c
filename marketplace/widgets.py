"""The CPV picker: a multi-select of CPV codes that JavaScript turns into a searchable combobox.

Use it on a ``ModelMultipleChoiceField(queryset=CpvCode.objects.all(), widget=CpvPickerWidget())``,
or for one code on a ``ModelChoiceField(..., widget=CpvPickerWidget(multiple=False))`` (a
``<select>`` without ``multiple``, starting with an empty choice; the JavaScript then replaces the
chosen code instead of adding one).
Without JavaScript it is a plain ``<select multiple>`` grouped by division; with
``static/js/cpv-picker.js`` the select is hidden (still posting the field) behind a WAI-ARIA
combobox that searches ``/api/cpv/`` and shows the chosen codes as removable buttons.

The full vocabulary has 9,454 codes, too many for Django's one-template-per-option rendering, so
the options are written in one pass from a single ``values_list`` query.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from html import escape

from django import forms
from django.forms.models import ModelChoiceIterator
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from marketplace.i18n import active_language, english_active
from marketplace.models.classification import CpvCode


class CpvPickerWidget(forms.SelectMultiple):
    template_name = "marketplace/widgets/cpv_picker.html"

    class Media:
        js = ["js/cpv-picker.js"]

    def __init__(self, attrs=None, choices=(), *, multiple: bool = True):
        super().__init__(attrs, choices)
        self.allow_multiple_selected = multiple

    def value_from_datadict(self, data, files, name):
        if self.allow_multiple_selected:
            return super().value_from_datadict(data, files, name)
        return data.get(name)

    def value_omitted_from_data(self, data, files, name):
        if self.allow_multiple_selected:
            return super().value_omitted_from_data(data, files, name)
        return name not in data

    def _rows(self) -> Iterator[tuple[str, str, str]]:
        """``(code, label, level)`` for each choice, from one query when the choices allow it."""
        choices = self.choices
        queryset = getattr(choices, "queryset", None)
        if isinstance(choices, ModelChoiceIterator) and getattr(queryset, "model", None) is CpvCode:
            first, second = ("name_en", "name_nb") if english_active() else ("name_nb", "name_en")
            rows = queryset.order_by("code").values_list("code", first, second, "level")
            for code, label, fallback, level in rows:
                yield code, label or fallback, level
            return
        for value, label in choices:
            if value in ("", None):
                continue
            yield str(value), str(label), ""

    def render_options(self, selected: Iterable[str]) -> str:
        """Every option in one pass, grouped by division (``<optgroup>``) when levels are known."""
        chosen = set(selected) - {""}
        parts: list[str] = []
        if not self.allow_multiple_selected:
            empty_selected = "" if chosen else " selected"
            empty_label = escape(str(_("(none)")))  # outside the f-string, where xgettext sees it
            parts.append(f'<option value=""{empty_selected}>{empty_label}</option>')
        group_open = False
        for code, label, level in self._rows():
            if level == CpvCode.Level.DIVISION:
                if group_open:
                    parts.append("</optgroup>")
                parts.append(f'<optgroup label="{escape(code[:2])} {escape(label)}">')
                group_open = True
            selected_attr = " selected" if code in chosen else ""
            parts.append(
                f'<option value="{escape(code)}"{selected_attr} data-level="{level}">'
                f"{escape(code)} {escape(label)}</option>"
            )
        if group_open:
            parts.append("</optgroup>")
        return "".join(parts)

    def render(self, name, value, attrs=None, renderer=None):
        values = self.format_value(value)
        final_attrs = self.build_attrs(self.attrs, attrs)
        final_attrs.pop("multiple", None)
        attributes = "".join(
            format_html(' {}="{}"', key, val) if val is not True else format_html(" {}", key)
            for key, val in final_attrs.items()
            if val is not False and val is not None
        )
        multiple = " multiple" if self.allow_multiple_selected else ""
        select = mark_safe(  # noqa: S308 - every value above is escaped
            f'<select name="{escape(name)}"{multiple}{attributes}>'
            f"{self.render_options(values)}</select>"
        )
        context = {
            "select": select,
            "multiple": self.allow_multiple_selected,
            "id": final_attrs.get("id", ""),
            "api_url": reverse("api:cpv-list"),
            "lang": active_language(),
        }
        return mark_safe(render_to_string(self.template_name, context))  # noqa: S308
