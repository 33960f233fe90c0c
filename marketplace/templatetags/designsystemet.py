"""Template helpers that give Django's form widgets Designsystemet's classes.

Django renders widgets from its own templates, so the ``ds-input`` class is added here rather
than on every form in the project (allauth's forms included).

A field the form has made unchangeable (``disabled``) is shown as a read-only text input with
its value's label instead: Designsystemet fades a disabled field and its help text to about
1.6:1, which fails WCAG 1.4.3, and a disabled control can be neither focused nor copied. Django
ignores what is posted for a disabled field, so the read-only input carries no name.
"""

from __future__ import annotations

from django import forms, template
from django.forms import BoundField
from django.utils.html import format_html
from django.utils.translation import gettext

register = template.Library()


def _display_value(field: BoundField) -> str:
    value = field.value()
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        return gettext("Yes") if value else gettext("No")
    choices = getattr(field.field, "choices", None)
    if choices is not None:
        wanted = {str(v) for v in value} if isinstance(value, list | tuple) else {str(value)}
        labels = [str(label) for key, label in choices if str(getattr(key, "value", key)) in wanted]
        return ", ".join(labels) or "–"
    return "" if value is None else str(widget.format_value(value) or "")


def _read_only(field: BoundField):
    described = f"{field.auto_id}_helptext" if field.help_text else ""
    return format_html(
        '<input class="ds-input" type="text" id="{}" value="{}" readonly{}>',
        field.auto_id,
        _display_value(field),
        format_html(' aria-describedby="{}"', described) if described else "",
    )


@register.filter
def ds_widget(field: BoundField):
    """Render ``field``'s widget with ``class="ds-input"`` added to its own classes.

    Django adds ``aria-invalid`` and ``aria-describedby`` (help text and errors) itself.
    """
    if field.field.disabled and not field.is_hidden:
        return _read_only(field)
    classes = field.field.widget.attrs.get("class", "").split()
    if "ds-input" not in classes:
        classes.append("ds-input")
    return field.as_widget(attrs={"class": " ".join(classes)})
