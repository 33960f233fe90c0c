"""Django's form renderer, with its choice widgets written in Python (issue 14).

Django renders a ``<select>`` through a template per option, and each option through an
included template for its attributes: the opportunity list's filter form (31 municipalities,
the service areas, procedures, threshold bands) spent more time there than in anything else
the page renders. :class:`FormRenderer` writes the same bytes for Django's own select,
checkbox and radio templates in plain Python, and leaves every other template to Django. The
markup comes from the widget's own ``get_context`` (selected options, ids, ``aria-*``), so
only the concatenation changes; tests/marketplace/test_form_renderer.py compares both.

``settings.FORM_RENDERER`` names it. A widget given another template is rendered by Django.
"""

from __future__ import annotations

from django.forms.renderers import DjangoTemplates
from django.template import Context
from django.template.base import render_value_in_context
from django.utils.safestring import SafeData, mark_safe

_WIDGETS = "django/forms/widgets/"
_SELECTS = frozenset({f"{_WIDGETS}select.html"})
_MULTIPLE_INPUTS = frozenset({f"{_WIDGETS}checkbox_select.html", f"{_WIDGETS}radio.html"})
_SELECT_OPTION = f"{_WIDGETS}select_option.html"
_INPUT_OPTIONS = frozenset({f"{_WIDGETS}checkbox_option.html", f"{_WIDGETS}radio_option.html"})


class FormRenderer(DjangoTemplates):
    """``DjangoTemplates``, except for the select and multiple-input widgets of Django's own
    templates (see the module's docstring)."""

    def render(self, template_name, context, request=None):
        if template_name in _SELECTS and _options_use(context, {_SELECT_OPTION}):
            return _select(context["widget"], Context()).strip()
        if template_name in _MULTIPLE_INPUTS and _options_use(context, _INPUT_OPTIONS):
            return _multiple_input(context["widget"], Context()).strip()
        return super().render(template_name, context, request=request)


def _options_use(context, templates: set[str] | frozenset[str]) -> bool:
    return all(
        option["template_name"] in templates
        for _group, options, _index in context["widget"]["optgroups"]
        for option in options
    )


def _text(value, context: Context) -> str:
    """``{{ value }}``."""
    return render_value_in_context(value, context)


def _string(value, context: Context) -> str:
    """``{{ value|stringformat:'s' }}``."""
    try:
        text = "%s" % value  # noqa: UP031 (the filter's own formatting)
    except (TypeError, ValueError):
        text = ""
    if isinstance(value, SafeData):
        text = mark_safe(text)  # noqa: S308 (stringformat is an is_safe filter)
    return _text(text, context)


def _attrs(attrs: dict, context: Context) -> str:
    """django/forms/widgets/attrs.html."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(f" {_text(name, context)}")
        if value is not True:
            parts.append(f'="{_string(value, context)}"')
    return "".join(parts)


def _select(widget: dict, context: Context) -> str:
    """django/forms/widgets/select.html with select_option.html."""
    parts = [f'<select name="{_text(widget["name"], context)}"{_attrs(widget["attrs"], context)}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_text(group_name, context)}">')
        for option in options:
            parts.append(
                f'\n  <option value="{_string(option["value"], context)}"'
                f"{_attrs(option['attrs'], context)}>{_text(option['label'], context)}</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>\n")
    return "".join(parts)


def _input(widget: dict, context: Context) -> str:
    """django/forms/widgets/input.html."""
    value = widget["value"]
    shown = f' value="{_string(value, context)}"' if value is not None else ""
    return (
        f'<input type="{_text(widget["type"], context)}" name="{_text(widget["name"], context)}"'
        f"{shown}{_attrs(widget['attrs'], context)}>\n"
    )


def _input_option(widget: dict, context: Context) -> str:
    """django/forms/widgets/input_option.html (what checkbox_option and radio_option include)."""
    if not widget["wrap_label"]:
        return f"{_input(widget, context)}\n"
    option_id = widget["attrs"].get("id")
    label_for = f' for="{_text(option_id, context)}"' if option_id else ""
    return (
        f"<label{label_for}>{_input(widget, context)} {_text(widget['label'], context)}</label>\n"
    )


def _multiple_input(widget: dict, context: Context) -> str:
    """django/forms/widgets/multiple_input.html (checkbox_select.html and radio.html)."""
    attrs = widget["attrs"]
    widget_id, css_class = attrs.get("id"), attrs.get("class")
    parts = ["<div"]
    if widget_id:
        parts.append(f' id="{_text(widget_id, context)}"')
    if css_class:
        parts.append(f' class="{_text(css_class, context)}"')
    parts.append(">")
    for group, options, _index in widget["optgroups"]:
        if group:
            parts.append(f"\n  <div><label>{_text(group, context)}</label>")
        for option in options:
            parts.append(f"<div>\n    {_input_option(option, context)}\n</div>")
        if group:
            parts.append("\n  </div>")
    parts.append("\n</div>\n")
    return "".join(parts)
