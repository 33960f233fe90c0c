"""What the dialogue partials on the public tender and need pages need, from ``tender`` and the
request alone: ``{% load tender_dialogue %}{% tender_questions tender as qa %}``.
"""

from __future__ import annotations

from django import template

from tenders.forms.dialogue import QuestionForm
from tenders.lifecycle import question_deadline
from tenders.selectors.dialogue import (
    can_ask,
    is_following,
    pending_questions_of,
    published_questions_of,
    supplier_organisation_ids_of,
    supplier_organisations_of,
)

register = template.Library()


def _user(context):
    request = context.get("request")
    return getattr(request, "user", None)


@register.simple_tag(takes_context=True)
def tender_questions(context, tender) -> dict:
    """Published Q&A for everyone; for a supplier also the ask form and its own pending ones."""
    user = _user(context)
    # Which suppliers the person speaks for, from what the request read about them (no query).
    speaking_for = supplier_organisation_ids_of(user) if user is not None else frozenset()
    asking = can_ask(tender)
    # Read with the tender where the page did (tenders.selectors.public.tender_for_page).
    published = getattr(tender, "published_questions", None)
    if published is None:
        published = published_questions_of(tender)
    return {
        "published": published,
        "pending": pending_questions_of(tender, speaking_for),
        "can_ask": asking,
        "is_supplier": bool(speaking_for),
        "is_authenticated": bool(getattr(user, "is_authenticated", False)),
        "form": (
            QuestionForm(organisations=supplier_organisations_of(user))
            if speaking_for and asking
            else None
        ),
        "deadline": question_deadline(tender),
    }


@register.simple_tag(takes_context=True)
def following(context, tender=None, need=None) -> bool:
    user = _user(context)
    if user is None:
        return False
    return is_following(user, tender=tender, need=need)
