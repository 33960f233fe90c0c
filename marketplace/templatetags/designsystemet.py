"""Template helpers that give Django's form widgets Designsystemet's classes.

Django renders widgets from its own templates, so the ``ds-input`` class is added here rather
than on every form in the project (allauth's forms included).
"""

from __future__ import annotations

from django import template
from django.forms import BoundField

register = template.Library()


@register.filter
def ds_widget(field: BoundField):
    """Render ``field``'s widget with ``class="ds-input"`` added to its own classes.

    Django adds ``aria-invalid`` and ``aria-describedby`` (help text and errors) itself.
    """
    classes = field.field.widget.attrs.get("class", "").split()
    if "ds-input" not in classes:
        classes.append("ds-input")
    return field.as_widget(attrs={"class": " ".join(classes)})
